/**
 * The store's named errors. Every user-facing message of the store lives here, so grep finds
 * them all. Each class registers an error codec, so `instanceof` works for a caller whether the
 * shard that threw ran inline or on another worker.
 */
import { registerErrorCodec } from '../actors/errors.js';

/**
 * CompactedError: the requested revision is below the shard's compacted revision; history there
 * is gone. The API server maps it to 410 Gone ("too old resource version") and re-lists.
 */
export class CompactedError extends Error {
  override readonly name = 'CompactedError';
  constructor(
    readonly requestedRevision: number,
    readonly compactRevision: number,
  ) {
    super(`mvcc: required revision ${requestedRevision} has been compacted (compacted revision ${compactRevision})`);
  }
}

/** FutureRevisionError: a read asked for a revision the shard has not reached yet. */
export class FutureRevisionError extends Error {
  override readonly name = 'FutureRevisionError';
  constructor(
    readonly requestedRevision: number,
    readonly currentRevision: number,
  ) {
    super(`mvcc: required revision ${requestedRevision} is a future revision (current revision ${currentRevision})`);
  }
}

/**
 * WatchCanceledError: a watch ended without its owner asking: the shard stopped, or the watch's
 * shard went down. The watcher re-lists. (A slow watcher is not canceled: it becomes a victim
 * and catches up from history; one left behind a compaction gets CompactedError.)
 */
export class WatchCanceledError extends Error {
  override readonly name = 'WatchCanceledError';
  constructor(
    readonly watchId: string,
    readonly reason: 'shard-down' | 'shard-stopped',
    detail: string,
  ) {
    super(`store watch ${watchId} canceled (${reason}): ${detail}`);
  }
}

/** WalCorruptError: a frame in the middle of a write-ahead log is unreadable (not a torn tail). */
export class WalCorruptError extends Error {
  override readonly name = 'WalCorruptError';
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`write-ahead log ${file} is corrupt at offset ${offset}: ${detail}`);
  }
}

/** LeaseNotFoundError: the lease does not exist (never granted, revoked, or expired), as etcd's ErrLeaseNotFound. */
export class LeaseNotFoundError extends Error {
  override readonly name = 'LeaseNotFoundError';
  constructor(readonly leaseId: number) {
    super(`etcdserver: requested lease not found (lease ${leaseId})`);
  }
}

/** messages collects the remaining user-facing texts of the store. */
export const messages = {
  shardDown: (shard: string) => `shard ${shard} went down`,
  shardStopped: (shard: string) => `shard ${shard} stopped`,
  noDataDir: (shard: number, durability: string) => `store shard ${shard}: durability '${durability}' needs a dataDir`,
  walFailed: (shard: number, err: string) => `store shard ${shard}: write-ahead log write failed: ${err}`,
} as const;

registerErrorCodec<CompactedError>({
  name: 'CompactedError',
  toData: (e) => ({ r: e.requestedRevision, c: e.compactRevision }),
  fromData: (d) => {
    const x = d as { r: number; c: number };
    return new CompactedError(x.r, x.c);
  },
});
registerErrorCodec<FutureRevisionError>({
  name: 'FutureRevisionError',
  toData: (e) => ({ r: e.requestedRevision, c: e.currentRevision }),
  fromData: (d) => {
    const x = d as { r: number; c: number };
    return new FutureRevisionError(x.r, x.c);
  },
});
registerErrorCodec<WatchCanceledError>({
  name: 'WatchCanceledError',
  toData: (e) => ({ w: e.watchId, c: e.reason }),
  fromData: (d, message) => {
    const x = d as { w: string; c: WatchCanceledError['reason'] };
    const err = new WatchCanceledError(x.w, x.c, '');
    err.message = message;
    return err;
  },
});
registerErrorCodec<WalCorruptError>({
  name: 'WalCorruptError',
  toData: (e) => ({ f: e.file, o: e.offset }),
  fromData: (d, message) => {
    const x = d as { f: string; o: number };
    const err = new WalCorruptError(x.f, x.o, '');
    err.message = message;
    return err;
  },
});
registerErrorCodec<LeaseNotFoundError>({
  name: 'LeaseNotFoundError',
  toData: (e) => ({ l: e.leaseId }),
  fromData: (d) => new LeaseNotFoundError((d as { l: number }).l),
});
