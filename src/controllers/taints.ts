/**
 * Taint and toleration helpers of the node lifecycle controller (and anyone evaluating
 * NoExecute taints): which tolerations tolerate a taint, and how long a pod may stay.
 */
import type { Taint, Toleration } from '../api/types.js';

/** TAINT_UNREACHABLE marks a node whose kubelet stopped renewing its lease. */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** TAINT_NOT_READY marks a node whose kubelet reports Ready=False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';

/** tolerates: toleration t tolerates taint (v1helper.ToleratesTaint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * tolerationSecondsFor returns how long a pod may stay on a node with these NoExecute taints:
 * 0 when some taint is not tolerated, Infinity when tolerated forever, else the minimum
 * tolerationSeconds. Pods without a toleration for the unreachable/not-ready taints get
 * defaultSeconds, as the DefaultTolerationSeconds admission plugin would have added.
 */
export function tolerationSecondsFor(tolerations: Toleration[] | undefined, taints: Taint[], defaultSeconds: number): number {
  let min = Infinity;
  for (const taint of taints) {
    const matching = (tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) {
      if (taint.key === TAINT_UNREACHABLE || taint.key === TAINT_NOT_READY) min = Math.min(min, defaultSeconds);
      else return 0;
      continue;
    }
    for (const t of matching) if (t.tolerationSeconds !== undefined) min = Math.min(min, Math.max(0, t.tolerationSeconds));
  }
  return min;
}
