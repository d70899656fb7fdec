/**
 * createStoreClient: a StoreClient over asks to shard actors, for one owning actor (the
 * apiserver). The owner wires two things into its own behaviour:
 *
 *   receive:  case 'storeWatchEvents': case 'storeWatchCanceled': client.deliver(msg)
 *   onDown:   if (target.startsWith('store/')) client.shardDown(target)
 *
 * Watch ids are `<incarnation>.<n>` with a random incarnation, so a restarted owner never
 * mistakes a stale watch's events for its own. Every ask has a timeout (opts.timeoutMs).
 *
 * Split groups (opts.groups): a resource spread over several shards with one revision counter.
 * Single-key operations go to the key's member (the router hashes the key); prefix ranges and
 * watches under the group's prefix span every member — groupRange reads them all at one
 * revision, groupWatch merges their streams in revision order (WatchMerger).
 */
import { deserializeError } from '../actors/errors.js';
import type { ActorContext, ActorId } from '../actors/types.js';
import { RESOURCES } from '../api/resources.js';
import { WatchCanceledError, messages } from './errors.js';
import { storeShardId } from './protocol.js';
import { LEASE_ID_STRIDE } from './lease.js';
import type { StoreCompacted, StoreLeaseGranted, StoreLeaseTtl, StoreProgress, StoreShardRequest, StoreShardStatus, StoreTxnReply, StoreWatchMsg, StoreWatchStarted } from './protocol.js';
import { RevisionSequence } from './sequence.js';
import type { KeyValue, LeaseGrant, LeaseTimeToLive, LeasingStoreClient, RangeOptions, RangeResult, StoreWatchEvent, StoreWatchOptions, StoreWatchSink, TxnRequest, TxnResult } from './types.js';

/** StoreClientOptions: ask deadlines. */
export interface StoreClientOptions {
  /** timeoutMs bounds every range/txn/compact ask (default 10 s). */
  timeoutMs?: number;
  /** watchTimeoutMs bounds the ask that registers a watch (default timeoutMs). */
  watchTimeoutMs?: number;
  /** groups are the split groups (`spec.store.split`): prefix ranges and watches under them span every member. */
  groups?: SplitGroupConfig[];
}

/**
 * SplitGroupConfig: one resource prefix whose keys are spread over several shards (the router
 * hashes each key to a member), which share one revision counter (sequence.ts).
 */
export interface SplitGroupConfig {
  prefix: string;
  /** shards: the members, in member order. */
  shards: ActorId[];
  sequence: SharedArrayBuffer;
}

interface Group {
  prefix: string;
  shards: ActorId[];
  seq: RevisionSequence;
}

/** ActorStoreClient is a StoreClient plus the hooks its owning actor must call. */
export interface ActorStoreClient extends LeasingStoreClient {
  /** deliver hands a StoreWatchMsg the owner received to the watch's sink; unknown watch ids are ignored. */
  deliver(msg: StoreWatchMsg): void;
  /** shardDown cancels every watch on that shard with WatchCanceledError('shard-down'); the owner re-lists. */
  shardDown(shard: ActorId): void;
  /** progress asks the shard holding keyPrefix to send progress to this client's watches there; resolves to its head. */
  progress(keyPrefix: string): Promise<number>;
  /** status returns a shard's status (tests, stats). */
  status(shard: ActorId): Promise<StoreShardStatus>;
  /** watchCount is the number of open watches (tests, leak checks). */
  readonly watchCount: number;
}

