import { describe, expect, it } from 'vitest';
import { CONTROLLERREVISIONS, PERSISTENTVOLUMECLAIMS, PODS, STATEFULSETS } from '../../../src/api/resources.js';
import type { Pod } from '../../../src/api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL, hashRevisionData, revisionName, templateOf, templatePatch, type ControllerRevision } from '../../../src/controllers/history.js';
import { statefulSetController } from '../../../src/controllers/statefulset.js';
import { POD_INDEX_LABEL, POD_NAME_LABEL, type StatefulSet } from '../../../src/controllers/statefulset-pods.js';
import { finishTerminating, harness, runPods, type Harness } from './harness.js';

function makeSts(name: string, replicas: number, extra: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      ...extra,
    },
  };
}

const podNames = (h: Harness): string[] => h.fake.all<Pod>(PODS).filter((p) => !p.metadata.deletionTimestamp).map((p) => String(p.metadata.name)).sort();
const sts = (h: Harness, name = 'web'): StatefulSet => h.fake.peek<StatefulSet>(STATEFULSETS, 'default', name)!;

/** step runs the stand-in kubelet once (pods Running+Ready, terminating pods gone) and settles. */
async function step(h: Harness): Promise<void> {
  await runPods(h.fake, h.clock);
  await finishTerminating(h.fake);
  await h.settle();
}

async function setImage(h: Harness, image: string, name = 'web'): Promise<void> {
  const s = sts(h, name);
  await h.fake.update(STATEFULSETS, { ...s, spec: { ...s.spec, template: { ...s.spec.template, spec: { containers: [{ name: 'c', image }] } } } });
  await h.settle();
}

