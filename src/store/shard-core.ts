/**
 * ShardCore is one store shard without the actor around it: Mvcc + Watchable + WAL, with group
 * commit. The `store-shard` behaviour (shard.ts) is a thin adapter; tests and single-thread tools
 * can use the core directly.
 *
 * Write path (one "tick" = whatever arrives before the scheduled flush runs):
 *
 *   txn ─► mvcc.txn (sync, applied at once so later txns' compares see it)
 *        └► pending {records, events, waiters} ──flush──► wal.append (1 write [+1 fdatasync])
 *                                                        ► watchable.publish (tells to watchers)
 *                                                        ► resolve waiters (replies to asks)
 *
 * Reads are served at the durable head (`published`), never at unflushed state, so nothing a
 * reader saw can be lost by a crash. Writes that arrive during a flush form the next group.
 */
import { serializeError } from '../actors/errors.js';
import type { ActorId, Logger } from '../actors/types.js';
import { FutureRevisionError, LeaseNotFoundError, WatchCanceledError, messages } from './errors.js';
import { Mvcc } from './mvcc.js';
import type { RevisionEvents, WalRecord } from './mvcc.js';
import type { StoreCompacted, StoreLeaseGranted, StoreLeaseTtl, StoreShardParams, StoreShardStatus, StoreTxnReply, StoreWatchMsg, StoreWatchStarted } from './protocol.js';
import { RevisionSequence } from './sequence.js';
import { ShardStorage } from './shard-storage.js';
import type { RecoveryStats } from './shard-storage.js';
import { Watchable } from './watchable.js';
import type { RangeOptions, RangeResult, StoreWatchEvent, StoreWatchOptions, TxnRequest } from './types.js';

/** ShardCoreDeps is what the core needs from its host (an actor, or a test). */
export interface ShardCoreDeps {
  log: Logger;
  /** shard is the shard's actor id and epoch its incarnation (random per start); both go on every push. */
  shard: ActorId;
  epoch: string;
  /** push sends a watch message to a subscriber (a tell). */
  push(subscriber: ActorId, msg: StoreWatchMsg): void;
  /** schedule runs task soon, after the messages already queued (a self-tell, or setImmediate). */
  schedule(task: 'flush' | 'sync'): void;
  /** fatal is called when the WAL failed: memory and disk disagree, so the shard must crash. */
  fatal(err: Error): void;
  /** now is the shard's clock in ms (lease expiry); without it leases never expire. */
  now?(): number;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

interface Group {
  records: WalRecord[];
  events: RevisionEvents[];
  waiters: Waiter[];
}

const emptyGroup = (): Group => ({ records: [], events: [], waiters: [] });

/** ShardCore: see the module comment. */
export class ShardCore {
  private pending: Group = emptyGroup();
  /** inFlush is the group being written (its revisions are not published yet). */
  private inFlush: Group | undefined;
  private flushScheduled = false;
  private flushing = false;
  /** flushRun is the flush in progress (or the last one), so close() can wait for it. */
  private flushRun: Promise<void> | undefined;
  private syncScheduled = false;
  private broken: Error | undefined;
  private readonly watchable: Watchable;
  /** inflight counts events sent and not yet acknowledged, per internal watch id. */
  private readonly inflight = new Map<string, number>();
  /** pushed counts messages told to each (subscriber, session) (see StoreTxnReply). */
  private readonly pushed = new Map<ActorId, number>();
  private readonly window: number;
  /** compactMark is the head at the previous compaction tick (see StoreShardParams.compactIntervalMs). */
  private compactMark = 0;
  /** deadlines: when each lease expires (ms on deps.now); not persisted, reset to full TTL on start. */
  private readonly deadlines = new Map<number, number>();
  private readonly now: () => number;
  /** publishing collects the pushes of one publish so identical ones can share a message (see alsoWatchIds). */
  private publishing: Pending[] | undefined;
  /** recovery describes the last start (status, tests, bench). */
  readonly recovery: RecoveryStats | undefined;

