import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoreClient, shardRouter } from '../../../src/store/client.js';
import type { ActorStoreClient } from '../../../src/store/client.js';
import { CompactedError, WatchCanceledError } from '../../../src/store/errors.js';
import { isStoreWatchMsg } from '../../../src/store/protocol.js';
import { createShardBehavior } from '../../../src/store/shard.js';
import type { StoreWatchEvent } from '../../../src/store/types.js';
import { World } from './harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

interface Seen {
  events: StoreWatchEvent[];
  canceled?: Error;
  progress: number[];
}

function sinkInto(seen: Seen) {
  return {
    events: (evs: StoreWatchEvent[]) => seen.events.push(...evs),
    progress: (rev: number) => seen.progress.push(rev),
    canceled: (err: Error) => (seen.canceled = err),
  };
}

describe('store client', () => {
  let dir: string;
  let world: World;
  let client: ActorStoreClient;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-store-'));
    world = new World();
    await world.spawn('store/0', createShardBehavior({ shardId: 0, dataDir: dir, durability: 'fsync' }));
    let c: ActorStoreClient | undefined;
    const ctx = await world.spawn('apiserver', {
      receive: (_ctx, msg: { type: string }) => {
        if (isStoreWatchMsg(msg)) c!.deliver(msg);
      },
      onDown: (_ctx, target) => c!.shardDown(target),
    });
    c = createStoreClient(ctx, shardRouter({ shards: 1 }), { timeoutMs: 5000 });
    client = c;
  });
  afterEach(async () => {
    // A clean stop waits for the shard's background work (a recovery snapshot after a restart);
    // a killed incarnation's (in this one-thread harness its promises outlive it) may still be
    // writing, so the removal retries.
    await world.stop('store/0').catch(() => {});
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store client - put, get and prefix list round trip', async () => {
    const put = await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/x', value: enc('one') }], failure: [] });
    expect(put.revision).toBe(2);
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/y', value: enc('two') }], failure: [] });
    const got = await client.range('/registry/pods/a/x');
    expect(got.kvs.map((kv) => dec(kv.value))).toEqual(['one']);
    const list = await client.range('/registry/pods/', { prefix: true });
    expect(list.kvs.map((kv) => kv.key)).toEqual(['/registry/pods/a/x', '/registry/pods/a/y']);
    expect(list.revision).toBe(3);
  });

  it('store client - watch events arrive before the write is acknowledged', async () => {
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen));
    const r = await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/x', value: enc('v') }], failure: [] });
    // No settle(): the event must already be delivered when the txn's promise resolves.
    expect(seen.events.map((e) => e.kv.modRevision)).toEqual([r.revision]);
  });

  it('store client - sinks see a write before txn resolves even when the reply overtakes the events', async () => {
    world.repliesJumpQueue = true;
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen));
    for (const v of ['1', '2', '3']) {
      const r = await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/x', value: enc(v) }], failure: [] });
      expect(seen.events.at(-1)?.kv.modRevision).toBe(r.revision);
    }
  });

  it('store client - a lost watch message delays a txn only until the ask timeout', async () => {
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen));
    world.dropTell = (to, msg) => to === 'apiserver' && (msg as { type: string }).type === 'storeWatchEvents';
    let done = false;
    const before = world.replies;
    const p = client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/x', value: enc('v') }], failure: [] }).then((r) => ((done = true), r));
    await world.until(() => world.replies > before);
    await world.settle();
    expect(done).toBe(false); // the reply is in, but the event it promised is not
    world.clock.advance(5000);
    expect((await p).revision).toBe(2);
    expect(seen.events).toEqual([]);
  });

  it('store client - conditional create fails on an existing key', async () => {
    const create = (v: string) =>
      client.txn({
        compare: [{ target: 'modRevision', key: '/registry/pods/a/x', op: '=', value: 0 }],
        success: [{ type: 'put', key: '/registry/pods/a/x', value: enc(v) }],
        failure: [{ type: 'range', key: '/registry/pods/a/x' }],
      });
    expect((await create('1')).succeeded).toBe(true);
    const second = await create('2');
    expect(second.succeeded).toBe(false);
    const r = second.results[0];
    expect(r.type === 'range' && dec(r.result.kvs[0].value)).toBe('1');
  });

  it('store client - watch from a past revision replays history, then follows', async () => {
    for (const n of ['a', 'b', 'c']) await client.txn({ compare: [], success: [{ type: 'put', key: `/registry/pods/ns/${n}`, value: enc(n) }], failure: [] });
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true, startRevision: 3, prevKv: true }, sinkInto(seen));
    await world.settle();
    await client.txn({ compare: [], success: [{ type: 'delete', key: '/registry/pods/ns/a' }], failure: [] });
    expect(seen.events.map((e) => `${e.type}:${e.kv.key}@${e.kv.modRevision}`)).toEqual([
      'put:/registry/pods/ns/b@3',
      'put:/registry/pods/ns/c@4',
      'delete:/registry/pods/ns/a@5',
    ]);
    expect(seen.events[2].prevKv && dec(seen.events[2].prevKv.value)).toBe('a');
  });

  it('store client - watch below the compacted revision is canceled with CompactedError', async () => {
    for (const n of ['a', 'b', 'c']) await client.txn({ compare: [], success: [{ type: 'put', key: `/registry/pods/ns/${n}`, value: enc(n) }], failure: [] });
    await client.compact('/registry/pods/', 4);
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true, startRevision: 2 }, sinkInto(seen));
    await world.settle();
    expect(seen.canceled).toBeInstanceOf(CompactedError);
    expect((seen.canceled as CompactedError).compactRevision).toBe(4);
    await expect(client.range('/registry/pods/', { prefix: true, revision: 3 })).rejects.toBeInstanceOf(CompactedError);
    expect(client.watchCount).toBe(0);
  });

  it('store client - canceled watch receives nothing more', async () => {
    const seen: Seen = { events: [], progress: [] };
    const w = await client.watch({ key: '/registry/pods/a/x' }, sinkInto(seen));
    w.cancel();
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/x', value: enc('v') }], failure: [] });
    await world.settle();
    expect(seen.events).toEqual([]);
    expect(client.watchCount).toBe(0);
  });

  it('store client - progress reports the head to open watches', async () => {
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen));
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/nodes/n1', value: enc('n') }], failure: [] });
    expect(await client.progress('/registry/pods/')).toBe(2);
    await world.settle();
    expect(seen.progress).toEqual([2]);
  });

  it('store client - a dead shard cancels its watches and a restarted shard recovers the data', async () => {
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen));
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/a/x', value: enc('kept') }], failure: [] });
    world.kill('store/0');
    await world.settle();
    expect(seen.canceled).toBeInstanceOf(WatchCanceledError);
    await world.spawn('store/0', createShardBehavior({ shardId: 0, dataDir: dir, durability: 'fsync' }));
    const got = await client.range('/registry/pods/a/x');
    expect(got.kvs.map((kv) => [dec(kv.value), kv.modRevision])).toEqual([['kept', 2]]);
    expect(got.revision).toBe(2);
  });

  it('store client - shardDown for a shard that did not restart does not stall the next write', async () => {
    const seen: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen));
    for (const n of ['a', 'b', 'c']) await client.txn({ compare: [], success: [{ type: 'put', key: `/registry/pods/d/${n}`, value: enc(n) }], failure: [] });
    client.shardDown('store/0'); // spurious: store/0 is alive, its push counter goes on
    expect(seen.canceled).toBeInstanceOf(WatchCanceledError);
    const seen2: Seen = { events: [], progress: [] };
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(seen2));
    // Without the fix this waits for pushes that never come (until the ask timeout, which the
    // SimClock never reaches): the test then fails on vitest's timeout.
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/d/e', value: enc('e') }], failure: [] });
    expect(seen2.events.map((e) => e.kv.key)).toEqual(['/registry/pods/d/e']);
    expect(seen.events.map((e) => e.kv.key)).toHaveLength(3); // the canceled sink heard nothing more
  });

  it('store client - one coalesced batch reaches every watch it names, also when the first was canceled', async () => {
    const a: Seen = { events: [], progress: [] };
    const b: Seen = { events: [], progress: [] };
    const wa = await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(a));
    await client.watch({ key: '/registry/pods/', prefix: true }, sinkInto(b));
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/c/1', value: enc('1') }], failure: [] });
    wa.cancel();
    await client.txn({ compare: [], success: [{ type: 'put', key: '/registry/pods/c/2', value: enc('2') }], failure: [] });
    expect(a.events.map((e) => e.kv.key)).toEqual(['/registry/pods/c/1']);
    expect(b.events.map((e) => e.kv.key)).toEqual(['/registry/pods/c/1', '/registry/pods/c/2']);
  });
});
