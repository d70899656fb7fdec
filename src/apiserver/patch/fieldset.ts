/**
 * Field sets for managedFields (structured-merge-diff's fieldpath.Set, approximated). A path is a
 * list of path elements:
 *
 *   f:spec  f:template  f:spec  f:containers  k:{"name":"web"}  f:image
 *
 * `f:<name>` a field, `k:<json>` an associative-list element by its keys, `v:<json>` a set
 * element, `i:<n>` an element of an atomic list is never produced (atomic lists are leaves).
 * fieldsV1 is the nested-object encoding of a set: `{"f:spec":{"f:replicas":{}}}`, with `".": {}`
 * marking a list element (or map) that is itself owned.
 */
import type { Schema } from '../openapi/schema-dsl.js';
import { resolve } from '../openapi/schemas.js';
import { childSchema, isMap, itemSchema, jsonEqual, listMergeMeta } from './strategic.js';

/** FieldPath is a list of path elements. */
export type FieldPath = string[];

/** pathKey joins a path for use in a Set. */
export const pathKey = (p: FieldPath): string => JSON.stringify(p);
/** parseKey reverses pathKey. */
export const parseKey = (k: string): FieldPath => JSON.parse(k) as FieldPath;

/** Server-owned or identity fields that never enter a manager's set. */
const SKIP_ROOT = new Set(['apiVersion', 'kind', 'status']);
const SKIP_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

function listKeys(s: Schema | undefined): string[] | undefined {
  if (!s) return undefined;
  const r = resolve(s);
  if (r.kind === 'array' && r.listMapKeys && r.listMapKeys.length > 0) return r.listMapKeys;
  const { mergeKey } = listMergeMeta(s);
  return mergeKey ? [mergeKey] : undefined;
}

function isSetList(s: Schema | undefined): boolean {
  if (!s) return false;
  const r = resolve(s);
  if (r.kind !== 'array') return false;
  return r.listType === 'set' || (listMergeMeta(s).merge && !listMergeMeta(s).mergeKey);
}

/**
 * elementKey builds the `k:{…}` element of an associative-list item. A key field the item omits
 * takes its schema default (ports without protocol key as TCP), as structured-merge-diff does, so
 * an applied `{containerPort: 80}` and the stored, defaulted port name the same element.
 */
export function elementKey(item: Record<string, unknown>, keys: string[], items?: Schema): string {
  const o: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? childSchema(items, k)?.default;
    if (v !== undefined) o[k] = v;
  }
  return `k:${JSON.stringify(o)}`;
}

/**
 * fieldSet returns the leaf paths of value (an object being applied or written), using schema to
 * tell associative lists from atomic ones. `top` skips identity and status fields.
 */
export function fieldSet(value: unknown, schema: Schema | undefined, top = true): Set<string> {
  const out = new Set<string>();
  walk(value, schema, [], out, top);
  return out;
}

function walk(value: unknown, schema: Schema | undefined, path: FieldPath, out: Set<string>, top: boolean): void {
  if (isMap(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && path.length > 0) {
      out.add(pathKey(path));
      return;
    }
    for (const [k, v] of entries) {
      if (k.startsWith('$')) continue;
      if (top && path.length === 0 && SKIP_ROOT.has(k)) continue;
      if (top && path.length === 1 && path[0] === 'f:metadata' && SKIP_META.has(k)) continue;
      walk(v, childSchema(schema, k), [...path, `f:${k}`], out, top);
    }
    return;
  }
  if (Array.isArray(value)) {
    const keys = listKeys(schema);
    const items = itemSchema(schema);
    if (keys && value.every(isMap)) {
      for (const item of value as Record<string, unknown>[]) {
        const p = [...path, elementKey(item, keys, items)];
        out.add(pathKey([...p, '.']));
        for (const [k, v] of Object.entries(item)) {
          if (k.startsWith('$')) continue;
          walk(v, childSchema(items, k), [...p, `f:${k}`], out, top);
        }
      }
      return;
    }
    if (isSetList(schema)) {
      for (const v of value) out.add(pathKey([...path, `v:${JSON.stringify(v)}`]));
      return;
    }
  }
  out.add(pathKey(path));
}

/**
 * changedFieldSet returns the leaf paths of value whose values differ from (or are absent in)
 * old: what a non-apply write newly sets. Walks both trees together (no per-path lookups), since
 * it runs on every write that names a field manager.
 */
export function changedFieldSet(value: unknown, old: unknown, schema: Schema | undefined): Set<string> {
  const out = new Set<string>();
  diffWalk(value, old, schema, [], out, true);
  return out;
}

