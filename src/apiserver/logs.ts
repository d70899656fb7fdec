/**
 * pods/log: the apiserver resolves pod, container and node, then asks the node's kubelet actor
 * (`kubelet/<node>`) for the log — as kube-apiserver proxies to the kubelet's /containerLogs.
 *
 *   GET …/pods/<name>/log?container=&tailLines=&timestamps=&sinceSeconds=&limitBytes=&previous=
 *     ─▶ ask kubelet/<node> {podLogs}            ─▶ 200 text/plain
 *   …&follow=true
 *     ─▶ tell kubelet/<node> {followLogs}        ─▶ 200 chunked; the kubelet pushes logLines to the
 *        apiserver while the response is open; logEnd (container gone) ends it; the client going
 *        away sends unfollowLogs.
 *
 * The messages below are the protocol between the two (the kubelet imports them).
 */
import { badRequest, invalid, StatusError } from '../api/errors.js';
import { PODS } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { HttpContext } from './http-handler.js';
import type { ResponseWriter } from './http-types.js';

/** PodLogRequest names a container and the read options (already validated). */
export interface PodLogRequest {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  tailLines?: number;
  sinceSeconds?: number;
  /** sinceTime in ms since the epoch (parsed from RFC 3339). */
  sinceTimeMs?: number;
  timestamps?: boolean;
  limitBytes?: number;
  previous?: boolean;
}

/** PodLogsAsk is asked of a kubelet; the reply is a {@link PodLogsReply}. */
export type PodLogsAsk = { type: 'podLogs' } & PodLogRequest;
/** PodLogsReply is the kubelet's reply to PodLogsAsk. */
export interface PodLogsReply {
  text: string;
}
/** FollowLogsMsg starts a stream: the kubelet tells `subscriber` LogLinesMsg…, then LogEndMsg. */
export type FollowLogsMsg = { type: 'followLogs'; streamId: string; subscriber: string } & PodLogRequest;
/** UnfollowLogsMsg stops a stream (the HTTP client went away). */
export interface UnfollowLogsMsg {
  type: 'unfollowLogs';
  streamId: string;
}
/** KubeletLogMsg is what the apiserver sends a kubelet about logs. */
export type KubeletLogMsg = PodLogsAsk | FollowLogsMsg | UnfollowLogsMsg;

/** LogLinesMsg carries new log text of a followed stream. */
export interface LogLinesMsg {
  type: 'logLines';
  streamId: string;
  text: string;
}
/** LogEndMsg ends a followed stream (container stopped, pod gone); error is a Status message. */
export interface LogEndMsg {
  type: 'logEnd';
  streamId: string;
  error?: string;
}
/** LogStreamMsg is what a kubelet pushes back to the apiserver. */
export type LogStreamMsg = LogLinesMsg | LogEndMsg;

/** LogSink receives a followed stream. */
export interface LogSink {
  data(text: string): void;
  end(error?: string): void;
}

/** PodLogSource is how the HTTP layer reaches kubelets (the apiserver actor implements it). */
export interface PodLogSource {
  fetch(node: string, req: PodLogRequest): Promise<string>;
  /** follow opens a stream; the returned function cancels it. */
  follow(node: string, req: PodLogRequest, sink: LogSink): () => void;
}

/** kubeletActorId is the id of a node's kubelet (kept here: apiserver must not import kubelet). */
export function kubeletActorId(node: string): string {
  return `kubelet/${node}`;
}

/** isLogStreamMsg recognizes the kubelet's pushes. */
export function isLogStreamMsg(msg: unknown): msg is LogStreamMsg {
  const t = (msg as { type?: unknown } | null)?.type;
  return t === 'logLines' || t === 'logEnd';
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function intParam(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)} is not an integer`);
  if (n < min) {
    throw invalid('', 'PodLogOptions', '', [{ reason: 'FieldValueInvalid', field: name, message: `Invalid value: ${n}: must be greater than${min === 0 ? ' or equal to' : ''} ${min === 0 ? 0 : min - 1}` }]);
  }
  return n;
}

/** containerNames lists containers, init and ephemeral containers of a pod. */
function containerNames(pod: KObject): { main: string[]; all: string[] } {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  const main = (spec.containers ?? []).map((c) => c.name);
  const all = [...main, ...(spec.initContainers ?? []).map((c) => c.name), ...(spec.ephemeralContainers ?? []).map((c) => c.name)];
  return { main, all };
}

/**
 * parseLogRequest validates the query against the pod, with kube-apiserver's messages
 * (LogLocation and PodLogOptions validation).
 */
export function parseLogRequest(pod: KObject, q: URLSearchParams): PodLogRequest {
  const name = String(pod.metadata.name);
  const { main, all } = containerNames(pod);
  let container = q.get('container') ?? '';
  if (!container) {
    if (main.length === 0) throw badRequest(`pod ${name} has no containers`);
    if (main.length > 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
    container = main[0];
  } else if (!all.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const req: PodLogRequest = { namespace: String(pod.metadata.namespace), pod: name, uid: String(pod.metadata.uid), container };
  req.tailLines = intParam(q, 'tailLines', 0);
  req.limitBytes = intParam(q, 'limitBytes', 1);
  req.sinceSeconds = intParam(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceTime) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw badRequest(`invalid sinceTime: ${JSON.stringify(sinceTime)} is not an RFC 3339 time`);
    req.sinceTimeMs = ms;
  }
  if (req.sinceSeconds !== undefined && req.sinceTimeMs !== undefined) {
    throw invalid('', 'PodLogOptions', '', [{ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' }]);
  }
  if (boolParam(q, 'timestamps')) req.timestamps = true;
  if (boolParam(q, 'previous')) req.previous = true;
  for (const k of Object.keys(req) as (keyof PodLogRequest)[]) if (req[k] === undefined) delete req[k];
  return req;
}

const TEXT_CT = 'text/plain';

/** servePodLogs serves GET pods/<name>/log (see the file comment). */
export async function servePodLogs(ctx: HttpContext, res: ResponseWriter, namespace: string | undefined, name: string, q: URLSearchParams): Promise<void> {
  const pod = ctx.registry.getObject(PODS, namespace, name);
  const req = parseLogRequest(pod, q);
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  // An unscheduled pod has no log location: kube-apiserver answers with an empty body.
  if (!node) {
    res.head(200, { 'content-type': TEXT_CT });
    return res.end('');
  }
  const source = ctx.podLogs;
  if (!source) {
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: `no kubelet connection to serve logs of pod ${name}` });
  }
  if (!boolParam(q, 'follow')) {
    const text = await source.fetch(node, req);
    res.head(200, { 'content-type': TEXT_CT, 'cache-control': 'no-cache, private' });
    return res.end(text);
  }
  // Errors before the first byte (container not running…) must still be a Status: fetch first.
  await source.fetch(node, { ...req, tailLines: 0 });
  res.head(200, { 'content-type': TEXT_CT, 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  let open = true;
  const cancel = source.follow(node, req, {
    data: (text) => {
      if (open && text) res.write(text);
    },
    end: () => {
      if (!open) return;
      open = false;
      res.end();
    },
  });
  res.onClose(() => {
    if (!open) return;
    open = false;
    cancel();
  });
}
