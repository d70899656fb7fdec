/**
 * Tables for custom resources (`kubectl get <cr>`): Name, then the version's
 * additionalPrinterColumns — or Age when it has none, as apiextensions defaults them.
 */
import type { KObject } from '../../api/types.js';
import type { TableOptions } from '../deps.js';
import type { CrdVersion } from './definition.js';

type Column = NonNullable<CrdVersion['additionalPrinterColumns']>[number];

const AGE: Column = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** evalJsonPath reads a simple JSONPath (`.spec.size`, `.status.conditions[0].type`). */
export function evalJsonPath(obj: unknown, path: string): unknown {
  const tokens = path.replace(/^\{|\}$/g, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur = obj;
  for (const t of tokens) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = t.startsWith('[') ? (cur as unknown[])[Number(t.slice(1, -1))] : (cur as Record<string, unknown>)[t];
  }
  return cur;
}

function cell(v: unknown, type: string): unknown {
  if (v === undefined || v === null) return null;
  if (type === 'string' && typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** crTable renders objs as a meta.k8s.io/v1 Table. */
export function crTable(version: CrdVersion, objs: KObject[], opts: TableOptions): object {
  const cols = version.additionalPrinterColumns?.length ? version.additionalPrinterColumns : [AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta,
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      ...cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    rows: objs.map((o) => ({
      cells: [o.metadata.name, ...cols.map((c) => cell(evalJsonPath(o, c.jsonPath), c.type))],
      ...(opts.includeObject === 'None' ? {} : { object: opts.includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}
