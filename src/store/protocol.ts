/**
 * The store shard's actor protocol: what clients ask a shard (StoreShardRequest) and what a shard
 * pushes to a watching actor (StoreWatchMsg). The owning actor of a store client (the
 * apiserver) forwards every StoreWatchMsg it receives to client.deliver().
 *
 * Ordering contract: a shard tells a txn's watch events to its watchers BEFORE it replies to the
 * txn's ask. Both travel on the same link, so a watcher that is also the writer sees the change
 * in its watch stream before the write returns (read-your-writes from a watch cache).
 */
import type { SerializedError } from '../actors/errors.js';
import type { ActorId } from '../actors/types.js';
import type { WatchableStats } from './watchable.js';
import type { RangeOptions, RangeResult, StoreWatchEvent, StoreWatchOptions, TxnRequest, TxnResult } from './types.js';

/** STORE_SHARD_KIND is the actor kind of a shard in a topology. */
export const STORE_SHARD_KIND = 'store-shard';

/** storeShardId is the actor id of shard n: `store/<n>`. */
export function storeShardId(n: number): ActorId {
  return `store/${n}`;
}

/** Durability: 'fsync' (default; write + fdatasync per group), 'async' (write only), 'memory' (no file). */
export type Durability = 'fsync' | 'async' | 'memory';

/** StoreShardParams are a shard spec's params. */
export interface StoreShardParams {
  shardId: number;
  /** dataDir holds `store-<shardId>.wal`; required unless durability is 'memory'. */
  dataDir?: string;
  durability: Durability;
  /** progressIntervalMs: how often watchers with progressNotify hear the head when idle (default 60 s). */
  progressIntervalMs?: number;
  /** syncBatchEvents: log events a catching-up watcher reads per step (default 1000). */
  syncBatchEvents?: number;
  /**
   * watchWindowEvents bounds the events in flight (sent, not yet acknowledged by the client) per
   * watch (default 10,000; 0 = unbounded). A watch at its window becomes a victim and catches up
   * from history once acknowledgements arrive, so a slow subscriber never stalls the shard.
   */
  watchWindowEvents?: number;
  /**
   * compactIntervalMs: every interval the shard compacts at the revision it had one interval
   * earlier, keeping at least one interval of history, as kube-apiserver's compactor does
   * (default 5 min; 0 = never).
   */
  compactIntervalMs?: number;
  /** snapshotBytes: log bytes written after which the shard snapshots and starts a new log generation (default 64 MiB). */
  snapshotBytes?: number;
  /** walPreallocBytes: under fsync, how far ahead of the writes the log is zero-filled (default 4 MiB; 0 = never). */
  walPreallocBytes?: number;
  /** leaseTickMs: how often expired leases are revoked (default 500 ms). */
  leaseTickMs?: number;
  /**
   * group makes the shard a member of a split group (`spec.store.split`): its writes take
   * revisions from the group's shared counter (sequence.ts), so one resource spread over the
   * members keeps one resourceVersion sequence.
   */
  group?: StoreGroupParams;
}

/** StoreGroupParams: the shared counter of a split group and this shard's place in it. */
export interface StoreGroupParams {
  /** sequence is the group's SharedArrayBuffer (newSequenceBuffer), shared, never copied. */
  sequence: SharedArrayBuffer;
  members: number;
  /** member is this shard's index in the group (0-based). */
  member: number;
}

/**
 * StoreShardRequest is the closed union a shard receives. All are asks (reply in the comment)
 * except storeWatchAck (a tell) and storeCancelWatch (a tell or an ask).
 */
