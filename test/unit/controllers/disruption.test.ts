import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../../src/api/meta.js';
import { DEPLOYMENTS, PODDISRUPTIONBUDGETS, PODS, REPLICASETS } from '../../../src/api/resources.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/api/types.js';
import { disruptionController, scaledValue, type PodDisruptionBudget } from '../../../src/controllers/disruption.js';
import { harness, makeDeployment, makePod, makeRS, runPods, type Harness } from './harness.js';

function pdb(spec: PodDisruptionBudget['spec'], name = 'budget'): PodDisruptionBudget {
  return { metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } };
}

/** ownedPods creates n ready pods app=web controlled by owner. */
async function ownedPods(h: Harness, n: number, owner: { kind: string; apiVersion: string; name: string; uid: string }): Promise<void> {
  for (let i = 0; i < n; i++) {
    await h.fake.create(PODS, { ...makePod(`web-${i}`, { app: 'web' }), metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ ...owner, controller: true }] } });
  }
  await runPods(h.fake, h.clock);
}

/** withReplicaSet: a ReplicaSet web (replicas = scale) owning n ready pods. */
async function withReplicaSet(n: number, scale = n): Promise<{ h: Harness; rs: ReplicaSet }> {
  const h = harness();
  const rs = await h.fake.create<ReplicaSet>(REPLICASETS, makeRS('web', scale));
  await ownedPods(h, n, { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: 'web', uid: String(rs.metadata.uid) });
  return { h, rs };
}

const statusOf = (h: Harness, name = 'budget') => h.fake.peek<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, 'default', name)?.status;

