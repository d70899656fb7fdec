import { describe, expect, test } from 'vitest';
import type { KObject, Status } from '../../../src/api/types.js';
import { makeDeployment, makeNamespace, makePod, newTestServer } from './helpers.js';

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const binding = (pod: string, node: string, uid?: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: pod, ...(uid ? { uid } : {}) }, target: { kind: 'Node', name: node } });
const merge = { 'content-type': 'application/merge-patch+json' };

describe('apiserver - pods/binding', () => {
  test('apiserver - binding sets spec.nodeName and PodScheduled; a second binding is 409', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').obj());
    const res = await t.inject({ method: 'POST', url: `${PODS}/p/binding`, payload: binding('p', 'n1') });
    expect(res.statusCode).toBe(201);
    expect(res.json<Status>()).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const pod = await t.get<KObject>(`${PODS}/p`);
    expect((pod.spec as { nodeName: string }).nodeName).toBe('n1');
    expect((pod.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const again = await t.inject({ method: 'POST', url: `${PODS}/p/binding`, payload: binding('p', 'n2') });
    expect(again.statusCode).toBe(409);
    expect(again.json<Status>().message).toBe('Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"');
  });

  test('apiserver - binding with a wrong uid precondition is 409; of a missing pod 404', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').obj());
    expect((await t.inject({ method: 'POST', url: `${PODS}/p/binding`, payload: binding('p', 'n1', 'wrong') })).statusCode).toBe(409);
    expect((await t.inject({ method: 'POST', url: `${PODS}/nope/binding`, payload: binding('nope', 'n1') })).statusCode).toBe(404);
  });
});

