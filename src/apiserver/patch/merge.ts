/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902, via fast-json-patch).
 */
import jsonpatch from 'fast-json-patch';
import { patchBadRequest, patchUnprocessable } from './errors.js';
import { isMap } from './strategic.js';

/** mergePatch applies an RFC 7386 merge patch; target is not mutated. Lists are replaced whole. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isMap(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchErrorLike {
  name?: string;
  message?: string;
  operation?: { op?: string; path?: string };
}

/**
 * jsonPatch applies an RFC 6902 patch. A malformed patch (not a list, unknown op, missing path)
 * is a 400; an operation that cannot apply (failed `test`, missing path) is a 422, as in
 * kube-apiserver.
 */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw patchBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const ops = patch as jsonpatch.Operation[];
  const invalid = jsonpatch.validate(ops);
  if (invalid) {
    const e = invalid as JsonPatchErrorLike;
    const kind = e.name ?? '';
    // Structural errors of the patch document itself are 400s.
    if (kind === 'OPERATION_NOT_AN_OBJECT' || kind === 'OPERATION_OP_INVALID' || kind === 'OPERATION_PATH_INVALID' || kind === 'OPERATION_VALUE_REQUIRED' || kind === 'OPERATION_FROM_REQUIRED') {
      throw patchBadRequest(describe(e));
    }
  }
  try {
    return jsonpatch.applyPatch(structuredClone(target), ops, true, false, true).newDocument;
  } catch (err) {
    throw patchUnprocessable(describe(err as JsonPatchErrorLike));
  }
}

function describe(e: JsonPatchErrorLike): string {
  const op = e.operation?.op ?? '';
  const path = e.operation?.path ?? '';
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
      return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing from path: "${path}": missing value`;
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op}`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `${op} operation does not apply: doc is missing path: "${path}": index out of range`;
    default:
      return (e.message ?? 'invalid JSON patch').split('\n')[0];
  }
}
