/**
 * EtcdStoreClient: the StoreClient (+ leases) on a real etcd v3 cluster, through npm `etcd3`'s
 * raw gRPC clients (KV, Watch, Lease), so kubeactor's apiserver runs unchanged on real etcd.
 *
 * Mapping, and where it differs from the embedded shards:
 * - One etcd = one revision for every resource (the embedded store has one per shard). Both are
 *   valid Kubernetes resourceVersions: opaque, per-resource monotonic.
 * - A range at an explicit revision answers that revision (kube-apiserver does the same with
 *   etcd's header revision, which is always the head).
 * - Each watch is its own gRPC watch stream. If the stream fails (etcd restarted, connection
 *   lost) it is re-opened from the revision after the last event or progress delivered, as
 *   etcd's clientv3 resumes watches for kube-apiserver: the watcher sees no gap and no repeat.
 *   Only when that fails for 30 s does the watch end with WatchCanceledError('shard-down') (the
 *   apiserver re-lists, as when an embedded shard goes down). A compacted start or resume
 *   revision ends it with CompactedError.
 * - Lease ids are chosen by the client (etcd accepts a client-given ID) below 2^53, so they stay
 *   exact in a JS number; the key prefix of leaseGrant is ignored (etcd has one lessor).
 * - Periodic compaction is this client's job, as kube-apiserver's compactor's: every
 *   compactIntervalMs it compacts at the head it saw one interval earlier.
 */
import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import type { IDuplexStream, IKeyValue, IRequestOp, IResponseOp, IWatchRequest, IWatchResponse } from 'etcd3/lib/rpc.js';
import type { Clock, Rng } from '../../actors/types.js';
import { CompactedError, FutureRevisionError, LeaseNotFoundError, WatchCanceledError } from '../errors.js';
import type {
  Compare,
  KeyValue,
  LeaseGrant,
  LeaseTimeToLive,
  LeasingStoreClient,
  Op,
  OpResult,
  RangeOptions,
  RangeResult,
  StoreWatchEvent,
  StoreWatchOptions,
  StoreWatchSink,
  TxnRequest,
  TxnResult,
} from '../types.js';

/** EtcdStoreOptions: where etcd is and how long to wait for it. */
export interface EtcdStoreOptions {
  endpoints: string[];
  clock: Clock;
  rng: Rng;
  /** timeoutMs bounds every unary call (default 10 s). */
  timeoutMs?: number;
  /** compactIntervalMs: periodic compaction like kube-apiserver's (default 5 min; 0 = off). */
  compactIntervalMs?: number;
}

/** EtcdStoreClient is a LeasingStoreClient on real etcd; close() releases the connection. */
export interface EtcdStoreClient extends LeasingStoreClient {
  /** progress asks every open watch for a progress notification; resolves to the head revision. */
  progress(keyPrefix: string): Promise<number>;
  /** watchCount is the number of open watches. */
  readonly watchCount: number;
  close(): Promise<void>;
}

/** A failed watch stream is re-opened after RESUME_BACKOFF_MS, doubling to the max, for up to RESUME_FOR_MS. */
const RESUME_BACKOFF_MS = 50;
const RESUME_BACKOFF_MAX_MS = 1000;
const RESUME_FOR_MS = 30_000;

