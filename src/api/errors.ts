/**
 * StatusError is the API's one error type: it carries a Kubernetes Status. Every user-facing
 * message of the API lives in the constructors below, so grep finds them all.
 */
import { registerErrorCodec } from '../actors/errors.js';
import type { Status, StatusCause } from './types.js';

/** StatusReason values used by kubeactor (metav1.StatusReason). */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Gone'
  | 'Expired'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Forbidden'
  | 'Timeout'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable';

/** GroupKind names a kind for error details ('' group is core). */
export interface GroupResource {
  group: string;
  resource: string;
}

/** StatusError is thrown by API code and mapped 1:1 to an HTTP Status response. */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

registerErrorCodec<StatusError>({
  name: 'StatusError',
  toData: (e) => e.status,
  fromData: (d) => new StatusError(d as Status),
});

function status(code: number, reason: StatusReason, message: string, details?: Status['details']): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** notFound: `pods "x" not found` (404). */
export function notFound(gr: GroupResource, name: string): StatusError {
  return status(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });
}

/** alreadyExists: `pods "x" already exists` (409). */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return status(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });
}

/** conflict: optimistic-concurrency failure (409), message as kube-apiserver words it. */
export function conflict(gr: GroupResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): StatusError {
  return status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, { name, group: gr.group, kind: gr.resource });
}

/** invalid: 422 with field causes; kind is the Kind (e.g. Deployment). */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : String(c.message))).join(', ');
  const what = group ? `${kind}.${group}` : kind;
  return status(422, 'Invalid', `${what} "${name}" is invalid: ${list}`, { name, group, kind, causes });
}

/** badRequest: 400. */
export function badRequest(message: string, causes?: StatusCause[]): StatusError {
  return status(400, 'BadRequest', message, causes ? { causes } : undefined);
}

/** gone: 410 for a resourceVersion that is compacted away. */
export function gone(message: string): StatusError {
  return status(410, 'Expired', message);
}

/** methodNotAllowed: 405. */
export function methodNotAllowed(message: string): StatusError {
  return status(405, 'MethodNotAllowed', message);
}

/** unsupportedMediaType: 415. */
export function unsupportedMediaType(contentType: string): StatusError {
  return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);
}

/** tooLarge: 413. */
export function tooLarge(limit: number): StatusError {
  return status(413, 'RequestEntityTooLarge', `the request body is larger than the limit of ${limit} bytes`);
}

/** timeout: 504-style server timeout. */
export function serverTimeout(message: string): StatusError {
  return status(504, 'Timeout', message);
}

/** unavailable: 503 (a component is restarting; retry). */
export function unavailable(message: string, retryAfterSeconds = 1): StatusError {
  return status(503, 'ServiceUnavailable', message, { retryAfterSeconds });
}

/** internal: 500. */
export function internal(message: string): StatusError {
  return status(500, 'InternalError', message);
}

/** isStatusError narrows unknown errors, optionally to one reason. */
export function isStatusError(err: unknown, reason?: StatusReason): err is StatusError {
  return err instanceof StatusError && (reason === undefined || err.status.reason === reason);
}

/** isNotFound / isConflict / isAlreadyExists: the checks controllers make most. */
export const isNotFound = (e: unknown): boolean => isStatusError(e, 'NotFound');
export const isConflict = (e: unknown): boolean => isStatusError(e, 'Conflict');
export const isAlreadyExists = (e: unknown): boolean => isStatusError(e, 'AlreadyExists');