describe('controllers/disruption', () => {
  it('controllers/disruption - scaledValue rounds percentages up and passes integers through', () => {
    expect([scaledValue(2, 10), scaledValue('30%', 4), scaledValue('50%', 4), scaledValue('100%', 3), scaledValue('0%', 5)]).toEqual([2, 2, 2, 3, 0]);
    expect(() => scaledValue('abc', 3)).toThrow(/invalid value/);
  });

  it('controllers/disruption - minAvailable as an integer: expected = matching pods, allowed = healthy − min', async () => {
    const { h } = await withReplicaSet(3);
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb({ minAvailable: 2 }));
    await h.start(disruptionController());
    await h.settle();
    const st = statusOf(h)!;
    expect(st).toMatchObject({ expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(st.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' })]);
    // A pod losing readiness drops the budget to zero.
    const p = h.fake.peek<Pod>(PODS, 'default', 'web-0')!;
    await h.fake.updateStatus(PODS, { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } });
    await h.settle();
    expect(statusOf(h)).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
    expect(statusOf(h)!.conditions![0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  // Deployment web (replicas 4) → ReplicaSet (replicas 4) → 4 ready pods; the Deployment's scale counts.
  it.each([
    { spec: { maxUnavailable: 1 }, expected: 4, desired: 3, allowed: 1 },
    { spec: { maxUnavailable: '50%' }, expected: 4, desired: 2, allowed: 2 }, // 4 − ceil(2)
    { spec: { maxUnavailable: '30%' }, expected: 4, desired: 2, allowed: 2 }, // 4 − ceil(1.2)
    { spec: { minAvailable: '50%' }, expected: 4, desired: 2, allowed: 2 },
    { spec: { minAvailable: '30%' }, expected: 4, desired: 2, allowed: 2 }, // ceil(1.2)
    { spec: { minAvailable: '100%' }, expected: 4, desired: 4, allowed: 0 },
    { spec: { maxUnavailable: 0 }, expected: 4, desired: 4, allowed: 0 },
  ])('controllers/disruption - $spec over a Deployment of 4 → desired $desired, allowed $allowed', async ({ spec, expected, desired, allowed }) => {
    const h = harness();
    const d = await h.fake.create<Deployment>(DEPLOYMENTS, makeDeployment('web', 4));
    const rs = await h.fake.create<ReplicaSet>(REPLICASETS, { ...makeRS('web', 4), metadata: { name: 'web-abc', namespace: 'default', ownerReferences: [{ kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', uid: String(d.metadata.uid), controller: true }] } });
    await ownedPods(h, 4, { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: 'web-abc', uid: String(rs.metadata.uid) });
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb(spec));
    await h.start(disruptionController());
    await h.settle();
    expect(statusOf(h)).toMatchObject({ expectedPods: expected, desiredHealthy: desired, currentHealthy: 4, disruptionsAllowed: allowed });
  });

  it('controllers/disruption - expected pods follow the controller scale, not the pod count (scale-up in progress)', async () => {
    const { h, rs } = await withReplicaSet(2, 5);
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb({ maxUnavailable: 1 }));
    await h.start(disruptionController());
    await h.settle();
    expect(statusOf(h)).toMatchObject({ expectedPods: 5, desiredHealthy: 4, currentHealthy: 2, disruptionsAllowed: 0 });
    // Scaling the ReplicaSet down to 2 re-syncs the budget without any pod event.
    await h.fake.update(REPLICASETS, { ...h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'web')!, spec: { ...rs.spec, replicas: 2 } });
    await h.settle();
    expect(statusOf(h)).toMatchObject({ expectedPods: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  });

  it('controllers/disruption - a pod whose controller has no scale makes a percentage budget fail safe (SyncFailed, 0 allowed)', async () => {
    const h = harness();
    await ownedPods(h, 2, { kind: 'Job', apiVersion: 'batch/v1', name: 'j', uid: 'job-uid' });
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb({ maxUnavailable: '50%' }));
    await h.start(disruptionController());
    await h.settle();
    const st = statusOf(h)!;
    expect(st.disruptionsAllowed).toBe(0);
    expect(st.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "web-0"' });
  });

  it('controllers/disruption - unmanaged pods count for an integer minAvailable; selector {} matches all, no selector none', async () => {
    const h = harness();
    for (const n of ['a', 'b', 'c']) await h.fake.create(PODS, makePod(n, { app: n }));
    await runPods(h.fake, h.clock);
    await h.fake.create(PODDISRUPTIONBUDGETS, { metadata: { name: 'all', namespace: 'default' }, spec: { minAvailable: 1, selector: {} } });
    await h.fake.create(PODDISRUPTIONBUDGETS, { metadata: { name: 'none', namespace: 'default' }, spec: { minAvailable: 1 } });
    await h.start(disruptionController());
    await h.settle();
    expect(statusOf(h, 'all')).toMatchObject({ expectedPods: 3, currentHealthy: 3, disruptionsAllowed: 2 });
    expect(statusOf(h, 'none')).toMatchObject({ expectedPods: 0, currentHealthy: 0, disruptionsAllowed: 0 });
  });

  it('controllers/disruption - an evicted pod (disruptedPods) is not healthy until deleted, or until its 2-minute entry expires', async () => {
    const { h } = await withReplicaSet(3);
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb({ minAvailable: 1 }));
    await h.start(disruptionController());
    await h.settle();
    expect(statusOf(h)?.disruptionsAllowed).toBe(2);
    // What the apiserver's eviction writes when it charges the budget.
    const cur = h.fake.peek<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, 'default', 'budget')!;
    const at = rfc3339(h.clock.now());
    await h.fake.updateStatus(PODDISRUPTIONBUDGETS, { ...cur, status: { ...cur.status, disruptionsAllowed: 1, disruptedPods: { 'web-0': at, 'web-1': at } } });
    await h.settle();
    expect(statusOf(h)).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0, disruptedPods: { 'web-0': at, 'web-1': at } });
    expect(statusOf(h)!.conditions![0].reason).toBe('InsufficientPods');
    // web-0 goes away: its entry is dropped; web-1 was never deleted: it counts again after 2 min.
    await h.fake.delete(PODS, 'default', 'web-0', { gracePeriodSeconds: 0 });
    await h.settle();
    expect(statusOf(h)).toMatchObject({ currentHealthy: 1, expectedPods: 2, disruptedPods: { 'web-1': at } });
    await h.advance(121_000, 30_000);
    expect(statusOf(h)).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1 });
    expect(statusOf(h)!.disruptedPods).toBeUndefined();
  });

  it('controllers/disruption - the condition keeps its lastTransitionTime while its status does not change', async () => {
    const { h } = await withReplicaSet(3);
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb({ minAvailable: 1 }));
    await h.start(disruptionController());
    await h.settle();
    const t0 = statusOf(h)!.conditions![0].lastTransitionTime;
    h.clock.advance(5_000);
    await h.fake.delete(PODS, 'default', 'web-2', { gracePeriodSeconds: 0 });
    await h.settle();
    expect(statusOf(h)).toMatchObject({ disruptionsAllowed: 1 });
    expect(statusOf(h)!.conditions![0].lastTransitionTime).toBe(t0);
  });

  it('controllers/disruption - only pods of the PDB\'s namespace count', async () => {
    const { h } = await withReplicaSet(2);
    await h.fake.create(PODS, { ...makePod('elsewhere', { app: 'web' }), metadata: { name: 'elsewhere', namespace: 'other', labels: { app: 'web' } } });
    await runPods(h.fake, h.clock);
    await h.fake.create(PODDISRUPTIONBUDGETS, pdb({ minAvailable: 1 }));
    await h.start(disruptionController());
    await h.settle();
    expect(statusOf(h)).toMatchObject({ expectedPods: 2, currentHealthy: 2, disruptionsAllowed: 1 });
  });
});

