import { describe, expect, test } from 'vitest';
import type { KObject, Status } from '../../../src/api/types.js';
import { makeDeployment, makePod, makeService, newTestServer } from './helpers.js';

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

describe('apiserver - create', () => {
  test('apiserver - create sets uid, creationTimestamp and a resourceVersion (no generation on pods, as 1.32)', async () => {
    const t = await newTestServer();
    const pod = await t.create(PODS, makePod('a').obj());
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(pod.metadata.generation).toBeUndefined();
    expect(Number(pod.metadata.resourceVersion)).toBe(t.store.revision);
    const got = await t.get<KObject>(`${PODS}/a`);
    expect(got.metadata.uid).toBe(pod.metadata.uid);
  });

  test('apiserver - create twice is 409 AlreadyExists with a Status body', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('a').obj());
    const res = await t.inject({ method: 'POST', url: PODS, payload: makePod('a').obj() });
    expect(res.statusCode).toBe(409);
    const st = res.json<Status>();
    expect(st).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'pods "a" already exists' });
  });

  test('apiserver - generateName appends a random suffix', async () => {
    const t = await newTestServer();
    const pod = await t.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    expect(pod.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('apiserver - create in a missing namespace is 404 namespaces "x" not found', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: '/api/v1/namespaces/nope/pods', payload: makePod('a', 'nope').obj() });
    expect(res.statusCode).toBe(404);
    expect(res.json<Status>().message).toBe('namespaces "nope" not found');
  });

  test('apiserver - invalid objects are 422 Invalid with causes', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: PODS, payload: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [] } } });
    expect(res.statusCode).toBe(422);
    const st = res.json<Status>();
    expect(st.reason).toBe('Invalid');
    expect(st.details?.causes?.length).toBeGreaterThan(0);
  });

  test('apiserver - namespace mismatch between body and URL is 400', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: PODS, payload: makePod('a', 'kube-system').obj() });
    expect(res.statusCode).toBe(400);
  });

  test('apiserver - fieldValidation=Strict rejects unknown fields with 400', async () => {
    const t = await newTestServer();
    const body = makeDeployment('d').with((d) => ((d.spec as Record<string, unknown>).replicaz = 3)).obj();
    const res = await t.inject({ method: 'POST', url: `${DEPLOYS}?fieldValidation=Strict`, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toContain('unknown field "spec.replicaz"');
    const ok = await t.inject({ method: 'POST', url: `${DEPLOYS}?fieldValidation=Ignore`, payload: body });
    expect(ok.statusCode).toBe(201);
  });

  test('apiserver - dryRun=All validates and returns without storing', async () => {
    const t = await newTestServer();
    const before = t.store.revision;
    const res = await t.inject({ method: 'POST', url: `${PODS}?dryRun=All`, payload: makePod('dry').obj() });
    expect(res.statusCode).toBe(201);
    expect(t.store.revision).toBe(before);
    expect((await t.inject({ method: 'GET', url: `${PODS}/dry` })).statusCode).toBe(404);
  });

  test('apiserver - services get a clusterIP from the service CIDR; None stays headless', async () => {
    const t = await newTestServer({ serviceCIDR: '10.96.0.0/24' });
    const a = await t.create('/api/v1/namespaces/default/services', makeService('a').obj());
    const b = await t.create('/api/v1/namespaces/default/services', makeService('b').obj());
    const spec = (o: KObject) => o.spec as { clusterIP: string; clusterIPs: string[] };
    expect(spec(a).clusterIP).toMatch(/^10\.96\.0\.\d+$/);
    expect(spec(a).clusterIPs).toEqual([spec(a).clusterIP]);
    expect(spec(b).clusterIP).not.toBe(spec(a).clusterIP);
    const h = await t.create('/api/v1/namespaces/default/services', makeService('h').with((s) => ((s.spec as Record<string, unknown>).clusterIP = 'None')).obj());
    expect(spec(h).clusterIP).toBe('None');
    const dup = await t.inject({ method: 'POST', url: '/api/v1/namespaces/default/services', payload: makeService('c').with((s) => ((s.spec as Record<string, unknown>).clusterIP = spec(a).clusterIP)).obj() });
    expect(dup.statusCode).toBe(422);
  });
});

