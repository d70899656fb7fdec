/**
 * Watchable fans a shard's committed revisions out to its watchers, in etcd's three groups:
 *
 *   synced   ── caught up: offered each published batch as it happens (one delivery per batch)
 *   unsynced ── started in the past (or fell back): catches up from the Mvcc event log in
 *               bounded steps (syncStep), never blocking the synced group or the writer
 *   victim   ── its sink refused a batch (receiver full): the batch is held and retried on the
 *               next syncStep; once accepted the watcher re-enters via unsynced, so nothing is
 *               buffered per victim beyond that one batch.
 *
 * A watcher whose next revision falls below the compacted revision is canceled with
 * CompactedError (its owner re-lists). Events reach a watcher strictly in revision order.
 * Pure: no actors, no timers; the shard decides when to call syncStep and progress.
 */
import { CompactedError } from './errors.js';
import type { Mvcc, RevisionEvents } from './mvcc.js';
import type { StoreWatchEvent, StoreWatchOptions } from './types.js';

/** WatcherSink is where one watcher's batches go. deliver returns false when the receiver is full. */
export interface WatcherSink {
  deliver(events: StoreWatchEvent[], revision: number): boolean;
  canceled(err: Error): void;
}

/** WatchableOptions tune catch-up work per step. */
export interface WatchableOptions {
  /** syncBatchEvents bounds the log events scanned per unsynced watcher per syncStep (default 1000). */
  syncBatchEvents?: number;
  /**
   * safePoint is the revision progress notifications carry: the highest revision up to which the
   * shard will never publish anything more (default: the published head). A split-group member's
   * is higher (see ShardCore.safePoint): the revisions between are the other members'.
   */
  safePoint?: () => number;
}

type Group = 'synced' | 'unsynced' | 'victim';

interface Watcher {
  id: string;
  key: string;
  prefix: boolean;
  prevKv: boolean;
  progressNotify: boolean;
  /** next is the lowest revision not yet delivered. */
  next: number;
  group: Group;
  sink: WatcherSink;
  /** held is a victim's refused batch. */
  held?: { events: StoreWatchEvent[]; revision: number };
  /** quietSinceProgress: nothing sent since the last progress tick. */
  quiet: boolean;
  /** wantsProgress: progress was asked while it was not synced; it is sent once it is. */
  wantsProgress?: boolean;
}

/** WatchableStats counts watchers per group. */
export interface WatchableStats {
  synced: number;
  unsynced: number;
  victims: number;
}

/** Watchable: see the module comment. */
export class Watchable {
  private readonly watchers = new Map<string, Watcher>();
  private readonly exact = new Map<string, Set<Watcher>>();
  private readonly prefixed = new Set<Watcher>();
  private readonly syncBatch: number;
  private publishedRev: number;
  private readonly safePoint: () => number;

  constructor(
    private readonly mvcc: Mvcc,
    opts: WatchableOptions = {},
  ) {
    this.syncBatch = opts.syncBatchEvents ?? 1000;
    this.publishedRev = mvcc.revision;
    this.safePoint = opts.safePoint ?? (() => this.publishedRev);
  }

  /** published is the last revision handed to publish() (the durable head). */
  get published(): number {
    return this.publishedRev;
  }

  /** stats counts watchers per group. */
  stats(): WatchableStats {
    const s = { synced: 0, unsynced: 0, victims: 0 };
    for (const w of this.watchers.values()) {
      if (w.group === 'synced') s.synced++;
      else if (w.group === 'unsynced') s.unsynced++;
      else s.victims++;
    }
    return s;
  }

  /** needsSync says whether syncStep has work (unsynced watchers or victims). */
  get needsSync(): boolean {
    for (const w of this.watchers.values()) if (w.group !== 'synced') return true;
    return false;
  }

  /**
   * watch registers a watcher under a caller-unique id. startRevision 0 (or above the published
   * head) means "from the next revision"; an older one starts unsynced and catches up on
   * syncStep. Returns the revision the watch starts after.
   */
  watch(id: string, opts: StoreWatchOptions, sink: WatcherSink): number {
    if (this.watchers.has(id)) throw new RangeError(`duplicate watch id ${id}`);
    const start = opts.startRevision ?? 0;
    const w: Watcher = {
      id,
      key: opts.key,
      prefix: !!opts.prefix,
      prevKv: !!opts.prevKv,
      progressNotify: !!opts.progressNotify,
      next: start > 0 ? start : this.publishedRev + 1,
      group: start > 0 && start <= this.publishedRev ? 'unsynced' : 'synced',
      sink,
      quiet: true,
    };
    this.watchers.set(id, w);
    if (w.prefix) this.prefixed.add(w);
    else {
      let set = this.exact.get(w.key);
      if (!set) this.exact.set(w.key, (set = new Set()));
      set.add(w);
    }
    return w.next - 1;
  }

  /** cancel removes a watcher without notifying it; false when unknown. Idempotent. */
  cancel(id: string): boolean {
    const w = this.watchers.get(id);
    if (!w) return false;
    this.remove(w);
    return true;
  }

  /** cancelMatching removes, without notifying, every watcher whose id passes pred; returns how many. */
  cancelMatching(pred: (id: string) => boolean): number {
    let n = 0;
    for (const w of [...this.watchers.values()]) {
      if (!pred(w.id)) continue;
      this.remove(w);
      n++;
    }
    return n;
  }

  /** cancelAll ends every watcher with err (shard stopping). */
  cancelAll(err: (id: string) => Error): void {
    for (const w of [...this.watchers.values()]) {
      this.remove(w);
      w.sink.canceled(err(w.id));
    }
  }

