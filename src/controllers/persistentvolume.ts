/**
 * PersistentVolume controller (binder + simulated provisioner), after kube-controller-manager's
 * persistentvolume-binder-controller (pkg/controller/volume/persistentvolume/pv_controller.go).
 * One queue, two key spaces: a claim is "namespace/name", a volume (cluster-scoped) "name".
 *
 *   syncClaim   unbound ─ match (volume-binding.ts) ─▶ bind: PV claimRef + Bound, PVC volumeName + Bound
 *                       ─ no match, class with Immediate binding:
 *                             provisioner kubeactor.io/hostpath ─▶ create PV pvc-<uid> pre-bound
 *                             another provisioner ──────────────▶ annotate, wait (ExternalProvisioning)
 *                       ─ otherwise Pending (FailedBinding), looked at again every 15 s
 *               volumeName set ─ volume missing / bound elsewhere ─▶ Lost (was bound) or Pending
 *                              ─ volume free or ours ────────────▶ finish the binding
 *   syncVolume  no claimRef ─▶ Available;  claim gone (checked live) ─▶ Released, then reclaim:
 *               Retain keeps it, Delete deletes it (provisioned or hostPath; else Failed),
 *               Recycle clears the claimRef (Available again)
 *
 * WaitForFirstConsumer claims are provisioned once they carry volume.kubernetes.io/selected-node
 * (the scheduler's VolumeBinding plugin sets it when it places a pod using the claim); the volume
 * gets a nodeAffinity to that node. Not
 * simulated: the pv/pvc-protection finalizers, expansion, retroactive default-class assignment.
 */
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import { PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, STORAGECLASSES } from '../api/resources.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  claimClass,
  claimRefTo,
  findBestMatch,
  HOSTPATH_PROVISIONER,
  isVolumeBoundToClaim,
  provisionedVolume,
  provisionedVolumeName,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type StorageClass,
} from './volume-binding.js';

/** NAME of the controller. */
export const NAME = 'persistentvolume';
/** CLAIM_INDEX indexes volumes by the "namespace/name" of their claimRef. */
export const CLAIM_INDEX = 'claim';
/** RESYNC_MS: how often a Pending claim is looked at again (upstream's pvclaimbinder-sync-period). */
export const RESYNC_MS = 15_000;

/** PersistentVolumeDeps are the listers and client of the reconciler. */
export interface PersistentVolumeDeps {
  client: ApiClient;
  volumes: Lister<PersistentVolume>;
  claims: Lister<PersistentVolumeClaim>;
  classes: Lister<StorageClass>;
  events?: EventRecorder;
}

const PVC_GVK = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };
const PV_GVK = { kind: 'PersistentVolume', apiVersion: 'v1' };

/** createPersistentVolumeReconciler syncs one claim ("ns/name") or one volume ("name"). */
export function createPersistentVolumeReconciler(deps: PersistentVolumeDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      if (req.namespace !== undefined) {
        const claim = deps.claims.get(req.namespace, req.name);
        return claim ? syncClaim(ctx, deps, claim) : undefined;
      }
      const pv = deps.volumes.get(undefined, req.name);
      return pv ? syncVolume(ctx, deps, pv) : undefined;
    },
  };
}