interface OpenWatch {
  shard: ActorId;
  sink: StoreWatchSink;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** createStoreClient builds the client for the actor owning ctx; route maps a key to its shard. */
export function createStoreClient(ctx: ActorContext, route: (key: string) => ActorId, opts: StoreClientOptions = {}): ActorStoreClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const watchTimeoutMs = opts.watchTimeoutMs ?? timeoutMs;
  // Time + randomness: a restarted owner with a replayed seed still gets a new incarnation.
  const incarnation = Math.floor(ctx.clock.now()).toString(36) + ctx.rng.int(0x7fffffff).toString(36);
  const watches = new Map<string, OpenWatch>();
  const monitored = new Set<ActorId>();
  let seq = 0;
  const pushes = new PushCounter(ctx, timeoutMs);
  const groups: Group[] = (opts.groups ?? []).map((g) => ({ prefix: g.prefix, shards: g.shards, seq: new RevisionSequence(g.sequence, g.shards.length) }));
  /** groupOf: the split group a prefix range or watch falls in (a key under its prefix). */
  const groupOf = (key: string, prefix: boolean | undefined): Group | undefined => (prefix ? groups.find((g) => key.startsWith(g.prefix)) : undefined);

  const ask = <R>(shard: ActorId, msg: StoreShardRequest, t = timeoutMs): Promise<R> => ctx.ask<R>(shard, msg, { timeoutMs: t });
  const monitor = (shard: ActorId): void => {
    if (monitored.has(shard)) return;
    monitored.add(shard);
    ctx.monitor(shard);
  };

  /** watchOn registers one watch on one shard (see watch()). */
  const watchOn = async (shard: ActorId, wopts: StoreWatchOptions, sink: StoreWatchSink): Promise<{ watchId: string; cancel(): void }> => {
    const watchId = `${incarnation}.${++seq}`;
    monitor(shard);
    // Registered before the ask: the shard may push catch-up events before its reply arrives.
    watches.set(watchId, { shard, sink });
    try {
      await ask<StoreWatchStarted>(shard, { type: 'storeWatch', watchId, subscriber: ctx.self, opts: wopts, session: incarnation }, watchTimeoutMs);
    } catch (err) {
      watches.delete(watchId);
      // The shard may have registered it before our ask timed out: tell it to forget.
      ctx.tell(shard, { type: 'storeCancelWatch', watchId, subscriber: ctx.self } satisfies StoreShardRequest);
      throw err;
    }
    return {
      watchId,
      cancel() {
        if (!watches.delete(watchId)) return;
        ctx.tell(shard, { type: 'storeCancelWatch', watchId, subscriber: ctx.self } satisfies StoreShardRequest);
      },
    };
  };

  /**
   * groupRange reads a prefix across a split group at one revision: the group's counter now (or
   * the revision asked for). Each member serves that revision once its own writes up to it are
   * published, so together they are one consistent snapshot; the parts are merged by key.
   */
  const groupRange = async (g: Group, key: string, o: RangeOptions): Promise<RangeResult> => {
    const revision = o.revision && o.revision > 0 ? o.revision : g.seq.current();
    const parts = await Promise.all(g.shards.map((s) => ask<RangeResult>(s, { type: 'storeRange', key, opts: { ...o, revision } })));
    const count = parts.reduce((n, p) => n + p.count, 0);
    if (o.countOnly) return { kvs: [], revision, more: false, count };
    const kvs = mergeByKey(parts.map((p) => p.kvs));
    const limit = o.limit && o.limit > 0 ? o.limit : Number.POSITIVE_INFINITY;
    const more = kvs.length > limit || parts.some((p) => p.more);
    return { kvs: kvs.length > limit ? kvs.slice(0, limit) : kvs, revision, more, count };
  };

