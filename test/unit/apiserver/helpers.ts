/**
 * Builders and a test server for apiserver tests (reusable by other areas):
 *
 *   const t = await newTestServer();                       // FakeStore + SimClock + seeded rng
 *   await t.create('/api/v1/namespaces/default/pods', makePod('web').obj());
 *   const res = await t.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods' });
 *
 * The strategy is the real one; tables, patch and openapi are small doubles (TEST_DEPS) so these
 * tests exercise the core alone. Pass `deps` to use others.
 */
import jsonPatch from 'fast-json-patch';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { ResourceInfo } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';
import type { ApiServerDeps } from '../../../src/apiserver/deps.js';
import { mergePatch } from '../../../src/apiserver/object-util.js';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../../src/apiserver/server-core.js';
import type { InjectRequest, InjectResponse } from '../../../src/apiserver/http-types.js';
import { getStrategy } from '../../../src/apiserver/strategy/index.js';
import { FakeStore } from './fake-store.js';

/** testTable is a one-column Table like the real tables module's shape. */
function testTable(info: ResourceInfo, objs: KObject[], opts: { includeObject?: string; listMeta: object }): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta,
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: 'name', priority: 0 }],
    rows: objs.map((o) => ({
      cells: [o.metadata.name],
      object:
        opts.includeObject === 'None'
          ? undefined
          : opts.includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/** TEST_DEPS: real strategy; doubles for tables, patch (merge-ish), openapi. */
export const TEST_DEPS: ApiServerDeps = {
  getStrategy,
  toTable: testTable,
  applyPatch(_info, current, patchType, patch) {
    if (patchType === 'json') return jsonPatch.applyPatch(current, patch as jsonPatch.Operation[], true, false).newDocument;
    return mergePatch(current, patch) as KObject;
  },
  openApiV3Index: () => ({ paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=x' } } }),
  openApiV3Doc: (gv) => (gv === 'api/v1' ? { openapi: '3.0.0', paths: {} } : undefined),
};

/** TestServer bundles a server with its fake store and clock. */
export interface TestServer {
  server: ApiServer;
  store: FakeStore;
  clock: SimClock;
  inject(req: InjectRequest): Promise<InjectResponse>;
  /** create POSTs obj to a collection URL and expects 201. */
  create<T extends KObject = KObject>(url: string, obj: KObject): Promise<T>;
  /** get GETs a URL and expects 200. */
  get<T = KObject>(url: string): Promise<T>;
}

/** newTestServer builds and starts a server with namespaces default and kube-system. */
export async function newTestServer(opts: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const store = (opts.store as FakeStore | undefined) ?? new FakeStore();
  const clock = (opts.clock as SimClock | undefined) ?? new SimClock(Date.UTC(2026, 0, 1));
  const server = createApiServer({ rng: new SeededRng(42), deps: TEST_DEPS, ...opts, store, clock });
  await server.start();
  const t: TestServer = {
    server,
    store,
    clock,
    inject: (req) => server.inject(req),
    async create<T extends KObject>(url: string, obj: KObject): Promise<T> {
      const res = await server.inject({ method: 'POST', url, payload: obj });
      if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    },
    async get<T>(url: string): Promise<T> {
      const res = await server.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`get ${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    },
  };
  for (const ns of ['default', 'kube-system']) await t.create('/api/v1/namespaces', makeNamespace(ns));
  return t;
}

/** Builder wraps an object under construction; obj() returns a deep copy. */
export class Builder<T extends KObject> {
  constructor(private readonly o: T) {}
  /** with applies fn to the object. */
  with(fn: (o: T) => void): this {
    fn(this.o);
    return this;
  }
  labels(l: Record<string, string>): this {
    this.o.metadata.labels = { ...this.o.metadata.labels, ...l };
    return this;
  }
  ns(namespace: string): this {
    this.o.metadata.namespace = namespace;
    return this;
  }
  obj(): T {
    return structuredClone(this.o);
  }
}

/** makeNamespace is a Namespace object. */
export function makeNamespace(name: string): KObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** makePod builds a one-container pod in default. */
export function makePod(name: string, ns = 'default'): Builder<KObject> & { node(n: string): Builder<KObject> } {
  const b = new Builder<KObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
  return Object.assign(b, {
    node(n: string) {
      return b.with((o) => ((o.spec as { nodeName?: string }).nodeName = n));
    },
  });
}

/** makeDeployment builds an apps/v1 Deployment selecting app=<name>. */
export function makeDeployment(name: string, replicas = 1, ns = 'default'): Builder<KObject> {
  return new Builder<KObject>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });
}

/** makeNode builds a Node, Ready unless told otherwise. */
export function makeNode(name: string, ready = true): Builder<KObject> {
  return new Builder<KObject>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
}

/** makeService builds a ClusterIP Service on port 80. */
export function makeService(name: string, ns = 'default'): Builder<KObject> {
  return new Builder<KObject>({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }] } });
}

/** lines parses an NDJSON watch body into events. */
export function lines<T = { type: string; object: KObject }>(body: string): T[] {
  return body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
