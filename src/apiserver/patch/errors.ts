/**
 * The patch module's user-facing errors, worded as kube-apiserver words them.
 */
import { badRequest, StatusError } from '../../api/errors.js';
import type { StatusCause } from '../../api/types.js';

/** patchBadRequest: the patch body itself is malformed (400). */
export function patchBadRequest(message: string): StatusError {
  return badRequest(message);
}

/** patchUnprocessable: a well-formed patch cannot be applied, e.g. a failed `test` op (422, reason Invalid). */
export function patchUnprocessable(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Invalid', code: 422 });
}

/** Conflict is one field another manager owns with a different value. */
export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  /** field is the path as SSA prints it: `.spec.template.spec.containers[name="web"].image`. */
  field: string;
}

/**
 * applyConflict is the 409 server-side apply returns; kubectl prints its "Apply failed with N
 * conflicts" help from the message and `details.causes[].reason == FieldManagerConflict`.
 */
export function applyConflict(conflicts: ApplyConflict[]): StatusError {
  const n = conflicts.length;
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const k = `${c.manager}\u0000${c.apiVersion}`;
    byManager.set(k, [...(byManager.get(k) ?? []), c]);
  }
  let message: string;
  if (n === 1) {
    const c = conflicts[0];
    message = `Apply failed with 1 conflict: conflict with "${c.manager}" using ${c.apiVersion}: ${c.field}`;
  } else {
    const parts = [...byManager.values()].map((cs) => `conflicts with "${cs[0].manager}" using ${cs[0].apiVersion}:\n${cs.map((c) => `- ${c.field}`).join('\n')}`);
    message = `Apply failed with ${n} conflicts: ${parts.join('\n')}`;
  }
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.field }));
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Conflict', details: { causes }, code: 409 });
}
