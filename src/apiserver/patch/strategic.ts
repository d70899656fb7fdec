/**
 * Strategic merge patch (apimachinery strategicpatch), driven by the merge keys and patch
 * strategies of our schemas (openapi/schemas.ts):
 *
 *   - maps merge recursively; `null` deletes a key;
 *   - lists with `patchStrategy: merge` + `patchMergeKey` merge element-wise by key
 *     (containers by name, ports by containerPort, conditions by type, ownerReferences by uid…);
 *     primitive lists with `merge` are unions; every other list is replaced;
 *   - directives: `$patch: replace|delete|merge` (maps and list elements), `$retainKeys`,
 *     `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
 *
 * Fields the schema does not describe (or `free` subtrees) merge like JSON merge patch.
 */
import { resolve, patchInfo } from '../openapi/schemas.js';
import type { Schema } from '../openapi/schema-dsl.js';
import { patchBadRequest } from './errors.js';

type JsonMap = Record<string, unknown>;

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** isMap: a plain JSON object. */
export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** childSchema returns the schema of field key inside s (undefined when unknown). */
export function childSchema(s: Schema | undefined, key: string): Schema | undefined {
  if (!s) return undefined;
  const r = resolve(s);
  if (r.kind === 'object') return r.props[key];
  if (r.kind === 'map') return r.values;
  if (r.kind === 'free') return r;
  return undefined;
}

/** itemSchema returns the element schema of a list schema. */
export function itemSchema(s: Schema | undefined): Schema | undefined {
  if (!s) return undefined;
  const r = resolve(s);
  return r.kind === 'array' ? r.items : r.kind === 'free' ? r : undefined;
}

/** listMeta returns how a list field merges: by key, as a set, or atomically. */
export function listMergeMeta(s: Schema | undefined): { mergeKey?: string; merge: boolean } {
  if (!s) return { merge: false };
  const { strategy, mergeKey } = patchInfo(s);
  return { mergeKey, merge: strategy !== undefined && strategy.split(',').includes('merge') };
}

/** stripDirectives removes `$…` keys everywhere, dropping `$patch: delete` list elements. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isMap(x) && x.$patch === 'delete') && !(isMap(x) && x.$patch === 'replace' && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isMap(v)) return v;
  const out: JsonMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x === null) continue; // a null for a key that did not exist deletes nothing
    out[k] = stripDirectives(x);
  }
  return out;
}

/**
 * strategicMerge returns original with patch applied (original is not mutated). schema is the
 * schema of the value at this level (the kind's root schema at the top).
 */
export function strategicMerge(original: unknown, patch: unknown, schema: Schema | undefined): unknown {
  if (!isMap(patch)) throw patchBadRequest('strategic merge patch must be a JSON object');
  const base = isMap(original) ? structuredClone(original) : {};
  return mergeMap(base, patch, schema);
}

function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema | undefined): JsonMap | undefined {
  const directive = patch.$patch;
  if (directive !== undefined) {
    if (directive === 'replace') {
      const { $patch: _drop, ...rest } = patch;
      return stripDirectives(rest) as JsonMap;
    }
    if (directive === 'delete') return undefined;
    if (directive !== 'merge') throw patchBadRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw patchBadRequest('$retainKeys must be a list of strings');
    for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
  }
  // $deleteFromPrimitiveList/<key> first, so a value both deleted and re-added survives.
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_PRIMITIVE)) continue;
    const key = k.slice(DELETE_PRIMITIVE.length);
    if (!Array.isArray(v)) throw patchBadRequest(`${k} must be a list`);
    const cur = original[key];
    if (Array.isArray(cur)) original[key] = cur.filter((x) => !v.some((d) => jsonEqual(d, x)));
  }
  for (const [k, pv] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const fieldSchema = childSchema(schema, k);
    if (pv === null) {
      delete original[k];
      continue;
    }
    const ov = original[k];
    if (isMap(pv)) {
      const merged = mergeMap(isMap(ov) ? ov : {}, pv, fieldSchema);
      if (merged === undefined) delete original[k];
      else original[k] = merged;
    } else if (Array.isArray(pv)) {
      original[k] = mergeList(Array.isArray(ov) ? ov : [], pv, fieldSchema);
    } else {
      original[k] = pv;
    }
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const key = k.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw patchBadRequest(`${k} must be a list`);
    const cur = original[key];
    if (Array.isArray(cur)) original[key] = applyOrder(cur, order, listMergeMeta(childSchema(schema, key)).mergeKey);
  }
  return original;
}

function mergeList(original: unknown[], patch: unknown[], schema: Schema | undefined): unknown[] {
  const { mergeKey, merge } = listMergeMeta(schema);
  const items = itemSchema(schema);
  const replaceAll = patch.some((x) => isMap(x) && x.$patch === 'replace');
  if (replaceAll) return stripDirectives(patch.filter((x) => !(isMap(x) && x.$patch === 'replace'))) as unknown[];
  if (!merge) return stripDirectives(patch) as unknown[];
  if (!mergeKey) {
    // A merging list of primitives is a union that keeps the original order.
    const out = [...original];
    for (const x of patch) if (!out.some((o) => jsonEqual(o, x))) out.push(x);
    return out;
  }
  const out = original.map((x) => structuredClone(x));
  for (const p of patch) {
    if (!isMap(p)) throw patchBadRequest(`unable to find map key "${mergeKey}" in list element ${JSON.stringify(p)}`);
    const keyVal = p[mergeKey];
    if (keyVal === undefined) throw patchBadRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mergeKey}`);
    const idx = out.findIndex((o) => isMap(o) && jsonEqual(o[mergeKey], keyVal));
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonMap, p, items);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      const fresh = mergeMap({}, p, items);
      if (fresh !== undefined) out.push(fresh);
    }
  }
  return out;
}

/**
 * applyOrder sorts list by `$setElementOrder`: listed elements take the listed order; elements
 * only the server has keep their place after the element that preceded them originally.
 */
function applyOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (x: unknown) => (mergeKey && isMap(x) ? x[mergeKey] : x);
  const rank = (x: unknown) => order.findIndex((o) => jsonEqual(mergeKey && isMap(o) ? o[mergeKey] : o, keyOf(x)));
  const ordered = list.filter((x) => rank(x) >= 0).sort((a, b) => rank(a) - rank(b));
  const out = [...ordered];
  list.forEach((x, i) => {
    if (rank(x) >= 0) return;
    const prev = i > 0 ? list[i - 1] : undefined;
    const at = prev === undefined ? -1 : out.indexOf(prev);
    out.splice(at + 1, 0, x);
  });
  return out;
}

/** jsonEqual compares JSON values structurally. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as JsonMap)[k], (b as JsonMap)[k]));
}
