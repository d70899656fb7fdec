/**
 * The `chaos-watcher` actor (id `chaos/watcher`): a client that lists and watches a few resources
 * through the whole chaos run, as an informer would, and checks the watch contract:
 *
 *   - within one watch stream resourceVersions never go backwards (events arrive in order);
 *   - a stream ends only with an ERROR (410 Gone: re-list) or with the apiserver going down
 *     (monitor: re-list); either way the watcher re-lists and carries on;
 *   - at the end its cache (list + every event since) equals a fresh list: no event was lost.
 *
 * It answers `checkerReport` (counters, violations) and `checkerVerify` (cache vs a fresh list).
 */
import { InvariantError } from '../actors/errors.js';
import type { ActorContext, ActorId, Behavior } from '../actors/types.js';
import { DEPLOYMENTS, NODES, PODS, REPLICASETS } from '../api/resources.js';
import type { KList, KObject, Status } from '../api/types.js';
import { APISERVER, type ApiRequest, type ResourceRef, type WatchEventsMsg, type WatchStarted } from '../apiserver/protocol.js';

/** CHAOS_WATCHER is the checker's actor id. */
export const CHAOS_WATCHER = 'chaos/watcher';
/** CHAOS_WATCHER_KIND is the checker's actor kind (src/chaos/registry.ts). */
export const CHAOS_WATCHER_KIND = 'chaos-watcher';

/** WATCHED are the resources the checker follows. */
export const WATCHED: readonly ResourceRef[] = [PODS, DEPLOYMENTS, REPLICASETS, NODES];

/** WatchCheckerMsg is the checker's protocol (asks) and its own timer. */
export type WatchCheckerMsg = WatchEventsMsg | { type: 'checkerReport' } | { type: 'checkerVerify' } | { type: '$resync'; resource: string };

/** StreamReport is what the checker knows about one resource. */
export interface StreamReport {
  resource: string;
  events: number;
  relists: number;
  gone: number;
  lastRv: number;
  objects: number;
}

/** CheckerReport answers `checkerReport`. */
export interface CheckerReport {
  streams: StreamReport[];
  violations: string[];
}

/** VerifyResult answers `checkerVerify`: cache vs fresh list differences (empty when equal). */
export interface VerifyResult {
  mismatches: string[];
  /** syncing: resources whose watch is being re-established (a verify then proves nothing). */
  syncing: string[];
}

interface Stream {
  res: ResourceRef;
  gen: number;
  watchId: string;
  live: boolean;
  lastRv: number;
  cache: Map<string, number>;
  events: number;
  relists: number;
  gone: number;
}

const ASK = { timeoutMs: 10_000 };
const RETRY_MS = 500;
const MAX_VIOLATIONS = 200;

const keyOf = (o: KObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
const rvOf = (o: { metadata?: { resourceVersion?: string } }): number => Number(o.metadata?.resourceVersion ?? NaN);

/** createWatchChecker builds the checker actor. */
export function createWatchChecker(): Behavior<WatchCheckerMsg> {
  const streams = new Map<string, Stream>(WATCHED.map((res) => [res.resource, { res, gen: 0, watchId: '', live: false, lastRv: 0, cache: new Map(), events: 0, relists: 0, gone: 0 }]));
  const byWatch = new Map<string, Stream>();
  const violations: string[] = [];
  const violate = (v: string): void => {
    if (violations.length < MAX_VIOLATIONS) violations.push(v);
  };
  const ask = <R>(ctx: ActorContext, req: ApiRequest): Promise<R> => ctx.ask<R>(APISERVER, req, ASK);

  function resync(ctx: ActorContext, s: Stream): void {
    s.gen++;
    byWatch.delete(s.watchId);
    s.live = false;
    s.watchId = `${ctx.self}/${s.res.resource}/${s.gen}`;
    const gen = s.gen;
    const retry = (): void => ctx.setTimer(`resync/${s.res.resource}`, RETRY_MS, { type: '$resync', resource: s.res.resource });
    ask<KList>(ctx, { type: 'list', res: s.res })
      .then(async (list) => {
        if (gen !== s.gen) return;
        s.relists++;
        s.cache = new Map(list.items.map((o) => [keyOf(o), rvOf(o)]));
        s.lastRv = Number(list.metadata.resourceVersion);
        byWatch.set(s.watchId, s);
        await ask<WatchStarted>(ctx, { type: 'watch', res: s.res, watchId: s.watchId, subscriber: ctx.self, opts: { resourceVersion: list.metadata.resourceVersion, allowBookmarks: true } });
        if (gen === s.gen) s.live = true;
      })
      .catch(() => {
        if (gen === s.gen) retry();
      });
  }

  function onEvents(ctx: ActorContext, msg: WatchEventsMsg): void {
    const s = byWatch.get(msg.watchId);
    if (!s) return; // an old stream's tail
    for (const e of msg.events) {
      if (e.type === 'ERROR') {
        if ((e.object as unknown as Status).code === 410) s.gone++;
        return resync(ctx, s);
      }
      const rv = rvOf(e.object);
      if (!(rv >= s.lastRv)) violate(`${s.res.resource}: ${e.type} ${keyOf(e.object)} at resourceVersion ${rv} after ${s.lastRv} (out of order)`);
      s.lastRv = Math.max(s.lastRv, rv);
      if (e.type === 'BOOKMARK') continue;
      s.events++;
      if (e.type === 'DELETED') s.cache.delete(keyOf(e.object));
      else s.cache.set(keyOf(e.object), rv);
    }
  }

  async function verify(ctx: ActorContext): Promise<VerifyResult> {
    const mismatches: string[] = [];
    const syncing: string[] = [];
    for (const s of streams.values()) {
      if (!s.live) {
        syncing.push(s.res.resource);
        continue;
      }
      const list = await ask<KList>(ctx, { type: 'list', res: s.res });
      const fresh = new Map(list.items.map((o) => [keyOf(o), rvOf(o)]));
      for (const [k, rv] of fresh) if (s.cache.get(k) !== rv) mismatches.push(`${s.res.resource} ${k}: watch cache has ${s.cache.get(k) ?? 'nothing'}, list has ${rv}`);
      for (const [k, rv] of s.cache) if (!fresh.has(k)) mismatches.push(`${s.res.resource} ${k}: watch cache has ${rv}, list has nothing`);
    }
    return { mismatches, syncing };
  }

  return {
    started(ctx) {
      ctx.monitor(APISERVER);
      for (const s of streams.values()) resync(ctx, s);
    },
    receive(ctx, msg) {
      switch (msg.type) {
        case 'watchEvents':
          return onEvents(ctx, msg);
        case '$resync': {
          const s = streams.get(msg.resource);
          if (s) resync(ctx, s);
          return undefined;
        }
        case 'checkerReport':
          return {
            streams: [...streams.values()].map((s) => ({ resource: s.res.resource, events: s.events, relists: s.relists, gone: s.gone, lastRv: s.lastRv, objects: s.cache.size })),
            violations: [...violations],
          } satisfies CheckerReport;
        case 'checkerVerify':
          return verify(ctx);
        default:
          return assertNever(msg);
      }
    },
    onDown(ctx: ActorContext, target: ActorId) {
      if (target !== APISERVER) return;
      // The apiserver is gone: its watches with it. Re-list and re-watch once it is back (the
      // monitor fires again at once while it is still down, so re-arm it from the resync path).
      ctx.monitor(APISERVER);
      for (const s of streams.values()) resync(ctx, s);
    },
  };
}

function assertNever(x: never): never {
  throw new InvariantError(`chaos-watcher: unexpected message ${JSON.stringify(x)}`);
}