  /**
   * groupWatch watches a prefix on every member of a split group from one revision and merges the
   * streams into one in revision order (WatchMerger): an event is passed on only once every
   * member's stream has reached its revision, and a member that is behind is asked for a
   * progress notification at its safe point. One member's cancellation ends the whole watch.
   */
  const groupWatch = async (g: Group, wopts: StoreWatchOptions, sink: StoreWatchSink): Promise<{ cancel(): void }> => {
    const start = wopts.startRevision && wopts.startRevision > 0 ? wopts.startRevision : g.seq.current() + 1;
    const subs: ({ watchId: string; cancel(): void } | undefined)[] = g.shards.map(() => undefined);
    const cancelAll = (): void => {
      for (const s of subs) s?.cancel();
    };
    const merger = new WatchMerger(g.shards.length, start - 1, sink, (i) => {
      const sub = subs[i];
      if (!sub) return false;
      ctx.tell(g.shards[i], { type: 'storeProgress', subscriber: ctx.self, watchId: sub.watchId } satisfies StoreShardRequest);
      return true;
    }, cancelAll);
    const started = await Promise.allSettled(g.shards.map((s, i) => watchOn(s, { ...wopts, startRevision: start }, merger.sinkFor(i))));
    started.forEach((r, i) => {
      if (r.status === 'fulfilled') subs[i] = r.value;
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      merger.close();
      cancelAll();
      throw failed.reason;
    }
    merger.kick();
    return {
      cancel() {
        merger.close();
        cancelAll();
      },
    };
  };

  return {
    range(key: string, rangeOpts?: RangeOptions): Promise<RangeResult> {
      const g = groupOf(key, rangeOpts?.prefix);
      if (g) return groupRange(g, key, rangeOpts ?? {});
      return ask<RangeResult>(route(key), { type: 'storeRange', key, opts: rangeOpts });
    },

    async txn(req: TxnRequest): Promise<TxnResult> {
      const shard = route(txnKey(req));
      const reply = await ask<StoreTxnReply>(shard, { type: 'storeTxn', req, subscriber: ctx.self, session: incarnation });
      // The shard told our watches about this write before replying; make sure our sinks ran
      // before the caller continues, even if the runtime settled the reply ahead of those tells.
      await pushes.caughtUp(shard, reply.epoch, reply.pushed);
      return reply.result;
    },

    async watch(wopts: StoreWatchOptions, sink: StoreWatchSink): Promise<{ cancel(): void }> {
      const g = groupOf(wopts.key, wopts.prefix);
      if (g) return groupWatch(g, wopts, sink);
      const w = await watchOn(route(wopts.key), wopts, sink);
      return { cancel: w.cancel };
    },

    async leaseGrant(keyPrefix: string, ttlSeconds: number): Promise<LeaseGrant> {
      return ask<StoreLeaseGranted>(route(keyPrefix), { type: 'storeLeaseGrant', ttl: ttlSeconds });
    },

    async leaseRevoke(id: number): Promise<void> {
      await ask<{ revision: number }>(leaseShard(id), { type: 'storeLeaseRevoke', id });
    },

    leaseKeepAlive(id: number): Promise<LeaseGrant> {
      return ask<StoreLeaseGranted>(leaseShard(id), { type: 'storeLeaseKeepAlive', id });
    },

    leaseTimeToLive(id: number, o?: { keys?: boolean }): Promise<LeaseTimeToLive> {
      return ask<StoreLeaseTtl>(leaseShard(id), { type: 'storeLeaseTimeToLive', id, keys: o?.keys });
    },

    async compact(keyPrefix: string, revision: number): Promise<void> {
      const shards = groupOf(keyPrefix, true)?.shards ?? [route(keyPrefix)];
      await Promise.all(shards.map((s) => ask<StoreCompacted>(s, { type: 'storeCompact', revision })));
    },

    async progress(keyPrefix: string): Promise<number> {
      const shards = groupOf(keyPrefix, true)?.shards ?? [route(keyPrefix)];
      const rs = await Promise.all(shards.map((s) => ask<StoreProgress>(s, { type: 'storeProgress', subscriber: ctx.self })));
      return Math.min(...rs.map((r) => r.revision));
    },

    status(shard: ActorId): Promise<StoreShardStatus> {
      return ask<StoreShardStatus>(shard, { type: 'storeStatus' });
    },

    deliver(msg: StoreWatchMsg): void {
      // Another client's (or an earlier incarnation's) message: not ours to count or deliver.
      if (!msg.watchId.startsWith(incarnation + '.')) return;
      try {
        if (msg.type === 'storeWatchCanceled') {
          const w = watches.get(msg.watchId);
          if (!w) return; // canceled by us, or a stale incarnation's: the shard forgets it on cancel/onDown
          watches.delete(msg.watchId);
          w.sink.canceled(deserializeError(msg.error));
          return;
        }
        // One batch may be for several of our watches (StoreWatchEventsMsg.alsoWatchIds).
        const ids = msg.alsoWatchIds ? [msg.watchId, ...msg.alsoWatchIds] : [msg.watchId];
        for (const id of ids) {
          const w = watches.get(id);
          if (!w) continue; // canceled by us meanwhile
          if (msg.events.length === 0) {
            w.sink.progress?.(msg.revision);
            continue;
          }
          w.sink.events(msg.events, msg.revision);
          // Acknowledge after the sink ran: the shard's window counts events not yet processed.
          ctx.tell(w.shard, { type: 'storeWatchAck', watchId: id, subscriber: ctx.self, events: msg.events.length } satisfies StoreShardRequest);
        }
      } finally {
        pushes.delivered(msg.shard, msg.epoch);
      }
    },

    shardDown(shard: ActorId): void {
      monitored.delete(shard);
      pushes.release(shard);
      for (const [id, w] of [...watches]) {
        if (w.shard !== shard) continue;
        watches.delete(id);
        // If the shard did not really go away (a spurious down), it must stop pushing to a
        // watch whose sink was just canceled; a restarted shard ignores the unknown id.
        ctx.tell(shard, { type: 'storeCancelWatch', watchId: id, subscriber: ctx.self } satisfies StoreShardRequest);
        w.sink.canceled(new WatchCanceledError(id, 'shard-down', messages.shardDown(shard)));
      }
    },

    get watchCount(): number {
      return watches.size;
    },
  };
}

/**
 * WatchMerger turns the watch streams of a split group's members into one stream in revision
 * order. Each member delivers its own events in order, with the revision it has caught up to
 * (a batch's revision, or a progress notification at its safe point). With `seen[i]` that
 * revision for member i, every event at or below min(seen) has arrived from every member
 * (messages from one shard arrive in order), so those are passed on, merged by revision. Events
 * above it wait; each member that is behind the oldest waiting event is asked for progress (one
 * request at a time per member). A revision belongs to exactly one member, so events of one
 * revision never need merging across members.
 */
export class WatchMerger {
  private readonly seen: number[];
  private readonly held: StoreWatchEvent[][];
  private readonly asked: boolean[];
  private reported: number;
  private closed = false;

