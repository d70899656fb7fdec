/**
 * Informer: the reflector + indexer + handler fan-out of client-go, for one resource.
 *
 *   list ──▶ replace cache (diff → add/update/delete handlers) ──▶ watch from list RV
 *     ▲                                                              │
 *     └──── jittered backoff ◀── ERROR event (410) | ended | ask failure
 *
 * Every (re)list starts a new epoch; events of an older epoch's watch are ignored, so a late
 * batch from a watch we abandoned can never corrupt the cache.
 */
import type { Clock, Logger, Rng, TimerHandle } from '../actors/types.js';
import { objectKey } from '../api/meta.js';
import type { KObject, Status } from '../api/types.js';
import type { ListOptions, ResourceRef, WatchEvent } from '../apiserver/protocol.js';
import { Indexer } from './indexer.js';
import type { ApiClient, EventHandler, Informer, Watcher } from './types.js';

/** InformerDeps are what an informer needs: a client, its actor's watcher, time, logs, jitter. */
export interface InformerDeps {
  client: ApiClient;
  watcher: Watcher;
  clock: Clock;
  log: Logger;
  rng?: Rng;
}

/** InformerOptions: list/watch options plus re-list backoff (defaults 200 ms doubling to 30 s). */
export interface InformerOptions extends ListOptions {
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/** InformerHandle is an Informer plus introspection used by tests and controllers. */
export interface InformerHandle<T extends KObject> extends Informer<T> {
  /** resourceVersion is the last RV the cache reflects (list RV or last event RV). */
  readonly resourceVersion: string;
  /** relists counts completed lists (the first one included). */
  readonly relists: number;
  /** relist forces a re-list now (as after a watch error). */
  relist(reason: string): void;
  /** res is the resource this informer caches. */
  readonly res: ResourceRef;
}

/**
 * createInformer builds an informer for res (not started). Handlers run synchronously inside
 * cache updates and must only enqueue work. Objects handed out are shared: never mutate them.
 */
export function createInformer<T extends KObject>(deps: InformerDeps, res: ResourceRef, opts: InformerOptions = {}): InformerHandle<T> {
  const { backoffInitialMs = 200, backoffMaxMs = 30_000, ...listOpts } = opts;
  const log = deps.log.child({ informer: res.group ? `${res.resource}.${res.group}` : res.resource });
  const cache = new Indexer<T>();
  const handlers: EventHandler<T>[] = [];
  let running = false;
  let synced = false;
  let epoch = 0;
  let failures = 0;
  let relists = 0;
  let rv = '';
  let watchId: string | undefined;
  let timer: TimerHandle | undefined;
  let resolveSynced: (() => void) | undefined;
  const syncedPromise = new Promise<void>((r) => (resolveSynced = r));

  const emitAdd = (o: T) => handlers.forEach((h) => h.onAdd?.(o));
  const emitUpdate = (a: T, b: T) => handlers.forEach((h) => h.onUpdate?.(a, b));
  const emitDelete = (o: T) => handlers.forEach((h) => h.onDelete?.(o));

  function backoffMs(): number {
    const base = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(failures, 30));
    // Jitter in [base, 2·base): spreads the re-lists of many informers after an apiserver restart.
    return base * (1 + (deps.rng ? deps.rng.next() : 0.5));
  }

  function scheduleRelist(reason: string, failed: boolean): void {
    if (!running) return;
    epoch++; // invalidate the current watch at once: later events of it are ignored
    if (watchId) {
      deps.watcher.unwatch(watchId);
      watchId = undefined;
    }
    if (timer !== undefined) return;
    const delay = backoffMs();
    if (failed) failures++;
    log.debug('re-list scheduled', { reason, delayMs: Math.round(delay) });
    timer = deps.clock.setTimeout(() => {
      timer = undefined;
      void cycle();
    }, delay);
  }

  async function listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    let listRv = '';
    do {
      const page = await deps.client.list<T>(res, { ...listOpts, resourceVersion: undefined, continue: cont });
      items.push(...page.items);
      listRv = page.metadata.resourceVersion ?? listRv;
      cont = listOpts.limit ? page.metadata.continue || undefined : undefined;
    } while (cont);
    return { items, resourceVersion: listRv };
  }

  /** replace applies a full list: adds, updates and deletes of objects gone during the gap. */
  function replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = cache.upsert(key, obj);
      if (!old) emitAdd(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) emitUpdate(old, obj);
    }
    for (const key of [...cache.keys()]) {
      if (seen.has(key)) continue;
      const old = cache.remove(key);
      if (old) emitDelete(old);
    }
  }

  function applyEvents(myEpoch: number, events: WatchEvent[]): void {
    for (const ev of events) {
      if (myEpoch !== epoch || !running) return;
      const obj = ev.object as T;
      switch (ev.type) {
        case 'ADDED':
        case 'MODIFIED': {
          const key = objectKey(obj);
          const old = cache.upsert(key, obj);
          if (old) emitUpdate(old, obj);
          else emitAdd(obj);
          break;
        }
        case 'DELETED': {
          const old = cache.remove(objectKey(obj));
          if (old) emitDelete(obj);
          break;
        }
        case 'BOOKMARK':
          break;
        case 'ERROR': {
          const st = ev.object as unknown as Status;
          scheduleRelist(`watch error ${st.code ?? ''} ${st.reason ?? ''}`.trim(), st.code !== 410);
          return;
        }
        default: {
          const never: never = ev.type;
          throw new Error(`unknown watch event type ${String(never)}`);
        }
      }
      if (obj.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
    }
  }

  async function cycle(): Promise<void> {
    if (!running) return;
    const myEpoch = ++epoch;
    try {
      const list = await listAll();
      if (myEpoch !== epoch || !running) return;
      replace(list.items);
      rv = list.resourceVersion;
      relists++;
      if (!synced) {
        synced = true;
        resolveSynced?.();
      }
      const w = await deps.watcher.watch(res, { ...listOpts, limit: undefined, continue: undefined, resourceVersion: rv, allowBookmarks: true }, {
        events: (evs) => applyEvents(myEpoch, evs),
        ended: (reason) => {
          if (myEpoch === epoch) scheduleRelist(`watch ended: ${reason}`, false);
        },
      });
      if (myEpoch !== epoch || !running) {
        deps.watcher.unwatch(w.watchId);
        return;
      }
      watchId = w.watchId;
      failures = 0;
    } catch (err) {
      if (myEpoch !== epoch) return;
      log.warn('list/watch failed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      scheduleRelist('list/watch failed', true);
    }
  }

  return {
    lister: cache,
    res,
    get resourceVersion() {
      return rv;
    },
    get relists() {
      return relists;
    },
    addEventHandler(h: EventHandler<T>): void {
      handlers.push(h);
      // A late handler sees the current cache as adds, like client-go's AddEventHandler.
      if (synced) for (const o of cache.list()) h.onAdd?.(o);
    },
    addIndex(name: string, fn: (obj: T) => string[]): void {
      cache.addIndex(name, fn);
    },
    start(): Promise<void> {
      if (!running) {
        running = true;
        void cycle();
      }
      return syncedPromise;
    },
    hasSynced: () => synced,
    relist(reason: string): void {
      scheduleRelist(reason, false);
    },
    stop(): void {
      running = false;
      epoch++;
      if (timer !== undefined) deps.clock.clearTimeout(timer);
      timer = undefined;
      if (watchId) deps.watcher.unwatch(watchId);
      watchId = undefined;
    },
  };
}
