/**
 * The actor runtime's public surface. Domain code needs only the types (./types.js) and errors;
 * the cluster layer uses startRuntime and place.
 */
export type * from './types.js';
export * from './errors.js';
export { RealClock, ScaledClock, SimClock } from './clock.js';
export { SeededRng, randomSeed } from './rng.js';
export { JsonLogger, MemoryLogger, NOOP_LOGGER } from './logger.js';
export { startRuntime, buildRoutes, compiledUrl, workerEntryUrl, type Runtime, type RuntimeOptions, type HostSpec, type HostInfo, type RuntimeEvents } from './runtime.js';
export { place, roleOf, defaultKey, hostNames, fnv1a, type PlacementPlan, type PlacementGroup } from './placement.js';
export { Supervisor, type Child, type ChildSpec, type ExitInfo, type Strategy, type RestartType, type SupervisorOptions, type SupervisorEvents, type ChildState } from './supervisor.js';
export { backoffBase, backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { Host, type HostOptions, type HostStats, type Link } from './host.js';
export type { HostProcessStats, HostControl } from './control.js';
export { MAIN_HOST } from './envelope.js';
