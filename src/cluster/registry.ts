/**
 * The cluster's actor registry: every actor kind kubeactor runs, by name. Worker hosts import this
 * module (the runtime's `registryModule`) and inline hosts use the same object, so a topology runs
 * identically on one thread or many.
 */
import type { ActorRegistry } from '../actors/types.js';
import { apiserverActors } from '../apiserver/index.js';
import { controllerRegistry } from '../controllers/index.js';
import { nodeRegistry } from '../kubelet/index.js';
import { schedulerRegistry } from '../scheduler/index.js';
import { storeActors } from '../store/index.js';

/** registry maps every actor kind to its behaviour factory. */
export const registry: ActorRegistry = {
  ...storeActors,
  ...apiserverActors,
  ...schedulerRegistry,
  ...controllerRegistry,
  ...nodeRegistry,
};
