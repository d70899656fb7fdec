import { describe, expect, it } from 'vitest';
import { controllerOf } from '../../../src/api/meta.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../../src/api/resources.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/api/types.js';
import { deploymentController } from '../../../src/controllers/deployment.js';
import { computeHash, resolveFenceposts } from '../../../src/controllers/deployment-util.js';
import { replicaSetController } from '../../../src/controllers/replicaset.js';
import { finishTerminating, harness, makeDeployment, runPods, type Harness } from './harness.js';

async function setup(d: Deployment): Promise<Harness> {
  const h = harness();
  await h.fake.create(DEPLOYMENTS, d);
  await h.start(deploymentController());
  await h.start(replicaSetController());
  await h.settle();
  return h;
}

const get = (h: Harness, name = 'web') => h.fake.peek<Deployment>(DEPLOYMENTS, 'default', name)!;
const rsets = (h: Harness) => h.fake.all<ReplicaSet>(REPLICASETS).sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']));
const cond = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** drive plays kubelet until the rollout is complete (or rounds run out). */
async function drive(h: Harness, rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const n = (await runPods(h.fake, h.clock)) + (await finishTerminating(h.fake));
    await h.settle();
    await h.advance(1000);
    if (n === 0 && cond(get(h), 'Progressing')?.reason === 'NewReplicaSetAvailable' && get(h).status?.updatedReplicas === get(h).spec.replicas && get(h).status?.replicas === get(h).spec.replicas) return;
  }
}

async function changeTemplate(h: Harness, image: string, patch: Partial<Deployment['spec']> = {}): Promise<void> {
  const d = get(h);
  d.spec = { ...d.spec, ...patch, template: { ...d.spec.template, spec: { containers: [{ name: 'c', image }] } } };
  await h.fake.update(DEPLOYMENTS, d);
}