  /**
   * publish offers newly durable revisions (in order, above the previous published head) to the
   * synced watchers: one delivery per watcher per call, however many revisions it covers.
   */
  publish(batch: RevisionEvents[]): void {
    if (batch.length === 0) return;
    const out = new Map<Watcher, StoreWatchEvent[]>();
    for (const rev of batch) {
      for (const ev of rev.events) {
        // One stripped copy per event, shared by every watcher that did not ask for prevKv.
        let bare: StoreWatchEvent | undefined;
        const hit = (w: Watcher): void => {
          if (w.group !== 'synced' || w.next > rev.revision) return;
          let list = out.get(w);
          if (!list) out.set(w, (list = []));
          list.push(w.prevKv || !ev.prevKv ? ev : (bare ??= { type: ev.type, kv: ev.kv }));
        };
        const set = this.exact.get(ev.kv.key);
        if (set) for (const w of set) hit(w);
        for (const w of this.prefixed) if (ev.kv.key.startsWith(w.key)) hit(w);
      }
    }
    const head = batch[batch.length - 1].revision;
    this.publishedRev = head;
    for (const [w, events] of out) this.send(w, events, head);
    // Synced watchers with nothing in this batch are still caught up to head.
    for (const w of this.watchers.values()) if (w.group === 'synced' && w.next <= head) w.next = head + 1;
  }

  /**
   * syncStep retries victims and moves each unsynced watcher forward by at most one bounded
   * batch from the event log. Returns true while work remains (call again on a later tick).
   */
  syncStep(): boolean {
    for (const w of [...this.watchers.values()]) {
      if (w.group === 'victim') this.retryVictim(w);
      else if (w.group === 'unsynced') this.catchUp(w);
    }
    return this.needsSync;
  }

  /**
   * progress sends an empty batch at the safe point (the published head, for a shard of its own)
   * to the given watcher (or to all that are synced): "you have seen everything up to this
   * revision". Returns the revision, or undefined when the watcher is not synced yet (etcd
   * answers progress only for synced watchers); a watcher asked for by id then gets its progress
   * as soon as it is synced.
   */
  progress(id?: string): number | undefined {
    const targets = id === undefined ? [...this.watchers.values()] : [this.watchers.get(id)].filter((w): w is Watcher => !!w);
    let sent = false;
    const at = this.safePoint();
    for (const w of targets) {
      if (w.group !== 'synced') {
        if (id !== undefined) w.wantsProgress = true;
        continue;
      }
      this.send(w, [], at);
      sent = true;
    }
    return sent || id === undefined ? at : undefined;
  }

  /** progressMatching sends progress to every synced watcher whose id passes pred. */
  progressMatching(pred: (id: string) => boolean): void {
    const at = this.safePoint();
    for (const w of [...this.watchers.values()]) if (w.group === 'synced' && pred(w.id)) this.send(w, [], at);
  }

  /** progressTick notifies watchers that asked for progressNotify and got nothing since the last tick. */
  progressTick(): void {
    const at = this.safePoint();
    for (const w of this.watchers.values()) {
      if (w.progressNotify && w.quiet && w.group === 'synced') this.send(w, [], at);
      w.quiet = true;
    }
  }

  /** becameSynced sends a progress asked for while the watcher was catching up. */
  private becameSynced(w: Watcher): void {
    if (!w.wantsProgress) return;
    w.wantsProgress = false;
    this.send(w, [], this.safePoint());
  }

  private send(w: Watcher, events: StoreWatchEvent[], revision: number): void {
    w.quiet = false;
    if (w.sink.deliver(events, revision)) {
      if (w.group === 'synced') w.next = Math.max(w.next, revision + 1);
      return;
    }
    w.group = 'victim';
    w.held = { events, revision };
  }

  private retryVictim(w: Watcher): void {
    const held = w.held;
    if (!held || !w.sink.deliver(held.events, held.revision)) return;
    w.held = undefined;
    w.next = Math.max(w.next, held.revision + 1);
    // Revisions published while it was a victim are read back from the log.
    w.group = w.next > this.publishedRev ? 'synced' : 'unsynced';
    if (w.group === 'synced') this.becameSynced(w);
  }

  private catchUp(w: Watcher): void {
    if (w.next < this.mvcc.compactRevision) {
      this.remove(w);
      w.sink.canceled(new CompactedError(w.next, this.mvcc.compactRevision));
      return;
    }
    const { entries, through } = this.mvcc.logSince(w.next, this.publishedRev, this.syncBatch);
    const events: StoreWatchEvent[] = [];
    for (const rev of entries) {
      for (const ev of rev.events) if (this.matches(w, ev.kv.key)) events.push(w.prevKv || !ev.prevKv ? ev : { type: ev.type, kv: ev.kv });
    }
    const caughtUp = through >= this.publishedRev;
    if (events.length > 0 && !w.sink.deliver(events, through)) {
      w.group = 'victim';
      w.held = { events, revision: through };
      return;
    }
    w.next = Math.max(w.next, through + 1);
    if (caughtUp) {
      w.group = 'synced';
      this.becameSynced(w);
    }
  }

  private matches(w: Watcher, key: string): boolean {
    return w.prefix ? key.startsWith(w.key) : key === w.key;
  }

  private remove(w: Watcher): void {
    this.watchers.delete(w.id);
    if (w.prefix) this.prefixed.delete(w);
    else {
      const set = this.exact.get(w.key);
      set?.delete(w);
      if (set && set.size === 0) this.exact.delete(w.key);
    }
  }
}
