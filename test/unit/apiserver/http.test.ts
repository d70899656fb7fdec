import { RESOURCES } from '../../../src/api/resources.js';
import { describe, expect, test } from 'vitest';
import type { KList, KObject, Status } from '../../../src/api/types.js';
import { lines, makeNode, makePod, newTestServer } from './helpers.js';

const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const AGG_OLD = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const PODS = '/api/v1/namespaces/default/pods';

interface DiscoveryList {
  apiVersion: string;
  items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; subresources: { subresource: string; responseKind: { group: string; kind: string } }[] }[] }[] }[];
}

describe('apiserver - discovery', () => {
  test.each([
    ['/api', AGG, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2'],
    ['/apis', AGG, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2'],
    ['/api', AGG_OLD, 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2beta1'],
  ])('apiserver - aggregated discovery %s has the exact Content-Type', async (url, accept, ct, apiVersion) => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'GET', url: `${url}?timeout=32s`, headers: { accept } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(ct);
    expect(res.json<DiscoveryList>().apiVersion).toBe(apiVersion);
  });

  test('apiserver - aggregated core discovery lists pods with subresources', async () => {
    const t = await newTestServer();
    const doc = (await t.inject({ method: 'GET', url: '/api', headers: { accept: AGG } })).json<DiscoveryList>();
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata.name).toBe('');
    const pods = doc.items[0].versions[0].resources.find((r) => r.resource === 'pods')!;
    expect(pods.scope).toBe('Namespaced');
    expect(pods.subresources.find((s) => s.subresource === 'eviction')?.responseKind).toMatchObject({ group: 'policy', kind: 'Eviction' });
    const apis = (await t.inject({ method: 'GET', url: '/apis', headers: { accept: AGG } })).json<DiscoveryList>();
    const apps = apis.items.find((i) => i.metadata.name === 'apps')!;
    const deploy = apps.versions[0].resources.find((r) => r.resource === 'deployments')!;
    expect(deploy.subresources.find((s) => s.subresource === 'scale')?.responseKind).toMatchObject({ group: 'autoscaling', kind: 'Scale' });
  });

  test('apiserver - legacy discovery: APIVersions, APIGroupList, APIResourceList with pods/eviction', async () => {
    const t = await newTestServer();
    const api = await t.inject({ method: 'GET', url: '/api', headers: { accept: 'application/json, */*' } });
    expect(api.headers['content-type']).toBe('application/json');
    expect(api.json<{ kind: string; versions: string[] }>()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = (await t.get<{ kind: string; groups: { name: string }[] }>('/apis'));
    expect(apis.kind).toBe('APIGroupList');
    expect(apis.groups.map((g) => g.name)).toEqual([...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))]);
    const v1 = await t.get<{ resources: { name: string; group?: string; kind: string }[] }>('/api/v1');
    expect(v1.resources).toContainEqual(expect.objectContaining({ name: 'pods/eviction', group: 'policy', kind: 'Eviction' }));
    expect((await t.get<{ kind: string }>('/apis/apps/v1')).kind).toBe('APIResourceList');
    expect((await t.get<{ kind: string }>('/apis/apps')).kind).toBe('APIGroup');
  });

  test('apiserver - /version reports 1.32', async () => {
    const t = await newTestServer();
    expect(await t.get('/version?timeout=5s')).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
  });

  test('apiserver - openapi v3 index and documents come from the openapi module', async () => {
    const t = await newTestServer();
    expect(await t.get('/openapi/v3')).toHaveProperty('paths');
    expect((await t.inject({ method: 'GET', url: '/openapi/v3/api/v1?hash=x' })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/openapi/v3/apis/nope/v1' })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/openapi/v2' })).statusCode).toBe(404);
  });
});