  constructor(
    members: number,
    startAfter: number,
    private readonly sink: StoreWatchSink,
    /** request asks member i for progress; false when that is not possible yet (not registered). */
    private readonly request: (member: number) => boolean,
    private readonly cancelMembers: () => void,
  ) {
    this.seen = Array.from({ length: members }, () => startAfter);
    this.held = Array.from({ length: members }, () => []);
    this.asked = Array.from({ length: members }, () => false);
    this.reported = startAfter;
  }

  /** sinkFor is member i's watch sink. */
  sinkFor(i: number): StoreWatchSink {
    return {
      events: (events, revision) => {
        if (this.closed) return;
        for (const e of events) this.held[i].push(e);
        this.advance(i, revision, false);
      },
      progress: (revision) => {
        if (this.closed) return;
        this.asked[i] = false;
        this.advance(i, revision, true);
      },
      canceled: (err) => {
        if (this.closed) return;
        this.close();
        this.cancelMembers();
        this.sink.canceled(err);
      },
    };
  }

  /** kick re-runs the release (after every member's watch is registered). */
  kick(): void {
    if (!this.closed) this.release(false);
  }

  /** close stops every delivery (the watch was canceled). */
  close(): void {
    this.closed = true;
  }

  private advance(i: number, revision: number, progress: boolean): void {
    if (revision > this.seen[i]) this.seen[i] = revision;
    this.release(progress);
  }

