import { describe, expect, it } from 'vitest';
import { alreadyExists } from '../../../src/api/errors.js';
import { controllerOf } from '../../../src/api/meta.js';
import { PODS, REPLICASETS } from '../../../src/api/resources.js';
import type { Pod, ReplicaSet } from '../../../src/api/types.js';
import { podsToDelete } from '../../../src/controllers/pod-ranking.js';
import { replicaSetController } from '../../../src/controllers/replicaset.js';
import { harness, makePod, makeRS, runPods } from './harness.js';

describe('controllers/replicaset', () => {
  it.each([
    ['scale up from 0 to 3', 0, 3],
    ['scale up from 2 to 5', 2, 5],
    ['scale down from 5 to 2', 5, 2],
    ['scale down to 0', 3, 0],
  ])('controllers/replicaset - %s', async (_n, from, to) => {
    const h = harness();
    await h.fake.create(REPLICASETS, makeRS('web', from));
    await h.start(replicaSetController());
    await h.settle();
    expect(h.fake.count(PODS)).toBe(from);
    const rs = h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'web')!;
    await h.fake.update(REPLICASETS, { ...rs, spec: { ...rs.spec, replicas: to } });
    await h.settle();
    const pods = h.fake.all<Pod>(PODS);
    expect(pods).toHaveLength(to);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(controllerOf(p)).toMatchObject({ kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true });
      expect(p.metadata.labels).toEqual({ app: 'web' });
    }
    expect(h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'web')!.status).toMatchObject({ replicas: to, fullyLabeledReplicas: to, readyReplicas: 0, availableReplicas: 0, observedGeneration: from === to ? 1 : 2 });
    h.stop();
  });

  it('controllers/replicaset - creates in slow-start batches 1, 2, 4, … and needs expectations to be met before the next sync', async () => {
    const h = harness();
    const inFlight: number[] = [];
    let cur = 0;
    let max = 0;
    h.fake.reactors.push((a) => {
      if (a.verb === 'create' && a.resource === 'pods') {
        // creates issued in the same synchronous run form one batch
        if (cur++ === 0)
          queueMicrotask(() => {
            inFlight.push(cur);
            cur = 0;
          });
        max = Math.max(max, cur);
      }
    });
    await h.fake.create(REPLICASETS, makeRS('web', 20));
    await h.start(replicaSetController({ burstReplicas: 10 }));
    await h.settle();
    expect(h.fake.count(PODS)).toBe(20);
    // First sync: batches 1,2,4,3 (burst 10); second sync: 1,2,4,3.
    expect(inFlight).toEqual([1, 2, 4, 3, 1, 2, 4, 3]);
    expect(max).toBeLessThanOrEqual(4);
  });

  it('controllers/replicaset - adopts matching orphans, ignores pods of other owners, releases pods whose labels stop matching', async () => {
    const h = harness();
    await h.fake.create(PODS, makePod('orphan', { app: 'web' }));
    await h.fake.create(PODS, makePod('other', { app: 'db' }));
    const foreign = makePod('foreign', { app: 'web' });
    foreign.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'not-ours', controller: true }];
    await h.fake.create(PODS, foreign);
    await h.fake.create(REPLICASETS, makeRS('web', 2));
    await h.start(replicaSetController());
    await h.settle();
    const rs = h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'web')!;
    const owned = h.fake.all<Pod>(PODS).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
    expect(owned).toHaveLength(2);
    expect(owned.map((p) => p.metadata.name)).toContain('orphan');
    expect(controllerOf(h.fake.peek<Pod>(PODS, 'default', 'foreign')!)?.uid).toBe('not-ours');
    // relabel the adopted orphan: it is released and replaced
    await h.fake.patch(PODS, 'default', 'orphan', 'merge', { metadata: { labels: { app: 'moved' } } });
    await h.settle();
    expect(controllerOf(h.fake.peek<Pod>(PODS, 'default', 'orphan')!)).toBeUndefined();
    expect(h.fake.all<Pod>(PODS).filter((p) => controllerOf(p)?.uid === rs.metadata.uid)).toHaveLength(2);
  });

  it('controllers/replicaset - counts ready and available pods (minReadySeconds on the clock)', async () => {
    const h = harness();
    await h.fake.create(REPLICASETS, makeRS('web', 3, 'web', { minReadySeconds: 10 }));
    await h.start(replicaSetController());
    await h.settle();
    await runPods(h.fake, h.clock);
    await h.settle();
    expect(h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'web')!.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 0 });
    await h.advance(11_000);
    expect(h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'web')!.status).toMatchObject({ availableReplicas: 3 });
  });

  it('controllers/replicaset - replaces a deleted pod and retries failed creates with backoff', async () => {
    const h = harness();
    await h.fake.create(REPLICASETS, makeRS('web', 2));
    await h.start(replicaSetController());
    await h.settle();
    let fail = 3;
    h.fake.reactors.push((a) => {
      if (a.verb === 'create' && a.resource === 'pods' && fail-- > 0) throw new Error('boom');
    });
    const victim = h.fake.all<Pod>(PODS)[0];
    await h.fake.delete(PODS, 'default', String(victim.metadata.name));
    await h.settle();
    expect(h.fake.count(PODS)).toBe(1);
    await h.advance(1000, 5);
    expect(h.fake.count(PODS)).toBe(2);
  });

  it('controllers/replicaset - scales 5,000 replicas without waiting per pod', async () => {
    const h = harness();
    await h.fake.create(REPLICASETS, makeRS('big', 5000));
    await h.start(replicaSetController());
    await h.settle();
    expect(h.fake.count(PODS)).toBe(5000);
    expect(h.fake.peek<ReplicaSet>(REPLICASETS, 'default', 'big')!.status?.replicas).toBe(5000);
  });
});