describe('apiserver - health', () => {
  test('apiserver - readyz waits for Ready nodes and fresh leader leases', async () => {
    const t = await newTestServer({ expectedNodes: 1 });
    const before = await t.inject({ method: 'GET', url: '/readyz' });
    expect(before.statusCode).toBe(500);
    expect(before.body).toContain('[-]nodes-ready failed: reason withheld');
    expect(before.body).toContain('readyz check failed');
    await t.create('/api/v1/nodes', makeNode('n1').obj());
    for (const name of ['kube-scheduler', 'kube-controller-manager']) {
      await t.create('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name },
        spec: { holderIdentity: 'x', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' },
      });
    }
    const after = await t.inject({ method: 'GET', url: '/readyz' });
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe('ok');
    expect((await t.inject({ method: 'GET', url: '/readyz?verbose' })).body).toContain('[+]nodes-ready ok');
    t.clock.advance(16_000);
    expect((await t.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(500);
    expect((await t.inject({ method: 'GET', url: '/healthz' })).body).toBe('ok');
  });
});

describe('apiserver - http errors and bodies', () => {
  test.each([
    ['GET', '/nope', undefined, undefined, 404],
    ['GET', '/api/v1/widgets', undefined, undefined, 404],
    ['GET', '/api/v1/pods/x', undefined, undefined, 404],
    ['POST', PODS, '{"metadata": ', 'application/json', 400],
    ['POST', PODS, 'metadata: [', 'application/yaml', 400],
    ['POST', PODS, 'k8s\u0000xx', 'application/vnd.kubernetes.protobuf', 400],
    ['PATCH', `${PODS}/x`, '{}', 'text/plain', 415],
    ['PUT', PODS, '{}', 'application/json', 405],
  ])('apiserver - %s %s (%s) is %i', async (method, url, payload, ct, code) => {
    const t = await newTestServer();
    const res = await t.inject({ method, url, payload, headers: ct ? { 'content-type': ct } : {} });
    expect(res.statusCode).toBe(code);
    expect(res.json<Status>()).toMatchObject({ kind: 'Status', status: 'Failure', code });
  });

  test('apiserver - a body over 3 MiB is 413', async () => {
    const t = await newTestServer();
    const big = JSON.stringify({ ...makePod('big').obj(), data: 'x'.repeat(3 * 1024 * 1024) });
    const res = await t.inject({ method: 'POST', url: PODS, payload: big, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json<Status>().reason).toBe('RequestEntityTooLarge');
  });

  test('apiserver - YAML bodies are accepted', async () => {
    const t = await newTestServer();
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: y\nspec:\n  containers:\n  - name: c\n    image: busybox\n';
    const res = await t.inject({ method: 'POST', url: PODS, payload: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(res.statusCode).toBe(201);
    expect(res.json<KObject>().metadata.name).toBe('y');
  });
});

describe('apiserver - tables', () => {
  test('apiserver - Accept Table gives a Table with PartialObjectMetadata rows', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('a').obj());
    const res = await t.inject({ method: 'GET', url: '/api/v1/pods?limit=500', headers: { accept: TABLE } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const table = res.json<{ kind: string; metadata: { resourceVersion: string }; rows: { object: KObject }[] }>();
    expect(table.kind).toBe('Table');
    expect(table.metadata.resourceVersion).toBe(String(t.store.revision));
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'a', namespace: 'default' } });
    const one = await t.inject({ method: 'GET', url: `${PODS}/a`, headers: { accept: TABLE } });
    expect(one.json<{ kind: string; rows: unknown[] }>().rows).toHaveLength(1);
  });

  test('apiserver - Table watch sends columnDefinitions only in the first event', async () => {
    const t = await newTestServer();
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=true&resourceVersion=${t.store.revision}`, headers: { accept: TABLE }, signal: ac.signal });
    await t.create(PODS, makePod('a').obj());
    await t.create(PODS, makePod('b').obj());
    ac.abort();
    const res = await p;
    expect(res.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const evs = lines<{ type: string; object: { kind: string; columnDefinitions: unknown[]; rows: unknown[] } }>(res.body);
    expect(evs.map((e) => e.object.kind)).toEqual(['Table', 'Table']);
    expect(evs[0].object.columnDefinitions.length).toBeGreaterThan(0);
    expect(evs[1].object.columnDefinitions).toEqual([]);
    expect(evs[1].object.rows).toHaveLength(1);
  });
});

describe('apiserver - actor-protocol handle', () => {
  test('apiserver - handle serves the same verbs and returns private copies', async () => {
    const t = await newTestServer();
    const created = (await t.server.handle({ type: 'create', res: { group: '', resource: 'pods' }, namespace: 'default', object: makePod('h').obj() })) as KObject;
    created.metadata.name = 'mutated';
    const got = (await t.server.handle({ type: 'get', res: { group: '', resource: 'pods' }, namespace: 'default', name: 'h' })) as KObject;
    expect(got.metadata.name).toBe('h');
    await expect(t.server.handle({ type: 'get', res: { group: '', resource: 'pods' }, namespace: 'default', name: 'nope' })).rejects.toMatchObject({ code: 404 });
  });

  test('apiserver - list with the internal nodeNames filter uses the node index', async () => {
    const t = await newTestServer();
    for (const [name, node] of [['a', 'n1'], ['b', 'n2'], ['c', 'n3'], ['d', '']]) {
      await t.create(PODS, node ? makePod(name).node(node).obj() : makePod(name).obj());
    }
    await t.inject({ method: 'POST', url: `${PODS}/d/binding`, payload: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'd' }, target: { kind: 'Node', name: 'n3' } } });
    await t.inject({ method: 'DELETE', url: `${PODS}/c`, payload: { gracePeriodSeconds: 0 } });
    const list = (await t.server.handle({ type: 'list', res: { group: '', resource: 'pods' }, opts: { nodeNames: ['n1', 'n3'] } })) as KList;
    expect(list.items.map((p) => p.metadata.name)).toEqual(['a', 'd']);
    // Writes that reached the cache leave no pending wait timers behind.
    expect(t.clock.pending).toBe(0);
  });
});
