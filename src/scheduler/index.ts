/** kube-scheduler: the actor registry and topology entry. */
import type { ActorRegistry, ActorSpec } from '../actors/types.js';
import { createSchedulerBehavior, SCHEDULER_ID, type SchedulerParams } from './actor.js';

export { createSchedulerBehavior, SCHEDULER_ID, type SchedulerParams, type SchedulerMsg, type ClientFactory, REAL_CLIENTS } from './actor.js';
export { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { DEFAULT_PROFILE, DEFAULT_SCHEDULER_NAME, IN_TREE_PLUGINS } from './plugins/registry.js';
export { Status } from './framework/status.js';
export type * from './framework/types.js';

/** schedulerRegistry maps kind 'scheduler' to its factory. */
export const schedulerRegistry: ActorRegistry = {
  scheduler: (params) => createSchedulerBehavior((params ?? {}) as SchedulerParams),
};

/** schedulerActors returns the scheduler's actor specs (one actor, id `scheduler`). */
export function schedulerActors(params: SchedulerParams = {}): ActorSpec[] {
  return [{ id: SCHEDULER_ID, kind: 'scheduler', params }];
}
