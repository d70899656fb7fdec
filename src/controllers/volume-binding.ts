/**
 * Pure helpers of the PersistentVolume controller: the PV/PVC/StorageClass shapes it reads, the
 * claim → volume match (pkg/controller/volume/persistentvolume/util FindMatchingVolume) and the
 * volume the simulated provisioner creates.
 *
 *   candidate volumes ─┬─ pre-bound to this claim (claimRef name/namespace, uid empty or equal)
 *                      │     and fitting ─────────────────────────────▶ that one, at once
 *                      ├─ claimRef set (bound or pre-bound elsewhere) ─▶ skipped
 *                      ├─ deleting, too small, other class, other volumeMode,
 *                      │  missing an access mode, selector mismatch ──▶ skipped
 *                      └─ the smallest fitting capacity wins
 */
import { bytes } from '../api/quantity.js';
import type { KObject, LabelSelector } from '../api/types.js';
import { labelSelectorMatches } from '../client/selectors.js';

/** ANN_BIND_COMPLETED marks a claim whose binding the controller finished. */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** ANN_BOUND_BY_CONTROLLER marks a binding the controller (not a user) made. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** ANN_PROVISIONED_BY names the provisioner of a dynamically provisioned volume. */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** ANN_STORAGE_PROVISIONER (and its beta twin) tell a provisioner a claim is waiting for it. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
/** ANN_BETA_STORAGE_PROVISIONER is the beta annotation upstream still sets. */
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** ANN_SELECTED_NODE is set on a WaitForFirstConsumer claim by the scheduler when a pod using it is placed. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** ANN_BETA_STORAGE_CLASS is the pre-storageClassName way of naming a class. */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
/** ANN_DEFAULT_CLASS marks the default StorageClass. */
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
/** HOSTPATH_PROVISIONER is kubeactor's simulated provisioner. */
export const HOSTPATH_PROVISIONER = 'kubeactor.io/hostpath';
/** HOSTPATH_ROOT is where simulated provisioned volumes "live" (a path in hostPath; nothing is written). */
export const HOSTPATH_ROOT = '/var/lib/kubeactor/volumes';

/** ObjectReference is core/v1 ObjectReference (a PV's claimRef). */
export interface ObjectReference {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

/** PersistentVolume is core/v1 PersistentVolume (fields the controller uses). */
export interface PersistentVolume extends KObject {
  spec?: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    claimRef?: ObjectReference | null;
    persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
    storageClassName?: string;
    volumeMode?: string;
    mountOptions?: string[];
    hostPath?: { path: string; type?: string };
    [source: string]: unknown;
  };
  status?: { phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed'; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

/** PersistentVolumeClaim is core/v1 PersistentVolumeClaim (fields the controller uses). */
export interface PersistentVolumeClaim extends KObject {
  spec?: {
    accessModes?: string[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    selector?: LabelSelector | null;
    storageClassName?: string | null;
    volumeMode?: string;
    volumeName?: string;
  };
  status?: { phase?: 'Pending' | 'Bound' | 'Lost'; accessModes?: string[]; capacity?: Record<string, string> };
}

/** StorageClass is storage.k8s.io/v1 StorageClass. */
export interface StorageClass extends KObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Retain' | 'Delete';
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
}

/** claimClass is the claim's storage class (storageClassName, else the beta annotation, else ""). */
export function claimClass(claim: PersistentVolumeClaim): string {
  return claim.spec?.storageClassName ?? claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? '';
}

/** volumeClass is the volume's storage class, as claimClass. */
export function volumeClass(pv: PersistentVolume): string {
  return pv.spec?.storageClassName ?? pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? '';
}

/** isDefaultClass: the class carries the (beta) is-default-class annotation "true". */
export function isDefaultClass(sc: KObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** isVolumeBoundToClaim: pv's claimRef names claim (and, once set, its uid). */
export function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

function requestedBytes(claim: PersistentVolumeClaim): number {
  return bytes(claim.spec?.resources?.requests?.storage ?? '0');
}

function capacityBytes(pv: PersistentVolume): number {
  return bytes(pv.spec?.capacity?.storage ?? '0');
}

/** fits: class, volumeMode, access modes, size and selector of claim allow pv (ignoring claimRef). */
export function fits(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  if (pv.metadata.deletionTimestamp) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) return false;
  if (capacityBytes(pv) < requestedBytes(claim)) return false;
  if (volumeClass(pv) !== claimClass(claim)) return false;
  const modes = new Set(pv.spec?.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every((m) => modes.has(m))) return false;
  const sel = claim.spec?.selector;
  if (sel && !labelSelectorMatches(sel, pv.metadata.labels)) return false;
  return true;
}

/** findBestMatch returns the volume claim should bind to: a fitting pre-bound one, else the smallest fitting free one. */
export function findBestMatch(volumes: readonly PersistentVolume[], claim: PersistentVolumeClaim): PersistentVolume | undefined {
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (pv.spec?.claimRef) {
      if (isVolumeBoundToClaim(pv, claim) && fits(pv, claim)) return pv;
      continue;
    }
    if (pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') continue;
    if (!fits(pv, claim)) continue;
    // Ties go to the name that sorts first, so the choice does not depend on cache order.
    if (!best || capacityBytes(pv) < capacityBytes(best) || (capacityBytes(pv) === capacityBytes(best) && String(pv.metadata.name) < String(best.metadata.name))) best = pv;
  }
  return best;
}

/** claimRefTo is the claimRef a binding writes into the volume. */
export function claimRefTo(claim: PersistentVolumeClaim): ObjectReference {
  return { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: String(claim.metadata.name), uid: String(claim.metadata.uid), apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion };
}

/** provisionedVolumeName is the name of the volume provisioned for claim: `pvc-<claim uid>`, as upstream. */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${String(claim.metadata.uid)}`;
}

/** provisionedVolume is the volume the simulated hostpath provisioner creates for claim, pre-bound to it (pinned to its selected node, if any). */
export function provisionedVolume(claim: PersistentVolumeClaim, sc: StorageClass): PersistentVolume {
  const name = provisionedVolumeName(claim);
  const node = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: sc.provisioner } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
      accessModes: [...(claim.spec?.accessModes ?? [])],
      claimRef: claimRefTo(claim),
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: String(sc.metadata.name),
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      ...(sc.mountOptions ? { mountOptions: [...sc.mountOptions] } : {}),
      hostPath: { path: `${HOSTPATH_ROOT}/${name}`, type: 'DirectoryOrCreate' },
      // A hostPath volume lives on the node the scheduler chose (WaitForFirstConsumer), as local-path provisioners pin it.
      ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } } : {}),
    },
  };
}
