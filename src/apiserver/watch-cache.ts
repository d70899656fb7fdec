/**
 * WatchCache keeps one resource in memory from one store watch (the kube-apiserver "cacher"),
 * and serves lists and watches from it.
 *
 *   store ──watch──▶ events ──▶ objects (key → object)     lists, gets
 *                           ├─▶ history (ring, bounded)     watch from a resourceVersion
 *                           └─▶ watchers (indexed by node)  live fan-out
 *
 * Objects held here are shared with every reader and watcher: never mutate them.
 * If the store watch is canceled (shard restarted, compaction), the cache re-lists, emits the
 * difference as events to its watchers, and watches again from the listed revision.
 */
import type { Clock, Logger } from '../actors/types.js';
import { gone, type StatusError } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import type { WatchEvent } from './protocol.js';
import type { ResourceStorage } from './storage.js';
import type { StoreWatchEvent } from '../store/types.js';

/** CacheEvent is one change as the cache records it. */
export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  /** object is the new state; for DELETED the last state with the deletion's resourceVersion. */
  object: KObject;
  prevObject?: KObject;
  rv: number;
}

/** WatchFilter selects the objects a watcher or list wants. */
export interface WatchFilter {
  matches(obj: KObject): boolean;
  /** indexNodeNames: the watcher only wants pods on these nodes (indexed, see nodeNameOf). */
  indexNodeNames?: string[];
}

/** CacheWatchSink receives a watcher's events in order; after error() nothing more comes. */
export interface CacheWatchSink {
  events(events: WatchEvent[]): void;
  error(err: StatusError): void;
}

/** CacheWatch is a registered watcher; stop() is idempotent. */
export interface CacheWatch {
  stop(): void;
}

interface Watcher {
  filter: WatchFilter;
  sink: CacheWatchSink;
  /** fromRv: events at or below this revision were already seen by the client. */
  fromRv: number;
  stopped: boolean;
}

/** WatchCacheOptions tune one cache. */
export interface WatchCacheOptions {
  clock: Clock;
  log?: Logger;
  /** historySize bounds the event history (default 10,000 events). */
  historySize?: number;
  /** relistBackoffMs is the delay between failed re-lists (default 500 ms). */
  relistBackoffMs?: number;
}

const jsonCache = new WeakMap<object, string>();

/** jsonOf is JSON.stringify(obj), computed once per shared cached object (encode once). */
export function jsonOf(obj: object): string {
  let s = jsonCache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    jsonCache.set(obj, s);
  }
  return s;
}

/** nodeNameOf is the spec.nodeName of a pod-like object, or undefined. */
export function nodeNameOf(obj: KObject | undefined): string | undefined {
  const spec = obj?.spec as { nodeName?: unknown } | undefined;
  return typeof spec?.nodeName === 'string' && spec.nodeName ? spec.nodeName : undefined;
}

/** WatchCache: see the file comment. */
export class WatchCache {
  private readonly objects = new Map<string, KObject>();
  private history: CacheEvent[] = [];
  /** historyFloor: every event with rv > historyFloor is in history. */
  private historyFloor = 0;
  private rev = 0;
  private readonly unindexed = new Set<Watcher>();
  private readonly byNode = new Map<string, Set<Watcher>>();
  private readonly waiters: { rev: number; resolve: () => void; timer?: unknown }[] = [];
  /** objectsByNode indexes cached objects by spec.nodeName (pods), for node-filtered lists. */
  private readonly objectsByNode = new Map<string, Set<string>>();
  private filled = false;
  private storeWatch: { cancel(): void } | undefined;
  private closed = false;
  private generation = 0;
  private readonly historySize: number;

  constructor(
    readonly storage: ResourceStorage,
    private readonly opts: WatchCacheOptions,
  ) {
    this.historySize = opts.historySize ?? 10_000;
  }

  /** revision is the store revision the cache has caught up with (a list's resourceVersion). */
  get revision(): number {
    return this.rev;
  }

  /** size is the number of cached objects. */
  get size(): number {
    return this.objects.size;
  }

  /** start lists from the store and opens the store watch; resolves once the cache is filled. */
  async start(): Promise<void> {
    await this.relist();
  }

