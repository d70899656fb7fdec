/**
 * Server-side apply and managedFields, APPROXIMATED (see docs/api-semantics.md):
 *
 *   - an applied configuration merges into the live object like a strategic merge patch
 *     (associative lists by merge key, atomic lists replaced);
 *   - each manager's fields are recorded in metadata.managedFields (operation Apply or Update,
 *     fieldsV1) from the leaf paths of what it sent;
 *   - applying a field another manager owns with a different value is a 409 FieldManagerConflict
 *     unless force=true, which transfers ownership;
 *   - fields a manager applied before and no longer applies are removed when nobody else owns them.
 *
 * Not modelled: per-version field sets, type-aware defaulting of applied values, list ordering
 * rules of structured-merge-diff, and the "before-first-apply" entry for objects without managedFields.
 */
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { rfc3339 } from '../../api/meta.js';
import type { KObject } from '../../api/types.js';
import type { Schema } from '../openapi/schema-dsl.js';
import { kindSchema } from '../openapi/schemas.js';
import { applyConflict, patchBadRequest, type ApplyConflict } from './errors.js';
import { changedFieldSet, fieldSet, fromFieldsV1, parseKey, printPath, removeAt, toFieldsV1, valueAt } from './fieldset.js';
import { isMap, jsonEqual, strategicMerge } from './strategic.js';

/** ManagedFieldsEntry is one manager's record (metav1.ManagedFieldsEntry). */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Owned {
  entry: ManagedFieldsEntry;
  set: Set<string>;
}

function readEntries(obj: KObject | undefined): Owned[] {
  const raw = (obj?.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
  return raw.filter((e) => isMap(e) && typeof e.manager === 'string').map((e) => ({ entry: { ...e }, set: fromFieldsV1(e.fieldsV1) }));
}

function writeEntries(obj: KObject, owned: Owned[]): void {
  const entries = owned.filter((o) => o.set.size > 0).map((o) => ({ ...o.entry, fieldsV1: toFieldsV1(o.set) }));
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function schemaOf(info: ResourceInfo): Schema | undefined {
  return kindSchema(info);
}

/** leafValueDiffers: both sides have the path and their values differ (element markers never conflict). */
function differs(a: unknown, b: unknown, key: string): boolean {
  const path = parseKey(key);
  if (path[path.length - 1] === '.') return false;
  const va = valueAt(a, path);
  const vb = valueAt(b, path);
  if (!va.found) return false;
  return !vb.found || !jsonEqual(va.value, vb.value);
}

/** ApplyOptions of server-side apply. */
export interface ApplyOptions {
  fieldManager?: string;
  force?: boolean;
  now: number;
  subresource?: string;
}

/**
 * serverSideApply merges applied into current for fieldManager and returns the new object with
 * managedFields updated. Throws 400 without a fieldManager and 409 on conflicts unless force.
 */
export function serverSideApply(info: ResourceInfo, current: KObject, applied: unknown, opts: ApplyOptions): KObject {
  if (!isMap(applied)) throw patchBadRequest('error decoding YAML: the apply patch must be an object');
  const manager = opts.fieldManager;
  if (!manager) throw patchBadRequest('PATCH, application/apply-patch+yaml requires fieldManager parameter');
  const schema = schemaOf(info);
  const appliedSet = fieldSet(applied, schema);
  const owned = readEntries(current);
  const mine = owned.find((o) => o.entry.manager === manager && o.entry.operation === 'Apply' && (o.entry.subresource ?? '') === (opts.subresource ?? ''));
  const others = owned.filter((o) => o !== mine);

  const conflicts: ApplyConflict[] = [];
  const forced: { owner: Owned; key: string }[] = [];
  for (const key of appliedSet) {
    for (const o of others) {
      if (!o.set.has(key) || !differs(current, applied, key)) continue;
      conflicts.push({ manager: o.entry.manager, apiVersion: o.entry.apiVersion, field: printPath(parseKey(key)) });
      forced.push({ owner: o, key });
    }
  }
  if (conflicts.length > 0 && !opts.force) throw applyConflict(conflicts);
  for (const f of forced) f.owner.set.delete(f.key);

  const { managedFields: _mf, resourceVersion: _rv, ...appliedMeta } = (applied.metadata ?? {}) as Record<string, unknown>;
  const merged = strategicMerge(current, { ...applied, metadata: appliedMeta }, schema) as KObject;
  merged.metadata ??= {};

  // Fields this manager applied before but not now are removed unless someone else owns them.
  const dropped = [...(mine?.set ?? [])].filter((k) => !appliedSet.has(k) && !others.some((o) => o.set.has(k)));
  for (const key of dropped.sort((a, b) => b.length - a.length)) removeAt(merged, parseKey(key));

  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion: apiVersionOf(info), time: rfc3339(opts.now), fieldsType: 'FieldsV1', fieldsV1: {} };
  if (opts.subresource) entry.subresource = opts.subresource;
  // Keep managers in their original order; a first apply is appended.
  const mineNow: Owned = { entry, set: appliedSet };
  const next: Owned[] = mine ? owned.map((o) => (o === mine ? mineNow : o)) : [...owned, mineNow];
  writeEntries(merged, pruneMissing(merged, next, fieldSet(merged, schema)));
  return merged;
}

/** pruneMissing drops owned paths that no longer exist in obj (present is obj's leaf set, a fast positive check). */
function pruneMissing(obj: KObject, owned: Owned[], present?: Set<string>): Owned[] {
  for (const o of owned) for (const k of [...o.set]) if (!present?.has(k) && !valueAt(obj, parseKey(k)).found) o.set.delete(k);
  return owned;
}

/**
 * recordUpdate records a non-apply write (create, update, merge/json/strategic patch) by manager
 * in newObj.metadata.managedFields: the fields whose values changed become the manager's (an
 * Update takes ownership without conflicts), removed fields leave every set. If the writer set
 * managedFields itself (kubectl's client-side → server-side apply migration does), they are kept.
 */
export function recordUpdate(info: ResourceInfo, oldObj: KObject | undefined, newObj: KObject, manager: string, now: number, subresource?: string): void {
  const oldMf = oldObj?.metadata?.managedFields;
  const newMf = newObj.metadata?.managedFields;
  if (oldObj && newMf !== undefined && !jsonEqual(oldMf, newMf)) return;
  if (!oldObj && newMf !== undefined && (newMf as unknown[]).length > 0) return;
  const schema = schemaOf(info);
  const changed = [...changedFieldSet(newObj, oldObj, schema)];
  const owned = readEntries(oldObj);
  if (changed.length === 0 && owned.length === 0) return;
  for (const o of owned) for (const k of changed) o.set.delete(k);
  let mine = owned.find((o) => o.entry.manager === manager && o.entry.operation === 'Update' && (o.entry.subresource ?? '') === (subresource ?? ''));
  if (changed.length > 0) {
    if (!mine) {
      mine = { entry: { manager, operation: 'Update', apiVersion: apiVersionOf(info), time: '', fieldsType: 'FieldsV1', fieldsV1: {} }, set: new Set() };
      if (subresource) mine.entry.subresource = subresource;
      owned.push(mine);
    }
    mine.entry.time = rfc3339(now);
    for (const k of changed) mine.set.add(k);
  }
  newObj.metadata ??= {};
  writeEntries(newObj, pruneMissing(newObj, owned, owned.length > 0 ? fieldSet(newObj, schema) : undefined));
}
