/**
 * Helpers shared by plugins: toleration matching (v1 helper ToleratesTaint) and the default
 * score normalization (helper.DefaultNormalizeScore).
 */
import type { Taint, Toleration } from '../../api/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';

/** toleratesTaint reports whether one toleration matches a taint, as v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // An empty key with Exists tolerates every taint (of the matching effect).
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** tolerated reports whether any toleration matches taint. */
export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/**
 * defaultNormalizeScore scales scores so the maximum becomes MAX_NODE_SCORE; with reverse the
 * best (lowest raw) becomes MAX_NODE_SCORE. All-zero scores become MAX (reverse) or stay 0.
 */
export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) {
      scores[i] = reverse ? MAX_NODE_SCORE : 0;
      continue;
    }
    const s = Math.floor((scores[i] * MAX_NODE_SCORE) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
