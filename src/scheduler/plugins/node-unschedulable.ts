/** NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods tolerating the unschedulable taint. */
import { Status } from '../framework/status.js';
import type { FilterPlugin, PluginFactory } from '../framework/types.js';
import { tolerated } from './helpers.js';

/** NAME is the plugin's registry name. */
export const NAME = 'NodeUnschedulable';
/** ERR_REASON is upstream's message. */
export const ERR_REASON = 'node(s) were unschedulable';
/** TAINT_UNSCHEDULABLE is the taint key a cordoned node implies. */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** create builds the plugin (no args). */
export const create = (() =>
  ({
    name: NAME,
    filter(_state, pod, node) {
      if (!node.unschedulable) return Status.success();
      const ok = tolerated(pod.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
      return ok ? Status.success() : Status.unresolvable(ERR_REASON);
    },
  }) satisfies FilterPlugin) satisfies PluginFactory;
