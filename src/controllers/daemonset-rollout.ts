/**
 * DaemonSet RollingUpdate (pkg/controller/daemon/update.go rollingUpdate): with maxSurge 0, old
 * pods are deleted while fewer than maxUnavailable nodes are unavailable (unavailable old pods
 * are replaced for free), and manage recreates them at the new revision; with maxSurge > 0 a new
 * pod starts next to the old one on up to maxSurge nodes and the old one goes once the new one
 * is available.
 */
import type { Node, Pod } from '../api/types.js';
import type { NodeSelectorTerm } from '../scheduler/plugins/node-affinity.js';
import { nodeShouldRunDaemonPod, surgeAndUnavailable, type DaemonSet } from './daemonset-util.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './history.js';
import { isPodAvailable } from './util.js';

/** nodeNameOfDaemonPod is the node a daemon pod runs on, or the one its matchFields pin it to. */
export function nodeNameOfDaemonPod(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms = (pod.spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const t of terms ?? []) for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}

/** RollingActions are the extra creates (surge, by node) and deletes of one rolling step. */
export interface RollingActions {
  create: string[];
  remove: Pod[];
}

/** rollingUpdateActions computes one step of the rolling update; see the file comment. */
export function rollingUpdateActions(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string, nowMs: number): RollingActions {
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, nowMs);
  const desired = nodes.filter((n) => nodeShouldRunDaemonPod(ds, n).shouldRun);
  const { maxSurge, maxUnavailable } = surgeAndUnavailable(ds, desired.length);
  const out: RollingActions = { create: [], remove: [] };
  const split = (name: string): { newPod?: Pod; oldPod?: Pod } => {
    const pods = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    return { newPod: pods.find((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash), oldPod: pods.find((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== hash) };
  };
  if (maxSurge === 0) {
    let numUnavailable = 0;
    const freeReplacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const node of desired) {
      const { newPod, oldPod } = split(String(node.metadata.name));
      if ((!newPod && !oldPod) || (newPod && oldPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) freeReplacements.push(oldPod);
        else candidates.push(oldPod);
      }
    }
    const room = Math.max(0, maxUnavailable - numUnavailable - freeReplacements.length);
    out.remove.push(...freeReplacements, ...candidates.slice(0, room));
    return out;
  }
  let surging = 0;
  const surgeCandidates: string[] = [];
  for (const node of desired) {
    const name = String(node.metadata.name);
    const { newPod, oldPod } = split(name);
    if (!oldPod) continue;
    if (!newPod) {
      // An old pod that is not available anyway is replaced without waiting for budget.
      if (!available(oldPod)) out.create.push(name);
      else surgeCandidates.push(name);
    } else if (available(newPod)) out.remove.push(oldPod);
    else surging++;
  }
  out.create.push(...surgeCandidates.slice(0, Math.max(0, maxSurge - surging)));
  return out;
}
