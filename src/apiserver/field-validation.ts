/**
 * fieldValidation as kube-apiserver's decoder applies it to unknown fields:
 *
 * - Strict → 400; a request body (create, PUT) fails in the decoder, whose error names the kind:
 *   `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:
 *   unknown field "spec.replicaz"`; a patch result without that prefix;
 * - Warn (the default, as upstream) → the fields are dropped and each becomes a warning,
 *   sent as `Warning: 299 - "unknown field \"spec.replicaz\""` (kubectl prints it);
 * - Ignore → dropped silently.
 */
import { badRequest } from '../api/errors.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { WriteOptions } from './protocol.js';
import type { OpResult } from './registry.js';

/**
 * applyFieldValidation handles obj's unknown field paths (from the strategy) per opts; warnings
 * collects Warn messages (a Set: an update function may run more than once).
 */
export function applyFieldValidation(info: Pick<ResourceInfo, 'kind' | 'version'>, obj: KObject, unknown: string[], opts: WriteOptions, warnings?: Set<string>, decodedBody = false): void {
  if (unknown.length === 0) return;
  if (opts.fieldValidation === 'Strict') {
    const prefix = decodedBody ? `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ` : '';
    throw badRequest(`${prefix}strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  for (const f of unknown) {
    dropPath(obj, f);
    if (opts.fieldValidation !== 'Ignore') warnings?.add(`unknown field "${f}"`);
  }
}

/** withWarnings attaches collected warnings to a result (HTTP turns them into Warning headers). */
export function withWarnings(r: OpResult, warnings: Set<string>): OpResult {
  if (warnings.size > 0) r.warnings = [...warnings];
  return r;
}

/**
 * dropPath deletes the field at a path as unknownFields prints it (`spec.containers[0].imagez`).
 * Unknown fields are found under object properties, so the path's names never contain dots.
 */
export function dropPath(obj: unknown, path: string): void {
  const tokens = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = obj;
  for (let i = 0; i < tokens.length - 1 && cur !== null && typeof cur === 'object'; i++) {
    const t = tokens[i];
    cur = t.startsWith('[') ? (cur as unknown[])[Number(t.slice(1, -1))] : (cur as Record<string, unknown>)[t];
  }
  const last = tokens[tokens.length - 1];
  if (cur !== null && typeof cur === 'object' && last !== undefined && !last.startsWith('[')) delete (cur as Record<string, unknown>)[last];
}
