/**
 * The volume, disruption and serviceaccount controllers through the real actor path against the
 * apiserver's real registry (as apiserver-integration.test.ts): strategies, validation, the
 * DefaultStorageClass admission, the bootstrap's `standard` class and the eviction subresource.
 */
import { describe, expect, it } from 'vitest';
import { isAlreadyExists } from '../../../src/api/errors.js';
import { NAMESPACES, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, PODDISRUPTIONBUDGETS, PODS, REPLICASETS, SERVICEACCOUNTS, STORAGECLASSES } from '../../../src/api/resources.js';
import type { KList, KObject, Pod, ReplicaSet } from '../../../src/api/types.js';
import { admitPvcDefaultStorageClass } from '../../../src/apiserver/admission.js';
import { DEFAULT_STORAGE_CLASS, ensureDefaultStorageClass } from '../../../src/apiserver/bootstrap.js';
import type { ApiRequest } from '../../../src/apiserver/protocol.js';
import { disruptionController, type PodDisruptionBudget } from '../../../src/controllers/disruption.js';
import { persistentVolumeController } from '../../../src/controllers/persistentvolume.js';
import { controllerBehavior } from '../../../src/controllers/runtime/behavior.js';
import type { ControllerDefinition } from '../../../src/controllers/runtime/types.js';
import { serviceAccountController } from '../../../src/controllers/serviceaccount.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../src/controllers/volume-binding.js';
import { newTestServer } from '../apiserver/helpers.js';
import { testContext } from '../client/fake-actor-context.js';
import { tick } from './harness.js';

async function cluster(defs: ControllerDefinition[]) {
  const t = await newTestServer();
  const s = t.server;
  const problems: unknown[] = [];
  for (const def of defs) {
    const b = controllerBehavior(def);
    const ctx = testContext(`controller/${def.name}`, async (_to, msg) => {
      const m = msg as ApiRequest;
      if (m.type === 'watch') {
        const w = s.registry.openWatch(m.res, m.opts ?? {}, {
          events: (events) => queueMicrotask(() => b.receive(ctx, { type: 'watchEvents', watchId: m.watchId, events })),
          error: (err) => queueMicrotask(() => b.receive(ctx, { type: 'watchEvents', watchId: m.watchId, events: [{ type: 'ERROR', object: err.status as unknown as KObject }] })),
        });
        return { resourceVersion: String(w.startRv) };
      }
      if (m.type === 'unwatch') return undefined;
      return s.handle(m);
    });
    const log = { debug() {}, info() {}, warn: (m: string, f?: object) => problems.push([def.name, m, f]), error: (m: string, f?: object) => problems.push([def.name, m, f]), child: () => log };
    Object.assign(ctx, { log, clock: t.clock, onTimer: (msg: unknown) => b.receive(ctx, msg as never) });
    await b.started?.(ctx);
  }
  const h = <T>(req: ApiRequest) => s.handle(req) as Promise<T>;
  const settle = async () => {
    for (let i = 0; i < 300; i++) await tick();
  };
  for (const name of ['default', 'kube-system']) {
    await h({ type: 'create', res: NAMESPACES, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }).catch((e: unknown) => {
      if (!isAlreadyExists(e)) throw e;
    });
  }
  return { h, settle, problems, clock: t.clock };
}