  private constructor(
    readonly params: StoreShardParams,
    private readonly mvcc: Mvcc,
    private readonly storage: ShardStorage | undefined,
    private readonly deps: ShardCoreDeps,
    recovery?: RecoveryStats,
    /** seq is the split group's shared counter (undefined for a shard of its own). */
    private readonly seq?: RevisionSequence,
  ) {
    this.watchable = new Watchable(mvcc, { syncBatchEvents: params.syncBatchEvents, safePoint: () => this.safePoint() });
    this.window = params.watchWindowEvents ?? DEFAULT_WINDOW;
    this.now = deps.now ?? (() => 0);
    this.recovery = recovery;
    for (const l of mvcc.leases.all()) this.deadlines.set(l.id, deps.now ? this.now() + l.ttl * 1000 : Number.POSITIVE_INFINITY);
  }

  /** open recovers the shard (snapshot + WAL generations, unless durability is 'memory') and returns a ready core. */
  static async open(params: StoreShardParams, deps: ShardCoreDeps): Promise<ShardCore> {
    const seq = params.group ? new RevisionSequence(params.group.sequence, params.group.members) : undefined;
    const mvccOpts = seq ? { nextRevision: () => seq.next() } : {};
    if (params.durability === 'memory') {
      const core = new ShardCore(params, new Mvcc(mvccOpts), undefined, deps, undefined, seq);
      seq?.join(params.group!.member, core.mvcc.revision);
      return core;
    }
    if (!params.dataDir) throw new Error(messages.noDataDir(params.shardId, params.durability));
    const { storage, mvcc, stats } = await ShardStorage.open({
      dataDir: params.dataDir,
      shardId: params.shardId,
      policy: params.durability,
      log: deps.log,
      tmpTag: deps.epoch,
      snapshotBytes: params.snapshotBytes,
      walPreallocBytes: params.walPreallocBytes,
      mvcc: mvccOpts,
      now: deps.now ?? (() => 0),
    });
    if (stats.tornBytes > 0) deps.log.warn('store wal: ignored torn tail', { shard: params.shardId, tornBytes: stats.tornBytes });
    deps.log.info('store shard recovered', { shard: params.shardId, ...stats });
    // Raise the group's counter past everything recovered before any member hands out a revision.
    seq?.join(params.group!.member, mvcc.revision);
    return new ShardCore(params, mvcc, storage, deps, stats, seq);
  }

  /**
   * safePoint is the highest revision R such that every revision ≤ R this shard will ever
   * publish is published already. Alone, that is the durable head. In a split group it can be
   * higher: the revisions between belong to the other members, so the shard can serve reads at
   * R and tell watchers "nothing more from me up to R" (the client merges the members' watch
   * streams with it).
   */
  safePoint(): number {
    const published = this.watchable.published;
    if (!this.seq) return published;
    const low = Math.min(this.inFlush?.events[0]?.revision ?? Infinity, this.pending.events[0]?.revision ?? Infinity);
    // With nothing of ours unpublished, every revision we hand out from now on is above the
    // counter as it is now (this thread allocates and enqueues in one synchronous step).
    const current = this.seq.current();
    return low === Infinity ? Math.max(published, current) : Math.max(published, low - 1);
  }

  /** settled resolves once no snapshot is being written in the background (tests). */
  async settled(): Promise<void> {
    await this.storage?.settled();
  }

  /** revision is the durable head: what reads see and watchers have been offered. */
  get revision(): number {
    return this.watchable.published;
  }

  /**
   * range reads at the durable head (or at opts.revision). A split-group member also serves a
   * revision above its own head, up to the group's counter: once its own writes up to there are
   * published (it waits for their flush), its state at that revision is its state now.
   */
  range(key: string, opts?: RangeOptions): RangeResult | Promise<RangeResult> {
    const want = opts?.revision ?? 0;
    if (!this.seq || want <= this.watchable.published) return this.mvcc.range(key, opts, this.watchable.published);
    return this.rangeAhead(key, opts!, want);
  }

  private async rangeAhead(key: string, opts: RangeOptions, want: number): Promise<RangeResult> {
    while (want > this.safePoint()) {
      const current = this.seq!.current();
      if (want > current) throw new FutureRevisionError(want, current);
      await this.enqueue([], undefined); // resolves once what is pending now is published
    }
    return this.mvcc.range(key, opts, want);
  }

  /**
   * txn applies req now and resolves after it is durable and published (see module comment),
   * with the number of messages pushed to `subscriber` by then.
   */
  async txn(req: TxnRequest, subscriber?: ActorId, session = ''): Promise<StoreTxnReply> {
    this.checkBroken();
    if (this.seq && !this.seq.isReady()) await this.seq.ready(); // split group: every member has joined
    const { result, committed } = this.mvcc.txn(req);
    // A txn that wrote nothing may still have judged its compares on unflushed writes: answer
    // it after those are durable and published, never before.
    if (committed || this.pending.waiters.length > 0 || this.flushing) await this.enqueue(committed ? [committed.record] : [], committed?.events);
    return { result, epoch: this.deps.epoch, pushed: subscriber === undefined ? 0 : (this.pushed.get(internalId(subscriber, session)) ?? 0) };
  }

