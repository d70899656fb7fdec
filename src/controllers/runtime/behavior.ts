/**
 * controllerBehavior turns a ControllerDefinition into an actor: it owns the actor's ApiClient
 * and Watcher, forwards `watchEvents` to the watcher and the apiserver's onDown to it (so every
 * informer re-lists after an apiserver restart), and answers `controllerStats` asks.
 */
import type { ActorContext, Behavior, Clock, TimerHandle } from '../../actors/types.js';
import { APISERVER, type WatchEventsMsg } from '../../apiserver/protocol.js';
import { createApiClient } from '../../client/api-client.js';
import { createWatcher, type ActorWatcher } from '../../client/watcher.js';
import { startController, type ControllerHandle, type ControllerStats } from './controller.js';
import { assertNever } from './errors.js';
import type { ControllerDefinition } from './types.js';

/** ControllerStatsRequest asks a controller actor for its counters. */
export interface ControllerStatsRequest {
  type: 'controllerStats';
}

/** TimerFired is internal: one of the actor's clock timers (see actorClock) is due. */
interface TimerFired {
  type: '$controllerTimer';
  id: number;
}

/** ControllerMsg is the closed protocol of controller actors. */
export type ControllerMsg = WatchEventsMsg | ControllerStatsRequest | TimerFired;

/**
 * actorClock is a Clock whose timers are the actor's own (ctx.setTimer): they die with the actor,
 * so a controller whose host was torn down (inline kill) stops its queues and re-lists instead of
 * living on as a zombie, and timer callbacks run as messages of the actor.
 */
export function actorClock(ctx: ActorContext): Clock & { fire(id: number): void } {
  let seq = 0;
  const fns = new Map<number, () => void>();
  return {
    now: () => ctx.clock.now(),
    setTimeout(fn: () => void, delayMs: number): TimerHandle {
      const id = ++seq;
      fns.set(id, fn);
      ctx.setTimer(`$t${id}`, Math.max(0, delayMs), { type: '$controllerTimer', id } satisfies TimerFired);
      return id;
    },
    clearTimeout(handle: TimerHandle): void {
      const id = handle as number;
      if (fns.delete(id)) ctx.cancelTimer(`$t${id}`);
    },
    fire(id: number): void {
      const fn = fns.get(id);
      if (!fn) return;
      fns.delete(id);
      fn();
    },
  };
}

/** ControllerBehaviorOptions tune the actor (API timeout). */
export interface ControllerBehaviorOptions {
  apiTimeoutMs?: number;
}

/** controllerBehavior builds the Behavior of one controller actor from its definition. */
export function controllerBehavior(def: ControllerDefinition, opts: ControllerBehaviorOptions = {}): Behavior<ControllerMsg> {
  let watcher: ActorWatcher | undefined;
  let handle: ControllerHandle | undefined;
  let clock: ReturnType<typeof actorClock> | undefined;
  return {
    started(ctx) {
      const client = createApiClient(ctx, { timeoutMs: opts.apiTimeoutMs });
      watcher = createWatcher(ctx, { timeoutMs: opts.apiTimeoutMs });
      clock = actorClock(ctx);
      handle = startController(def, { client, watcher, clock, rng: ctx.rng, log: ctx.log });
    },
    receive(_ctx, msg): ControllerStats | undefined {
      switch (msg.type) {
        case 'watchEvents':
          watcher?.deliver(msg);
          return undefined;
        case 'controllerStats':
          return handle?.stats();
        case '$controllerTimer':
          clock?.fire(msg.id);
          return undefined;
        default:
          return assertNever(msg);
      }
    },
    onDown(_ctx, target) {
      if (target === APISERVER) watcher?.apiserverDown();
    },
    stopped() {
      handle?.stop();
    },
  };
}
