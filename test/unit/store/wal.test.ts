import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mvcc } from '../../../src/store/mvcc.js';
import type { WalRecord } from '../../../src/store/mvcc.js';
import { ShardCore } from '../../../src/store/shard-core.js';
import type { StoreShardParams } from '../../../src/store/protocol.js';
import { Wal, decodeFrames, encodeFrames, walFile } from '../../../src/store/wal.js';
import { silentLog } from './harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const rec = (rev: number, key: string, value?: string): WalRecord => ({ t: 'txn', rev, changes: [value === undefined ? { key } : { key, value: enc(value) }] });

describe('store wal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-wal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store wal - frames round trip', () => {
    const records = [rec(2, 'a', 'x'), rec(3, 'a'), { t: 'compact', rev: 3 } as WalRecord];
    const bytes = encodeFrames(records);
    const out = decodeFrames(bytes);
    expect(out.validBytes).toBe(bytes.length);
    expect(out.records.map((r) => (r.t === 'txn' ? [r.rev, r.changes[0].key, r.changes[0].value && dec(r.changes[0].value)] : ['compact', r.rev]))).toEqual([
      [2, 'a', 'x'],
      [3, 'a', undefined],
      ['compact', 3],
    ]);
  });

  const torn: { name: string; damage: (good: Uint8Array, last: Uint8Array) => Uint8Array }[] = [
    { name: 'half a header', damage: (g, l) => concat(g, l.subarray(0, 3)) },
    { name: 'a short payload', damage: (g, l) => concat(g, l.subarray(0, l.length - 2)) },
    { name: 'a bad checksum', damage: (g, l) => concat(g, flipLast(l)) },
    { name: 'a torn frame before zero padding', damage: (g, l) => concat(concat(g, l.subarray(0, l.length - 2)), new Uint8Array(64)) },
  ];
  it.each(torn)('store wal - open stops at a torn tail ($name) and truncates it', async ({ damage }) => {
    const file = walFile(dir, 0);
    const good = encodeFrames([rec(2, 'a', '1'), rec(3, 'b', '2')]);
    const last = encodeFrames([rec(4, 'c', '3')]);
    await writeFile(file, damage(good, last));
    const { wal, records, tornBytes } = await Wal.open(file, 'fsync', { preallocBytes: 0 });
    expect(records.map((r) => r.rev)).toEqual([2, 3]);
    expect(tornBytes).toBeGreaterThan(0);
    expect((await stat(file)).size).toBe(good.length);
    await wal.append([rec(4, 'd', '4')]); // appends continue right after the good frames
    await wal.close();
    expect(decodeFrames(await readFile(file)).records.map((r) => r.rev)).toEqual([2, 3, 4]);
  });

  it('store wal - zeros after the last frame are a preallocated tail, not damage', async () => {
    const file = walFile(dir, 0);
    const good = encodeFrames([rec(2, 'a', '1'), rec(3, 'b', '2')]);
    await writeFile(file, concat(good, new Uint8Array(4096)));
    const { wal, records, tornBytes } = await Wal.open(file, 'async');
    expect(records.map((r) => r.rev)).toEqual([2, 3]);
    expect(tornBytes).toBe(0);
    await wal.append([rec(4, 'c', '3')]); // right after the good frames, over the zeros
    await wal.close();
    expect(decodeFrames(await readFile(file)).records.map((r) => r.rev)).toEqual([2, 3, 4]);
  });

  it('store wal - an fsync log is zero-filled ahead of its writes and every group reads back after a crash', async () => {
    const file = walFile(dir, 7);
    const wal = await Wal.create(file, 'fsync', { preallocBytes: 256 * 1024 });
    const big = 'v'.repeat(10_000);
    // ~1 MB of groups: the fill runs ahead of the writes several times, and appends that reach a
    // stretch still being filled wait for it rather than race it.
    for (let g = 0; g < 50; g++) await wal.append([rec(2 + 2 * g, `k${g}`, big), rec(3 + 2 * g, `j${g}`, big)]);
    // No close(): as after a kill. The file is longer than the frames, and the rest is zeros.
    const size = (await stat(file)).size;
    const r = await Wal.read(file);
    expect(r.records.map((x) => x.rev)).toEqual(Array.from({ length: 100 }, (_, i) => 2 + i));
    expect(r.tornBytes).toBe(0);
    expect(size).toBeGreaterThan(r.bytes);
    await wal.close();
  });

  it('store wal - one append of a group is readable after reopen', async () => {
    const file = walFile(dir, 3);
    const first = await Wal.open(file, 'async');
    expect(first.records).toEqual([]);
    await first.wal.append([rec(2, 'a', '1'), rec(3, 'b', '2')]);
    await first.wal.append([]);
    await first.wal.close();
    const again = await Wal.open(file, 'async');
    expect(again.records.map((r) => r.rev)).toEqual([2, 3]);
    expect(again.tornBytes).toBe(0);
    await again.wal.close();
  });

  const core = (params: Partial<StoreShardParams> = {}) => {
    const scheduled: ('flush' | 'sync')[] = [];
    const fatal: Error[] = [];
    const ready = ShardCore.open(
      { shardId: 0, dataDir: dir, durability: 'fsync', ...params },
      { shard: 'store/0', epoch: 'e1', log: silentLog(), push: () => {}, schedule: (t) => scheduled.push(t), fatal: (e) => fatal.push(e) },
    );
    /** run executes scheduled tasks like a shard's mailbox would. */
    const run = async (c: ShardCore): Promise<void> => {
      while (scheduled.length) await c.runScheduled(scheduled.shift()!);
    };
    return { ready, run, fatal };
  };

  it('store wal - a shard core recovers acknowledged writes and compaction after a restart', async () => {
    const a = core();
    const c1 = await a.ready;
    const writes = ['x=1', 'y=1', 'x=2'].map((s) => c1.txn({ compare: [], success: [{ type: 'put', key: s.split('=')[0], value: enc(s) }], failure: [] }));
    await a.run(c1);
    await Promise.all(writes);
    const compacting = c1.compact(3);
    await a.run(c1);
    await compacting;
    // No close(): a killed worker never runs stopped().
    const b = core();
    const c2 = await b.ready;
    expect(c2.status()).toMatchObject({ revision: 4, compactRevision: 3, keys: 2 });
    expect(dec(c2.range('x').kvs[0].value)).toBe('x=2');
    expect(c2.range('x').kvs[0].version).toBe(2);
  });

  it('store wal - writes of one tick share one group, acknowledged only after the flush', async () => {
    const a = core();
    const c = await a.ready;
    let acked = 0;
    const ps = [1, 2, 3].map((i) => c.txn({ compare: [], success: [{ type: 'put', key: `k${i}`, value: enc('v') }], failure: [] }).then(() => acked++));
    await new Promise((r) => setImmediate(r));
    expect(acked).toBe(0); // nothing is acknowledged before the flush ran
    expect(c.range('k1').count).toBe(0); // and nothing unflushed is visible to reads
    await a.run(c);
    await Promise.all(ps);
    expect(acked).toBe(3);
    const frames = decodeFrames(await readFile(walFile(dir, 0, 1))); // generation 1: the first start
    expect(frames.records.map((r) => r.rev)).toEqual([2, 3, 4]);
  });

  it('store wal - memory durability writes no file; fsync without dataDir is refused', async () => {
    const sub = join(dir, 'mem');
    const m = core({ durability: 'memory', dataDir: sub });
    const c = await m.ready;
    const p = c.txn({ compare: [], success: [{ type: 'put', key: 'k', value: enc('v') }], failure: [] });
    await m.run(c);
    expect((await p).result.revision).toBe(2);
    expect(await readdir(dir)).toEqual([]);
    await expect(core({ dataDir: undefined }).ready).rejects.toThrow(/needs a dataDir/);
  });

  it('store wal - a failed append rejects the waiting writes and reports fatal', async () => {
    const a = core();
    const c = await a.ready;
    // Close the log under the core: the next append fails like a dying disk would.
    await c.close('store/0');
    const p = c.txn({ compare: [], success: [{ type: 'put', key: 'k', value: enc('v') }], failure: [] });
    await a.run(c);
    await expect(p).rejects.toThrow(/write-ahead log write failed/);
    expect(a.fatal).toHaveLength(1);
    await expect(c.txn({ compare: [], success: [], failure: [] })).rejects.toThrow(/write-ahead log/);
  });

  it('store wal - replay through Mvcc matches the live state', async () => {
    const file = walFile(dir, 1);
    const live = new Mvcc();
    const { wal } = await Wal.open(file, 'fsync');
    for (const k of ['a', 'b', 'a']) await wal.append([live.txn({ compare: [], success: [{ type: 'put', key: k, value: enc(k) }], failure: [] }).committed!.record]);
    await appendFile(file, new Uint8Array([1, 2, 3])); // torn tail
    await wal.close();
    const replayed = new Mvcc();
    const { records, wal: w2 } = await Wal.open(file, 'fsync');
    for (const r of records) replayed.replay(r);
    await w2.close();
    const plain = (m: Mvcc) => m.range('', { prefix: true }).kvs.map((kv) => ({ ...kv, value: dec(kv.value) }));
    expect(plain(replayed)).toEqual(plain(live));
    expect(replayed.revision).toBe(live.revision);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function flipLast(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c[c.length - 1] ^= 0xff;
  return c;
}