async function syncClaim(ctx: ReconcileContext, deps: PersistentVolumeDeps, claim: PersistentVolumeClaim): Promise<Result | void> {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) return syncUnboundClaim(ctx, deps, claim);
  const pv = deps.volumes.get(undefined, volumeName);
  const wasBound = claim.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;
  if (!pv) {
    if (wasBound) {
      await setClaimPhase(deps, claim, 'Lost');
      deps.events?.event(claim, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', PVC_GVK);
      return;
    }
    await setClaimPhase(deps, claim, 'Pending');
    return { requeueAfterMs: RESYNC_MS };
  }
  if (!pv.spec?.claimRef || isVolumeBoundToClaim(pv, claim)) {
    await bind(ctx, deps, pv, claim);
    return;
  }
  if (wasBound) {
    await setClaimPhase(deps, claim, 'Lost');
    deps.events?.event(claim, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly', PVC_GVK);
    return;
  }
  deps.events?.event(claim, 'Warning', 'FailedBinding', 'volume is already bound to a different claim', PVC_GVK);
  await setClaimPhase(deps, claim, 'Pending');
  return { requeueAfterMs: RESYNC_MS };
}

async function syncUnboundClaim(ctx: ReconcileContext, deps: PersistentVolumeDeps, claim: PersistentVolumeClaim): Promise<Result | void> {
  const pv = findBestMatch(deps.volumes.list(), claim);
  if (pv) {
    await bind(ctx, deps, pv, claim);
    return;
  }
  await setClaimPhase(deps, claim, 'Pending');
  const className = claimClass(claim);
  if (!className) {
    deps.events?.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', PVC_GVK);
    return { requeueAfterMs: RESYNC_MS };
  }
  const sc = deps.classes.get(undefined, className);
  if (!sc || claim.spec?.selector) {
    const why = sc ? "can't provision volume with selector" : `storageclass.storage.k8s.io "${className}" not found`;
    deps.events?.event(claim, 'Warning', 'ProvisioningFailed', why, PVC_GVK);
    return { requeueAfterMs: RESYNC_MS };
  }
  // The scheduler's volume binding names a node once a pod using the claim is placed.
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.[ANN_SELECTED_NODE]) {
    deps.events?.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', PVC_GVK);
    return { requeueAfterMs: RESYNC_MS };
  }
  await provision(ctx, deps, claim, sc);
  return { requeueAfterMs: RESYNC_MS };
}

/** provision annotates the claim for its provisioner and, for ours, creates the pre-bound volume. */
async function provision(ctx: ReconcileContext, deps: PersistentVolumeDeps, claim: PersistentVolumeClaim, sc: StorageClass): Promise<void> {
  const ann = claim.metadata.annotations ?? {};
  if (ann[ANN_STORAGE_PROVISIONER] !== sc.provisioner) {
    const annotations = { [ANN_STORAGE_PROVISIONER]: sc.provisioner, [ANN_BETA_STORAGE_PROVISIONER]: sc.provisioner };
    await deps.client.patch(PERSISTENTVOLUMECLAIMS, claim.metadata.namespace, String(claim.metadata.name), 'merge', { metadata: { annotations, resourceVersion: claim.metadata.resourceVersion } });
  }
  if (sc.provisioner !== HOSTPATH_PROVISIONER) {
    const msg = `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
    deps.events?.event(claim, 'Normal', 'ExternalProvisioning', msg, PVC_GVK);
    return;
  }
  const name = provisionedVolumeName(claim);
  if (deps.volumes.get(undefined, name)) return;
  try {
    await deps.client.create(PERSISTENTVOLUMES, provisionedVolume(claim, sc));
    ctx.log.info('provisioned volume', { pvc: `${claim.metadata.namespace}/${claim.metadata.name}`, pv: name });
    deps.events?.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`, PVC_GVK);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/**
 * bind makes pv and claim point at each other, in upstream's order: volume claimRef, volume
 * phase, claim volumeName (+ bind-completed), claim phase. Each write is guarded by the cached
 * resourceVersion; a conflict throws and the retry re-reads (another claim may have won pv).
 */
async function bind(ctx: ReconcileContext, deps: PersistentVolumeDeps, pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
  let volume = pv;
  const ref = volume.spec?.claimRef;
  if (!ref || ref.uid !== claim.metadata.uid || ref.name !== claim.metadata.name) {
    const next = structuredClone(volume);
    next.spec = { ...(next.spec ?? {}), claimRef: claimRefTo(claim) };
    if (!ref) next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    volume = await deps.client.update(PERSISTENTVOLUMES, next);
  }
  if (volume.status?.phase !== 'Bound') volume = await setVolumePhase(ctx, deps, volume, 'Bound');
  let c = claim;
  if (c.spec?.volumeName !== volume.metadata.name || c.metadata.annotations?.[ANN_BIND_COMPLETED] !== 'yes') {
    const next = structuredClone(c);
    const byController = !c.spec?.volumeName;
    next.spec = { ...(next.spec ?? {}), volumeName: String(volume.metadata.name) };
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [ANN_BIND_COMPLETED]: 'yes', ...(byController ? { [ANN_BOUND_BY_CONTROLLER]: 'yes' } : {}) };
    c = await deps.client.update(PERSISTENTVOLUMECLAIMS, next);
  }
  const status = { phase: 'Bound' as const, accessModes: [...(volume.spec?.accessModes ?? [])], capacity: { ...(volume.spec?.capacity ?? {}) } };
  if (JSON.stringify(c.status ?? {}) !== JSON.stringify(status)) {
    await deps.client.updateStatus(PERSISTENTVOLUMECLAIMS, { ...c, status: { ...(c.status ?? {}), ...status } });
    ctx.log.debug('bound claim', { pvc: `${c.metadata.namespace}/${c.metadata.name}`, pv: volume.metadata.name });
  }
}

