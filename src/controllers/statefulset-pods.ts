/**
 * StatefulSet pod identity and storage (stateful_set_utils.go upstream): stable names
 * <set>-<ordinal>, the pod-name/pod-index labels, hostname/subdomain from serviceName, and one
 * PVC per volumeClaimTemplate named <template>-<set>-<ordinal>.
 */
import type { KObject, LabelSelector, ObjectMeta, OwnerReference, Pod, PodTemplateSpec } from '../api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './history.js';
import { ownerRefTo } from './util.js';

/** POD_NAME_LABEL carries the pod's stable name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** POD_INDEX_LABEL carries the pod's ordinal. */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** PersistentVolumeClaim is the part of v1 PersistentVolumeClaim the controller writes. */
export interface PersistentVolumeClaim extends KObject {
  spec?: Record<string, unknown>;
  status?: { phase?: string; [k: string]: unknown };
}

/** StatefulSet is apps/v1 StatefulSet. */
export interface StatefulSet extends KObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    volumeClaimTemplates?: PersistentVolumeClaim[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
    ordinals?: { start?: number };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
    [k: string]: unknown;
  };
}

/** podName is <set>-<ordinal>. */
export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** ordinalOf parses the ordinal of a pod that belongs to set by name, or -1. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const prefix = `${set.metadata.name}-`;
  const name = String(pod.metadata.name);
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

/** claimName is <template>-<set>-<ordinal>. */
export function claimName(set: StatefulSet, tmpl: PersistentVolumeClaim, ordinal: number): string {
  return `${tmpl.metadata.name}-${set.metadata.name}-${ordinal}`;
}

/** revisionOfPod is the controller-revision-hash label (the revision's name for StatefulSets). */
export function revisionOfPod(pod: Pod): string | undefined {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}

/** newStatefulSetPod builds pod <ordinal> of set from template, labelled with revision. */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revision: string): Pod {
  const name = podName(set, ordinal);
  const meta: ObjectMeta = template.metadata ?? {};
  const spec = structuredClone(template.spec);
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  // Each claim template replaces a template volume of the same name (updateStorage upstream).
  const claims = set.spec.volumeClaimTemplates ?? [];
  if (claims.length > 0) {
    const names = new Set(claims.map((c) => c.metadata.name));
    const volumes = ((spec.volumes as { name: string }[] | undefined) ?? []).filter((v) => !names.has(v.name));
    for (const c of claims) volumes.push({ name: String(c.metadata.name), persistentVolumeClaim: { claimName: claimName(set, c, ordinal) } } as { name: string });
    spec.volumes = volumes;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH_LABEL]: revision },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [ownerRefTo(set, 'apps/v1', 'StatefulSet')],
    },
    spec,
  };
}

/** setOwnerRef is a non-controller owner reference to set (the claim's binder stays free to own it). */
function setOwnerRef(set: StatefulSet): OwnerReference {
  const { controller: _controller, ...ref } = ownerRefTo(set, 'apps/v1', 'StatefulSet');
  return ref;
}

/**
 * newClaims builds the PVCs pod <ordinal> needs: template spec, the set's selector labels, and
 * the set as (non-controller) owner when whenDeleted is Delete, so the garbage collector removes
 * them with the set.
 */
export function newClaims(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const deleteWithSet = set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, t, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) },
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(deleteWithSet ? { ownerReferences: [setOwnerRef(set)] } : {}),
    },
    spec: structuredClone(t.spec ?? {}),
  }));
}
