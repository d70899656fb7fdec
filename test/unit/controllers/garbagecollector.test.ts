import { describe, expect, it } from 'vitest';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../../src/api/resources.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/api/types.js';
import { deploymentController } from '../../../src/controllers/deployment.js';
import { garbageCollectorController } from '../../../src/controllers/garbagecollector.js';
import { replicaSetController } from '../../../src/controllers/replicaset.js';
import { finishTerminating, harness, makeDeployment, makePod, makeRS, runPods, type Harness } from './harness.js';

async function withDeployment(): Promise<Harness> {
  const h = harness();
  await h.fake.create(DEPLOYMENTS, makeDeployment('web', 3));
  await h.start(deploymentController());
  await h.start(replicaSetController());
  await h.start(garbageCollectorController());
  await h.settle();
  await runPods(h.fake, h.clock);
  await h.settle();
  return h;
}

describe('controllers/garbagecollector', () => {
  it('controllers/garbagecollector - deleting a deployment (Background) removes its ReplicaSets and pods', async () => {
    const h = await withDeployment();
    expect(h.fake.count(REPLICASETS)).toBe(1);
    expect(h.fake.count(PODS)).toBe(3);
    await h.fake.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Background' });
    await h.settle();
    expect(h.fake.count(REPLICASETS)).toBe(0);
    await finishTerminating(h.fake); // the kubelet's part of a graceful delete
    await h.settle();
    expect(h.fake.count(PODS)).toBe(0);
  });

  it('controllers/garbagecollector - Orphan removes the ownerReferences and the orphan finalizer, keeping dependents', async () => {
    const h = await withDeployment();
    await h.fake.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Orphan' });
    await h.settle();
    expect(h.fake.peek(DEPLOYMENTS, 'default', 'web')).toBeUndefined();
    const [rs] = h.fake.all<ReplicaSet>(REPLICASETS);
    expect(rs.metadata.ownerReferences ?? []).toEqual([]);
    expect(h.fake.count(PODS)).toBe(3);
  });

  it('controllers/garbagecollector - Foreground deletes dependents first and removes the finalizer when none are left', async () => {
    const h = await withDeployment();
    await h.fake.delete(DEPLOYMENTS, 'default', 'web', { propagationPolicy: 'Foreground' });
    await h.settle();
    const d = h.fake.peek<Deployment>(DEPLOYMENTS, 'default', 'web');
    expect(d?.metadata.finalizers).toEqual(['foregroundDeletion']);
    // pods are terminating; the RS waits for them (it is foreground-deleted too)
    expect(h.fake.all<Pod>(PODS).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    await finishTerminating(h.fake);
    await h.settle();
    await h.advance(10_000, 5_000);
    expect(h.fake.count(PODS)).toBe(0);
    expect(h.fake.count(REPLICASETS)).toBe(0);
    expect(h.fake.peek(DEPLOYMENTS, 'default', 'web')).toBeUndefined();
  });

  it('controllers/garbagecollector - keeps objects with a live owner, drops only a dangling second owner', async () => {
    const h = harness();
    const rs = await h.fake.create(REPLICASETS, makeRS('keep', 0));
    const p = makePod('two-owners', { x: 'y' });
    p.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'keep', uid: String(rs.metadata.uid) },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone-uid' },
    ];
    await h.fake.create(PODS, p);
    const lone = makePod('dangling', { x: 'y' });
    lone.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone-uid' }];
    await h.fake.create(PODS, lone);
    const foreignKind = makePod('unknown-kind', { x: 'y' });
    foreignKind.metadata.ownerReferences = [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w-uid' }];
    await h.fake.create(PODS, foreignKind);
    await h.start(garbageCollectorController());
    await h.settle();
    expect(h.fake.peek<Pod>(PODS, 'default', 'two-owners')!.metadata.ownerReferences?.map((r) => r.name)).toEqual(['keep']);
    expect(h.fake.peek(PODS, 'default', 'dangling')).toBeUndefined();
    expect(h.fake.peek(PODS, 'default', 'unknown-kind')).toBeDefined();
  });
});
