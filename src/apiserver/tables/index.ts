/**
 * toTable converts objects of one resource to a meta.k8s.io/v1 Table with the columns real
 * kube-apiserver serves for that kind (see printers.ts), so `kubectl get` prints what users expect.
 */
import { resourceKey, type ResourceInfo } from '../../api/resources.js';
import type { KObject, ListMeta } from '../../api/types.js';
import { DEFAULT_PRINTER, PRINTERS, type Printer } from './printers.js';
import type { IncludeObject, Table, TableColumnDefinition, TableRow } from './types.js';

export type { IncludeObject, PartialObjectMetadata, Table, TableColumnDefinition, TableRow } from './types.js';
export { humanDuration } from './format.js';

/** ToTableOptions: includeObject defaults to Metadata; now is the clock time ages are computed at. */
export interface ToTableOptions {
  includeObject?: IncludeObject;
  listMeta: ListMeta;
  now: number;
}

/** TableResource names a resource; with a version, a non-preferred version gets its own printer. */
export type TableResource = Pick<ResourceInfo, 'group' | 'resource'> & { version?: string };

function printerOf(info: TableResource): Printer {
  const versioned = info.version ? PRINTERS[resourceKey({ ...info, version: info.version })] : undefined;
  return versioned ?? PRINTERS[`${info.group}/${info.resource}`] ?? DEFAULT_PRINTER;
}

/** tableColumns returns the column definitions of a resource (a copy; safe to mutate). */
export function tableColumns(info: TableResource): TableColumnDefinition[] {
  return printerOf(info).columns.map((c) => ({ ...c }));
}

const TERMINAL_CONDITIONS: Record<string, TableRow['conditions']> = {
  Succeeded: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
  Failed: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
};

function rowObject(obj: KObject, include: IncludeObject): TableRow['object'] {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return obj as Record<string, unknown>;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}

/**
 * toTable builds the Table for objs (a list, or one object for a single GET). Rows keep the order
 * of objs. Pods in a terminal phase carry the `Completed` row condition as real printers set it.
 */
export function toTable(info: TableResource, objs: KObject[], opts: ToTableOptions): Table {
  const printer = printerOf(info);
  const include = opts.includeObject ?? 'Metadata';
  const isPods = info.group === '' && info.resource === 'pods';
  const rows = objs.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, opts.now), object: rowObject(obj, include) };
    const phase = isPods ? ((obj.status as { phase?: string } | undefined)?.phase ?? '') : '';
    const conditions = TERMINAL_CONDITIONS[phase];
    if (conditions) row.conditions = conditions.map((c) => ({ ...c }));
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { ...opts.listMeta }, columnDefinitions: tableColumns(info), rows };
}