const COMPARE_RESULT = { '=': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' } as const;
const EMPTY = Buffer.alloc(0);

/** createEtcdStoreClient connects (lazily) to etcd at opts.endpoints. */
export function createEtcdStoreClient(opts: EtcdStoreOptions): EtcdStoreClient {
  // A full list of a big resource is one response (kube-apiserver's watch cache lists without
  // paging): lift grpc-js's 4 MiB default receive limit, as etcd's own client does.
  // etcd3's default fault handling is a per-host circuit breaker that opens after three failed
  // calls — and a canceled watch stream counts as one: retries and re-lists are ours to do.
  const etcd = new Etcd3({
    hosts: opts.endpoints,
    grpcOptions: { 'grpc.max_receive_message_length': -1 },
    faultHandling: { host: () => noop, global: noop },
  });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const streams = new Set<IDuplexStream<IWatchRequest, IWatchResponse>>();
  let closed = false;
  let compactTimer: unknown;
  let compactMark = 0;

  const call = <T>(what: string, p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = opts.clock.setTimeout(() => reject(new Error(`etcd ${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
      p.then(
        (v) => {
          opts.clock.clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          opts.clock.clearTimeout(timer);
          reject(mapError(err as Error));
        },
      );
    });

  const client: EtcdStoreClient = {
    async range(key: string, o: RangeOptions = {}): Promise<RangeResult> {
      const res = await call('range', etcd.kv.range(rangeRequest(key, o))).catch((err: unknown) => {
        // etcd's message carries no revisions: put back the one asked for.
        throw err instanceof CompactedError ? new CompactedError(o.revision ?? 0, err.compactRevision) : err;
      });
      return {
        kvs: res.kvs.map(toKv),
        revision: o.revision && o.revision > 0 ? o.revision : Number(res.header.revision),
        more: res.more,
        count: Number(res.count),
      };
    },

    async txn(req: TxnRequest): Promise<TxnResult> {
      const res = await call(
        'txn',
        etcd.kv.txn({ compare: req.compare.map(toCompare), success: req.success.map(toRequestOp), failure: req.failure.map(toRequestOp) }),
      );
      const ops = res.succeeded ? req.success : req.failure;
      const revision = Number(res.header.revision);
      return { succeeded: res.succeeded, revision, results: res.responses.map((r, i) => fromResponseOp(ops[i], r, revision)) };
    },

    async watch(wopts: StoreWatchOptions, sink: StoreWatchSink): Promise<{ cancel(): void }> {
      let done = false;
      let stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
      /** next is the revision to resume from: one past the last event or progress delivered. */
      let next = wopts.startRevision ?? 0;
      let resumeUntil = 0;
      let backoff = RESUME_BACKOFF_MS;
      const end = (err?: Error): void => {
        if (done) return;
        done = true;
        if (stream) {
          streams.delete(stream);
          stream.cancel();
        }
        if (err) sink.canceled(err);
      };
      const deliver = (res: IWatchResponse): void => {
        const revision = Number(res.header.revision);
        if (res.events.length === 0) {
          if (res.created) return;
          // Progress: everything up to revision was delivered; a resume may start after it.
          if (revision >= next) next = revision + 1;
          sink.progress?.(revision);
          return;
        }
        const events: StoreWatchEvent[] = res.events.map((e) => {
          const kv = toKv(e.kv);
          const prev = e.prev_kv && e.prev_kv.key ? toKv(e.prev_kv) : undefined;
          if (e.type === 'Delete') {
            const tomb: KeyValue = { key: kv.key, value: EMPTY, createRevision: 0, modRevision: kv.modRevision, version: 0 };
            return prev ? { type: 'delete', kv: tomb, prevKv: prev } : { type: 'delete', kv: tomb };
          }
          return prev ? { type: 'put', kv, prevKv: prev } : { type: 'put', kv };
        });
        next = events[events.length - 1].kv.modRevision + 1;
        sink.events(events, Math.max(revision, next - 1));
      };
      /**
       * open creates one watch stream from `next`. A stream that fails after it was created is
       * resumed from `next` (etcd's clientv3 does the same), retrying with backoff for up to
       * RESUME_FOR_MS; only then does the watch end with WatchCanceledError and the apiserver
       * re-list. A compacted resume point ends it with CompactedError.
       */
      const open = async (): Promise<void> => {
        const s = await call('watch', etcd.watchClient.watch());
        if (done) {
          s.cancel();
          return;
        }
        stream = s;
        streams.add(s);
        const created = new Promise<void>((resolve, reject) => {
          let failed = false;
          let isCreated = false;
          s.on('data', (res: IWatchResponse) => {
            if (done || stream !== s) return;
            if (res.created) {
              isCreated = true;
              backoff = RESUME_BACKOFF_MS;
              // "From now": pin where now is, so a resume cannot skip what happens meanwhile.
              if (next === 0) next = Number(res.header.revision) + 1;
              resolve();
            }
            if (res.canceled) {
              const compact = Number(res.compact_revision);
              resolve();
              end(compact > 0 ? new CompactedError(next, compact) : new WatchCanceledError(String(res.watch_id), 'shard-down', `etcd canceled the watch: ${res.cancel_reason}`));
              return;
            }
            deliver(res);
          });
          const broken = (why: string): void => {
            if (failed) return;
            failed = true;
            reject(new Error(`etcd watch stream: ${why}`));
            // Before creation the caller of open() handles the failure (throws, or retries).
            if (done || stream !== s || !isCreated) return;
            streams.delete(s);
            stream = undefined;
            resume(why);
          };
          s.on('error', (err: Error) => broken(err.message));
          s.on('end', () => broken('end of stream'));
        });
        s.write({
          create_request: {
            key: Buffer.from(wopts.key),
            range_end: wopts.prefix ? prefixEnd(wopts.key) : undefined,
            start_revision: next,
            prev_kv: wopts.prevKv ?? false,
            progress_notify: wopts.progressNotify ?? false,
          },
        });
        await call('watch create', created);
      };
      const resume = (why: string): void => {
        if (done || closed) return;
        const now = opts.clock.now();
        if (resumeUntil === 0) resumeUntil = now + RESUME_FOR_MS;
        if (now > resumeUntil) {
          end(new WatchCanceledError('etcd', 'shard-down', `etcd watch stream ended and could not be resumed for ${RESUME_FOR_MS} ms: ${why}`));
          return;
        }
        const delay = backoff;
        backoff = Math.min(backoff * 2, RESUME_BACKOFF_MAX_MS);
        opts.clock.setTimeout(() => {
          if (done || closed) return;
          open().then(
            () => (resumeUntil = 0),
            (err: unknown) => {
              if (stream) {
                streams.delete(stream);
                stream.cancel();
                stream = undefined;
              }
              resume((err as Error).message);
            },
          );
        }, delay);
      };
      try {
        await open();
      } catch (err) {
        end(); // not created in time: close the stream quietly, the caller gets the error
        throw err;
      }
      return { cancel: () => end() };
    },

    async compact(_keyPrefix: string, revision: number): Promise<void> {
      await call('compact', etcd.kv.compact({ revision, physical: false }));
    },

    async leaseGrant(_keyPrefix: string, ttlSeconds: number): Promise<LeaseGrant> {
      // Random below 2^53 so the id is exact in a JS number; etcd refuses a duplicate id.
      const id = 1 + opts.rng.int(0x7fffffff) * 0x200000 + opts.rng.int(0x200000);
      const res = await call('lease grant', etcd.leaseClient.leaseGrant({ ID: id, TTL: ttlSeconds }));
      if (res.error) throw new Error(`etcd lease grant: ${res.error}`);
      return { id: Number(res.ID), ttl: Number(res.TTL) };
    },

    async leaseRevoke(id: number): Promise<void> {
      await call('lease revoke', etcd.leaseClient.leaseRevoke({ ID: id }));
    },

    async leaseKeepAlive(id: number): Promise<LeaseGrant> {
      const stream = await call('lease keep-alive', etcd.leaseClient.leaseKeepAlive());
      try {
        const res = await call(
          'lease keep-alive',
          new Promise<{ ID: string; TTL: string }>((resolve, reject) => {
            stream.on('data', resolve);
            stream.on('error', reject);
            stream.write({ ID: id });
          }),
        );
        // etcd answers a keep-alive of an unknown lease with TTL 0.
        if (Number(res.TTL) <= 0) throw new LeaseNotFoundError(id);
        return { id, ttl: Number(res.TTL) };
      } finally {
        stream.end();
      }
    },

    async leaseTimeToLive(id: number, o?: { keys?: boolean }): Promise<LeaseTimeToLive> {
      const res = await call('lease ttl', etcd.leaseClient.leaseTimeToLive({ ID: id, keys: o?.keys ?? false }));
      const ttl = Number(res.TTL);
      if (ttl < 0) return { id, ttl: -1, grantedTtl: 0 };
      const out: LeaseTimeToLive = { id, ttl, grantedTtl: Number(res.grantedTTL) };
      if (o?.keys) out.keys = (res.keys ?? []).map((k) => k.toString()).sort();
      return out;
    },

    async progress(keyPrefix: string): Promise<number> {
      for (const s of streams) s.write({ progress_request: {} });
      return (await client.range(keyPrefix, { prefix: true, countOnly: true })).revision;
    },

    get watchCount(): number {
      return streams.size;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (compactTimer !== undefined) opts.clock.clearTimeout(compactTimer as never);
      for (const s of [...streams]) s.cancel();
      streams.clear();
      etcd.close();
    },
  };

  const compactMs = opts.compactIntervalMs ?? 5 * 60_000;
  const compactTick = async (): Promise<void> => {
    const target = compactMark;
    try {
      compactMark = (await client.range('/', { countOnly: true })).revision;
      if (target > 0) await client.compact('/', target);
    } catch {
      // Already compacted there (another apiserver's compactor), or etcd briefly away: next tick.
    }
    if (!closed) compactTimer = opts.clock.setTimeout(() => void compactTick(), compactMs);
  };
  if (compactMs > 0) compactTimer = opts.clock.setTimeout(() => void compactTick(), compactMs);
  return client;
}

/** prefixEnd is etcd's range_end for "every key with this prefix" (last byte + 1, carrying). */
function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i] < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return Buffer.from([0]); // all 0xff: to the end of the keyspace
}

function rangeRequest(key: string, o: RangeOptions) {
  return {
    key: Buffer.from(key),
    range_end: o.prefix ? prefixEnd(key) : undefined,
    revision: o.revision ?? 0,
    limit: o.limit ?? 0,
    keys_only: o.keysOnly ?? false,
    count_only: o.countOnly ?? false,
  };
}

function toKv(kv: IKeyValue): KeyValue {
  const out: KeyValue = {
    key: kv.key.toString(),
    value: kv.value ?? EMPTY,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
  const lease = Number(kv.lease ?? 0);
  if (lease) out.lease = lease;
  return out;
}

function toCompare(c: Compare) {
  const base = { key: Buffer.from(c.key), result: COMPARE_RESULT[c.op] };
  switch (c.target) {
    case 'value':
      return { ...base, target: 'Value' as const, value: Buffer.from(c.value) };
    case 'version':
      return { ...base, target: 'Version' as const, version: c.value };
    case 'createRevision':
      return { ...base, target: 'Create' as const, create_revision: c.value };
    case 'modRevision':
      return { ...base, target: 'Mod' as const, mod_revision: c.value };
  }
}

function toRequestOp(op: Op): IRequestOp {
  switch (op.type) {
    case 'put':
      return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), lease: op.lease ?? 0, prev_kv: op.prevKv ?? false } };
    case 'delete':
      return { request_delete_range: { key: Buffer.from(op.key), range_end: op.prefix ? prefixEnd(op.key) : undefined, prev_kv: op.prevKv ?? false } };
    case 'range':
      return { request_range: rangeRequest(op.key, op.opts ?? {}) };
  }
}

function fromResponseOp(op: Op, r: IResponseOp, revision: number): OpResult {
  switch (op.type) {
    case 'put': {
      const prev = r.response_put?.prev_kv;
      return op.prevKv && prev && prev.key ? { type: 'put', prevKv: toKv(prev) } : { type: 'put' };
    }
    case 'delete': {
      const d = r.response_delete_range;
      const deleted = Number(d?.deleted ?? 0);
      return op.prevKv ? { type: 'delete', deleted, prevKvs: (d?.prev_kvs ?? []).map(toKv) } : { type: 'delete', deleted };
    }
    case 'range': {
      const rr = r.response_range;
      const at = op.opts?.revision && op.opts.revision > 0 ? op.opts.revision : revision;
      return { type: 'range', result: { kvs: (rr?.kvs ?? []).map(toKv), revision: at, more: rr?.more ?? false, count: Number(rr?.count ?? 0) } };
    }
  }
}

/** mapError turns etcd's errors into the store's named ones (by etcd's stable messages). */
function mapError(err: Error): Error {
  const m = err.message ?? '';
  if (m.includes('required revision has been compacted')) return new CompactedError(0, 0);
  if (m.includes('required revision is a future revision')) return new FutureRevisionError(0, 0);
  if (m.includes('requested lease not found')) return new LeaseNotFoundError(0);
  return err;
}