describe('controllers/pod-ranking', () => {
  const p = (name: string, o: { node?: string; phase?: 'Pending' | 'Running'; ready?: boolean; created?: string; restarts?: number }): Pod => ({
    metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] : [],
      containerStatuses: [{ name: 'c', image: '', imageID: '', ready: !!o.ready, restartCount: o.restarts ?? 0, state: {} }],
    },
  });
  it.each([
    ['unscheduled before scheduled', [p('a', { node: 'n1', ready: true }), p('b', {})], 'b'],
    ['pending before running', [p('a', { node: 'n1', phase: 'Running' }), p('b', { node: 'n2', phase: 'Pending' })], 'b'],
    ['not ready before ready', [p('a', { node: 'n1', ready: true }), p('b', { node: 'n2', ready: false })], 'b'],
    ['crowded node first', [p('a', { node: 'n1', ready: true }), p('b', { node: 'n2', ready: true }), p('c', { node: 'n2', ready: true })], 'b'],
    ['more restarts first', [p('a', { node: 'n1', ready: true }), p('b', { node: 'n2', ready: true, restarts: 3 })], 'b'],
    ['newer first', [p('a', { node: 'n1', created: '2026-01-01T00:00:00Z' }), p('b', { node: 'n2', created: '2026-01-02T00:00:00Z' })], 'b'],
  ])('controllers/pod-ranking - %s', (_n, pods, first) => {
    expect(podsToDelete(pods, 1)[0].metadata.name).toBe(first);
  });
});

describe('controllers/replicaset - names', () => {
  it('controllers/replicaset - a pod name collision draws another name instead of failing the batch', async () => {
    const h = harness();
    let collide = 2;
    h.fake.reactors.push((a) => {
      if (a.verb === 'create' && a.resource === 'pods' && collide-- > 0) throw alreadyExists({ group: '', resource: 'pods' }, String(a.name));
    });
    await h.fake.create(REPLICASETS, makeRS('web', 3));
    const handle = await h.start(replicaSetController());
    await h.settle();
    expect(h.fake.count(PODS)).toBe(3);
    expect(handle.stats().errors).toBe(0);
  });
  it('controllers/replicaset - pod names depend on the seed only, not on the start time', async () => {
    const namesOf = async (seed: number, startDelayMs: number): Promise<string[]> => {
      const h = harness(seed);
      h.clock.advance(startDelayMs);
      await h.fake.create(REPLICASETS, makeRS('web', 4));
      await h.start(replicaSetController());
      await h.settle();
      const names = h.fake.all<Pod>(PODS).map((p) => String(p.metadata.name)).sort();
      h.stop();
      return names;
    };
    const a = await namesOf(7, 0);
    expect(a).toHaveLength(4);
    expect(await namesOf(7, 123_457)).toEqual(a);
    expect(await namesOf(8, 0)).not.toEqual(a);
  });
});
