/**
 * DaemonSet placement and pod construction (pkg/controller/daemon/util and
 * NodeShouldRunDaemonPod upstream): which nodes should run a daemon pod, the tolerations every
 * daemon pod gets, and the node-name affinity that pins a pod to its node.
 */
import type { LabelSelector, Node, Pod, PodTemplateSpec, Taint, Toleration } from '../api/types.js';
import { podMatchesNodeSelectorAndAffinity, type NodeSelectorTerm } from '../scheduler/plugins/node-affinity.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './history.js';
import { tolerates } from './taints.js';
import { ownerRefTo } from './util.js';
import type { KObject } from '../api/types.js';

/** DaemonSet is apps/v1 DaemonSet. */
export interface DaemonSet extends KObject {
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: {
    currentNumberScheduled?: number;
    numberMisscheduled?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    observedGeneration?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    collisionCount?: number;
    [k: string]: unknown;
  };
}

/** TEMPLATE_GENERATION_LABEL is the deprecated pod-template-generation label daemon pods still carry. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/**
 * DAEMON_TOLERATIONS are added to every daemon pod (AddOrUpdateDaemonPodTolerations): NoExecute
 * for not-ready/unreachable (no tolerationSeconds: never evicted), NoSchedule for the pressure
 * conditions and cordoned nodes. network-unavailable is added for hostNetwork pods only.
 */
export const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
/** NETWORK_UNAVAILABLE_TOLERATION is added to hostNetwork daemon pods. */
export const NETWORK_UNAVAILABLE_TOLERATION: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** daemonTolerations merges the automatic tolerations into the template's (same key+effect replaced). */
export function daemonTolerations(template: PodTemplateSpec): Toleration[] {
  const extra = [...DAEMON_TOLERATIONS, ...(template.spec.hostNetwork ? [NETWORK_UNAVAILABLE_TOLERATION] : [])];
  const own = (template.spec.tolerations ?? []).filter((t) => !extra.some((e) => e.key === t.key && e.effect === t.effect));
  return [...own, ...extra];
}

/** nodeNameAffinity replaces the required node affinity with matchFields metadata.name=<node> (ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function nodeNameAffinity(affinity: unknown, nodeName: string): Record<string, unknown> {
  const a = structuredClone((affinity ?? {}) as Record<string, unknown>);
  const na = (a.nodeAffinity ?? {}) as Record<string, unknown>;
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  a.nodeAffinity = na;
  return a;
}

/** newDaemonPod builds ds's pod for nodeName with the revision hash label. */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const meta = ds.spec.template.metadata ?? {};
  const spec = structuredClone(ds.spec.template.spec);
  spec.tolerations = daemonTolerations(ds.spec.template);
  spec.affinity = nodeNameAffinity(spec.affinity, nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(meta.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [ownerRefTo(ds, 'apps/v1', 'DaemonSet')],
    },
    spec,
  };
}

/** Placement is NodeShouldRunDaemonPod's answer. */
export interface Placement {
  /** shouldRun: a daemon pod should be created on the node if there is none. */
  shouldRun: boolean;
  /** shouldContinueRunning: an existing daemon pod may stay. */
  shouldContinueRunning: boolean;
}

function untolerated(tolerations: readonly Toleration[], taints: readonly Taint[], effects: readonly string[]): boolean {
  return taints.some((t) => effects.includes(t.effect) && !tolerations.some((tol) => tolerates(tol, t)));
}

/**
 * nodeShouldRunDaemonPod: the template's nodeName (if any), nodeSelector and required node
 * affinity must match; NoSchedule/NoExecute taints must be tolerated to start a pod, NoExecute
 * ones to keep it. Unschedulable (cordoned) nodes still run daemon pods, as upstream.
 */
export function nodeShouldRunDaemonPod(ds: DaemonSet, node: Node): Placement {
  const name = String(node.metadata.name);
  const tmpl = ds.spec.template.spec;
  if ((tmpl.nodeName && tmpl.nodeName !== name) || !podMatchesNodeSelectorAndAffinity({ metadata: {}, spec: tmpl }, { name, labels: node.metadata.labels ?? {} })) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  const tolerations = daemonTolerations(ds.spec.template);
  const taints = node.spec.taints ?? [];
  return { shouldRun: !untolerated(tolerations, taints, ['NoSchedule', 'NoExecute']), shouldContinueRunning: !untolerated(tolerations, taints, ['NoExecute']) };
}

/** resolveIntOrPercent scales "25%" of total (rounding up or down) or returns a number as is. */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** surgeAndUnavailable resolves maxSurge/maxUnavailable for desired nodes (both 0 becomes maxUnavailable 1). */
export function surgeAndUnavailable(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(ru?.maxSurge, desired, true, 0);
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable, desired, false, 1);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}