  private release(progress: boolean): void {
    const upTo = Math.min(...this.seen);
    const out: StoreWatchEvent[] = [];
    const ready: StoreWatchEvent[][] = [];
    for (const q of this.held) {
      let n = 0;
      while (n < q.length && q[n].kv.modRevision <= upTo) n++;
      if (n > 0) ready.push(q.splice(0, n));
    }
    if (ready.length === 1) out.push(...ready[0]);
    else if (ready.length > 1) out.push(...ready.flat().sort((a, b) => a.kv.modRevision - b.kv.modRevision)); // stable: one revision's events stay in order
    if (out.length > 0) {
      this.reported = upTo;
      this.sink.events(out, upTo);
    } else if (progress && upTo >= this.reported) {
      this.reported = upTo;
      this.sink.progress?.(upTo);
    }
    if (this.closed) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const q of this.held) if (q.length > 0 && q[0].kv.modRevision < oldest) oldest = q[0].kv.modRevision;
    if (oldest === Number.POSITIVE_INFINITY) return;
    for (let m = 0; m < this.seen.length; m++) {
      if (this.seen[m] < oldest && !this.asked[m]) this.asked[m] = this.request(m);
    }
  }
}

/** mergeByKey merges key-sorted lists into one key-sorted list. */
function mergeByKey(lists: KeyValue[][]): KeyValue[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  const out: KeyValue[] = [];
  const idx = nonEmpty.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < nonEmpty.length; i++) {
      if (idx[i] < nonEmpty[i].length && (best < 0 || nonEmpty[i][idx[i]].key < nonEmpty[best][idx[best]].key)) best = i;
    }
    if (best < 0) return out;
    out.push(nonEmpty[best][idx[best]++]);
  }
}

/**
 * PushCounter counts the watch messages delivered from each shard incarnation, and parks txn
 * callers until the count reaches what the shard had pushed when it replied (StoreTxnReply).
 */
class PushCounter {
  private readonly shards = new Map<ActorId, { epoch: string; delivered: number; waiters: { epoch: string; pushed: number; done: () => void }[] }>();

  constructor(
    private readonly ctx: ActorContext,
    private readonly timeoutMs: number,
  ) {}

  delivered(shard: ActorId, epoch: string): void {
    const s = this.state(shard);
    if (s.epoch !== epoch) {
      s.epoch = epoch;
      s.delivered = 0;
    }
    s.delivered++;
    if (s.waiters.length === 0) return;
    const ready = s.waiters.filter((w) => w.epoch === s.epoch && w.pushed <= s.delivered);
    s.waiters = s.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.done();
  }

  caughtUp(shard: ActorId, epoch: string, pushed: number): Promise<void> {
    const s = this.state(shard);
    if (pushed === 0 || (s.epoch === epoch && s.delivered >= pushed)) return Promise.resolve();
    return new Promise((resolve) => {
      // The write is durable either way; the timer only bounds the wait if a push was lost.
      const timer = this.ctx.clock.setTimeout(() => {
        this.ctx.log.warn('store client: watch messages missing after txn reply', { shard, epoch, pushed, delivered: s.delivered });
        s.waiters = s.waiters.filter((w) => w !== waiter);
        resolve();
      }, this.timeoutMs);
      const waiter = {
        epoch,
        pushed,
        done: () => {
          this.ctx.clock.clearTimeout(timer);
          resolve();
        },
      };
      s.waiters.push(waiter);
    });
  }

  /**
   * release frees every waiter of a shard that went down (its watches are canceled anyway). The
   * count itself is kept: if the shard did not actually restart, its push counter goes on from
   * where it was, and forgetting ours made the next txn wait for pushes that never come (the
   * shardDown hang). A restarted shard has a new epoch, which resets the count in delivered().
   */
  release(shard: ActorId): void {
    const s = this.shards.get(shard);
    if (!s) return;
    const waiters = s.waiters;
    s.waiters = [];
    for (const w of waiters) w.done();
  }

