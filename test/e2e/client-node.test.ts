/**
 * e2e: a controller author's view through @kubernetes/client-node 1.4 (list, watch, create, patch,
 * server-side apply, delete, and an informer that survives a watch expiry), and invalid input sent
 * as raw HTTP (malformed JSON/YAML/protobuf, unknown fields under Strict, wrong types, oversized
 * bodies) answered with a 4xx Status and nothing written. The cluster runs in-process so the test
 * can kill the apiserver's worker: the restarted apiserver's watch cache starts at the store's
 * current revision, so the informer's resume from its old resourceVersion gets a real 410 Gone.
 */
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, makeInformer, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/cluster/config.js';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { writeKubeconfig } from '../../src/cluster/kubeconfig.js';
import { ROOT, eventually, tempDir } from './helpers.js';

const NS = 'default';

interface Status {
  kind: string;
  status: string;
  code: number;
  reason: string;
  message: string;
}

describe('e2e - @kubernetes/client-node and invalid input against a running cluster', () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let server: string;

  const names = async (selector?: string): Promise<string[]> =>
    (await core.listNamespacedConfigMap({ namespace: NS, labelSelector: selector })).items.map((c) => c.metadata!.name!).sort();

  beforeAll(async () => {
    const dir = tempDir('kubeactor-cn-');
    cluster = await startCluster(loadTopology(join(ROOT, 'test/e2e/fixtures/e2e.yaml')), { dataDir: join(dir, 'data'), port: 0 });
    await cluster.waitReady({ timeoutMs: 120_000 });
    const path = join(dir, 'kubeconfig');
    writeKubeconfig(path, 'e2e', cluster.server);
    kc = new KubeConfig();
    kc.loadFromFile(path);
    server = kc.getCurrentCluster()!.server;
    core = kc.makeApiClient(CoreV1Api);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('e2e - client-node creates, lists, patches (merge and json) and deletes', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cn1', labels: { suite: 'cn' } }, data: { a: '1' } } });
    expect(created.metadata?.uid).toBeTruthy();
    expect(await names('suite=cn')).toEqual(['cn1']);
    const merged = await core.patchNamespacedConfigMap({ namespace: NS, name: 'cn1', body: { data: { b: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(merged.data).toEqual({ a: '1', b: '2' });
    const jp = await core.patchNamespacedConfigMap({ namespace: NS, name: 'cn1', body: [{ op: 'remove', path: '/data/a' }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    expect(jp.data).toEqual({ b: '2' });
    const dup = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cn1' } } }).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 409 });
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'cn1' });
    expect(await names('suite=cn')).toEqual([]);
    const gone = await core.readNamespacedConfigMap({ namespace: NS, name: 'cn1' }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 404 });
  });

  it('e2e - client-node server-side apply creates, then conflicts for another manager unless forced', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: NS }, data: { owner: 'first' } };
    const first = (await objects.patch(spec, undefined, undefined, 'first', undefined, PatchStrategy.ServerSideApply)) as V1ConfigMap;
    expect(first.data).toEqual({ owner: 'first' });
    expect((first.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`)).toEqual(['first/Apply']);
    const conflict = await objects.patch({ ...spec, data: { owner: 'second' } }, undefined, undefined, 'second', undefined, PatchStrategy.ServerSideApply).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ code: 409 });
    const forced = await objects.patch({ ...spec, data: { owner: 'second' } }, undefined, undefined, 'second', true, PatchStrategy.ServerSideApply);
    expect((forced as V1ConfigMap).data).toEqual({ owner: 'second' });
    await objects.delete(spec);
  });

  it('e2e - client-node Watch delivers ADDED, MODIFIED and DELETED from a list resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    const seen: string[] = [];
    const watch = new Watch(kc);
    const ctl = await watch.watch(`/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: list.metadata!.resourceVersion, labelSelector: 'w=1' }, (type, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`), () => undefined);
    try {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'watched', labels: { w: '1' } } } });
      await core.patchNamespacedConfigMap({ namespace: NS, name: 'watched', body: { data: { x: 'y' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ namespace: NS, name: 'watched' });
      await eventually(async () => seen.length >= 3, 30_000);
      expect(seen).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    } finally {
      ctl.abort();
    }
  });

  it('e2e - a client-node informer survives a watch expiry (410 Gone) by re-listing, and converges', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-a', labels: { inf: '1' } } } });
    let lists = 0;
    const listFn = (): ReturnType<CoreV1Api['listNamespacedConfigMap']> => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'inf=1' });
    };
    const informer = makeInformer(kc, `/api/v1/namespaces/${NS}/configmaps`, listFn, 'inf=1');
    const events: string[] = [];
    let stopped = false;
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    // The documented client-node pattern: an informer stops on a connection error; restart it.
    informer.on('error', () => {
      if (!stopped) setTimeout(() => void informer.start(), 500);
    });
    const cached = (): string[] => informer.list(NS).map((o) => o.metadata!.name!).sort();
    try {
      await informer.start();
      await eventually(async () => cached().join() === 'inf-a', 30_000);
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-b', labels: { inf: '1' } } } });
      await eventually(async () => cached().join() === 'inf-a,inf-b', 30_000);
      expect(lists).toBe(1);
      // A write elsewhere moves the store past the informer's resourceVersion, then the apiserver dies.
      await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'bump' } } });
      await cluster.runtime.kill('apiserver');
      await cluster.runtime.whenRunning('apiserver');
      await eventually(() => names('inf=1').then(() => true), 60_000);
      await core.deleteNamespacedConfigMap({ namespace: NS, name: 'inf-a' });
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-c', labels: { inf: '1' } } } });
      await eventually(async () => cached().join() === 'inf-b,inf-c', 60_000);
      expect(lists).toBeGreaterThanOrEqual(2);
      expect(events).toContain('delete inf-a');
      expect(events).toContain('add inf-c');
      // And it keeps watching after the re-list.
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-d', labels: { inf: '1' } } } });
      await eventually(async () => cached().join() === 'inf-b,inf-c,inf-d', 30_000);
    } finally {
      stopped = true;
      await informer.stop();
    }
  }, 120_000);

  it('e2e - watching from a resourceVersion older than the watch cache answers a 410 Gone ERROR event', async () => {
    const res = await fetch(`${server}/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=1`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const ev = JSON.parse(text.trim().split('\n')[0]) as { type: string; object: Status };
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  describe('invalid input gets a 4xx Status with a clear message and writes nothing', () => {
    const cmUrl = (): string => `${server}/api/v1/namespaces/${NS}/configmaps`;
    const big = 'x'.repeat(4 * 1024 * 1024);
    const cases: { name: string; url?: string; contentType: string; body: string | Uint8Array; code: number; message: RegExp; created: string }[] = [
      { name: 'malformed JSON', contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-json"}', code: 400, message: /could not be decoded as JSON|json/i, created: 'bad-json' },
      { name: 'malformed YAML', contentType: 'application/yaml', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [bad-yaml\n', code: 400, message: /YAML/i, created: 'bad-yaml' },
      { name: 'malformed protobuf', contentType: 'application/vnd.kubernetes.protobuf', body: new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x7f, 0x01]), code: 400, message: /protobuf/i, created: 'bad-proto' },
      { name: 'unknown field under Strict', url: '?fieldValidation=Strict', contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-strict"},"dataz":{"a":"b"}}', code: 400, message: /strict decoding error: unknown field "dataz"/, created: 'bad-strict' },
      { name: 'wrong type', contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-type"},"data":{"a":1}}', code: 400, message: /ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field \S*data\S* of type string/, created: 'bad-type' },
      { name: 'wrong kind', contentType: 'application/json', body: '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad-kind"}}', code: 400, message: /does not match the expected kind/, created: 'bad-kind' },
      { name: 'invalid name', contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}', code: 422, message: /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value/, created: 'Bad_Name' },
      { name: 'oversized body', contentType: 'application/json', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad-big' }, data: { a: big } }), code: 413, message: /request body is larger than/i, created: 'bad-big' },
    ];
    it.each(cases)('e2e - $name → $code', async (c) => {
      const res = await fetch(cmUrl() + (c.url ?? ''), { method: 'POST', headers: { 'Content-Type': c.contentType }, body: c.body });
      const status = (await res.json()) as Status;
      expect(res.status).toBe(c.code);
      expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code: c.code });
      expect(status.message).toMatch(c.message);
      expect(await names()).not.toContain(c.created);
    });

    it('e2e - a wrong type in a Deployment is rejected and no Deployment is stored', async () => {
      const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad-replicas' }, spec: { replicas: 'three', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };
      const res = await fetch(`${server}/apis/apps/v1/namespaces/${NS}/deployments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Status).message).toMatch(/Deployment in version "v1" cannot be handled as a Deployment: .*spec\.replicas/);
      const get = await fetch(`${server}/apis/apps/v1/namespaces/${NS}/deployments/bad-replicas`);
      expect(get.status).toBe(404);
    });

    it('e2e - an update or patch to a wrong type is rejected and the stored object is unchanged', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'typed' }, data: { a: 'ok' } } });
      const cur = await core.readNamespacedConfigMap({ namespace: NS, name: 'typed' });
      const put = await fetch(`${cmUrl()}/typed`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...cur, data: { a: ['not', 'a', 'string'] } }) });
      expect(put.status).toBe(400);
      expect(((await put.json()) as Status).message).toMatch(/cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field \S*data\S* of type string/);
      const patch = await fetch(`${cmUrl()}/typed`, { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{"data":{"a":true}}' });
      expect(patch.status).toBeGreaterThanOrEqual(400);
      expect(patch.status).toBeLessThan(500);
      const after = await core.readNamespacedConfigMap({ namespace: NS, name: 'typed' });
      expect(after.data).toEqual({ a: 'ok' });
      expect(after.metadata?.resourceVersion).toBe(cur.metadata?.resourceVersion);
      await core.deleteNamespacedConfigMap({ namespace: NS, name: 'typed' });
    });

    it('e2e - fieldValidation=Warn stores the object and returns a Warning header naming the field', async () => {
      const res = await fetch(`${cmUrl()}?fieldValidation=Warn`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"},"dataz":{}}' });
      expect(res.status).toBe(201);
      expect(res.headers.get('warning')).toBe('299 - "unknown field \\"dataz\\""');
      await core.deleteNamespacedConfigMap({ namespace: NS, name: 'warned' });
    });
  });
});
