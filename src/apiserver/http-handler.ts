/**
 * The HTTP face of the apiserver: routing, content negotiation, body decoding and Status errors.
 * Resource requests are turned into {@link ApiRequest}s and executed by the same
 * ApiRegistry.execute the actor protocol uses; watches go to http-watch.ts.
 */
import YAML from 'yaml';
import type { Clock } from '../actors/types.js';
import { badRequest, internal, methodNotAllowed, StatusError, tooLarge, unsupportedMediaType } from '../api/errors.js';
import type { KList, KObject, Status } from '../api/types.js';
import type { ApiServerDeps } from './deps.js';
import { aggregatedContentType, aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, type VersionInfo } from './discovery.js';
import type { HttpRequestLike, ResponseWriter } from './http-types.js';
import { serveWatch } from './http-watch.js';
import { servePodLogs, type PodLogSource } from './logs.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf/decode.js';
import type { ApiRequest, DeleteOptions, ListOptions, PatchType, WriteOptions } from './protocol.js';
import { renderReadiness, type ReadinessReport } from './readiness.js';
import type { ApiRegistry } from './registry.js';
import { groupVersionOf, parseResourceRoute, splitPath, type ResourceRoute } from './routes.js';
import { jsonOf } from './watch-cache.js';

/** HttpContext is what the HTTP handler needs from the server. */
export interface HttpContext {
  registry: ApiRegistry;
  deps: ApiServerDeps;
  clock: Clock;
  version: VersionInfo;
  readiness(): ReadinessReport;
  serverAddress(): string;
  maxBodyBytes: number;
  /** podLogs reaches the kubelets for pods/log (absent: 503). */
  podLogs?: PodLogSource;
}

const JSON_CT = 'application/json';
const TABLE_CT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function notFoundPath(): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
}