describe('controllers/deployment', () => {
  it('controllers/deployment - creates a ReplicaSet named by the pod-template-hash and completes the rollout', async () => {
    const h = await setup(makeDeployment('web', 3));
    const [rs] = rsets(h);
    const hash = computeHash(get(h).spec.template);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(controllerOf(rs)).toMatchObject({ kind: 'Deployment', name: 'web' });
    expect(h.fake.count(PODS)).toBe(3);
    expect(cond(get(h), 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    await drive(h);
    const d = get(h);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    expect(cond(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` });
  });

  it('controllers/deployment - the pod-template-hash is stable and changes with the template or collisionCount', () => {
    const t = makeDeployment('a', 1).spec.template;
    expect(computeHash(t)).toBe(computeHash(structuredClone(t)));
    expect(computeHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).not.toBe(computeHash(t));
    expect(computeHash(t, 1)).not.toBe(computeHash(t));
  });

  it.each([
    // replicas, maxSurge, maxUnavailable → [surge, unavailable]
    [10, '25%', '25%', 3, 2],
    [4, 1, 0, 1, 0],
    [4, 0, 0, 0, 1],
    [3, '50%', '50%', 2, 1],
    [1, '25%', '25%', 1, 0],
  ])('controllers/deployment - fenceposts: %i replicas, surge %s, unavailable %s → %i/%i', (replicas, s, u, ws, wu) => {
    const d = makeDeployment('x', replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: s, maxUnavailable: u } } });
    expect(resolveFenceposts(d)).toEqual([ws, wu]);
  });

  it.each([
    // maxSurge, maxUnavailable, first step with no new pod ready yet: [new, old] spec.replicas
    [1, 0, [1, 4]],
    [0, 1, [1, 3]],
    ['25%', '25%', [2, 3]],
  ] as const)('controllers/deployment - rolling update with maxSurge %s maxUnavailable %s: first step, then completion', async (surge, unav, first) => {
    const h = await setup(makeDeployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unav } } }));
    await drive(h);
    await changeTemplate(h, 'nginx:2');
    await h.settle();
    const [old, neu] = rsets(h);
    expect([neu.spec.replicas, old.spec.replicas]).toEqual(first);
    expect(neu.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(cond(get(h), 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    // never more than replicas + surge pods, never fewer than replicas - unavailable available
    await drive(h);
    const [o2, n2] = rsets(h);
    expect([n2.spec.replicas, o2.spec.replicas]).toEqual([4, 0]);
    expect(get(h).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(get(h).status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4, observedGeneration: 2 });
    expect(h.fake.all<Pod>(PODS).every((p) => p.metadata.labels?.['pod-template-hash'] === n2.metadata.labels?.['pod-template-hash'])).toBe(true);
  });

  it('controllers/deployment - Recreate scales the old ReplicaSet to zero and waits for its pods before creating the new one', async () => {
    const h = await setup(makeDeployment('web', 2, { strategy: { type: 'Recreate' } }));
    await drive(h);
    await changeTemplate(h, 'nginx:2');
    await h.settle();
    expect(rsets(h)).toHaveLength(1);
    expect(rsets(h)[0].spec.replicas).toBe(0);
    expect(h.fake.all<Pod>(PODS).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    await finishTerminating(h.fake);
    await h.settle();
    expect(rsets(h)).toHaveLength(1); // noticed on the next poll, not by a pod watch
    await h.advance(1000);
    expect(rsets(h).map((r) => r.spec.replicas)).toEqual([0, 2]);
    await drive(h);
    expect(get(h).status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });

  it('controllers/deployment - scaling updates the ReplicaSet and its desired-replicas annotation', async () => {
    const h = await setup(makeDeployment('web', 2));
    await drive(h);
    const d = get(h);
    await h.fake.update(DEPLOYMENTS, { ...d, spec: { ...d.spec, replicas: 5 } });
    await h.settle();
    const [rs] = rsets(h);
    expect(rs.spec.replicas).toBe(5);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(rsets(h)).toHaveLength(1);
    expect(h.fake.count(PODS)).toBe(5);
  });

  it('controllers/deployment - annotations added to a deployment are copied onto its new ReplicaSet, but not the skipped ones', async () => {
    const h = await setup(makeDeployment('web', 1));
    await drive(h);
    const d = get(h);
    const annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    await h.fake.update(DEPLOYMENTS, { ...d, metadata: { ...d.metadata, annotations } });
    await h.settle();
    const [rs] = rsets(h);
    expect(rs.metadata.annotations?.['kubernetes.io/change-cause']).toBe('v2');
    expect(rs.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  });

  it('controllers/deployment - paused deployments do not roll out; resuming does', async () => {
    const h = await setup(makeDeployment('web', 2));
    await drive(h);
    await changeTemplate(h, 'nginx:2', { paused: true });
    await h.settle();
    expect(rsets(h)).toHaveLength(1);
    expect(cond(get(h), 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    const d = get(h);
    await h.fake.update(DEPLOYMENTS, { ...d, spec: { ...d.spec, paused: false } });
    await drive(h);
    expect(rsets(h)).toHaveLength(2);
    expect(get(h).status?.updatedReplicas).toBe(2);
    expect(cond(get(h), 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('controllers/deployment - old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first', async () => {
    const h = await setup(makeDeployment('web', 1, { revisionHistoryLimit: 1 }));
    for (const img of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await drive(h);
      await changeTemplate(h, img);
    }
    await drive(h);
    const left = rsets(h);
    expect(left.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision'])).toEqual(['3', '4']);
  });

  it('controllers/deployment - a rollout that makes no progress hits ProgressDeadlineExceeded', async () => {
    const h = await setup(makeDeployment('web', 1, { progressDeadlineSeconds: 30 }));
    await h.advance(40_000, 5000);
    expect(cond(get(h), 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('controllers/deployment - 5,000 replicas come up without waiting per pod', async () => {
    const h = await setup(makeDeployment('big', 5000));
    expect(h.fake.count(PODS)).toBe(5000);
    expect(rsets(h)[0].status?.replicas).toBe(5000);
  });
});

describe('controllers/deployment - proportional scaling', () => {
  it('controllers/deployment - scaling in the middle of a rollout spreads the new replicas over both ReplicaSets', async () => {
    const h = await setup(makeDeployment('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await drive(h);
    await changeTemplate(h, 'nginx:2');
    await h.settle(); // new pods never get ready: the rollout stalls
    // new 3 (surge) → old 13-8-3=2 down to 8 → new up to 5 (total 13 = 10 + 3)
    expect(rsets(h).map((r) => r.spec.replicas)).toEqual([8, 5]);
    const d = get(h);
    await h.fake.update(DEPLOYMENTS, { ...d, spec: { ...d.spec, replicas: 20 } });
    await h.settle();
    // allowed 20 + 3 (maxSurge) = 23, add 23 - 13 = 10 by max-replicas 13:
    //   old (largest first): round(8·23/13) - 8 = 14 - 8 = 6 → 14;  new: round(5·23/13) - 5 = 9 - 5 = 4 → 9
    expect(rsets(h).map((r) => r.spec.replicas)).toEqual([14, 9]);
    expect(rsets(h).map((r) => r.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'])).toEqual(['20', '20']);
  });
});