describe('apiserver - update and patch', () => {
  test('apiserver - generation bumps on spec changes only', async () => {
    const t = await newTestServer();
    const d = await t.create(DEPLOYS, makeDeployment('web').obj());
    const labels = await t.inject({ method: 'PATCH', url: `${DEPLOYS}/web`, headers: { 'content-type': 'application/merge-patch+json' }, payload: { metadata: { labels: { a: 'b' } } } });
    expect(labels.statusCode).toBe(200);
    expect(labels.json<KObject>().metadata.generation).toBe(1);
    const spec = await t.inject({ method: 'PATCH', url: `${DEPLOYS}/web`, headers: { 'content-type': 'application/merge-patch+json' }, payload: { spec: { replicas: 3 } } });
    expect(spec.json<KObject>().metadata.generation).toBe(2);
    expect(spec.json<KObject>().metadata.uid).toBe(d.metadata.uid);
  });

  test('apiserver - PUT with a stale resourceVersion is 409 Conflict', async () => {
    const t = await newTestServer();
    const d = await t.create(DEPLOYS, makeDeployment('web').obj());
    const first = { ...d, spec: { ...(d.spec as object), replicas: 2 } };
    const ok = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web`, payload: first });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<KObject>().metadata.generation).toBe(2);
    const stale = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web`, payload: { ...d, spec: { ...(d.spec as object), replicas: 5 } } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<Status>()).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again' });
  });

  test('apiserver - a no-op update keeps the resourceVersion and writes nothing', async () => {
    const t = await newTestServer();
    const d = await t.create(DEPLOYS, makeDeployment('web').obj());
    const rev = t.store.revision;
    const res = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web`, payload: d });
    expect(res.json<KObject>().metadata.resourceVersion).toBe(d.metadata.resourceVersion);
    expect(t.store.revision).toBe(rev);
  });

  test('apiserver - PUT to the main resource keeps status; PUT to /status keeps spec', async () => {
    const t = await newTestServer();
    const d = await t.create(DEPLOYS, makeDeployment('web').obj());
    const s1 = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web/status`, payload: { ...d, spec: { ...(d.spec as object), replicas: 9 }, status: { replicas: 1 } } });
    expect(s1.statusCode).toBe(200);
    const after = s1.json<KObject>();
    expect((after.status as { replicas: number }).replicas).toBe(1);
    expect((after.spec as { replicas: number }).replicas).toBe(1);
    expect(after.metadata.generation).toBe(1);
    const m = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web`, payload: { ...after, status: { replicas: 7 } } });
    expect((m.json<KObject>().status as { replicas: number }).replicas).toBe(1);
  });

  test('apiserver - JSON patch with a stale resourceVersion test is 409', async () => {
    const t = await newTestServer();
    await t.create(DEPLOYS, makeDeployment('web').obj());
    const res = await t.inject({
      method: 'PATCH',
      url: `${DEPLOYS}/web`,
      headers: { 'content-type': 'application/json-patch+json' },
      payload: [{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }],
    });
    expect(res.statusCode).toBe(409);
  });

  test('apiserver - apply patch on a missing object creates it (201)', async () => {
    const t = await newTestServer();
    const res = await t.inject({
      method: 'PATCH',
      url: `${DEPLOYS}/ssa?fieldManager=kubectl&force=false`,
      headers: { 'content-type': 'application/apply-patch+yaml' },
      payload: JSON.stringify(makeDeployment('ssa').obj()),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<KObject>().metadata.generation).toBe(1);
  });

  test('apiserver - PATCH and PUT of a missing pod are 404', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'PATCH', url: `${PODS}/nope`, headers: { 'content-type': 'application/merge-patch+json' }, payload: { metadata: { labels: { a: 'b' } } } });
    expect(res.statusCode).toBe(404);
    expect(res.json<Status>().message).toBe('pods "nope" not found');
    const put = await t.inject({ method: 'PUT', url: `${PODS}/nope`, payload: makePod('nope').obj() });
    expect(put.statusCode).toBe(404);
  });

  test('apiserver - PUT creates a missing lease (create on update)', async () => {
    const t = await newTestServer();
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-system' }, spec: { holderIdentity: 'n1' } };
    const res = await t.inject({ method: 'PUT', url: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/n1', payload: lease });
    expect(res.statusCode).toBe(201);
  });
});
