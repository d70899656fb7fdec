/**
 * The store's contracts, in etcd v3's model: a flat, ordered keyspace of byte values with a
 * global revision per shard, per-key create/mod revision and version, transactions, and watches
 * from a revision. The API server reaches storage only through {@link StoreClient}.
 */

/** KeyValue mirrors etcd's mvccpb.KeyValue. */
export interface KeyValue {
  key: string;
  /** value is the encoded object (msgpack bytes); empty for keys-only ranges. */
  value: Uint8Array;
  createRevision: number;
  modRevision: number;
  version: number;
  lease?: number;
}

/** RangeOptions as in etcd's RangeRequest. */
export interface RangeOptions {
  /** prefix: range over every key that starts with `key`. */
  prefix?: boolean;
  /** revision: read at this revision (0 = current). Below the compacted revision: CompactedError. */
  revision?: number;
  limit?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** revision is the shard's revision the read was served at. */
  revision: number;
  more: boolean;
  count: number;
}

/** Compare is one etcd transaction guard. */
export type Compare =
  | { target: 'modRevision' | 'createRevision' | 'version'; key: string; op: '=' | '!=' | '<' | '>'; value: number }
  | { target: 'value'; key: string; op: '=' | '!='; value: Uint8Array };

/** Op is one operation inside a transaction. */
export type Op =
  | { type: 'put'; key: string; value: Uint8Array; lease?: number; prevKv?: boolean }
  | { type: 'delete'; key: string; prefix?: boolean; prevKv?: boolean }
  | { type: 'range'; key: string; opts?: RangeOptions };

export type OpResult =
  | { type: 'put'; prevKv?: KeyValue }
  | { type: 'delete'; deleted: number; prevKvs?: KeyValue[] }
  | { type: 'range'; result: RangeResult };

export interface TxnRequest {
  compare: Compare[];
  success: Op[];
  failure: Op[];
}

export interface TxnResult {
  succeeded: boolean;
  /** revision is the shard's revision after the transaction (unchanged if it wrote nothing). */
  revision: number;
  results: OpResult[];
}

/** StoreWatchEvent mirrors etcd's mvccpb.Event. */
export interface StoreWatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

/** StoreWatchOptions: what to watch, from where. */
export interface StoreWatchOptions {
  key: string;
  prefix?: boolean;
  /** startRevision: deliver every event with modRevision >= startRevision (0 = from now). */
  startRevision?: number;
  prevKv?: boolean;
  progressNotify?: boolean;
}

/**
 * StoreWatchSink receives one watch's events in revision order. `progress` says the watcher has
 * seen everything up to revision (etcd progress notification). `canceled` ends the watch, e.g.
 * with a CompactedError when startRevision is below the compacted revision, or when the shard
 * went away: the watcher then re-lists.
 */
export interface StoreWatchSink {
  events(events: StoreWatchEvent[], revision: number): void;
  progress?(revision: number): void;
  canceled(reason: Error): void;
}

/**
 * StoreClient is the apiserver's narrow window onto storage (embedded shards or a real etcd).
 * Keys are routed to shards by prefix; a resource's keys live on one shard, so its
 * resourceVersions are that shard's revisions — or on the members of a split group, which take
 * their revisions from one shared counter (client.ts, sequence.ts).
 */
export interface StoreClient {
  range(key: string, opts?: RangeOptions): Promise<RangeResult>;
  txn(req: TxnRequest): Promise<TxnResult>;
  watch(opts: StoreWatchOptions, sink: StoreWatchSink): Promise<{ cancel(): void }>;
  /** compact discards history below revision on the shard that holds `keyPrefix`. */
  compact(keyPrefix: string, revision: number): Promise<void>;
}

/** LeaseGrant is a granted lease: its id and TTL in seconds. */
export interface LeaseGrant {
  id: number;
  ttl: number;
}

/** LeaseTimeToLive is etcd's LeaseTimeToLiveResponse: ttl -1 when the lease does not exist. */
export interface LeaseTimeToLive {
  id: number;
  ttl: number;
  grantedTtl: number;
  keys?: string[];
}

/**
 * StoreLeases is etcd's lease API. A put names a lease in `Op.lease`; when the lease expires (no
 * keep-alive within its TTL) or is revoked, its keys are deleted. With sharded storage a lease
 * lives on one shard and may only hold keys of that shard: grant it with a key prefix of the
 * resource it is for (a real etcd has one lessor and ignores the prefix).
 */
export interface StoreLeases {
  leaseGrant(keyPrefix: string, ttlSeconds: number): Promise<LeaseGrant>;
  /** leaseRevoke deletes the lease and its keys; LeaseNotFoundError if it does not exist. */
  leaseRevoke(id: number): Promise<void>;
  /** leaseKeepAlive restarts the lease's TTL; LeaseNotFoundError if it expired. */
  leaseKeepAlive(id: number): Promise<LeaseGrant>;
  leaseTimeToLive(id: number, opts?: { keys?: boolean }): Promise<LeaseTimeToLive>;
}

/** LeasingStoreClient is a StoreClient with leases (both backends implement it). */
export interface LeasingStoreClient extends StoreClient, StoreLeases {}