describe('apiserver - scale', () => {
  test('apiserver - GET scale returns an autoscaling/v1 Scale with the selector string', async () => {
    const t = await newTestServer();
    await t.create(DEPLOYS, makeDeployment('web', 2).obj());
    const s = await t.get<KObject>(`${DEPLOYS}/web/scale`);
    expect(s).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' } });
  });

  test('apiserver - PATCH scale (merge) sets replicas and bumps generation', async () => {
    const t = await newTestServer();
    await t.create(DEPLOYS, makeDeployment('web', 2).obj());
    const res = await t.inject({ method: 'PATCH', url: `${DEPLOYS}/web/scale`, headers: merge, payload: { spec: { replicas: 5 } } });
    expect(res.statusCode).toBe(200);
    expect(res.json<KObject>().spec).toEqual({ replicas: 5 });
    const d = await t.get<KObject>(`${DEPLOYS}/web`);
    expect((d.spec as { replicas: number }).replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
  });

  test('apiserver - PUT scale with a stale resourceVersion is 409; negative replicas 422', async () => {
    const t = await newTestServer();
    await t.create(DEPLOYS, makeDeployment('web', 2).obj());
    const s = await t.get<KObject>(`${DEPLOYS}/web/scale`);
    const ok = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web/scale`, payload: { ...s, spec: { replicas: 3 } } });
    expect(ok.statusCode).toBe(200);
    const stale = await t.inject({ method: 'PUT', url: `${DEPLOYS}/web/scale`, payload: { ...s, spec: { replicas: 4 } } });
    expect(stale.statusCode).toBe(409);
    const neg = await t.inject({ method: 'PATCH', url: `${DEPLOYS}/web/scale`, headers: merge, payload: { spec: { replicas: -1 } } });
    expect(neg.statusCode).toBe(422);
  });

  test('apiserver - pods have no scale subresource (404)', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').obj());
    expect((await t.inject({ method: 'GET', url: `${PODS}/p/scale` })).statusCode).toBe(404);
  });
});

describe('apiserver - delete', () => {
  test('apiserver - a bound pod is deleted gracefully; gracePeriodSeconds=0 finishes it', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').node('n1').obj());
    const res = await t.inject({ method: 'DELETE', url: `${PODS}/p`, payload: { propagationPolicy: 'Background' } });
    expect(res.statusCode).toBe(200);
    const marked = res.json<KObject>();
    expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:30Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await t.inject({ method: 'GET', url: `${PODS}/p` })).statusCode).toBe(200);
    const fin = await t.inject({ method: 'DELETE', url: `${PODS}/p`, payload: { gracePeriodSeconds: 0 } });
    expect(fin.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `${PODS}/p` })).statusCode).toBe(404);
  });

  test('apiserver - an unbound pod is deleted at once', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').obj());
    expect((await t.inject({ method: 'DELETE', url: `${PODS}/p` })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `${PODS}/p` })).statusCode).toBe(404);
    const again = await t.inject({ method: 'DELETE', url: `${PODS}/p` });
    expect(again.statusCode).toBe(404);
  });

  test('apiserver - finalizers keep the object until the last one is removed', async () => {
    const t = await newTestServer();
    await t.create(DEPLOYS, makeDeployment('web').with((d) => (d.metadata.finalizers = ['example.com/keep'])).obj());
    const del = await t.inject({ method: 'DELETE', url: `${DEPLOYS}/web` });
    expect(del.statusCode).toBe(200);
    const d = await t.get<KObject>(`${DEPLOYS}/web`);
    expect(d.metadata.deletionTimestamp).toBeDefined();
    expect(d.metadata.generation).toBe(2);
    const addMore = await t.inject({ method: 'PATCH', url: `${DEPLOYS}/web`, headers: merge, payload: { metadata: { finalizers: ['example.com/keep', 'x/y'] } } });
    expect(addMore.statusCode).toBe(422);
    const rm = await t.inject({ method: 'PATCH', url: `${DEPLOYS}/web`, headers: merge, payload: { metadata: { finalizers: null } } });
    expect(rm.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `${DEPLOYS}/web` })).statusCode).toBe(404);
  });

  test.each([
    ['Foreground', 'foregroundDeletion', 202],
    ['Orphan', 'orphan', 200],
  ])('apiserver - propagationPolicy %s adds the %s finalizer', async (policy, finalizer, code) => {
    const t = await newTestServer();
    await t.create(DEPLOYS, makeDeployment('web').obj());
    const res = await t.inject({ method: 'DELETE', url: `${DEPLOYS}/web`, payload: { propagationPolicy: policy } });
    expect(res.statusCode).toBe(code);
    expect(res.json<KObject>().metadata.finalizers).toEqual([finalizer]);
  });

  test('apiserver - a uid precondition mismatch is 409', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').obj());
    const res = await t.inject({ method: 'DELETE', url: `${PODS}/p`, payload: { preconditions: { uid: 'other' } } });
    expect(res.statusCode).toBe(409);
    expect(res.json<Status>().message).toContain('Precondition failed: UID in precondition: other');
  });

  test('apiserver - eviction deletes the pod (201)', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').node('n1').obj());
    const res = await t.inject({ method: 'POST', url: `${PODS}/p/eviction`, payload: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } } });
    expect(res.statusCode).toBe(201);
    expect((await t.inject({ method: 'GET', url: `${PODS}/p` })).statusCode).toBe(404);
  });

  test('apiserver - deleting a namespace with spec.finalizers makes it Terminating until finalized', async () => {
    const t = await newTestServer();
    await t.create('/api/v1/namespaces', { ...makeNamespace('x'), spec: { finalizers: ['kubernetes'] } });
    const del = await t.inject({ method: 'DELETE', url: '/api/v1/namespaces/x' });
    expect(del.statusCode).toBe(200);
    expect((del.json<KObject>().status as { phase: string }).phase).toBe('Terminating');
    const create = await t.inject({ method: 'POST', url: '/api/v1/namespaces/x/pods', payload: makePod('p', 'x').obj() });
    expect(create.statusCode).toBe(403);
    const ns = await t.get<KObject>('/api/v1/namespaces/x');
    const fin = await t.inject({ method: 'PUT', url: '/api/v1/namespaces/x/finalize', payload: { ...ns, spec: { finalizers: [] } } });
    expect(fin.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/v1/namespaces/x' })).statusCode).toBe(404);
  });

  test('apiserver - deletecollection deletes what the selector picks', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('a').labels({ app: 'x' }).obj());
    await t.create(PODS, makePod('b').labels({ app: 'y' }).obj());
    const res = await t.inject({ method: 'DELETE', url: `${PODS}?labelSelector=app%3Dx` });
    expect(res.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `${PODS}/a` })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: `${PODS}/b` })).statusCode).toBe(200);
  });
});