  /** leaseGrant grants a lease of ttl seconds; resolves once the grant is durable. */
  async leaseGrant(ttl: number): Promise<StoreLeaseGranted> {
    this.checkBroken();
    if (!Number.isInteger(ttl) || ttl <= 0) throw new RangeError(`lease ttl must be a positive integer of seconds, got ${ttl}`);
    const id = this.mvcc.leases.nextId(this.params.shardId);
    const record = this.mvcc.leaseGrant(id, ttl);
    this.deadlines.set(id, this.deps.now ? this.now() + ttl * 1000 : Number.POSITIVE_INFINITY);
    await this.enqueue([record], undefined);
    return { id, ttl };
  }

  /** leaseRevoke revokes a lease, deleting its keys in one revision; throws LeaseNotFoundError. */
  async leaseRevoke(id: number): Promise<{ revision: number }> {
    this.checkBroken();
    if (this.seq && !this.seq.isReady()) await this.seq.ready(); // split group: every member has joined
    const { deletion, record, revision } = this.mvcc.leaseRevoke(id);
    this.deadlines.delete(id);
    await this.enqueue(deletion ? [deletion.record, record] : [record], deletion?.events);
    return { revision };
  }

  /** leaseKeepAlive restarts a lease's TTL (not logged: a restart gives every lease its full TTL anyway). */
  leaseKeepAlive(id: number): StoreLeaseGranted {
    const lease = this.mvcc.leases.get(id);
    if (!lease) throw new LeaseNotFoundError(id);
    if (this.deps.now) this.deadlines.set(id, this.now() + lease.ttl * 1000);
    return { id, ttl: lease.ttl };
  }

  /** leaseTimeToLive reports a lease's remaining and granted TTL (ttl -1 when absent, as etcd). */
  leaseTimeToLive(id: number, keys = false): StoreLeaseTtl {
    const lease = this.mvcc.leases.get(id);
    if (!lease) return { id, ttl: -1, grantedTtl: 0 };
    const left = Math.max(0, Math.ceil(((this.deadlines.get(id) ?? 0) - this.now()) / 1000));
    return keys ? { id, ttl: Math.min(left, lease.ttl), grantedTtl: lease.ttl, keys: [...lease.keys].sort() } : { id, ttl: Math.min(left, lease.ttl), grantedTtl: lease.ttl };
  }

  /** leaseTick revokes every expired lease (deleting its keys), oldest deadline first; returns how many. */
  async leaseTick(): Promise<number> {
    const t = this.now();
    const expired = [...this.deadlines].filter(([, d]) => d <= t).sort((a, b) => a[1] - b[1]);
    for (const [id] of expired) this.deadlines.delete(id);
    await Promise.all(expired.map(([id]) => (this.mvcc.leases.get(id) ? this.leaseRevoke(id) : undefined)));
    return expired.length;
  }

  /** compact discards history below revision; the compaction is logged so it survives restarts. */
  async compact(revision: number): Promise<StoreCompacted> {
    this.checkBroken();
    if (revision > this.watchable.published) {
      // Compacting into unflushed revisions would let a crash forget a compaction's base.
      await this.enqueue([], undefined);
    }
    if (this.seq) {
      // A group compaction names a group revision: this member compacts at its own last durable
      // write at or below it (reads below that revision fail here; above, they see the same state).
      revision = Math.min(revision, this.watchable.published);
      if (revision <= this.mvcc.compactRevision) return { compactRevision: this.mvcc.compactRevision };
    }
    this.mvcc.compact(revision);
    await this.enqueue([{ t: 'compact', rev: revision }], undefined);
    // Watchers still behind revision must now be canceled with CompactedError.
    this.scheduleSync();
    return { compactRevision: revision };
  }

