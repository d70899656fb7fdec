/**
 * The two storage backends the conformance suite runs against: the embedded shards (two
 * `store-shard` actors on the in-thread test World, reached through the actor store client) and
 * a real etcd 3.4 (started on loopback) reached through the etcd3 client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../src/actors/clock.js';
import { SeededRng } from '../../src/actors/rng.js';
import { createStoreClient, shardRouter } from '../../src/store/client.js';
import type { ActorStoreClient } from '../../src/store/client.js';
import { createEtcdStoreClient } from '../../src/store/etcd/etcd-client.js';
import { isStoreWatchMsg } from '../../src/store/protocol.js';
import { createShardBehavior } from '../../src/store/shard.js';
import type { LeasingStoreClient } from '../../src/store/types.js';
import { World } from '../unit/store/harness.js';
import { startEtcd } from './etcd-server.js';

/** Backend is one store under test. */
export interface Backend {
  name: string;
  client: LeasingStoreClient & { progress(keyPrefix: string): Promise<number> };
  /** passTime lets at least ms of lease time go by (advances a SimClock, or really waits). */
  passTime(ms: number): Promise<void>;
  /** eventually polls pred until it holds (throws after a bound). */
  eventually(pred: () => boolean): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** embeddedBackend: two fsync shards on the test World. */
export async function embeddedBackend(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeactor-conf-'));
  const world = new World();
  for (const n of [0, 1]) await world.spawn(`store/${n}`, createShardBehavior({ shardId: n, dataDir: dir, durability: 'fsync', leaseTickMs: 100 }));
  let c: ActorStoreClient | undefined;
  const ctx = await world.spawn('apiserver', {
    receive: (_ctx, msg: { type: string }) => {
      if (isStoreWatchMsg(msg)) c!.deliver(msg);
    },
    onDown: (_ctx, target) => c!.shardDown(target),
  });
  c = createStoreClient(ctx, shardRouter({ shards: 2 }), { timeoutMs: 5000 });
  return {
    name: 'embedded',
    client: c,
    async passTime(ms) {
      world.clock.advance(ms);
      await world.settle(50);
    },
    async eventually(pred) {
      await world.until(pred, 100_000);
    },
    async close() {
      await world.stop('store/0');
      await world.stop('store/1');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** etcdBackend: a fresh etcd on loopback. */
export async function etcdBackend(): Promise<Backend> {
  const etcd = await startEtcd();
  const client = createEtcdStoreClient({ endpoints: [etcd.endpoint], clock: new RealClock(), rng: new SeededRng(11), compactIntervalMs: 0 });
  return {
    name: 'etcd',
    client,
    async passTime(ms) {
      await sleep(ms);
    },
    async eventually(pred) {
      for (let i = 0; i < 1000; i++) {
        if (pred()) return;
        await sleep(10);
      }
      throw new Error('eventually: condition never held');
    },
    async close() {
      await client.close();
      await etcd.stop();
    },
  };
}