async function setClaimPhase(deps: PersistentVolumeDeps, claim: PersistentVolumeClaim, phase: 'Pending' | 'Lost'): Promise<void> {
  if (claim.status?.phase === phase) return;
  // A claim that is no longer Bound reports no capacity or access modes, as upstream.
  await deps.client.updateStatus(PERSISTENTVOLUMECLAIMS, { ...claim, status: { phase } });
}

async function setVolumePhase(ctx: ReconcileContext, deps: PersistentVolumeDeps, pv: PersistentVolume, phase: NonNullable<PersistentVolume['status']>['phase'], message?: string): Promise<PersistentVolume> {
  const status = { phase, ...(message ? { message } : {}), lastPhaseTransitionTime: rfc3339(ctx.clock.now()) };
  return deps.client.updateStatus<PersistentVolume>(PERSISTENTVOLUMES, { ...pv, status });
}

async function syncVolume(ctx: ReconcileContext, deps: PersistentVolumeDeps, pv: PersistentVolume): Promise<Result | void> {
  if (pv.metadata.deletionTimestamp) return;
  const ref = pv.spec?.claimRef;
  const phase = pv.status?.phase;
  if (!ref) {
    if (phase !== 'Available') await setVolumePhase(ctx, deps, pv, 'Available');
    return;
  }
  if (!ref.uid) {
    // Pre-bound by a user to a claim that does not exist or is not bound yet: the claim's sync binds it.
    if (phase !== 'Available') await setVolumePhase(ctx, deps, pv, 'Available');
    return;
  }
  let claim = deps.claims.get(ref.namespace, String(ref.name));
  if (!claim || claim.metadata.uid !== ref.uid) {
    // The cache may lag: ask the apiserver before releasing anything.
    claim = await deps.client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, ref.namespace, String(ref.name)).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  }
  if (claim && claim.metadata.uid === ref.uid) {
    // Bound, or the claim's sync has yet to finish the binding (it is enqueued by the handlers).
    if (claim.spec?.volumeName === pv.metadata.name && phase !== 'Bound') await setVolumePhase(ctx, deps, pv, 'Bound');
    if (claim.spec?.volumeName && claim.spec.volumeName !== pv.metadata.name && pv.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER]) await unbind(ctx, deps, pv);
    return;
  }
  if (phase !== 'Released' && phase !== 'Failed') pv = await setVolumePhase(ctx, deps, pv, 'Released');
  if (pv.status?.phase === 'Released') await reclaim(ctx, deps, pv);
}

/** unbind clears a controller-made claimRef (its claim went elsewhere): the volume is Available again. */
async function unbind(ctx: ReconcileContext, deps: PersistentVolumeDeps, pv: PersistentVolume): Promise<void> {
  const next = structuredClone(pv);
  next.spec = { ...(next.spec ?? {}), claimRef: null };
  delete next.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER];
  const updated = await deps.client.update(PERSISTENTVOLUMES, next);
  await setVolumePhase(ctx, deps, updated, 'Available');
}

