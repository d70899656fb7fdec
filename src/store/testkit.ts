/**
 * The store's actor registry for tests and benches that run real worker threads (workers load
 * compiled modules only): the shard kind plus the `store-storm` kill-test actor.
 */
import type { ActorRegistry } from '../actors/types.js';
import { storeActors } from './index.js';
import { createStormBehavior } from './storm.js';

/** registry: `store-shard` and `store-storm`. */
export const registry: ActorRegistry = {
  ...storeActors,
  'store-storm': (params) => createStormBehavior(params),
};
