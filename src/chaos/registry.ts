/**
 * The chaos run's actor registry: the cluster's kinds plus the chaos watcher. Worker hosts import
 * this module (the runtime's registryModule) when a chaos run starts the topology.
 */
import type { ActorRegistry } from '../actors/types.js';
import { registry as clusterRegistry } from '../cluster/registry.js';
import { CHAOS_WATCHER_KIND, createWatchChecker } from './watch-checker.js';

/** registry maps every actor kind of a chaos run to its factory. */
export const registry: ActorRegistry = {
  ...clusterRegistry,
  [CHAOS_WATCHER_KIND]: () => createWatchChecker(),
};