describe('controllers/persistentvolume - apiserver integration', () => {
  it('controllers/persistentvolume - DefaultStorageClass admission: no class → newest default; an explicit "" or class is kept', () => {
    const sc = (name: string, ts: string, dflt: boolean): KObject => ({ metadata: { name, creationTimestamp: ts, annotations: dflt ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} } });
    const classes = [sc('old', '2026-01-01T00:00:00Z', true), sc('new', '2026-02-01T00:00:00Z', true), sc('plain', '2026-03-01T00:00:00Z', false)];
    const cases: [PersistentVolumeClaim['spec'], string | undefined][] = [
      [{}, 'new'],
      [{ storageClassName: '' }, ''],
      [{ storageClassName: 'plain' }, 'plain'],
    ];
    for (const [spec, want] of cases) {
      const claim: KObject = { metadata: { name: 'c' }, spec: { ...spec } };
      admitPvcDefaultStorageClass(claim, classes);
      expect((claim.spec as { storageClassName?: string }).storageClassName).toBe(want);
    }
    const none: KObject = { metadata: { name: 'c' }, spec: {} };
    admitPvcDefaultStorageClass(none, [classes[2]]);
    expect((none.spec as { storageClassName?: string }).storageClassName).toBeUndefined();
  });

  it('controllers/persistentvolume - the bootstrap class + admission + controller provision and bind a class-less claim', async () => {
    const c = await cluster([persistentVolumeController(), serviceAccountController()]);
    await ensureDefaultStorageClass(c.h);
    await ensureDefaultStorageClass(c.h); // idempotent
    const sc = await c.h<KObject>({ type: 'get', res: STORAGECLASSES, name: 'standard' });
    expect(sc).toMatchObject({ provisioner: DEFAULT_STORAGE_CLASS.provisioner, volumeBindingMode: 'Immediate', reclaimPolicy: 'Delete' });
    await c.settle();
    const claim = await c.h<PersistentVolumeClaim>({
      type: 'create',
      res: PERSISTENTVOLUMECLAIMS,
      namespace: 'default',
      object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    });
    expect(claim.spec?.storageClassName).toBe('standard');
    await c.settle();
    const got = await c.h<PersistentVolumeClaim>({ type: 'get', res: PERSISTENTVOLUMECLAIMS, namespace: 'default', name: 'data' });
    expect(got).toMatchObject({ spec: { volumeName: `pvc-${claim.metadata.uid}` }, status: { phase: 'Bound', capacity: { storage: '1Gi' } } });
    const pv = await c.h<PersistentVolume>({ type: 'get', res: PERSISTENTVOLUMES, name: `pvc-${claim.metadata.uid}` });
    expect(pv.status?.phase).toBe('Bound');
    // Deleting the claim deletes the provisioned volume (reclaimPolicy Delete from the class).
    await c.h({ type: 'delete', res: PERSISTENTVOLUMECLAIMS, namespace: 'default', name: 'data' });
    await c.settle();
    expect((await c.h<KList>({ type: 'list', res: PERSISTENTVOLUMES })).items).toHaveLength(0);
    // WaitForFirstConsumer: provisioned once the scheduler names a node, pinned to it (real PV validation).
    await c.h({ type: 'create', res: STORAGECLASSES, object: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubeactor.io/hostpath', volumeBindingMode: 'WaitForFirstConsumer' } });
    const local = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'local', namespace: 'default', annotations: { 'volume.kubernetes.io/selected-node': 'node-2' } }, spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    await c.h({ type: 'create', res: PERSISTENTVOLUMECLAIMS, namespace: 'default', object: local });
    await c.settle();
    const lc = await c.h<PersistentVolumeClaim>({ type: 'get', res: PERSISTENTVOLUMECLAIMS, namespace: 'default', name: 'local' });
    expect(lc.status?.phase).toBe('Bound');
    const lv = await c.h<PersistentVolume>({ type: 'get', res: PERSISTENTVOLUMES, name: String(lc.spec?.volumeName) });
    expect(JSON.stringify(lv.spec?.nodeAffinity)).toContain('node-2');
    await c.h({ type: 'delete', res: PERSISTENTVOLUMECLAIMS, namespace: 'default', name: 'local' });
    await c.settle();
    // The serviceaccount controller made `default` in the namespaces.
    expect((await c.h<KList>({ type: 'list', res: SERVICEACCOUNTS })).items.map((x) => `${x.metadata.namespace}/${x.metadata.name}`).sort()).toEqual(['default/default', 'kube-system/default']);
    expect(c.problems).toEqual([]);
  });

  it('controllers/disruption - status agrees with the eviction subresource, which charges the budget', async () => {
    const c = await cluster([disruptionController()]);
    const rs = await c.h<ReplicaSet>({
      type: 'create',
      res: REPLICASETS,
      namespace: 'default',
      object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
    });
    for (let i = 0; i < 3; i++) {
      const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: String(rs.metadata.uid), controller: true };
      const pod = await c.h<Pod>({ type: 'create', res: PODS, namespace: 'default', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' }, ownerReferences: [owner] }, spec: { containers: [{ name: 'c', image: 'nginx' }], nodeName: 'n1' } } });
      await c.h({ type: 'update', res: PODS, namespace: 'default', name: pod.metadata.name!, subresource: 'status', object: { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } });
    }
    await c.h({ type: 'create', res: PODDISRUPTIONBUDGETS, namespace: 'default', object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { maxUnavailable: '34%', selector: { matchLabels: { app: 'web' } } } } });
    await c.settle();
    const get = () => c.h<PodDisruptionBudget>({ type: 'get', res: PODDISRUPTIONBUDGETS, namespace: 'default', name: 'web' });
    // maxUnavailable 34% of 3 = ceil(1.02) = 2 → desired 3 − 2 = 1, allowed 3 − 1 = 2.
    expect((await get()).status).toMatchObject({ expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2, observedGeneration: 1 });
    await c.h({ type: 'createSub', res: PODS, namespace: 'default', name: 'web-0', subresource: 'eviction', object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0', namespace: 'default' } } });
    await c.settle();
    // web-0 is gracefully terminating (it has a node): not healthy, its disruptedPods entry is dropped.
    const after = (await get()).status!;
    expect(after).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    expect(after.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' });
    expect(c.problems).toEqual([]);
  });
});
