/** NodeName: a pod that names a node (spec.nodeName) only fits that node. */
import { Status } from '../framework/status.js';
import type { FilterPlugin, PluginFactory } from '../framework/types.js';

/** NAME is the plugin's registry name. */
export const NAME = 'NodeName';
/** ERR_REASON is upstream's message. */
export const ERR_REASON = "node(s) didn't match the requested node name";

/** create builds the plugin (no args). */
export const create = (() =>
  ({
    name: NAME,
    filter(_state, pod, node) {
      const want = pod.pod.spec.nodeName;
      return !want || want === node.name ? Status.success() : Status.unresolvable(ERR_REASON);
    },
  }) satisfies FilterPlugin) satisfies PluginFactory;
