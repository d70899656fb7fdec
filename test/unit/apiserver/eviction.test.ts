import { describe, expect, test } from 'vitest';
import type { KObject, Status } from '../../../src/api/types.js';
import { makePod, newTestServer, type TestServer } from './helpers.js';

const PODS = '/api/v1/namespaces/default/pods';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

/** runningPod creates a bound pod labelled app=web and sets its status (Running, Ready or not). */
async function runningPod(t: TestServer, name: string, ready = true, phase = 'Running'): Promise<void> {
  const pod = await t.create(PODS, makePod(name).node('n1').labels({ app: 'web' }).obj());
  pod.status = { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  const res = await t.inject({ method: 'PUT', url: `${PODS}/${name}/status`, payload: pod });
  if (res.statusCode !== 200) throw new Error(res.body);
}

async function pdb(t: TestServer, name: string, spec: object): Promise<void> {
  await t.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });
}

function evict(t: TestServer, name: string, deleteOptions: object = {}, query = ''): ReturnType<TestServer['inject']> {
  return t.inject({ method: 'POST', url: `${PODS}/${name}/eviction${query}`, payload: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, deleteOptions } });
}

async function exists(t: TestServer, name: string): Promise<boolean> {
  const res = await t.inject({ method: 'GET', url: `${PODS}/${name}` });
  return res.statusCode === 200 && !res.json<KObject>().metadata.deletionTimestamp;
}

describe('apiserver - eviction with PodDisruptionBudgets', () => {
  test('apiserver - eviction without a budget deletes the pod (201) and marks DisruptionTarget', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    const res = await evict(t, 'a');
    expect(res.statusCode, res.body).toBe(201);
    const pod = await t.get<KObject>(`${PODS}/a`);
    expect(pod.metadata.deletionTimestamp).toBeTruthy();
    expect((pod.status as { conditions: { type: string; reason?: string }[] }).conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', reason: 'EvictionByEvictionAPI' }));
  });

  test('apiserver - eviction that would violate the budget is 429 with the upstream message and cause', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await runningPod(t, 'b');
    await pdb(t, 'web', { minAvailable: 2 });
    const res = await evict(t, 'a');
    expect(res.statusCode).toBe(429);
    const st = res.json<Status>();
    expect(st).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(st.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }]);
    expect(await exists(t, 'a')).toBe(true);
  });

  test('apiserver - eviction charges the budget: the first of two pods goes, the second is refused', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await runningPod(t, 'b');
    await pdb(t, 'web', { minAvailable: 1 });
    expect((await evict(t, 'a')).statusCode).toBe(201);
    const st = (await t.get<KObject>(`${PDBS}/web`)).status as { disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number; expectedPods: number; disruptedPods?: object };
    expect(st).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    expect(Object.keys(st.disruptedPods ?? {})).toEqual(['a']);
    const second = await evict(t, 'b');
    expect(second.statusCode).toBe(429);
    expect(second.json<Status>().details?.causes?.[0].message).toBe('The disruption budget web needs 1 healthy pods and has 1 currently');
    expect(await exists(t, 'b')).toBe(true);
  });

  test.each([
    ['maxUnavailable 1', { maxUnavailable: 1 }, [201, 429]],
    ['maxUnavailable 0', { maxUnavailable: 0 }, [429, 429]],
    ['minAvailable 50%', { minAvailable: '50%' }, [201, 429]],
    ['minAvailable 0', { minAvailable: 0 }, [201, 201]],
  ])('apiserver - eviction with %s over two ready pods answers %j', async (_name, spec, codes) => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await runningPod(t, 'b');
    await pdb(t, 'web', spec);
    expect((await evict(t, 'a')).statusCode).toBe(codes[0]);
    expect((await evict(t, 'b')).statusCode).toBe(codes[1]);
  });

  test.each([
    ['IfHealthyBudget', 429],
    ['AlwaysAllow', 201],
  ])('apiserver - an unready pod under an unmet budget with policy %s gets %d', async (policy, code) => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await runningPod(t, 'sick', false);
    await pdb(t, 'web', { minAvailable: 2, unhealthyPodEvictionPolicy: policy });
    expect((await evict(t, 'sick')).statusCode).toBe(code);
  });

  test('apiserver - an unready pod goes without charging a met budget (IfHealthyBudget)', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await runningPod(t, 'b');
    await runningPod(t, 'sick', false);
    await pdb(t, 'web', { minAvailable: 2 });
    expect((await evict(t, 'sick')).statusCode).toBe(201);
    expect(((await t.get<KObject>(`${PDBS}/web`)).status as { disruptionsAllowed: number }).disruptionsAllowed).toBe(0);
  });

  test('apiserver - a Pending pod is evicted without consulting the budget', async () => {
    const t = await newTestServer();
    await runningPod(t, 'p', false, 'Pending');
    await pdb(t, 'web', { minAvailable: 5 });
    expect((await evict(t, 'p')).statusCode).toBe(201);
  });

  test('apiserver - a pod selected by two budgets cannot be evicted (500, as upstream)', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await pdb(t, 'one', { minAvailable: 0 });
    await pdb(t, 'two', { minAvailable: 0 });
    const res = await evict(t, 'a');
    expect(res.statusCode).toBe(500);
    expect(res.json<Status>().message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });

  test('apiserver - a budget in another namespace or with other labels does not apply', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await t.create('/apis/policy/v1/namespaces/kube-system/poddisruptionbudgets', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: { minAvailable: 9, selector: { matchLabels: { app: 'web' } } } });
    await t.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'y' }, spec: { minAvailable: 9, selector: { matchLabels: { app: 'db' } } } });
    expect((await evict(t, 'a')).statusCode).toBe(201);
  });

  test('apiserver - a dry-run eviction leaves pod and budget untouched', async () => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    await runningPod(t, 'b');
    await pdb(t, 'web', { minAvailable: 1 });
    const res = await evict(t, 'a', { dryRun: ['All'] });
    expect(res.statusCode, res.body).toBe(201);
    expect(await exists(t, 'a')).toBe(true);
    expect((await t.get<KObject>(`${PDBS}/web`)).status ?? {}).not.toHaveProperty('disruptedPods');
  });

  test.each([
    ['a mismatched name', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } }, 400],
    ['a missing pod', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'nope' } }, 404],
  ])('apiserver - an eviction with %s is %d', async (_what, body, code) => {
    const t = await newTestServer();
    await runningPod(t, 'a');
    const name = (body.metadata.name === 'other' ? 'a' : 'nope');
    const res = await t.inject({ method: 'POST', url: `${PODS}/${name}/eviction`, payload: body });
    expect(res.statusCode).toBe(code);
    expect(await exists(t, 'a')).toBe(true);
  });
});