  /** watch registers subscriber's watch; past revisions are caught up on later sync steps. */
  watch(subscriber: ActorId, watchId: string, opts: StoreWatchOptions, session = ''): StoreWatchStarted {
    const id = internalId(subscriber, watchId);
    const pushKey = internalId(subscriber, session);
    this.inflight.set(id, 0);
    const revision = this.watchable.watch(id, opts, {
      deliver: (events, rev) => {
        const sent = this.inflight.get(id) ?? 0;
        // Refuse only with something in flight: a batch larger than the window still goes out
        // when the receiver is idle, and a refused watch is sure to hear an ack later.
        if (this.window > 0 && events.length > 0 && sent > 0 && sent + events.length > this.window) return false;
        this.inflight.set(id, sent + events.length);
        if (this.publishing && events.length > 0) this.publishing.push({ subscriber, pushKey, watchId, events, revision: rev });
        else this.push(subscriber, pushKey, { type: 'storeWatchEvents', shard: this.deps.shard, epoch: this.deps.epoch, watchId, events, revision: rev, sentAt: this.now() });
        return true;
      },
      canceled: (err) => {
        this.inflight.delete(id);
        this.push(subscriber, pushKey, { type: 'storeWatchCanceled', shard: this.deps.shard, epoch: this.deps.epoch, watchId, error: serializeError(err) });
      },
    });
    if (this.watchable.needsSync) this.scheduleSync();
    return { watchId, revision };
  }

  /** cancelWatch removes one watch; idempotent. */
  cancelWatch(subscriber: ActorId, watchId: string): void {
    const id = internalId(subscriber, watchId);
    this.watchable.cancel(id);
    this.inflight.delete(id);
  }

  /** ackWatch records that the subscriber processed n events; a victim waiting for room is retried. */
  ackWatch(subscriber: ActorId, watchId: string, n: number): void {
    const id = internalId(subscriber, watchId);
    const sent = this.inflight.get(id);
    if (sent === undefined) return;
    this.inflight.set(id, Math.max(0, sent - n));
    if (this.watchable.stats().victims > 0) this.scheduleSync();
  }

  /** dropSubscriber removes every watch of an actor that went away (no message is sent). */
  dropSubscriber(subscriber: ActorId): number {
    const mine = (id: string): boolean => id.startsWith(subscriber + SEP);
    for (const id of [...this.inflight.keys()]) if (mine(id)) this.inflight.delete(id);
    for (const key of [...this.pushed.keys()]) if (mine(key)) this.pushed.delete(key);
    return this.watchable.cancelMatching(mine);
  }

  /**
   * compactTick compacts at the head seen by the previous tick, so at least one interval of
   * history stays for watchers resuming from a recent revision. Returns the revision compacted at.
   */
  async compactTick(): Promise<number | undefined> {
    const target = this.compactMark;
    this.compactMark = this.watchable.published;
    if (target <= this.mvcc.compactRevision) return undefined;
    await this.compact(target);
    this.deps.log.debug('store shard compacted', { shard: this.params.shardId, revision: target });
    return target;
  }

  /** progress sends a progress notification to one watch, or to all of the subscriber's synced watches. */
  progress(subscriber: ActorId, watchId?: string): number {
    if (watchId !== undefined) this.watchable.progress(internalId(subscriber, watchId));
    else this.watchable.progressMatching((id) => id.startsWith(subscriber + SEP));
    return this.safePoint();
  }

  /** progressTick notifies idle watchers that asked for progressNotify. */
  progressTick(): void {
    this.watchable.progressTick();
  }

  /** status describes the shard. */
  status(): StoreShardStatus {
    return {
      shardId: this.params.shardId,
      revision: this.watchable.published,
      compactRevision: this.mvcc.compactRevision,
      keys: this.mvcc.keyCount,
      watchers: this.watchable.stats(),
      durability: this.params.durability,
      leases: this.mvcc.leases.size,
    };
  }

  /** runScheduled runs a task requested through deps.schedule. */
  async runScheduled(task: 'flush' | 'sync'): Promise<void> {
    if (task === 'sync') {
      this.syncScheduled = false;
      // Unsynced watchers continue next tick; victims wait for an ack (ackWatch reschedules).
      if (this.watchable.syncStep() && this.watchable.stats().unsynced > 0) this.scheduleSync();
      return;
    }
    this.flushScheduled = false;
    await this.flush();
  }

  /** close flushes what is pending, cancels every watch (shard-stopped) and closes the log. */
  async close(shard: ActorId): Promise<void> {
    await this.flushRun;
    if (this.pending.waiters.length > 0) await this.flush();
    this.watchable.cancelAll((id) => new WatchCanceledError(externalId(id), 'shard-stopped', messages.shardStopped(shard)));
    await this.storage?.close();
  }

