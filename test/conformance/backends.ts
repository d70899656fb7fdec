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
import { newSequenceBuffer } from '../../src/store/sequence.js';
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
export function embeddedBackend(): Promise<Backend> {
  return embeddedShards('embedded', 2, false);
}

/**
 * embeddedSplitBackend: three fsync shards forming one split group over every `/registry/` key:
 * each key hashes to a member, revisions come from the group's shared counter, and prefix ranges
 * and watches span all three (merged by the client).
 */
export function embeddedSplitBackend(): Promise<Backend> {
  return embeddedShards('embedded-split', 3, true);
}

async function embeddedShards(name: string, shards: number, split: boolean): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), `kubeactor-conf-${name}-`));
  const world = new World();
  const sequence = newSequenceBuffer();
  const members = Array.from({ length: shards }, (_, n) => n);
  for (const n of members) {
    const group = split ? { sequence, members: shards, member: n } : undefined;
    await world.spawn(`store/${n}`, createShardBehavior({ shardId: n, dataDir: dir, durability: 'fsync', leaseTickMs: 100, group }));
  }
  let c: ActorStoreClient | undefined;
  const ctx = await world.spawn('apiserver', {
    receive: (_ctx, msg: { type: string }) => {
      if (isStoreWatchMsg(msg)) c!.deliver(msg);
    },
    onDown: (_ctx, target) => c!.shardDown(target),
  });
  c = split
    ? createStoreClient(ctx, shardRouter({ shards, split: { '/registry/': members } }), {
        timeoutMs: 5000,
        groups: [{ prefix: '/registry/', shards: members.map((n) => `store/${n}`), sequence }],
      })
    : createStoreClient(ctx, shardRouter({ shards }), { timeoutMs: 5000 });
  return {
    name,
    client: c,
    async passTime(ms) {
      world.clock.advance(ms);
      await world.settle(50);
    },
    async eventually(pred) {
      await world.until(pred, 100_000);
    },
    async close() {
      for (const n of members) await world.stop(`store/${n}`);
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
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
