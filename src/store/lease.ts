/**
 * LeaseTable is a shard's lessor state without time: which leases exist, their granted TTL, and
 * the keys attached to each (etcd's lease.Lessor minus the expiry heap, which lives in ShardCore
 * because it needs a clock). Leases and their attachments are rebuilt on recovery from the WAL's
 * grant/revoke records and the keys' `lease` fields; remaining TTLs are not persisted: after a
 * restart every lease gets its full TTL again, as etcd does when a new leader promotes its lessor.
 */

/** LEASE_ID_STRIDE: a lease id is `n * LEASE_ID_STRIDE + shardId`, so a client can route it (≤ 64 shards). */
export const LEASE_ID_STRIDE = 64;

/** LeaseInfo is one granted lease. */
export interface LeaseInfo {
  id: number;
  /** ttl is the granted TTL in seconds. */
  ttl: number;
  keys: Set<string>;
}

/** LeaseTable: see the module comment. */
export class LeaseTable {
  private readonly leases = new Map<number, LeaseInfo>();
  /** maxId is the highest id ever granted here, so ids are not reused after a revoke. */
  maxId = 0;

  /** size is the number of live leases. */
  get size(): number {
    return this.leases.size;
  }

  /** nextId is a fresh id for shard shardId. */
  nextId(shardId: number): number {
    return (Math.floor(this.maxId / LEASE_ID_STRIDE) + 1) * LEASE_ID_STRIDE + shardId;
  }

  /** grant creates (or, on replay, re-creates) a lease; keys already attached stay attached. */
  grant(id: number, ttl: number): LeaseInfo {
    const prev = this.leases.get(id);
    const info: LeaseInfo = { id, ttl, keys: prev?.keys ?? new Set() };
    this.leases.set(id, info);
    if (id > this.maxId) this.maxId = id;
    return info;
  }

  /** get returns a live lease, or undefined. */
  get(id: number): LeaseInfo | undefined {
    return this.leases.get(id);
  }

  /** remove forgets a lease and returns the keys that were attached (sorted); idempotent. */
  remove(id: number): string[] {
    const info = this.leases.get(id);
    if (!info) return [];
    this.leases.delete(id);
    return [...info.keys].sort();
  }

  /** attach records that key is held by lease id (ignored for an unknown lease: replay of a revoked one). */
  attach(id: number, key: string): void {
    this.leases.get(id)?.keys.add(key);
  }

  /** detach drops key from lease id. */
  detach(id: number, key: string): void {
    this.leases.get(id)?.keys.delete(key);
  }

  /** all lists the live leases. */
  all(): IterableIterator<LeaseInfo> {
    return this.leases.values();
  }
}