describe('controllers/statefulset', () => {
  it('controllers/statefulset - OrderedReady creates ordinals one at a time, each Running and Ready before the next', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 3));
    await h.start(statefulSetController());
    await h.settle();
    expect(podNames(h)).toEqual(['web-0']);
    await step(h);
    expect(podNames(h)).toEqual(['web-0', 'web-1']);
    await step(h);
    expect(podNames(h)).toEqual(['web-0', 'web-1', 'web-2']);
    await step(h);
    const p = h.fake.peek<Pod>(PODS, 'default', 'web-1')!;
    expect(p.metadata.labels).toMatchObject({ app: 'web', [POD_NAME_LABEL]: 'web-1', [POD_INDEX_LABEL]: '1' });
    expect(p.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
    expect(sts(h).status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(sts(h).status!.currentRevision).toBe(sts(h).status!.updateRevision);
    expect(p.metadata.labels![CONTROLLER_REVISION_HASH_LABEL]).toBe(sts(h).status!.updateRevision);
    h.stop();
  });

  it('controllers/statefulset - Parallel creates every ordinal at once', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 4, { podManagementPolicy: 'Parallel' }));
    await h.start(statefulSetController());
    await h.settle();
    expect(podNames(h)).toEqual(['web-0', 'web-1', 'web-2', 'web-3']);
    h.stop();
  });

  it('controllers/statefulset - scale down deletes the highest ordinal first, one at a time', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 3));
    await h.start(statefulSetController());
    for (let i = 0; i < 4; i++) await step(h);
    await h.fake.update(STATEFULSETS, { ...sts(h), spec: { ...sts(h).spec, replicas: 1 } });
    await h.settle();
    expect(podNames(h)).toEqual(['web-0', 'web-1']);
    await step(h);
    expect(podNames(h)).toEqual(['web-0']);
    await step(h);
    expect(sts(h).status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    h.stop();
  });

  it('controllers/statefulset - volumeClaimTemplates become PVCs <template>-<set>-<ordinal>, kept on scale down (Retain)', async () => {
    const h = harness();
    const claim = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    await h.fake.create(STATEFULSETS, makeSts('db', 2, { volumeClaimTemplates: [claim] }));
    await h.start(statefulSetController());
    for (let i = 0; i < 3; i++) await step(h);
    const pvcs = h.fake.all(PERSISTENTVOLUMECLAIMS).map((c) => c.metadata.name).sort();
    expect(pvcs).toEqual(['data-db-0', 'data-db-1']);
    const pod = h.fake.peek<Pod>(PODS, 'default', 'db-1')!;
    expect(pod.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }]);
    await h.fake.update(STATEFULSETS, { ...sts(h, 'db'), spec: { ...sts(h, 'db').spec, replicas: 1 } });
    await h.settle();
    await step(h);
    expect(podNames(h)).toEqual(['db-0']);
    expect(h.fake.count(PERSISTENTVOLUMECLAIMS)).toBe(2);
    h.stop();
  });

  it('controllers/statefulset - whenScaled Delete removes the claims of condemned pods', async () => {
    const h = harness();
    const claim = { metadata: { name: 'data' }, spec: {} };
    await h.fake.create(STATEFULSETS, makeSts('db', 2, { volumeClaimTemplates: [claim], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }));
    await h.start(statefulSetController());
    for (let i = 0; i < 3; i++) await step(h);
    await h.fake.update(STATEFULSETS, { ...sts(h, 'db'), spec: { ...sts(h, 'db').spec, replicas: 1 } });
    await h.settle();
    await step(h);
    expect(h.fake.all(PERSISTENTVOLUMECLAIMS).map((c) => c.metadata.name)).toEqual(['data-db-0']);
    h.stop();
  });

  it('controllers/statefulset - RollingUpdate replaces pods from the highest ordinal down and completes the revision', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 3));
    await h.start(statefulSetController());
    for (let i = 0; i < 4; i++) await step(h);
    const rev1 = sts(h).status!.currentRevision;
    await setImage(h, 'nginx:2');
    const rev2 = sts(h).status!.updateRevision;
    expect(rev2).not.toBe(rev1);
    expect(sts(h).status!.currentRevision).toBe(rev1);
    const order: string[] = [];
    for (let i = 0; i < 8; i++) {
      for (const p of h.fake.all<Pod>(PODS)) if (p.metadata.deletionTimestamp && !order.includes(String(p.metadata.name))) order.push(String(p.metadata.name));
      await step(h);
    }
    expect(order).toEqual(['web-2', 'web-1', 'web-0']);
    for (const p of h.fake.all<Pod>(PODS)) expect(p.spec.containers[0].image).toBe('nginx:2');
    expect(sts(h).status).toMatchObject({ currentRevision: rev2, updateRevision: rev2, updatedReplicas: 3, currentReplicas: 3 });
    const revs = h.fake.all<ControllerRevision>(CONTROLLERREVISIONS);
    expect(revs.map((r) => r.revision).sort()).toEqual([1, 2]);
    h.stop();
  });

  it('controllers/statefulset - partition keeps ordinals below it at the current revision', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }));
    await h.start(statefulSetController());
    for (let i = 0; i < 4; i++) await step(h);
    await setImage(h, 'nginx:2');
    for (let i = 0; i < 5; i++) await step(h);
    const images = ['web-0', 'web-1', 'web-2'].map((n) => h.fake.peek<Pod>(PODS, 'default', n)!.spec.containers[0].image);
    expect(images).toEqual(['nginx:1', 'nginx:1', 'nginx:2']);
    expect(sts(h).status).toMatchObject({ updatedReplicas: 1, currentReplicas: 2 });
    h.stop();
  });

  it('controllers/statefulset - OnDelete leaves pods alone until they are deleted', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 2, { updateStrategy: { type: 'OnDelete' } }));
    await h.start(statefulSetController());
    for (let i = 0; i < 3; i++) await step(h);
    await setImage(h, 'nginx:2');
    for (let i = 0; i < 3; i++) await step(h);
    expect(h.fake.peek<Pod>(PODS, 'default', 'web-1')!.spec.containers[0].image).toBe('nginx:1');
    await h.fake.delete(PODS, 'default', 'web-1');
    for (let i = 0; i < 3; i++) await step(h);
    expect(h.fake.peek<Pod>(PODS, 'default', 'web-1')!.spec.containers[0].image).toBe('nginx:2');
    expect(h.fake.peek<Pod>(PODS, 'default', 'web-0')!.spec.containers[0].image).toBe('nginx:1');
    h.stop();
  });

  it('controllers/statefulset - rolling back to an earlier template renumbers its revision instead of creating one', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 1));
    await h.start(statefulSetController());
    for (let i = 0; i < 2; i++) await step(h);
    await setImage(h, 'nginx:2');
    for (let i = 0; i < 3; i++) await step(h);
    await setImage(h, 'nginx:1');
    for (let i = 0; i < 3; i++) await step(h);
    const revs = h.fake.all<ControllerRevision>(CONTROLLERREVISIONS).sort((a, b) => a.revision - b.revision);
    expect(revs).toHaveLength(2);
    expect(revs.map((r) => [r.revision, templateOf(r).spec.containers[0].image])).toEqual([
      [2, 'nginx:2'],
      [3, 'nginx:1'],
    ]);
    expect(revs[1].data).toMatchObject({ spec: { template: { $patch: 'replace' } } });
    h.stop();
  });

  it('controllers/statefulset - revisionHistoryLimit truncates unused revisions', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 1, { revisionHistoryLimit: 1 }));
    await h.start(statefulSetController());
    for (let i = 0; i < 2; i++) await step(h);
    for (const img of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await setImage(h, img);
      for (let i = 0; i < 3; i++) await step(h);
    }
    const revs = h.fake.all<ControllerRevision>(CONTROLLERREVISIONS).map((r) => r.revision).sort();
    expect(revs).toEqual([3, 4]);
    h.stop();
  });

  it('controllers/statefulset - whenDeleted Delete makes the set a non-controller owner of new claims', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('db', 1, { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    await h.start(statefulSetController());
    await h.settle();
    const claim = h.fake.peek(PERSISTENTVOLUMECLAIMS, 'default', 'data-db-0')!;
    expect(claim.metadata.labels).toEqual({ app: 'db' });
    expect(claim.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: sts(h, 'db').metadata.uid, blockOwnerDeletion: true }]);
    h.stop();
  });

  it('controllers/statefulset - adopts an orphan named like a member, ignores other orphans', async () => {
    const h = harness();
    for (const name of ['web-0', 'web-x']) await h.fake.create(PODS, { metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } });
    await h.fake.create(STATEFULSETS, makeSts('web', 1));
    await h.start(statefulSetController());
    await h.settle();
    expect(h.fake.peek<Pod>(PODS, 'default', 'web-0')!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
    expect(h.fake.peek<Pod>(PODS, 'default', 'web-x')!.metadata.ownerReferences).toBeUndefined();
    expect(sts(h).status).toMatchObject({ replicas: 1 });
    h.stop();
  });

  it('controllers/statefulset - a revision name taken by different data bumps collisionCount', async () => {
    const h = harness();
    const set = makeSts('web', 1);
    const taken = revisionName('web', hashRevisionData(templatePatch(set)));
    await h.fake.create(CONTROLLERREVISIONS, { metadata: { name: taken, namespace: 'default' }, data: { other: true }, revision: 1 } as ControllerRevision);
    await h.fake.create(STATEFULSETS, set);
    await h.start(statefulSetController());
    await h.settle();
    expect(sts(h).status).toMatchObject({ collisionCount: 1, updateRevision: revisionName('web', hashRevisionData(templatePatch(set), 1)) });
    expect(h.fake.count(CONTROLLERREVISIONS)).toBe(2);
    h.stop();
  });

  it('controllers/statefulset - a failed pod is deleted and recreated with the same name', async () => {
    const h = harness();
    await h.fake.create(STATEFULSETS, makeSts('web', 2));
    await h.start(statefulSetController());
    for (let i = 0; i < 3; i++) await step(h);
    const p = h.fake.peek<Pod>(PODS, 'default', 'web-0')!;
    await h.fake.updateStatus(PODS, { ...p, status: { ...p.status, phase: 'Failed' } });
    await h.settle();
    await step(h);
    const again = h.fake.peek<Pod>(PODS, 'default', 'web-0')!;
    expect(again.metadata.uid).not.toBe(p.metadata.uid);
    h.stop();
  });
});