  /** close stops the store watch and ends every watcher (they see nothing more). */
  close(): void {
    this.closed = true;
    this.storeWatch?.cancel();
    this.storeWatch = undefined;
    for (const w of this.allWatchers()) w.stopped = true;
    this.unindexed.clear();
    this.byNode.clear();
  }

  /** get returns the cached object at key ("ns/name" or "name"). */
  get(key: string): KObject | undefined {
    return this.objects.get(key);
  }

  /**
   * list returns matching objects sorted by key (stable for paging). A filter with
   * indexNodeNames only looks at the objects bound to those nodes.
   */
  list(filter?: WatchFilter, afterKey?: string): { key: string; object: KObject }[] {
    const out: { key: string; object: KObject }[] = [];
    const consider = (key: string, object: KObject): void => {
      if (afterKey !== undefined && key <= afterKey) return;
      if (!filter || filter.matches(object)) out.push({ key, object });
    };
    if (filter?.indexNodeNames && filter.indexNodeNames.length > 0) {
      for (const n of filter.indexNodeNames) {
        for (const key of this.objectsByNode.get(n) ?? []) consider(key, this.objects.get(key)!);
      }
    } else {
      for (const [key, object] of this.objects) consider(key, object);
    }
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** watching is true while the store watch is open (false while re-listing after a shard failure). */
  get watching(): boolean {
    return this.storeWatch !== undefined && !this.closed;
  }

  /** floor is the oldest revision the cache can still serve a snapshot or a watch from. */
  get floor(): number {
    return this.historyFloor;
  }

  /**
   * listAt is list() as of revision rv (a consistent snapshot for Exact reads and continue
   * tokens): the current objects with every later change in history undone. rv must be within
   * [floor, revision]; the caller checks (410 below the floor).
   */
  listAt(rv: number, filter?: WatchFilter, afterKey?: string): { key: string; object: KObject }[] {
    if (rv >= this.rev) return this.list(filter, afterKey);
    const changed = new Map<string, KObject | undefined>();
    for (let i = this.history.length - 1; i >= 0 && this.history[i].rv > rv; i--) {
      const ev = this.history[i];
      changed.set(ev.key, ev.type === 'ADDED' ? undefined : ev.prevObject);
    }
    const out: { key: string; object: KObject }[] = [];
    const consider = (key: string, object: KObject | undefined): void => {
      if (!object || (afterKey !== undefined && key <= afterKey)) return;
      if (!filter || filter.matches(object)) out.push({ key, object });
    };
    for (const [key, object] of this.objects) if (!changed.has(key)) consider(key, object);
    for (const [key, object] of changed) consider(key, object);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /**
   * waitFor resolves once the cache has seen revision rev, or after maxWaitMs of clock time
   * (a write is acknowledged after the store published it, so this is normally immediate).
   */
  waitFor(rev: number, maxWaitMs = 3000): Promise<void> {
    if (this.rev >= rev || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry: { rev: number; resolve: () => void; timer?: unknown } = { rev, resolve };
      this.waiters.push(entry);
      entry.timer = this.opts.clock.setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      }, maxWaitMs);
    });
  }

  /**
   * watch registers a watcher. fromRv undefined or 0: synthetic ADDED events for the current
   * matching objects first. fromRv N: every change after N; 410 Gone if N is older than the
   * history. Returns the revision the stream starts after.
   */
  watch(fromRv: number | undefined, filter: WatchFilter, sink: CacheWatchSink): CacheWatch & { startRv: number } {
    const w: Watcher = { filter, sink, fromRv: this.rev, stopped: false };
    if (fromRv === undefined || fromRv === 0) {
      const initial = this.list(filter).map(({ object }): WatchEvent => ({ type: 'ADDED', object }));
      if (initial.length > 0) sink.events(initial);
    } else {
      if (fromRv < this.historyFloor) {
        throw gone(`too old resource version: ${fromRv} (${this.historyFloor})`);
      }
      w.fromRv = fromRv;
      const replay: WatchEvent[] = [];
      for (const ev of this.history) {
        if (ev.rv <= fromRv) continue;
        const out = this.convert(ev, filter);
        if (out) replay.push(out);
      }
      if (replay.length > 0) sink.events(replay);
      w.fromRv = Math.max(fromRv, this.rev);
    }
    this.addWatcher(w);
    return {
      startRv: w.fromRv,
      stop: () => {
        if (w.stopped) return;
        w.stopped = true;
        this.removeWatcher(w);
      },
    };
  }

  /** watcherCount is the number of live watchers (for metrics and tests). */
  get watcherCount(): number {
    let n = this.unindexed.size;
    for (const s of this.byNode.values()) n += s.size;
    return n;
  }

  private *allWatchers(): Iterable<Watcher> {
    yield* this.unindexed;
    for (const s of this.byNode.values()) yield* s;
  }

  private addWatcher(w: Watcher): void {
    const nodes = w.filter.indexNodeNames;
    if (!nodes || nodes.length === 0) {
      this.unindexed.add(w);
      return;
    }
    for (const n of nodes) {
      let set = this.byNode.get(n);
      if (!set) this.byNode.set(n, (set = new Set()));
      set.add(w);
    }
  }

  private removeWatcher(w: Watcher): void {
    this.unindexed.delete(w);
    for (const n of w.filter.indexNodeNames ?? []) {
      const set = this.byNode.get(n);
      set?.delete(w);
      if (set && set.size === 0) this.byNode.delete(n);
    }
  }

  /** convert turns a change into what a filtered watcher sees (real cacher semantics). */
  private convert(ev: CacheEvent, filter: WatchFilter): WatchEvent | undefined {
    const cur = ev.type !== 'DELETED' && filter.matches(ev.object);
    const prev = ev.prevObject !== undefined && filter.matches(ev.prevObject);
    switch (ev.type) {
      case 'ADDED':
        return cur ? { type: 'ADDED', object: ev.object } : undefined;
      case 'MODIFIED':
        if (cur) return { type: prev ? 'MODIFIED' : 'ADDED', object: ev.object };
        return prev ? { type: 'DELETED', object: ev.object } : undefined;
      case 'DELETED':
        return prev ? { type: 'DELETED', object: ev.object } : undefined;
    }
  }

  /** apply records a batch of changes and fans it out; events must be in revision order. */
  private apply(events: CacheEvent[], revision: number): void {
    const perWatcher = new Map<Watcher, WatchEvent[]>();
    for (const ev of events) {
      this.store(ev);
      this.history.push(ev);
      for (const w of this.candidates(ev)) {
        if (w.stopped || ev.rv <= w.fromRv) continue;
        const out = this.convert(ev, w.filter);
        if (!out) continue;
        let list = perWatcher.get(w);
        if (!list) perWatcher.set(w, (list = []));
        list.push(out);
      }
    }
    // Trimmed in chunks (10 % slack) so a full history costs O(1) per event, not a copy each batch.
    if (this.history.length > this.historySize + Math.ceil(this.historySize / 10)) {
      const drop = this.history.length - this.historySize;
      this.historyFloor = this.history[drop - 1].rv;
      this.history = this.history.slice(drop);
    }
    this.advance(Math.max(revision, events.length ? events[events.length - 1].rv : 0));
    for (const [w, list] of perWatcher) {
      if (w.stopped) continue;
      w.fromRv = Math.max(w.fromRv, list.length ? Number(list[list.length - 1].object.metadata.resourceVersion) || 0 : 0);
      w.sink.events(list);
    }
  }

  /** store records one change in objects and the node index. */
  private store(ev: CacheEvent): void {
    const before = nodeNameOf(this.objects.get(ev.key));
    if (ev.type === 'DELETED') this.objects.delete(ev.key);
    else this.objects.set(ev.key, ev.object);
    const after = ev.type === 'DELETED' ? undefined : nodeNameOf(ev.object);
    if (before === after) return;
    if (before !== undefined) {
      const set = this.objectsByNode.get(before);
      set?.delete(ev.key);
      if (set && set.size === 0) this.objectsByNode.delete(before);
    }
    if (after !== undefined) {
      let set = this.objectsByNode.get(after);
      if (!set) this.objectsByNode.set(after, (set = new Set()));
      set.add(ev.key);
    }
  }

  private candidates(ev: CacheEvent): Iterable<Watcher> {
    if (this.byNode.size === 0) return this.unindexed;
    const set = new Set<Watcher>(this.unindexed);
    for (const n of [nodeNameOf(ev.object), nodeNameOf(ev.prevObject)]) {
      if (n === undefined) continue;
      for (const w of this.byNode.get(n) ?? []) set.add(w);
    }
    return set;
  }

  private advance(rev: number): void {
    if (rev <= this.rev) return;
    this.rev = rev;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].rev <= rev) {
        const w = this.waiters[i];
        if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer as never);
        w.resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  private keyOfStoreKey(storeKey: string): string {
    return storeKey.slice(this.storage.prefix.length);
  }

  private onStoreEvents(gen: number, events: StoreWatchEvent[], revision: number): void {
    if (gen !== this.generation || this.closed) return;
    const out: CacheEvent[] = [];
    for (const se of events) {
      const rv = se.kv.modRevision;
      if (rv <= this.rev) continue; // already seen (re-watch overlap)
      const key = this.keyOfStoreKey(se.kv.key);
      const prevObject = this.objects.get(key);
      if (se.type === 'delete') {
        if (!prevObject) continue;
        const object: KObject = { ...prevObject, metadata: { ...prevObject.metadata, resourceVersion: String(rv) } };
        out.push({ type: 'DELETED', key, object, prevObject, rv });
      } else {
        const object = this.storage.decode(se.kv.value, rv);
        out.push({ type: prevObject ? 'MODIFIED' : 'ADDED', key, object, prevObject, rv });
      }
    }
    this.apply(out, revision);
  }

  /** relist replaces the cache from a fresh store list and re-opens the store watch. */
  private async relist(): Promise<void> {
    const gen = ++this.generation;
    this.storeWatch?.cancel();
    this.storeWatch = undefined;
    const { items, revision } = await this.storage.list();
    if (gen !== this.generation || this.closed) return;
    const first = !this.filled;
    this.filled = true;
    const seen = new Set<string>();
    const diff: CacheEvent[] = [];
    for (const object of items) {
      const key = this.keyOfStoreKey(this.storage.keyFor(object.metadata.namespace, String(object.metadata.name)));
      seen.add(key);
      const prevObject = this.objects.get(key);
      if (prevObject && prevObject.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      diff.push({ type: prevObject ? 'MODIFIED' : 'ADDED', key, object, prevObject, rv: Number(object.metadata.resourceVersion) });
    }
    for (const [key, prevObject] of this.objects) {
      if (seen.has(key)) continue;
      const object: KObject = { ...prevObject, metadata: { ...prevObject.metadata, resourceVersion: String(revision) } };
      diff.push({ type: 'DELETED', key, object, prevObject, rv: revision });
    }
    diff.sort((a, b) => a.rv - b.rv);
    if (first) {
      for (const ev of diff) this.store(ev);
      this.advance(revision);
    } else {
      // Watchers already past these revisions must still see the repair: deliver it as new.
      for (const w of this.allWatchers()) w.fromRv = Math.min(w.fromRv, 0);
      this.apply(diff, revision);
    }
    this.history = [];
    this.historyFloor = revision;
    if (revision > this.rev) this.advance(revision);
    this.rev = revision;
    this.storeWatch = await this.storage.watch(revision + 1, {
      events: (evs, rev) => this.onStoreEvents(gen, evs, rev),
      progress: (rev) => {
        if (gen === this.generation) this.advance(rev);
      },
      canceled: (reason) => {
        if (gen !== this.generation || this.closed) return;
        this.opts.log?.warn('store watch canceled; re-listing', { resource: this.storage.info.resource, reason: reason.message });
        this.scheduleRelist(gen);
      },
    });
  }

  private scheduleRelist(gen: number, delayMs = 0): void {
    this.opts.clock.setTimeout(() => {
      if (gen !== this.generation || this.closed) return;
      this.relist().catch((err: unknown) => {
        this.opts.log?.warn('re-list failed; retrying', { resource: this.storage.info.resource, error: String(err) });
        this.generation = gen; // keep retrying under the same generation
        this.scheduleRelist(gen, this.opts.relistBackoffMs ?? 500);
      });
    }, delayMs);
  }

  /** resync forces a re-list now (e.g. the store shard holding this resource went down). */
  resync(): void {
    this.scheduleRelist(this.generation);
  }
}