  /** pushCoalesced sends one publish's pushes, one message per subscriber session and identical events. */
  private pushCoalesced(pushes: Pending[]): void {
    const groups: { first: Pending; also: string[] }[] = [];
    const bySession = new Map<string, { first: Pending; also: string[] }[]>();
    for (const p of pushes) {
      let candidates = bySession.get(p.pushKey);
      if (!candidates) bySession.set(p.pushKey, (candidates = []));
      const same = candidates.find((g) => g.first.revision === p.revision && sameEvents(g.first.events, p.events));
      if (same) {
        same.also.push(p.watchId);
        continue;
      }
      const g = { first: p, also: [] as string[] };
      candidates.push(g);
      groups.push(g);
    }
    const sentAt = this.now();
    for (const { first: p, also } of groups) {
      const msg: StoreWatchMsg = { type: 'storeWatchEvents', shard: this.deps.shard, epoch: this.deps.epoch, watchId: p.watchId, events: p.events, revision: p.revision, sentAt };
      if (also.length > 0) msg.alsoWatchIds = also;
      this.push(p.subscriber, p.pushKey, msg);
    }
  }

  private push(subscriber: ActorId, pushKey: string, msg: StoreWatchMsg): void {
    this.pushed.set(pushKey, (this.pushed.get(pushKey) ?? 0) + 1);
    this.deps.push(subscriber, msg);
  }

  private enqueue(records: WalRecord[], events: RevisionEvents | undefined): Promise<void> {
    this.pending.records.push(...records);
    if (events) this.pending.events.push(events);
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    if (!this.flushScheduled && !this.flushing) {
      this.flushScheduled = true;
      this.deps.schedule('flush');
    }
    return done;
  }

  /** flush writes pending groups until none is left; writes arriving meanwhile form the next group. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushRun ?? Promise.resolve();
    this.flushRun = this.flushGroups();
    return this.flushRun;
  }

  private async flushGroups(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.waiters.length > 0) {
        if (this.storage?.snapshotDue) {
          // Captured before the pending group is written: the snapshot holds exactly the durable
          // head, and the group goes to the new log generation.
          const state = this.mvcc.exportState(this.watchable.published);
          try {
            await this.storage.startSnapshot(state);
          } catch (err) {
            this.fail(err as Error, this.pending);
            return;
          }
        }
        const group = this.pending;
        this.pending = emptyGroup();
        this.inFlush = group;
        try {
          await this.storage?.append(group.records);
        } catch (err) {
          this.fail(err as Error, group);
          return;
        }
        // Order matters: watchers hear the events before writers hear their replies.
        this.publishing = [];
        try {
          this.watchable.publish(group.events);
        } finally {
          const pushes = this.publishing;
          this.publishing = undefined;
          this.pushCoalesced(pushes);
        }
        this.inFlush = undefined;
        for (const w of group.waiters) w.resolve();
        if (this.watchable.needsSync) this.scheduleSync();
      }
    } finally {
      this.flushing = false;
    }
  }

  private fail(err: Error, group: Group): void {
    const e = new Error(messages.walFailed(this.params.shardId, err.message), { cause: err });
    this.broken = e;
    for (const w of [...group.waiters, ...this.pending.waiters]) w.reject(e);
    this.pending = emptyGroup();
    this.deps.fatal(e);
  }

  private checkBroken(): void {
    if (this.broken) throw this.broken;
  }

  private scheduleSync(): void {
    if (this.syncScheduled) return;
    this.syncScheduled = true;
    this.deps.schedule('sync');
  }
}

const DEFAULT_WINDOW = 10_000;

/** Pending is one watch's batch held back during a publish (see pushCoalesced). */
interface Pending {
  subscriber: ActorId;
  pushKey: string;
  watchId: string;
  events: StoreWatchEvent[];
  revision: number;
}

/** sameEvents: the same event objects in the same order (watchers of one publish share them). */
function sameEvents(a: StoreWatchEvent[], b: StoreWatchEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// A NUL cannot appear in an actor id, so (subscriber, watchId) pairs never collide.
const SEP = '\u0000';

function internalId(subscriber: ActorId, watchId: string): string {
  return subscriber + SEP + watchId;
}

function externalId(id: string): string {
  return id.slice(id.indexOf(SEP) + 1);
}
