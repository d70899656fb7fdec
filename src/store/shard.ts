/**
 * The `store-shard` actor (id `store/<n>`): a thin adapter from the StoreShardRequest protocol to
 * a ShardCore. Group commit runs on self-tells: a write enqueues `$flush` behind the messages
 * already in the mailbox, so everything that arrived in the same tick shares one WAL write.
 * A WAL failure crashes the shard (let it crash): the supervisor restarts it and the WAL replay
 * restores exactly what was acknowledged.
 */
import { InvariantError } from '../actors/errors.js';
import type { ActorContext, ActorId, Behavior } from '../actors/types.js';
import type { StoreShardParams, StoreShardRequest } from './protocol.js';
import { ShardCore } from './shard-core.js';

/** ShardInternalMsg is what a shard tells itself; not part of the public protocol. */
type ShardInternalMsg =
  | { type: '$flush' }
  | { type: '$sync' }
  | { type: '$progressTick' }
  | { type: '$compactTick' }
  | { type: '$leaseTick' }
  | { type: '$fatal'; message: string };

/**
 * ShardChaosMsg (chaos): `$diskLatency` makes every log flush wait `ms` first, as a slow disk
 * would (0 restores full speed). Writes keep grouping behind the slow flush, as with a real one.
 */
export type ShardChaosMsg = { type: '$diskLatency'; ms: number };

/** StoreShardMsg is everything a shard's receive handles. */
export type StoreShardMsg = StoreShardRequest | ShardInternalMsg | ShardChaosMsg;

const DEFAULT_PROGRESS_MS = 60_000;
const DEFAULT_COMPACT_MS = 5 * 60_000;
const DEFAULT_LEASE_TICK_MS = 500;

/** parseShardParams checks a spec's params (they come from YAML/config) and fills defaults. */
export function parseShardParams(raw: unknown): StoreShardParams {
  const p = (raw ?? {}) as Partial<StoreShardParams>;
  if (typeof p.shardId !== 'number' || !Number.isInteger(p.shardId) || p.shardId < 0) {
    throw new TypeError(`store-shard params: shardId must be a non-negative integer, got ${String(p.shardId)}`);
  }
  const durability = p.durability ?? 'fsync';
  if (durability !== 'fsync' && durability !== 'async' && durability !== 'memory') {
    throw new TypeError(`store-shard params: durability must be fsync|async|memory, got ${String(durability)}`);
  }
  return { ...p, shardId: p.shardId, durability };
}

/** createShardBehavior builds a shard actor; started() replays its WAL before the first message. */
export function createShardBehavior(raw: StoreShardParams | unknown): Behavior<StoreShardMsg> {
  const params = parseShardParams(raw);
  let core: ShardCore | undefined;
  /** diskLatencyMs: chaos slowdown of each flush (param `diskLatencyMs`, or a $diskLatency message). */
  let diskLatencyMs = Math.max(0, Number((raw as { diskLatencyMs?: unknown } | undefined)?.diskLatencyMs ?? 0) || 0);
  const monitored = new Set<ActorId>();

  const must = (): ShardCore => {
    if (!core) throw new InvariantError(`store shard ${params.shardId} got a message before it started`);
    return core;
  };

  return {
    async started(ctx: ActorContext) {
      core = await ShardCore.open(params, {
        shard: ctx.self,
        epoch: Math.floor(ctx.clock.now()).toString(36) + ctx.rng.int(0x7fffffff).toString(36),
        log: ctx.log.child({ shard: ctx.self }),
        push: (to, msg) => ctx.tell(to, msg),
        schedule: (task) => ctx.tell(ctx.self, task === 'flush' ? { type: '$flush' } : { type: '$sync' }),
        fatal: (err) => ctx.tell(ctx.self, { type: '$fatal', message: err.message }),
        now: () => ctx.clock.now(),
      });
      ctx.setTimer('leases', params.leaseTickMs ?? DEFAULT_LEASE_TICK_MS, { type: '$leaseTick' }, { repeat: true });
      ctx.setTimer('progress', params.progressIntervalMs ?? DEFAULT_PROGRESS_MS, { type: '$progressTick' }, { repeat: true });
      const compactMs = params.compactIntervalMs ?? DEFAULT_COMPACT_MS;
      if (compactMs > 0) ctx.setTimer('compact', compactMs, { type: '$compactTick' }, { repeat: true });
    },

    receive(ctx: ActorContext, msg: StoreShardMsg): unknown {
      const c = must();
      switch (msg.type) {
        case 'storeRange':
          return c.range(msg.key, msg.opts);
        case 'storeTxn':
          return c.txn(msg.req, msg.subscriber, msg.session);
        case 'storeWatch':
          // Watches of an actor that dies must not linger and push into its next incarnation.
          if (!monitored.has(msg.subscriber)) {
            monitored.add(msg.subscriber);
            ctx.monitor(msg.subscriber);
          }
          return c.watch(msg.subscriber, msg.watchId, msg.opts, msg.session);
        case 'storeCancelWatch':
          c.cancelWatch(msg.subscriber, msg.watchId);
          return undefined;
        case 'storeWatchAck':
          c.ackWatch(msg.subscriber, msg.watchId, msg.events);
          return undefined;
        case 'storeCompact':
          return c.compact(msg.revision);
        case 'storeProgress':
          return { revision: c.progress(msg.subscriber, msg.watchId) };
        case 'storeStatus':
          return c.status();
        case 'storeLeaseGrant':
          return c.leaseGrant(msg.ttl);
        case 'storeLeaseRevoke':
          return c.leaseRevoke(msg.id);
        case 'storeLeaseKeepAlive':
          return c.leaseKeepAlive(msg.id);
        case 'storeLeaseTimeToLive':
          return c.leaseTimeToLive(msg.id, msg.keys);
        case '$leaseTick':
          return c.leaseTick();
        case '$flush':
          if (diskLatencyMs > 0) return new Promise<void>((r) => ctx.clock.setTimeout(r, diskLatencyMs)).then(() => c.runScheduled('flush'));
          return c.runScheduled('flush');
        case '$diskLatency':
          diskLatencyMs = Math.max(0, msg.ms);
          return undefined;
        case '$sync':
          return c.runScheduled('sync');
        case '$compactTick':
          return c.compactTick();
        case '$progressTick':
          c.progressTick();
          return undefined;
        case '$fatal':
          throw new InvariantError(msg.message);
        default:
          return assertNever(msg);
      }
    },

    onDown(_ctx: ActorContext, target: ActorId) {
      if (!monitored.delete(target)) return;
      core?.dropSubscriber(target);
    },

    async stopped(ctx: ActorContext) {
      await core?.close(ctx.self);
    },
  };
}

function assertNever(x: never): never {
  throw new InvariantError(`store shard: unexpected message ${JSON.stringify(x)}`);
}