export type StoreShardRequest =
  /** → RangeResult, read at the durable head unless opts.revision is given. */
  | { type: 'storeRange'; key: string; opts?: RangeOptions }
  /**
   * → StoreTxnReply, after the write is durable and its events were told to watchers. With
   * `subscriber`, the reply says how many watch messages the shard had pushed to it (for the
   * watches opened with the same `session`) by then.
   */
  | { type: 'storeTxn'; req: TxnRequest; subscriber?: ActorId; session?: string }
  /**
   * → StoreWatchStarted. watchId is unique per subscriber; events go to subscriber. session
   * (e.g. the client's incarnation) scopes the push count reported by storeTxn.
   */
  | { type: 'storeWatch'; watchId: string; subscriber: ActorId; opts: StoreWatchOptions; session?: string }
  /** → void. Idempotent; no storeWatchCanceled is sent for a watch its owner canceled. */
  | { type: 'storeCancelWatch'; watchId: string; subscriber: ActorId }
  /** tell: the subscriber processed `events` more events of the watch (flow control window). */
  | { type: 'storeWatchAck'; watchId: string; subscriber: ActorId; events: number }
  /** → StoreCompacted. Throws CompactedError / FutureRevisionError like etcd. */
  | { type: 'storeCompact'; revision: number }
  /** → StoreProgress: sends an empty storeWatchEvents at the head to the watch (or all of subscriber's). */
  | { type: 'storeProgress'; subscriber: ActorId; watchId?: string }
  /** → StoreShardStatus. */
  | { type: 'storeStatus' }
  /** → StoreLeaseGranted, once the grant is durable. ttl in seconds. */
  | { type: 'storeLeaseGrant'; ttl: number }
  /** → { revision }: the lease is gone and its keys deleted (one revision). Throws LeaseNotFoundError. */
  | { type: 'storeLeaseRevoke'; id: number }
  /** → StoreLeaseGranted: the lease's TTL starts over. Throws LeaseNotFoundError. */
  | { type: 'storeLeaseKeepAlive'; id: number }
  /** → StoreLeaseTtl (ttl -1 when the lease does not exist). */
  | { type: 'storeLeaseTimeToLive'; id: number; keys?: boolean };

/** StoreLeaseGranted is the reply to storeLeaseGrant / storeLeaseKeepAlive: the id and its TTL in seconds. */
export interface StoreLeaseGranted {
  id: number;
  ttl: number;
}

/** StoreLeaseTtl is the reply to storeLeaseTimeToLive: remaining and granted TTL (s), and the attached keys when asked. */
export interface StoreLeaseTtl {
  id: number;
  ttl: number;
  grantedTtl: number;
  keys?: string[];
}

/**
 * StoreTxnReply is the reply to storeTxn. `pushed` counts every StoreWatchMsg the shard (in
 * incarnation `epoch`) had told the request's subscriber before replying: a client that has
 * delivered that many knows its watch sinks saw the write, whatever order its runtime settles
 * replies and tells in.
 */
export interface StoreTxnReply {
  result: TxnResult;
  epoch: string;
  pushed: number;
}

/** StoreWatchStarted is the reply to storeWatch: events follow with revisions > revision. */
export interface StoreWatchStarted {
  watchId: string;
  revision: number;
}

/** StoreCompacted is the reply to storeCompact. */
export interface StoreCompacted {
  compactRevision: number;
}

/** StoreProgress is the reply to storeProgress: the durable head revision. */
export interface StoreProgress {
  revision: number;
}

/** StoreShardStatus describes a shard (for tests, stats and debugging). */
export interface StoreShardStatus {
  shardId: number;
  revision: number;
  compactRevision: number;
  keys: number;
  watchers: WatchableStats;
  durability: Durability;
  /** leases is the number of live leases. */
  leases: number;
}

/**
 * StoreWatchEventsMsg is told to a watch's subscriber: a batch of events in revision order, all
 * with modRevision ≤ revision; `events: []` is a progress notification (seen everything up to
 * revision).
 */
export interface StoreWatchEventsMsg {
  type: 'storeWatchEvents';
  /** shard and epoch (the shard's incarnation) let the client count pushes; see StoreTxnReply. */
  shard: ActorId;
  epoch: string;
  watchId: string;
  events: StoreWatchEvent[];
  revision: number;
  /** sentAt: the shard's clock (ms) when it published the batch; lets a subscriber measure delivery latency. */
  sentAt?: number;
  /**
   * alsoWatchIds: more watches of the same subscriber (and session) that get exactly these events
   * at this revision. A publish to many identical watches of one subscriber is one message, not
   * one copy of the events per watch; the client delivers (and acknowledges) it to each.
   */
  alsoWatchIds?: string[];
}

/** StoreWatchCanceledMsg ends a watch the subscriber did not cancel (compacted, slow, shard stopping). */
export interface StoreWatchCanceledMsg {
  type: 'storeWatchCanceled';
  shard: ActorId;
  epoch: string;
  watchId: string;
  /** error is the reason, serialized so it crosses threads; rebuild with deserializeError. */
  error: SerializedError;
}

/** StoreWatchMsg is what a store client's owner must forward to client.deliver(). */
export type StoreWatchMsg = StoreWatchEventsMsg | StoreWatchCanceledMsg;

/** isStoreWatchMsg tells a StoreWatchMsg from the owner's other messages. */
export function isStoreWatchMsg(msg: { type?: unknown }): msg is StoreWatchMsg {
  return msg.type === 'storeWatchEvents' || msg.type === 'storeWatchCanceled';
}
