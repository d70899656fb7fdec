/**
 * The store's public surface: the etcd-like shard actor, its protocol, the client the apiserver
 * uses, and the pure layers (Mvcc, Watchable, Wal) for tests and tools. See docs/store.md.
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

/** storeActors is the store's part of an ActorRegistry: `{ 'store-shard': factory }`. */
export const storeActors: Readonly<Record<string, BehaviorFactory>> = {
  [STORE_SHARD_KIND]: (params) => createShardBehavior(params),
};