  private state(shard: ActorId) {
    let s = this.shards.get(shard);
    if (!s) this.shards.set(shard, (s = { epoch: '', delivered: 0, waiters: [] }));
    return s;
  }
}

/** leaseShard is the shard that granted a lease: its id is `n * LEASE_ID_STRIDE + shardId`. */
function leaseShard(id: number): ActorId {
  return storeShardId(id % LEASE_ID_STRIDE);
}

/**
 * txnKey picks the key that routes a txn: its first compare or op. All keys of one txn must live
 * on one shard (one resource), as in the apiserver's use: a txn never spans resources.
 */
function txnKey(req: TxnRequest): string {
  const first = req.compare[0]?.key ?? req.success[0]?.key ?? req.failure[0]?.key;
  if (first === undefined) throw new RangeError('store txn has no compare and no op: nothing to route');
  return first;
}

/** ShardRouterConfig: how many shards, and explicit placements by key prefix (longest prefix wins). */
export interface ShardRouterConfig {
  shards: number;
  byPrefix?: Record<string, number>;
  /** split: a resource prefix spread over several shards (a split group), each key hashed to one of them. */
  split?: Record<string, number[]>;
}

const API_GROUPS = new Set(RESOURCES.map((r) => r.group).filter((g) => g !== ''));

/**
 * shardRouter maps a key to `store/<n>`. Keys `/registry/<group>/<resource>/…` (core:
 * `/registry/<resource>/…`) hash by their resource prefix (FNV-1a), so one resource's keys, and
 * therefore its resourceVersions, always live on one shard. byPrefix overrides (longest match).
 */
export function shardRouter(config: ShardRouterConfig): (key: string) => ActorId {
  const n = Math.max(1, Math.floor(config.shards));
  const overrides = Object.entries(config.byPrefix ?? {})
    .map(([prefix, shard]) => {
      if (!Number.isInteger(shard) || shard < 0 || shard >= n) throw new RangeError(`shardRouter: prefix ${prefix} → shard ${shard} is not in [0, ${n})`);
      return { prefix, id: storeShardId(shard) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const ids = Array.from({ length: n }, (_, i) => storeShardId(i));
  const splits = Object.entries(config.split ?? {})
    .map(([prefix, members]) => {
      if (members.length === 0) throw new RangeError(`shardRouter: split ${prefix} has no shards`);
      for (const m of members) if (!Number.isInteger(m) || m < 0 || m >= n) throw new RangeError(`shardRouter: split ${prefix} → shard ${m} is not in [0, ${n})`);
      return { prefix, ids: members.map(storeShardId) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
  // Split-group members hold only their group's keys: other resources hash over the rest.
  const members = new Set(splits.flatMap((sp) => sp.ids));
  const hashed = ids.filter((id) => !members.has(id));
  if (hashed.length === 0) hashed.push(...ids);
  return (key: string) => {
    // A split resource: each key (each object) goes to one member, by the hash of the whole key.
    for (const sp of splits) if (key.startsWith(sp.prefix)) return sp.ids[fnv1a(key) % sp.ids.length];
    for (const o of overrides) if (key.startsWith(o.prefix)) return o.id;
    if (hashed.length === 1) return hashed[0];
    return hashed[fnv1a(resourcePrefix(key)) % hashed.length];
  };
}

/** resourcePrefix is the part of a registry key that names its resource, e.g. `/registry/apps/deployments/`. */
export function resourcePrefix(key: string): string {
  const parts = key.split('/');
  // ['', 'registry', a, b, ...]
  if (parts[1] !== 'registry' || parts.length < 3) return key;
  const segments = API_GROUPS.has(parts[2]) && parts.length >= 4 ? 3 : 2;
  return parts.slice(0, segments + 1).join('/') + '/';
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
