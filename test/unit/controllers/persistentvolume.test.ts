import { describe, expect, it } from 'vitest';
import { PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, STORAGECLASSES } from '../../../src/api/resources.js';
import { persistentVolumeController } from '../../../src/controllers/persistentvolume.js';
import { findBestMatch, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '../../../src/controllers/volume-binding.js';
import { harness, type Harness } from './harness.js';

type PvSpec = NonNullable<PersistentVolume['spec']>;
type PvcSpec = NonNullable<PersistentVolumeClaim['spec']>;

/** pv builds a hostPath volume of size with RWO, class "" unless given. */
function pv(name: string, size: string, extra: Partial<PvSpec> = {}, labels?: Record<string, string>): PersistentVolume {
  return { metadata: { name, ...(labels ? { labels } : {}) }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', ...extra }, status: { phase: 'Pending' } };
}

/** pvc builds a claim for size with RWO and class "" (no dynamic provisioning) unless given. */
function pvc(name: string, size: string, extra: Partial<PvcSpec> = {}): PersistentVolumeClaim {
  return { metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: '', volumeMode: 'Filesystem', ...extra }, status: { phase: 'Pending' } };
}

const STANDARD: StorageClass = { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubeactor.io/hostpath', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };

const getPv = (h: Harness, name: string) => h.fake.peek<PersistentVolume>(PERSISTENTVOLUMES, undefined, name);
const getPvc = (h: Harness, name: string) => h.fake.peek<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'default', name);

describe('controllers/persistentvolume', () => {
  // Volumes: small 1Gi, mid 5Gi, big 10Gi (RWO, class ""), fast 5Gi class "fast", rwx 5Gi RWX+RWO, block 5Gi Block, labelled 20Gi tier=gold.
  const volumes: PersistentVolume[] = [
    pv('small', '1Gi'),
    pv('mid', '5Gi'),
    pv('big', '10Gi'),
    pv('fast', '5Gi', { storageClassName: 'fast' }),
    pv('rwx', '5Gi', { accessModes: ['ReadWriteMany', 'ReadWriteOnce'] }),
    pv('block', '5Gi', { volumeMode: 'Block' }),
    pv('gold', '20Gi', {}, { tier: 'gold' }),
    pv('taken', '2Gi', { claimRef: { namespace: 'default', name: 'other', uid: 'x' } }),
    pv('reserved', '50Gi', { claimRef: { namespace: 'default', name: 'c' } }),
  ];
  it.each([
    { what: 'smallest that fits', claim: pvc('c1', '2Gi'), want: 'mid' },
    { what: 'exact size', claim: pvc('c1', '1Gi'), want: 'small' },
    { what: 'storage class', claim: pvc('c1', '1Gi', { storageClassName: 'fast' }), want: 'fast' },
    { what: 'access modes ⊆ volume modes', claim: pvc('c1', '1Gi', { accessModes: ['ReadWriteMany'] }), want: 'rwx' },
    { what: 'volumeMode Block', claim: pvc('c1', '1Gi', { volumeMode: 'Block' }), want: 'block' },
    { what: 'selector', claim: pvc('c1', '1Gi', { selector: { matchLabels: { tier: 'gold' } } }), want: 'gold' },
    { what: 'too big for all', claim: pvc('c1', '100Gi'), want: undefined },
    { what: 'pre-bound volume wins over a smaller one', claim: pvc('c', '1Gi'), want: 'reserved' },
  ])('controllers/persistentvolume - findBestMatch: $what → $want', ({ claim, want }) => {
    const withUid = { ...claim, metadata: { ...claim.metadata, uid: 'u-1' } };
    expect(findBestMatch(volumes, withUid)?.metadata.name).toBe(want);
  });

  it('controllers/persistentvolume - binds a claim to the smallest matching volume: claimRef, volumeName, both Bound', async () => {
    const h = harness();
    for (const v of [pv('a', '10Gi'), pv('b', '3Gi'), pv('c', '1Gi')]) await h.fake.create(PERSISTENTVOLUMES, v);
    await h.start(persistentVolumeController());
    await h.settle();
    expect(getPv(h, 'a')?.status?.phase).toBe('Available');
    const claim = await h.fake.create<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, pvc('data', '2Gi'));
    await h.settle();
    const b = getPv(h, 'b')!;
    expect(b.spec?.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: claim.metadata.uid });
    expect(b.status?.phase).toBe('Bound');
    expect(b.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    const c = getPvc(h, 'data')!;
    expect(c.spec?.volumeName).toBe('b');
    expect(c.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(c.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '3Gi' } });
    expect(getPv(h, 'a')?.status?.phase).toBe('Available');
  });

  it('controllers/persistentvolume - two claims never share a volume; an unmatched claim stays Pending until a volume appears', async () => {
    const h = harness();
    await h.fake.create(PERSISTENTVOLUMES, pv('only', '5Gi'));
    await h.start(persistentVolumeController({ workers: 4 }));
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('one', '1Gi'));
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('two', '1Gi'));
    await h.settle();
    const bound = ['one', 'two'].filter((n) => getPvc(h, n)?.status?.phase === 'Bound');
    expect(bound).toHaveLength(1);
    const waiting = ['one', 'two'].find((n) => !bound.includes(n))!;
    expect(getPvc(h, waiting)?.status?.phase).toBe('Pending');
    await h.fake.create(PERSISTENTVOLUMES, pv('more', '5Gi'));
    await h.settle();
    expect(getPvc(h, waiting)).toMatchObject({ spec: { volumeName: 'more' }, status: { phase: 'Bound' } });
  });

  it('controllers/persistentvolume - a claim naming its volume (pre-bound by the user) binds to it', async () => {
    const h = harness();
    await h.fake.create(PERSISTENTVOLUMES, pv('small', '1Gi'));
    await h.fake.create(PERSISTENTVOLUMES, pv('chosen', '8Gi'));
    await h.start(persistentVolumeController());
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('mine', '1Gi', { volumeName: 'chosen' }));
    await h.settle();
    expect(getPv(h, 'chosen')).toMatchObject({ spec: { claimRef: { name: 'mine' } }, status: { phase: 'Bound' } });
    expect(getPvc(h, 'mine')?.status?.phase).toBe('Bound');
    expect(getPvc(h, 'mine')?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBeUndefined();
    expect(getPv(h, 'small')?.spec?.claimRef).toBeUndefined();
  });

  it.each([
    { policy: 'Retain' as const, after: 'Released' },
    { policy: 'Delete' as const, after: 'deleted' },
    { policy: 'Recycle' as const, after: 'Available' },
  ])('controllers/persistentvolume - deleting a bound claim releases its volume; reclaim $policy → $after', async ({ policy, after }) => {
    const h = harness();
    await h.fake.create(PERSISTENTVOLUMES, pv('vol', '1Gi', { persistentVolumeReclaimPolicy: policy, hostPath: { path: '/tmp/vol' } }));
    await h.start(persistentVolumeController());
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('data', '1Gi'));
    await h.settle();
    expect(getPv(h, 'vol')?.status?.phase).toBe('Bound');
    await h.fake.delete(PERSISTENTVOLUMECLAIMS, 'default', 'data');
    await h.settle();
    const v = getPv(h, 'vol');
    if (after === 'deleted') expect(v).toBeUndefined();
    else expect(v?.status?.phase).toBe(after);
    if (after === 'Released') expect(v?.spec?.claimRef?.name).toBe('data');
    if (after === 'Available') expect(v?.spec?.claimRef ?? undefined).toBeUndefined();
  });

  it.each([
    { what: 'an nfs volume', source: { nfs: { server: 'x', path: '/' } }, message: 'no deletable volume plugin matched' },
    { what: 'a hostPath outside /tmp', source: { hostPath: { path: '/data/v' } }, message: 'host_path deleter only supports /tmp/.+ but received provided /data/v' },
  ])('controllers/persistentvolume - Delete on $what marks it Failed', async ({ source, message }) => {
    const h = harness();
    const { hostPath: _hp, ...spec } = pv('v', '1Gi', { persistentVolumeReclaimPolicy: 'Delete' }).spec!;
    await h.fake.create(PERSISTENTVOLUMES, { metadata: { name: 'v' }, spec: { ...spec, ...source } });
    await h.start(persistentVolumeController());
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('data', '1Gi'));
    await h.settle();
    expect(getPv(h, 'v')?.status?.phase).toBe('Bound');
    await h.fake.delete(PERSISTENTVOLUMECLAIMS, 'default', 'data');
    await h.settle();
    expect(getPv(h, 'v')?.status).toMatchObject({ phase: 'Failed', message: expect.stringContaining(message) });
  });

  it('controllers/persistentvolume - provisions pvc-<uid> for a claim of the hostpath class and binds it; Delete reclaims it', async () => {
    const h = harness();
    await h.fake.create(STORAGECLASSES, STANDARD);
    await h.start(persistentVolumeController());
    const claim = await h.fake.create<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, pvc('data', '2Gi', { storageClassName: 'standard', accessModes: ['ReadWriteOnce'] }));
    await h.settle();
    const name = `pvc-${claim.metadata.uid}`;
    const v = getPv(h, name)!;
    expect(v).toMatchObject({
      metadata: { annotations: { 'pv.kubernetes.io/provisioned-by': 'kubeactor.io/hostpath' } },
      spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete', claimRef: { name: 'data', uid: claim.metadata.uid } },
      status: { phase: 'Bound' },
    });
    expect(getPvc(h, 'data')).toMatchObject({ metadata: { annotations: { 'volume.kubernetes.io/storage-provisioner': 'kubeactor.io/hostpath' } }, spec: { volumeName: name }, status: { phase: 'Bound', capacity: { storage: '2Gi' } } });
    await h.fake.delete(PERSISTENTVOLUMECLAIMS, 'default', 'data');
    await h.settle();
    expect(getPv(h, name)).toBeUndefined();
  });

  it('controllers/persistentvolume - a claim waits for a missing class, an external provisioner or WaitForFirstConsumer (until a node is selected)', async () => {
    const h = harness();
    await h.fake.create(STORAGECLASSES, { metadata: { name: 'ext' }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'Immediate' });
    await h.fake.create(STORAGECLASSES, { ...STANDARD, metadata: { name: 'late' }, volumeBindingMode: 'WaitForFirstConsumer' });
    await h.start(persistentVolumeController());
    for (const [n, cls] of [['a', 'ext'], ['b', 'late'], ['c', 'nope']]) await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc(n, '1Gi', { storageClassName: cls }));
    await h.settle();
    expect(h.fake.count(PERSISTENTVOLUMES)).toBe(0);
    expect(['a', 'b', 'c'].map((n) => getPvc(h, n)?.status?.phase)).toEqual(['Pending', 'Pending', 'Pending']);
    expect(getPvc(h, 'a')?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']).toBe('ebs.csi.aws.com');
    // The scheduler picks a node for a pod using b: now it is provisioned.
    await h.fake.patch(PERSISTENTVOLUMECLAIMS, 'default', 'b', 'merge', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } } });
    await h.settle();
    expect(getPvc(h, 'b')?.status?.phase).toBe('Bound');
    const bv = getPv(h, String(getPvc(h, 'b')?.spec?.volumeName))!;
    expect(bv.spec?.nodeAffinity).toEqual({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } });
    // The class shows up later: the claim is provisioned without any claim event.
    await h.fake.create(STORAGECLASSES, { ...STANDARD, metadata: { name: 'nope' } });
    await h.settle();
    expect(getPvc(h, 'c')?.status?.phase).toBe('Bound');
  });

  it('controllers/persistentvolume - a bound claim whose volume vanished is Lost', async () => {
    const h = harness();
    await h.fake.create(PERSISTENTVOLUMES, pv('vol', '1Gi'));
    await h.start(persistentVolumeController());
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('data', '1Gi'));
    await h.settle();
    await h.fake.delete(PERSISTENTVOLUMES, undefined, 'vol');
    await h.settle();
    expect(getPvc(h, 'data')?.status).toEqual({ phase: 'Lost' });
  });

  it('controllers/persistentvolume - a claim whose ADDED event was dropped is bound after the re-list', async () => {
    const h = harness();
    await h.fake.create(PERSISTENTVOLUMES, pv('vol', '1Gi'));
    await h.start(persistentVolumeController());
    await h.settle();
    const restore = h.fake.dropEvents();
    await h.fake.create(PERSISTENTVOLUMECLAIMS, pvc('data', '1Gi'));
    restore();
    await h.settle();
    expect(getPvc(h, 'data')?.status?.phase).toBe('Pending');
    h.fake.breakWatches();
    await h.advance(2_000, 500);
    expect(getPvc(h, 'data')).toMatchObject({ spec: { volumeName: 'vol' }, status: { phase: 'Bound' } });
  });
});
