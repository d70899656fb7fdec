/**
 * The real Watcher: opens push watches on the apiserver for one actor and routes the
 * `watchEvents` messages that actor receives to the right sink.
 *
 *   actor.receive(watchEvents) ──deliver()──▶ sinks[watchId].events()
 *   actor.onDown(apiserver)    ──apiserverDown()──▶ every sink.ended()
 */
import type { ActorContext } from '../actors/types.js';
import { randomSuffix } from '../api/meta.js';
import { APISERVER, type ListOptions, type ResourceRef, type WatchEventsMsg, type WatchStarted } from '../apiserver/protocol.js';
import { DEFAULT_API_TIMEOUT_MS } from './api-client.js';
import type { Watcher, WatchSink } from './types.js';

/** ActorWatcher is a Watcher plus the two hooks its owning actor must call. */
export type ActorWatcher = Watcher & {
  /** deliver routes one watchEvents message; unknown watchIds (closed watches) are ignored. */
  deliver(msg: WatchEventsMsg): void;
  /** apiserverDown ends every open watch (the owner's onDown(APISERVER)). */
  apiserverDown(): void;
  /** openWatches is the number of watches currently open (for tests and stats). */
  readonly openWatches: number;
};

/**
 * createWatcher returns the watcher of actor ctx. It monitors the apiserver (again after each
 * apiserverDown, as soon as a new watch is opened) so a restart ends the watches and informers
 * re-list.
 */
export function createWatcher(ctx: ActorContext, opts: { timeoutMs?: number; target?: string } = {}): ActorWatcher {
  const target = opts.target ?? APISERVER;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const sinks = new Map<string, WatchSink>();
  // A restarted actor keeps its id, so a counter alone could collide with a watch the apiserver
  // still holds for the previous incarnation: add a random part.
  const prefix = `${ctx.self}#${randomSuffix(ctx.rng, 6)}`;
  let seq = 0;
  let monitoring = false;
  const ensureMonitor = (): void => {
    if (monitoring) return;
    ctx.monitor(target);
    monitoring = true;
  };
  ensureMonitor();

  return {
    async watch(res: ResourceRef, wopts: ListOptions & { allowBookmarks?: boolean }, sink: WatchSink) {
      ensureMonitor();
      const watchId = `${prefix}-${++seq}`;
      // Registered before the ask: events may be told before the reply arrives.
      sinks.set(watchId, sink);
      try {
        const started = await ctx.ask<WatchStarted>(target, { type: 'watch', res, watchId, subscriber: ctx.self, opts: wopts }, { timeoutMs });
        return { watchId, resourceVersion: started?.resourceVersion ?? wopts.resourceVersion ?? '' };
      } catch (err) {
        sinks.delete(watchId);
        throw err;
      }
    },
    unwatch(watchId: string): void {
      if (!sinks.delete(watchId)) return;
      ctx.ask(target, { type: 'unwatch', watchId }, { timeoutMs }).catch((err: unknown) => {
        // The watch dies with the apiserver anyway; nothing to repair here.
        ctx.log.debug('unwatch failed', { watchId, error: String(err) });
      });
    },
    deliver(msg: WatchEventsMsg): void {
      const sink = sinks.get(msg.watchId);
      if (!sink) return;
      if (msg.events.some((e) => e.type === 'ERROR')) sinks.delete(msg.watchId);
      sink.events(msg.events);
    },
    apiserverDown(): void {
      monitoring = false;
      const all = [...sinks.values()];
      sinks.clear();
      for (const s of all) s.ended('apiserver down');
    },
    get openWatches() {
      return sinks.size;
    },
  };
}