function header(req: HttpRequestLike, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** sendJson writes a complete JSON response. */
export function sendJson(res: ResponseWriter, code: number, body: unknown, contentType = JSON_CT, warnings?: string[]): void {
  const text = body !== null && typeof body === 'object' ? jsonOf(body) : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-cache, private' };
  // RFC 7234 warn-code 299 with the agent "-", as kube-apiserver sends API warnings.
  if (warnings && warnings.length > 0) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  res.head(code, headers);
  res.end(text);
}

/** sendError maps any thrown value to a Status response (500 for non-API errors). */
export function sendError(res: ResponseWriter, err: unknown): void {
  const se = err instanceof StatusError ? err : internal(err instanceof Error ? err.message : String(err));
  sendJson(res, se.code, se.status);
}

/** handleHttp serves one request; it never throws (errors become Status bodies). */
export async function handleHttp(ctx: HttpContext, req: HttpRequestLike, res: ResponseWriter): Promise<void> {
  try {
    await route(ctx, req, res);
  } catch (err) {
    sendError(res, err);
  }
}

async function route(ctx: HttpContext, req: HttpRequestLike, res: ResponseWriter): Promise<void> {
  if (req.bodyTooLarge || req.body.length > ctx.maxBodyBytes) throw tooLarge(ctx.maxBodyBytes);
  const url = new URL(req.url, 'http://apiserver');
  const segs = splitPath(url.pathname);
  const path = '/' + segs.join('/');
  const method = req.method.toUpperCase();
  const accept = header(req, 'accept');
  if (method === 'GET') {
    switch (path) {
      case '/version':
        return sendJson(res, 200, ctx.version);
      case '/healthz':
      case '/livez':
        res.head(200, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('ok');
      case '/readyz': {
        const { code, text } = renderReadiness(ctx.readiness(), url.searchParams.has('verbose'));
        res.head(code, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end(text);
      }
      case '/api':
      case '/apis':
        return serveDiscoveryRoot(ctx, path === '/api' ? 'core' : 'named', accept, res);
      case '/openapi/v3':
        return sendJson(res, 200, ctx.registry.crds.openApiIndex(ctx.deps.openApiV3Index()));
    }
    if (segs[0] === 'openapi' && segs[1] === 'v3' && segs.length > 2) {
      const doc = ctx.deps.openApiV3Doc(segs.slice(2).join('/')) ?? ctx.registry.crds.openApiDoc(segs.slice(2).join('/'));
      if (!doc) throw notFoundPath();
      return sendJson(res, 200, doc);
    }
  }
  const gv = groupVersionOf(segs);
  if (!gv) {
    if (method === 'GET' && segs[0] === 'apis' && segs.length === 2) {
      const doc = apiGroupDoc(segs[1], ctx.registry.servedResources());
      if (doc) return sendJson(res, 200, doc);
    }
    throw notFoundPath();
  }
  if (gv.rest.length === 0) {
    const doc = method === 'GET' ? apiResourceList(gv.group, gv.version, ctx.registry.servedResources()) : undefined;
    if (!doc) throw notFoundPath();
    return sendJson(res, 200, doc);
  }
  const rt = parseResourceRoute(gv, (g, v, r) => ctx.registry.lookupCustom(g, v, r));
  if (!rt) throw notFoundPath();
  if (rt.info.namespaced && rt.namespace === undefined && rt.name !== undefined) throw notFoundPath();
  return serveResource(ctx, req, res, url, rt, method, accept);
}

function serveDiscoveryRoot(ctx: HttpContext, which: 'core' | 'named', accept: string, res: ResponseWriter): void {
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    const version = /v=v2beta1/.test(part) ? 'v2beta1' : /v=v2(;|$|\s)/.test(part) ? 'v2' : undefined;
    if (version) return sendJson(res, 200, aggregatedDiscovery(which, version, ctx.registry.servedResources()), aggregatedContentType(version));
  }
  sendJson(res, 200, which === 'core' ? apiVersions(ctx.serverAddress()) : apiGroupList(ctx.registry.servedResources()));
}

/** decodeBody parses a request body by Content-Type: JSON, YAML or Kubernetes protobuf; 415 for others. */
export function decodeBody(req: HttpRequestLike): { value: unknown; mediaType: string } {
  const mediaType = (header(req, 'content-type').split(';')[0] || JSON_CT).trim().toLowerCase();
  if (mediaType === PROTOBUF_MEDIA_TYPE) return { value: req.body.length === 0 ? undefined : decodeProtobufObject(req.body), mediaType };
  const text = req.body.toString('utf8');
  const isYaml = mediaType === 'application/yaml' || mediaType === 'application/apply-patch+yaml';
  const isJson = mediaType === JSON_CT || mediaType === '*/*' || (mediaType in PATCH_TYPES && !isYaml);
  if (!isYaml && !isJson) throw unsupportedMediaType(mediaType);
  if (text.trim() === '') return { value: undefined, mediaType };
  try {
    return { value: isYaml ? YAML.parse(text) : JSON.parse(text), mediaType };
  } catch (err) {
    const what = isYaml ? 'YAML' : 'JSON';
    throw badRequest(`the request body could not be decoded as ${what}: ${(err as Error).message}`);
  }
}

function objectBody(req: HttpRequestLike): KObject {
  const { value } = decodeBody(req);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('the request body must be a JSON or YAML object');
  return value as KObject;
}

/** writeOptions parses fieldManager, fieldValidation, dryRun and force. */
export function writeOptions(q: URLSearchParams): WriteOptions {
  const out: WriteOptions = {};
  const fm = q.get('fieldManager');
  if (fm) out.fieldManager = fm;
  const fv = q.get('fieldValidation');
  if (fv) {
    if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${fv}"`);
    out.fieldValidation = fv;
  }
  const dry = q.getAll('dryRun');
  if (dry.length > 0) {
    if (dry.some((d) => d !== 'All')) throw badRequest(`Invalid dry run value: ${dry.join(',')}`);
    out.dryRun = true;
  }
  if (q.get('force') === 'true') out.force = true;
  return out;
}

/** listOptions parses the list/watch query parameters. */
export function listOptions(q: URLSearchParams, namespace: string | undefined): ListOptions {
  const out: ListOptions = {};
  if (namespace) out.namespace = namespace;
  for (const k of ['labelSelector', 'fieldSelector', 'resourceVersion', 'continue'] as const) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  const rvm = q.get('resourceVersionMatch');
  if (rvm === 'NotOlderThan' || rvm === 'Exact') out.resourceVersionMatch = rvm;
  const limit = q.get('limit');
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit: ${limit}`);
    out.limit = n;
  }
  return out;
}

function deleteOptions(req: HttpRequestLike, q: URLSearchParams): DeleteOptions {
  const body = decodeBody(req).value as (DeleteOptions & { orphanDependents?: boolean }) | undefined;
  const out: DeleteOptions = body && typeof body === 'object' ? { ...body } : {};
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null) out.gracePeriodSeconds = Number(grace);
  const pp = q.get('propagationPolicy');
  if (pp === 'Orphan' || pp === 'Background' || pp === 'Foreground') out.propagationPolicy = pp;
  if (!out.propagationPolicy && body?.orphanDependents === true) out.propagationPolicy = 'Orphan';
  if (q.getAll('dryRun').length > 0) out.dryRun = q.getAll('dryRun');
  return out;
}

type IncludeObject = 'None' | 'Metadata' | 'Object';

/** wantsTable reports whether Accept asks for a meta.k8s.io Table. */
export function wantsTable(accept: string): boolean {
  return accept.split(',').some((p) => p.includes('as=Table') && p.includes('g=meta.k8s.io'));
}

function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject must be one of None, Metadata, Object, got "${v}"`);
}

async function serveResource(ctx: HttpContext, req: HttpRequestLike, res: ResponseWriter, url: URL, rt: ResourceRoute, method: string, accept: string): Promise<void> {
  const q = url.searchParams;
  const resRef = { group: rt.info.group, resource: rt.info.resource, version: rt.info.version };
  const { namespace, name, subresource: sub } = rt;
  let request: ApiRequest;
  if (name === undefined) {
    if (method === 'GET') {
      const opts = listOptions(q, namespace);
      if (q.get('watch') === 'true' || q.get('watch') === '1') {
        const timeout = q.get('timeoutSeconds');
        return serveWatch(ctx, res, rt.info, opts, {
          table: wantsTable(accept) ? includeObjectOf(q) : undefined,
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          bookmarks: q.get('allowWatchBookmarks') === 'true',
        });
      }
      request = { type: 'list', res: resRef, opts };
    } else if (method === 'POST') {
      request = { type: 'create', res: resRef, namespace, object: objectBody(req), opts: writeOptions(q) };
    } else if (method === 'DELETE') {
      request = { type: 'deleteCollection', res: resRef, opts: listOptions(q, namespace), options: deleteOptions(req, q) };
    } else {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  } else if (sub === undefined || sub === 'status' || sub === 'scale' || sub === 'finalize') {
    const s = sub as 'status' | 'scale' | 'finalize' | undefined;
    if (method === 'GET' && s !== 'finalize') request = { type: 'get', res: resRef, namespace, name, subresource: s };
    else if (method === 'PUT') request = { type: 'update', res: resRef, namespace, name, object: objectBody(req), subresource: s, opts: writeOptions(q) };
    else if (method === 'PATCH' && s !== 'finalize') {
      const { value, mediaType } = decodeBody(req);
      const patchType = PATCH_TYPES[mediaType];
      if (!patchType) throw unsupportedMediaType(mediaType);
      if (value === undefined) throw badRequest('the patch body must not be empty');
      request = { type: 'patch', res: resRef, namespace, name, patchType, patch: value, subresource: s, opts: writeOptions(q) };
    } else if (method === 'DELETE' && s === undefined) request = { type: 'delete', res: resRef, namespace, name, options: deleteOptions(req, q) };
    else throw methodNotAllowed('the server does not allow this method on the requested resource');
    if (s && s !== 'finalize' && !rt.info.subresources.includes(s)) throw notFoundPath();
    if (s === 'finalize' && rt.info.resource !== 'namespaces') throw notFoundPath();
  } else if ((sub === 'binding' || sub === 'eviction') && rt.info.subresources.includes(sub)) {
    if (method !== 'POST') throw methodNotAllowed('the server does not allow this method on the requested resource');
    request = { type: 'createSub', res: resRef, namespace, name, subresource: sub, object: objectBody(req), opts: writeOptions(q) };
  } else if (sub === 'log' && rt.info.subresources.includes('log')) {
    if (method !== 'GET') throw methodNotAllowed('the server does not allow this method on the requested resource');
    return servePodLogs(ctx, res, namespace, name, q);
  } else {
    throw notFoundPath();
  }
  const result = await ctx.registry.execute(request);
  if (wantsTable(accept) && method === 'GET' && (request.type === 'list' || (request.type === 'get' && !request.subresource))) {
    const includeObject = includeObjectOf(q);
    const isList = request.type === 'list';
    const objs = isList ? (result.body as KList).items : [result.body as KObject];
    const listMeta = isList ? (result.body as KList).metadata : { resourceVersion: (result.body as KObject).metadata.resourceVersion };
    return sendJson(res, 200, ctx.deps.toTable(rt.info, objs, { includeObject, listMeta, now: ctx.clock.now() }), TABLE_CT);
  }
  sendJson(res, result.code, result.body as KObject | Status, JSON_CT, result.warnings);
}
