/**
 * NodeResourcesFit: Filter rejects nodes whose allocatable minus requested cannot hold the pod's
 * cpu, memory and one more pod; Score prefers the least allocated node (LeastAllocated strategy,
 * cpu and memory weighted equally, containers without requests counted as 100m / 200Mi).
 */
import { Status } from '../framework/status.js';
import type { FilterPlugin, PluginFactory, ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';

/** NAME is the plugin's registry name. */
export const NAME = 'NodeResourcesFit';

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** create builds the plugin (no args). */
export const create = (() => {
  const plugin = {
    name: NAME,
    filter(_state, pod, node) {
      const reasons: string[] = [];
      const req = pod.requests;
      if (node.requested.pods + 1 > node.allocatable.pods) reasons.push('Too many pods');
      if (req.milliCpu > 0 && node.requested.milliCpu + req.milliCpu > node.allocatable.milliCpu) reasons.push('Insufficient cpu');
      if (req.memory > 0 && node.requested.memory + req.memory > node.allocatable.memory) reasons.push('Insufficient memory');
      return reasons.length ? Status.unschedulable(...reasons) : Status.success();
    },
    score(_state, pod, node) {
      // Scoring uses non-zero requests so best-effort pods still spread (upstream's NonZero rule).
      const cpu = leastAllocated(node.nonZeroRequested.milliCpu + pod.nonZeroRequests.milliCpu, node.allocatable.milliCpu);
      const mem = leastAllocated(node.nonZeroRequested.memory + pod.nonZeroRequests.memory, node.allocatable.memory);
      return Math.floor((cpu + mem) / 2);
    },
  } satisfies FilterPlugin & ScorePlugin;
  return plugin;
}) satisfies PluginFactory;
