/**
 * Which pods a ReplicaSet deletes first when it scales down: the order of
 * controller.ActivePodsWithRanks, so the least useful pods go first.
 *
 *   1. unassigned < assigned            2. Pending < Unknown < Running
 *   3. not ready < ready                4. more same-owner pods on its node < fewer
 *   5. ready for less time < longer     6. more container restarts < fewer
 *   7. newer < older
 */
import type { Pod } from '../api/types.js';
import { isPodReady, podReadyCondition } from './util.js';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(p: Pod): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

function time(s: string | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** podsToDelete returns the n pods to delete first, ranked as the file comment says. */
export function podsToDelete(pods: Pod[], n: number): Pod[] {
  if (n >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of pods) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const rank = (p: Pod): number => (p.spec.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
  const sorted = [...pods].sort((a, b) => {
    const aAssigned = a.spec.nodeName ? 1 : 0;
    const bAssigned = b.spec.nodeName ? 1 : 0;
    if (aAssigned !== bAssigned) return aAssigned - bAssigned;
    const ap = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0;
    const bp = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a) ? 1 : 0;
    const br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ar && br) {
      const at = time(podReadyCondition(a)?.lastTransitionTime);
      const bt = time(podReadyCondition(b)?.lastTransitionTime);
      if (at !== bt) return bt - at; // ready more recently = ready for less time → first
    }
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    const ac = time(a.metadata.creationTimestamp);
    const bc = time(b.metadata.creationTimestamp);
    if (ac !== bc) return bc - ac;
    return String(a.metadata.name) < String(b.metadata.name) ? -1 : 1;
  });
  return sorted.slice(0, n);
}
