/**
 * The store's public surface: the etcd-like shard actor, its protocol, the client the apiserver
 * uses, the backend choice (embedded or etcd), leases, and the pure layers (Mvcc, Watchable, Wal,
 * ShardStorage) for tests and tools. See docs/store.md.
 */
import type { BehaviorFactory } from '../actors/types.js';
import { STORE_SHARD_KIND } from './protocol.js';
import { createShardBehavior } from './shard.js';

export * from './types.js';
export * from './errors.js';
export * from './protocol.js';
export { createStoreClient, shardRouter, resourcePrefix } from './client.js';
export type { ActorStoreClient, StoreClientOptions, ShardRouterConfig } from './client.js';
export { createShardBehavior, parseShardParams } from './shard.js';
export type { StoreShardMsg } from './shard.js';
export { ShardCore } from './shard-core.js';
export type { ShardCoreDeps } from './shard-core.js';
export { Mvcc } from './mvcc.js';
export type { WalRecord, Change, RevisionEvents, TxnOutcome } from './mvcc.js';
export { Watchable } from './watchable.js';
export type { WatcherSink, WatchableStats } from './watchable.js';
export { Wal, walFile, encodeFrames, decodeFrames } from './wal.js';
export { ShardStorage, snapshotFile, DEFAULT_SNAPSHOT_BYTES } from './shard-storage.js';
export type { RecoveryStats } from './shard-storage.js';
export { LeaseTable, LEASE_ID_STRIDE } from './lease.js';
export type { LeaseInfo } from './lease.js';
export { withKeyTtl, EVENT_TTL_RULES } from './key-ttl.js';
export type { KeyTtlRule, KeyTtlOptions } from './key-ttl.js';
export { openStoreBackend } from './backend.js';
export type { OwnedStore, StoreBackendConfig, StoreBackendKind } from './backend.js';
// The etcd backend (src/store/etcd/etcd-client.ts) is not re-exported: importing it loads gRPC.
export type { MvccState } from './mvcc.js';

/** storeActors is the store's part of an ActorRegistry: `{ 'store-shard': factory }`. */
export const storeActors: Readonly<Record<string, BehaviorFactory>> = {
  [STORE_SHARD_KIND]: (params) => createShardBehavior(params),
};