function diffWalk(value: unknown, old: unknown, schema: Schema | undefined, path: FieldPath, out: Set<string>, top: boolean): void {
  if (old === undefined) {
    walk(value, schema, path, out, top);
    return;
  }
  if (isMap(value) && isMap(old)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      if (path.length > 0 && Object.keys(old).length !== 0) out.add(pathKey(path));
      return;
    }
    for (const [k, v] of entries) {
      if (k.startsWith('$')) continue;
      if (top && path.length === 0 && SKIP_ROOT.has(k)) continue;
      if (top && path.length === 1 && path[0] === 'f:metadata' && SKIP_META.has(k)) continue;
      diffWalk(v, old[k], childSchema(schema, k), [...path, `f:${k}`], out, top);
    }
    return;
  }
  if (Array.isArray(value) && Array.isArray(old)) {
    const keys = listKeys(schema);
    const items = itemSchema(schema);
    if (keys && value.every(isMap) && old.every(isMap)) {
      const olds = new Map((old as Record<string, unknown>[]).map((o) => [elementKey(o, keys, items), o]));
      for (const item of value as Record<string, unknown>[]) {
        const ek = elementKey(item, keys, items);
        const prev = olds.get(ek);
        const p = [...path, ek];
        if (!prev) out.add(pathKey([...p, '.']));
        for (const [k, v] of Object.entries(item)) {
          if (k.startsWith('$')) continue;
          diffWalk(v, prev?.[k], childSchema(items, k), [...p, `f:${k}`], out, top);
        }
      }
      return;
    }
    if (isSetList(schema)) {
      for (const v of value) if (!old.some((o) => jsonEqual(o, v))) out.add(pathKey([...path, `v:${JSON.stringify(v)}`]));
      return;
    }
  }
  if (!jsonEqual(value, old)) walk(value, schema, path, out, top);
}

/** toFieldsV1 encodes a set as the nested fieldsV1 object. */
export function toFieldsV1(set: Set<string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const k of [...set].sort()) {
    let cur = root;
    for (const el of parseKey(k)) {
      cur[el] ??= {};
      cur = cur[el] as Record<string, unknown>;
    }
  }
  return root;
}

/** fromFieldsV1 decodes a fieldsV1 object into a set of leaf paths. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const rec = (node: unknown, path: FieldPath) => {
    if (!isMap(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0) {
      if (path.length > 0) out.add(pathKey(path));
      return;
    }
    for (const k of keys) rec(node[k], [...path, k]);
  };
  rec(fields, []);
  return out;
}

/** valueAt reads the value a path points at ('.' and `v:` elements read the element itself). */
export function valueAt(obj: unknown, path: FieldPath): { found: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const el of path) {
    if (el === '.') continue;
    if (el.startsWith('f:')) {
      if (!isMap(cur) || !(el.slice(2) in cur)) return { found: false };
      cur = cur[el.slice(2)];
    } else if (el.startsWith('k:')) {
      const want = JSON.parse(el.slice(2)) as Record<string, unknown>;
      if (!Array.isArray(cur)) return { found: false };
      // A key field the element omits matches (it would take its schema default, e.g. protocol TCP).
      cur = cur.find((x) => isMap(x) && Object.entries(want).every(([k, v]) => x[k] === undefined || jsonEqual(x[k], v)));
      if (cur === undefined) return { found: false };
    } else if (el.startsWith('v:')) {
      const want = JSON.parse(el.slice(2)) as unknown;
      if (!Array.isArray(cur) || !cur.some((x) => jsonEqual(x, want))) return { found: false };
      cur = want;
    } else return { found: false };
  }
  return { found: true, value: cur };
}

/** removeAt deletes what path points at from obj (in place); a missing path is a no-op. */
export function removeAt(obj: unknown, path: FieldPath): void {
  const els = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  if (els.length === 0) return;
  const parent = valueAt(obj, els.slice(0, -1));
  if (!parent.found) return;
  const last = els[els.length - 1];
  const p = parent.value;
  if (last.startsWith('f:') && isMap(p)) delete p[last.slice(2)];
  else if ((last.startsWith('k:') || last.startsWith('v:')) && Array.isArray(p)) {
    const target = valueAt(p, [last]);
    if (!target.found) return;
    const idx = last.startsWith('v:') ? p.findIndex((x) => jsonEqual(x, target.value)) : p.indexOf(target.value);
    if (idx >= 0) p.splice(idx, 1);
  }
}

/** printPath renders a path as SSA conflict messages do: `.spec.containers[name="web"].image`. */
export function printPath(path: FieldPath): string {
  let s = '';
  for (const el of path) {
    if (el === '.') continue;
    if (el.startsWith('f:')) s += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const o = JSON.parse(el.slice(2)) as Record<string, unknown>;
      s += `[${Object.entries(o)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    } else if (el.startsWith('v:')) s += `[=${el.slice(2)}]`;
  }
  return s;
}
