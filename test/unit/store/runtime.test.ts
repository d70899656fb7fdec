/**
 * The store on the real actor runtime (inline hosts, simulated clock): an owner actor uses the
 * client, the store host is killed and restarted by its supervisor, and the data comes back
 * from the write-ahead log while the owner's watch is canceled so it can re-list.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../../src/actors/clock.js';
import { startRuntime } from '../../../src/actors/runtime.js';
import type { Runtime } from '../../../src/actors/runtime.js';
import type { ActorContext, ActorRegistry, Behavior } from '../../../src/actors/types.js';
import { createStoreClient, shardRouter } from '../../../src/store/client.js';
import type { ActorStoreClient } from '../../../src/store/client.js';
import { isStoreWatchMsg } from '../../../src/store/protocol.js';
import type { StoreWatchMsg } from '../../../src/store/protocol.js';
import { storeActors } from '../../../src/store/index.js';

const T = { timeoutMs: 60_000 };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

type OwnerMsg =
  | { type: 'put'; key: string; value: string }
  | { type: 'get'; key: string }
  | { type: 'watch'; key: string }
  | { type: 'seen' }
  | StoreWatchMsg;

/** owner is a minimal apiserver stand-in: it owns a store client and records watch traffic. */
function owner(): Behavior<OwnerMsg> {
  let client: ActorStoreClient;
  const seen: string[] = [];
  return {
    started(ctx: ActorContext) {
      client = createStoreClient(ctx, shardRouter({ shards: 1 }), { timeoutMs: 5_000 });
    },
    async receive(_ctx, msg) {
      if (isStoreWatchMsg(msg)) return client.deliver(msg);
      switch (msg.type) {
        case 'put': {
          const r = await client.txn({ compare: [], success: [{ type: 'put', key: msg.key, value: enc(msg.value) }], failure: [] });
          // The shard published before replying: the event is already recorded.
          seen.push(`ack@${r.revision}`);
          return r.revision;
        }
        case 'get':
          return (await client.range(msg.key)).kvs.map((kv) => dec(kv.value));
        case 'watch':
          await client.watch(
            { key: msg.key, prefix: true },
            {
              events: (evs) => seen.push(...evs.map((e) => `${e.type}:${dec(e.kv.value)}@${e.kv.modRevision}`)),
              canceled: (err) => seen.push(`canceled:${err.name}`),
            },
          );
          return undefined;
        case 'seen':
          return seen;
      }
    },
    onDown(_ctx, target) {
      if (target.startsWith('store/')) client.shardDown(target);
    },
  };
}

const flush = async (n = 30) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('store on the runtime', () => {
  let dir: string;
  let rt: Runtime | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-store-rt-'));
  });
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store runtime - writes survive a killed store host; the owner watch is canceled', async () => {
    const clock = new SimClock();
    const registry: ActorRegistry = { ...storeActors, 'store-owner': () => owner() };
    rt = await startRuntime({
      mode: 'inline',
      hosts: [
        { name: 'store-0', actors: [{ id: 'store/0', kind: 'store-shard', params: { shardId: 0, dataDir: dir, durability: 'fsync' } }] },
        { name: 'api', actors: [{ id: 'apiserver', kind: 'store-owner' }] },
      ],
      registry,
      clock,
      seed: 1,
      supervision: { backoff: { initialMs: 100, maxMs: 100, jitter: 0 } },
    });
    await rt.ask('apiserver', { type: 'watch', key: '/registry/pods/' }, T);
    expect(await rt.ask('apiserver', { type: 'put', key: '/registry/pods/a/x', value: 'one' }, T)).toBe(2);
    expect(await rt.ask('apiserver', { type: 'put', key: '/registry/pods/a/x', value: 'two' }, T)).toBe(3);
    expect(await rt.ask('apiserver', { type: 'seen' }, T)).toEqual(['put:one@2', 'ack@2', 'put:two@3', 'ack@3']);

    await rt.kill('store-0');
    const back = rt.whenRunning('store-0');
    await flush();
    clock.advance(100);
    await back;
    await flush();

    expect(await rt.ask('apiserver', { type: 'get', key: '/registry/pods/a/x' }, T)).toEqual(['two']);
    expect((await rt.ask<string[]>('apiserver', { type: 'seen' }, T)).at(-1)).toBe('canceled:WatchCanceledError');
    expect(await rt.ask('apiserver', { type: 'put', key: '/registry/pods/a/y', value: 'three' }, T)).toBe(4);
  });
});