/** reclaim applies persistentVolumeReclaimPolicy to a Released volume. */
async function reclaim(ctx: ReconcileContext, deps: PersistentVolumeDeps, pv: PersistentVolume): Promise<void> {
  const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Retain') return;
  if (policy === 'Recycle') {
    // The recycler pod's scrub is simulated as instantaneous.
    deps.events?.event(pv, 'Normal', 'VolumeRecycled', 'Volume recycled', PV_GVK);
    await unbind(ctx, deps, pv);
    return;
  }
  const failure = deleteFailure(pv);
  if (failure) {
    deps.events?.event(pv, 'Warning', 'VolumeFailedDelete', failure, PV_GVK);
    await setVolumePhase(ctx, deps, pv, 'Failed', failure);
    return;
  }
  try {
    await deps.client.delete(PERSISTENTVOLUMES, undefined, String(pv.metadata.name), { preconditions: { uid: String(pv.metadata.uid) } });
    ctx.log.info('deleted released volume', { pv: pv.metadata.name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * deleteFailure says why a Released volume with reclaimPolicy Delete cannot be deleted, as the
 * volume plugins would: ours are always deletable, hostPath only under /tmp (upstream's
 * host_path deleter), any other source has no deleter in kubeactor.
 */
export function deleteFailure(pv: PersistentVolume): string | undefined {
  if (pv.metadata.annotations?.[ANN_PROVISIONED_BY] === HOSTPATH_PROVISIONER) return undefined;
  const hostPath = pv.spec?.hostPath;
  if (hostPath) return /^\/tmp\/.+/.test(hostPath.path) ? undefined : `host_path deleter only supports /tmp/.+ but received provided ${hostPath.path}`;
  return `error getting deleter volume plugin for volume "${String(pv.metadata.name)}": no deletable volume plugin matched`;
}

/** persistentVolumeController is the definition: PV, PVC and StorageClass informers on one queue. */
export function persistentVolumeController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 2,
    setup(env: ControllerEnv): Reconciler {
      const pvs = env.informers.informerFor<PersistentVolume>(PERSISTENTVOLUMES);
      const pvcs = env.informers.informerFor<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
      const scs = env.informers.informerFor<StorageClass>(STORAGECLASSES);
      const q = env.queue;
      pvs.addIndex(CLAIM_INDEX, (pv) => (pv.spec?.claimRef?.name ? [`${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name}`] : []));
      const onVolume = (pv: PersistentVolume): void => {
        q.add(String(pv.metadata.name));
        const ref = pv.spec?.claimRef;
        if (ref?.name) q.add(`${ref.namespace ?? ''}/${ref.name}`);
      };
      const onClaim = (c: PersistentVolumeClaim): void => {
        const key = `${c.metadata.namespace ?? ''}/${String(c.metadata.name)}`;
        q.add(key);
        if (c.spec?.volumeName) q.add(c.spec.volumeName);
      };
      const pendingClaims = (): void => {
        for (const c of pvcs.lister.list()) if (!c.spec?.volumeName) q.add(`${c.metadata.namespace ?? ''}/${String(c.metadata.name)}`);
      };
      // A volume that is (again) free may be what a Pending claim waits for; upstream waits for its 15 s resync.
      pvs.addEventHandler({
        onAdd: (pv) => {
          onVolume(pv);
          if (!pv.spec?.claimRef) pendingClaims();
        },
        onUpdate: (o, n) => {
          onVolume(n);
          if (o.spec?.claimRef && !n.spec?.claimRef) pendingClaims();
        },
        onDelete: onVolume,
      });
      pvcs.addEventHandler({
        onAdd: onClaim,
        onUpdate: (_o, n) => onClaim(n),
        onDelete: (c) => {
          if (c.spec?.volumeName) q.add(c.spec.volumeName);
          for (const pv of pvs.lister.byIndex(CLAIM_INDEX, `${c.metadata.namespace ?? ''}/${String(c.metadata.name)}`)) q.add(String(pv.metadata.name));
        },
      });
      // A new class may be what a Pending claim waits for.
      scs.addEventHandler({ onAdd: pendingClaims });
      return createPersistentVolumeReconciler({ client: env.client, volumes: pvs.lister, claims: pvcs.lister, classes: scs.lister, events: env.events });
    },
  };
}
