/**
 * createStoreClient: a StoreClient over asks to shard actors, for one owning actor (the
 * apiserver). The owner wires two things into its own behaviour:
 *
 *   receive:  case 'storeWatchEvents': case 'storeWatchCanceled': client.deliver(msg)
 *   onDown:   if (target.startsWith('store/')) client.shardDown(target)
 *
 * Watch ids are `<incarnation>.<n>` with a random incarnation, so a restarted owner never
 * mistakes a stale watch's events for its own. Every ask has a timeout (opts.timeoutMs).
 */
import { deserializeError } from '../actors/errors.js';
import type { ActorContext, ActorId } from '../actors/types.js';
import { RESOURCES } from '../api/resources.js';
import { WatchCanceledError, messages } from './errors.js';
import { storeShardId } from './protocol.js';
import { LEASE_ID_STRIDE } from './lease.js';
import type { StoreCompacted, StoreLeaseGranted, StoreLeaseTtl, StoreProgress, StoreShardRequest, StoreShardStatus, StoreTxnReply, StoreWatchMsg, StoreWatchStarted } from './protocol.js';
import type { LeaseGrant, LeaseTimeToLive, LeasingStoreClient, RangeOptions, RangeResult, StoreWatchOptions, StoreWatchSink, TxnRequest, TxnResult } from './types.js';

/** StoreClientOptions: ask deadlines. */
export interface StoreClientOptions {
  /** timeoutMs bounds every range/txn/compact ask (default 10 s). */
  timeoutMs?: number;
  /** watchTimeoutMs bounds the ask that registers a watch (default timeoutMs). */
  watchTimeoutMs?: number;
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

  const ask = <R>(shard: ActorId, msg: StoreShardRequest, t = timeoutMs): Promise<R> => ctx.ask<R>(shard, msg, { timeoutMs: t });
  const monitor = (shard: ActorId): void => {
    if (monitored.has(shard)) return;
    monitored.add(shard);
    ctx.monitor(shard);
  };

  return {
    range(key: string, rangeOpts?: RangeOptions): Promise<RangeResult> {
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
      const shard = route(wopts.key);
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
        cancel() {
          if (!watches.delete(watchId)) return;
          ctx.tell(shard, { type: 'storeCancelWatch', watchId, subscriber: ctx.self } satisfies StoreShardRequest);
        },
      };
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
      await ask<StoreCompacted>(route(keyPrefix), { type: 'storeCompact', revision });
    },

    async progress(keyPrefix: string): Promise<number> {
      const r = await ask<StoreProgress>(route(keyPrefix), { type: 'storeProgress', subscriber: ctx.self });
      return r.revision;
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
  return (key: string) => {
    for (const o of overrides) if (key.startsWith(o.prefix)) return o.id;
    if (n === 1) return ids[0];
    return ids[fnv1a(resourcePrefix(key)) % n];
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
