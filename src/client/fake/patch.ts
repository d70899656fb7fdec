/**
 * Patch application for the fake client: JSON merge patch (RFC 7386) for merge/strategic/apply
 * (strategic merge is approximated by a merge patch: lists are replaced) and RFC 6902 JSON patch.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest } from '../../api/errors.js';
import type { PatchType } from '../../apiserver/protocol.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** mergePatch applies an RFC 7386 merge patch and returns a new value (null deletes a field). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** applyPatch applies patch of patchType to a copy of doc. Throws StatusError 400 on a bad patch. */
export function applyPatch<T>(doc: T, patchType: PatchType, patch: unknown): T {
  switch (patchType) {
    case 'merge':
    case 'strategic':
    case 'apply':
      if (!isPlainObject(patch)) throw badRequest('patch body must be a JSON object');
      return mergePatch(doc, patch) as T;
    case 'json': {
      if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
      try {
        return jsonpatch.applyPatch(structuredClone(doc), patch as Operation[], true, false).newDocument;
      } catch (err) {
        throw badRequest(`the json patch could not be applied: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    default: {
      const never: never = patchType;
      throw badRequest(`unsupported patch type ${String(never)}`);
    }
  }
}
