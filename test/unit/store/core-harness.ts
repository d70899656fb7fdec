/**
 * openCore starts a ShardCore outside an actor, running its scheduled flush/sync tasks on
 * setImmediate (as a mailbox would, after what is queued), with a SimClock for lease time and a
 * recorder of pushed watch messages.
 */
import { SimClock } from '../../../src/actors/clock.js';
import type { StoreShardParams, StoreWatchMsg } from '../../../src/store/protocol.js';
import { ShardCore } from '../../../src/store/shard-core.js';
import type { TxnResult } from '../../../src/store/types.js';
import { silentLog } from './harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** CoreHandle is a running core plus what it pushed. */
export interface CoreHandle {
  core: ShardCore;
  pushed: StoreWatchMsg[];
  fatal: Error[];
  put(key: string, value: string, lease?: number): Promise<TxnResult>;
  del(key: string): Promise<TxnResult>;
}

/** openCore opens shard 0 in dir (fsync unless params say otherwise). */
export async function openCore(dir: string, clock: SimClock, params: Partial<StoreShardParams> = {}, epoch = 'e' + Math.random().toString(36).slice(2)): Promise<CoreHandle> {
  const pushed: StoreWatchMsg[] = [];
  const fatal: Error[] = [];
  let core: ShardCore | undefined;
  core = await ShardCore.open(
    { shardId: 0, dataDir: dir, durability: 'fsync', ...params },
    {
      shard: 'store/0',
      epoch,
      log: silentLog(),
      push: (_to, msg) => pushed.push(msg),
      schedule: (t) => setImmediate(() => void core!.runScheduled(t)),
      fatal: (e) => fatal.push(e),
      now: () => clock.now(),
    },
  );
  const c = core;
  return {
    core: c,
    pushed,
    fatal,
    put: (key, value, lease) => c.txn({ compare: [], success: [{ type: 'put', key, value: enc(value), lease }], failure: [] }).then((r) => r.result),
    del: (key) => c.txn({ compare: [], success: [{ type: 'delete', key }], failure: [] }).then((r) => r.result),
  };
}
