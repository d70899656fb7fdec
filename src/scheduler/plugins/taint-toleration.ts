/**
 * TaintToleration: Filter rejects nodes with an untolerated NoSchedule/NoExecute taint; Score
 * counts untolerated PreferNoSchedule taints and normalizes in reverse (fewest wins).
 */
import type { Taint } from '../../api/types.js';
import { Status } from '../framework/status.js';
import type { FilterPlugin, PluginFactory, ScorePlugin } from '../framework/types.js';
import { defaultNormalizeScore, tolerated } from './helpers.js';

/** NAME is the plugin's registry name. */
export const NAME = 'TaintToleration';

function describeTaint(t: Taint): string {
  return t.value ? `{${t.key}: ${t.value}}` : `{${t.key}: }`;
}

/** create builds the plugin (no args). */
export const create = (() =>
  ({
    name: NAME,
    filter(_state, pod, node) {
      for (const taint of node.taints) {
        if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
        if (!tolerated(pod.tolerations, taint)) return Status.unresolvable(`node(s) had untolerated taint ${describeTaint(taint)}`);
      }
      return Status.success();
    },
    score(_state, pod, node) {
      // Only tolerations that could match PreferNoSchedule count (effect empty or PreferNoSchedule).
      const prefer = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      let n = 0;
      for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !tolerated(prefer, taint)) n++;
      return n;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, true);
    },
  }) satisfies FilterPlugin & ScorePlugin) satisfies PluginFactory;
