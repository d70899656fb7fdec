/**
 * applyPatch: every PATCH content type kube-apiserver accepts, applied to the live object.
 *
 *   json       application/json-patch+json          RFC 6902 (test op honoured)
 *   merge      application/merge-patch+json         RFC 7386
 *   strategic  application/strategic-merge-patch+json  merge keys and directives from our schemas
 *   apply      application/apply-patch+yaml         server-side apply (approximated, see apply.ts)
 *
 * The result is a new object (current is never mutated). The caller (the API server) then runs the
 * strategy (defaults, validation) and the optimistic-concurrency update, as for a PUT.
 */
import type { ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/types.js';
import { kindSchema } from '../openapi/schemas.js';
import { recordUpdate, serverSideApply } from './apply.js';
import { patchBadRequest } from './errors.js';
import { jsonPatch, mergePatch } from './merge.js';
import { isMap, strategicMerge } from './strategic.js';

export { recordUpdate, serverSideApply, type ManagedFieldsEntry } from './apply.js';
export { applyConflict, type ApplyConflict } from './errors.js';
export { strategicMerge } from './strategic.js';
export { jsonPatch, mergePatch } from './merge.js';

/** PatchKind is the patch type, as in protocol.ts PatchType. */
export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

/** ApplyPatchOptions: fieldManager (required for apply), force (apply only), now for managedFields times. */
export interface ApplyPatchOptions {
  fieldManager?: string;
  force?: boolean;
  now: number;
  /** subresource the patch targets ('status'), recorded in managedFields. */
  subresource?: string;
}

function asObject(v: unknown): KObject {
  if (!isMap(v)) throw patchBadRequest('the patched object is not a JSON object');
  const o = v as KObject;
  if (!isMap(o.metadata)) o.metadata = {};
  return o;
}

/**
 * applyPatch returns current with patch applied. Throws StatusError 400 for a malformed patch,
 * 422 for a JSON patch that does not apply, 409 (FieldManagerConflict causes) for apply conflicts.
 * With a fieldManager, json/merge/strategic patches are recorded as an Update in managedFields.
 */
export function applyPatch(info: ResourceInfo, current: KObject, patchType: PatchKind, patch: unknown, opts: ApplyPatchOptions): KObject {
  let result: KObject;
  switch (patchType) {
    case 'json':
      result = asObject(jsonPatch(current, patch));
      break;
    case 'merge':
      if (!isMap(patch)) throw patchBadRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      result = asObject(mergePatch(current, patch));
      break;
    case 'strategic':
      if (!isMap(patch)) throw patchBadRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      result = asObject(strategicMerge(current, patch, kindSchema(info)));
      break;
    case 'apply':
      return serverSideApply(info, current, patch, opts);
    default: {
      const never: never = patchType;
      throw patchBadRequest(`unsupported patch type ${String(never)}`);
    }
  }
  if (opts.fieldManager) recordUpdate(info, current, result, opts.fieldManager, opts.now, opts.subresource);
  return result;
}
