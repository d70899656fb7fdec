import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../src/actors/errors.js';
import { createShardBehavior, parseShardParams } from '../../../src/store/shard.js';
import type { StoreShardRequest, StoreShardStatus, StoreTxnReply, StoreWatchEventsMsg } from '../../../src/store/protocol.js';
import { storeActors } from '../../../src/store/index.js';
import { World } from './harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const T = { timeoutMs: 1000 };

async function setup(params: Record<string, unknown> = {}) {
  const world = new World();
  await world.spawn('store/0', createShardBehavior({ shardId: 0, durability: 'memory', ...params }));
  const client = await world.recorder('watcher');
  const ask = <R>(msg: StoreShardRequest) => client.ask<R>('store/0', msg, T);
  const put = (key: string) => ask<StoreTxnReply>({ type: 'storeTxn', req: { compare: [], success: [{ type: 'put', key, value: enc(key) }], failure: [] } });
  const status = () => ask<StoreShardStatus>({ type: 'storeStatus' });
  const events = () => (world.inbox.get('watcher') as StoreWatchEventsMsg[]).flatMap((m) => m.events.map((e) => e.kv.key));
  return { world, client, ask, put, status, events };
}

describe('store shard', () => {
  it.each([
    { name: 'missing shardId', raw: { durability: 'memory' }, err: /shardId/ },
    { name: 'negative shardId', raw: { shardId: -1, durability: 'memory' }, err: /shardId/ },
    { name: 'unknown durability', raw: { shardId: 0, durability: 'paper' }, err: /durability/ },
  ])('store shard - params are checked: $name', ({ raw, err }) => {
    expect(() => parseShardParams(raw)).toThrow(err);
  });

  it('store shard - params default durability to fsync; the registry builds the kind', () => {
    expect(parseShardParams({ shardId: 2 }).durability).toBe('fsync');
    expect(typeof storeActors['store-shard']).toBe('function');
  });

  it('store shard - a subscriber that dies loses its watches', async () => {
    const { world, ask, status } = await setup();
    await ask({ type: 'storeWatch', watchId: 'w1', subscriber: 'watcher', opts: { key: '/a/', prefix: true } });
    await ask({ type: 'storeWatch', watchId: 'w2', subscriber: 'watcher', opts: { key: '/b' } });
    expect((await status()).watchers.synced).toBe(2);
    world.kill('watcher');
    await world.settle();
    const other = await world.recorder('other');
    const s = await other.ask<StoreShardStatus>('store/0', { type: 'storeStatus' }, T);
    expect(s.watchers).toEqual({ synced: 0, unsynced: 0, victims: 0 });
  });

  it('store shard - a watch at its window waits for acks instead of buffering without bound', async () => {
    const { world, client, ask, put, status, events } = await setup({ watchWindowEvents: 2 });
    await ask({ type: 'storeWatch', watchId: 'w', subscriber: 'watcher', opts: { key: '/a/', prefix: true } });
    for (const k of ['/a/1', '/a/2', '/a/3', '/a/4']) await put(k);
    await world.settle();
    expect(events()).toEqual(['/a/1', '/a/2']); // window full: the rest waits in history
    expect((await status()).watchers.victims).toBe(1);
    client.tell('store/0', { type: 'storeWatchAck', watchId: 'w', subscriber: 'watcher', events: 2 } satisfies StoreShardRequest);
    await world.settle();
    client.tell('store/0', { type: 'storeWatchAck', watchId: 'w', subscriber: 'watcher', events: 2 } satisfies StoreShardRequest);
    await world.settle();
    expect(events()).toEqual(['/a/1', '/a/2', '/a/3', '/a/4']);
    expect((await status()).watchers).toEqual({ synced: 1, unsynced: 0, victims: 0 });
  });

  it('store shard - compacts on its interval, keeping one interval of history', async () => {
    const { world, put, status } = await setup({ compactIntervalMs: 1000 });
    await put('/a');
    await put('/b'); // head 3
    world.clock.advance(1000); // first tick: marks 3, compacts nothing
    await world.settle();
    expect((await status()).compactRevision).toBe(0);
    await put('/c'); // head 4
    world.clock.advance(1000); // compacts at the previous mark
    await world.settle();
    expect((await status()).compactRevision).toBe(3);
  });

  it('store shard - progress and status reflect the durable head', async () => {
    const { world, ask, put } = await setup();
    await ask({ type: 'storeWatch', watchId: 'w', subscriber: 'watcher', opts: { key: '/z' } });
    await put('/a');
    expect(await ask({ type: 'storeProgress', subscriber: 'watcher' })).toEqual({ revision: 2 });
    await world.settle();
    const last = world.inbox.get('watcher')!.at(-1) as StoreWatchEventsMsg;
    expect([last.type, last.events.length, last.revision]).toEqual(['storeWatchEvents', 0, 2]);
  });

  it('store shard - a stopped shard cancels its watches with a reason', async () => {
    const { world, ask } = await setup();
    await ask({ type: 'storeWatch', watchId: 'w', subscriber: 'watcher', opts: { key: '/z' } });
    await world.stop('store/0');
    await world.settle();
    const msgs = world.inbox.get('watcher') as { type: string; error?: { name: string } }[];
    expect(msgs.map((m) => [m.type, m.error?.name])).toEqual([['storeWatchCanceled', 'WatchCanceledError']]);
  });

  it('store shard - a WAL failure crashes the shard', async () => {
    const { world, put } = await setup();
    const shard = createShardBehavior({ shardId: 1, durability: 'memory' });
    const ctx = await world.spawn('store/1', shard);
    expect(() => shard.receive(ctx, { type: '$fatal', message: 'disk gone' })).toThrow(InvariantError);
    await put('/still-fine');
  });
});
