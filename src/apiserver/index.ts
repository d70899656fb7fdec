/**
 * The apiserver's public surface: build() for an in-process server, the actor factory for
 * topologies, and the protocol other components speak.
 */
import type { BehaviorFactory } from '../actors/types.js';
import { APISERVER_KIND, createApiServerBehavior } from './actor.js';

export * from './protocol.js';
export { build } from './server.js';
export type { ApiServer, ApiServerOptions, BuildOptions, InjectRequest, InjectResponse } from './server.js';
export { createApiServer } from './server-core.js';
export { APISERVER_KIND, createApiServerBehavior, parseApiServerParams } from './actor.js';
export type { ApiServerParams, ApiServerMsg } from './actor.js';
export type { ApiServerDeps } from './deps.js';
export { DEFAULT_VERSION } from './discovery.js';
export type { ReadinessReport, ReadinessCheck } from './readiness.js';

/** apiserverActors is the apiserver's part of an ActorRegistry: `{ apiserver: factory }`. */
export const apiserverActors: Readonly<Record<string, BehaviorFactory>> = {
  [APISERVER_KIND]: (params) => createApiServerBehavior(params),
};
