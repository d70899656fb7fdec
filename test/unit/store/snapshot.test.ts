import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../../src/actors/clock.js';
import { Mvcc } from '../../../src/store/mvcc.js';
import type { RangeResult, TxnRequest } from '../../../src/store/types.js';
import { decodeFrames, encodeFrames, walFile } from '../../../src/store/wal.js';
import { sealFile, snapshotFile } from '../../../src/store/shard-storage.js';
import type { WalRecord } from '../../../src/store/mvcc.js';
import { openCore } from './core-harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const put = (key: string, v: string): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value: enc(v) }], failure: [] });
// Values read back from disk are Buffers (a Uint8Array subclass): compare contents.
const plain = (r: RangeResult) => ({ ...r, kvs: r.kvs.map((kv) => ({ ...kv, value: Array.from(kv.value) })) });
const del = (key: string): TxnRequest => ({ compare: [], success: [{ type: 'delete', key }], failure: [] });

describe('store snapshots', () => {
  let dir: string;
  let clock: SimClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-snap-'));
    clock = new SimClock();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store snapshots - restore rebuilds reads at old revisions and the watch event log exactly', () => {
    const m = new Mvcc();
    for (const t of [put('a', '1'), put('b', '1'), put('a', '2'), del('b'), put('b', '2'), put('c', '1'), del('a')]) m.txn(t);
    m.compact(5); // rev 5 is b's delete
    const r = Mvcc.restore(structuredClone(m.exportState(m.revision)));
    expect(r.revision).toBe(m.revision);
    expect(r.compactRevision).toBe(5);
    for (const rev of [5, 6, 7, 8]) expect(r.range('', { prefix: true, revision: rev })).toEqual(m.range('', { prefix: true, revision: rev }));
    expect(r.logSince(5, m.revision, 1000)).toEqual(m.logSince(5, m.revision, 1000));
  });

  it('store snapshots - exportState at an older head leaves later writes out', () => {
    const m = new Mvcc();
    m.txn(put('a', '1'));
    m.txn(put('a', '2'));
    const r = Mvcc.restore(m.exportState(2));
    expect(r.revision).toBe(2);
    expect(r.range('a').kvs[0].version).toBe(1);
  });

  it('store snapshots - a captured state does not change when the key is written after the capture', () => {
    // The shard captures the state, then awaits the new log generation's creation before it
    // encodes the snapshot; txns received meanwhile append to the same keys' histories.
    const m = new Mvcc();
    m.txn(put('a', '1'));
    m.txn(put('a', '2'));
    const state = m.exportState(m.revision);
    m.txn(put('a', '3'));
    m.compact(4);
    const r = Mvcc.restore(structuredClone(state));
    expect(r.revision).toBe(3);
    expect(r.range('a').kvs[0]).toMatchObject({ version: 2, modRevision: 3 });
    expect(r.logSince(2, 3, 100).entries.map((e) => e.revision)).toEqual([2, 3]);
  });

  it('store snapshots - a running shard snapshots past snapshotBytes, drops old generations, and recovers from them', async () => {
    const h = await openCore(dir, clock, { snapshotBytes: 2000 });
    for (let i = 0; i < 60; i++) await h.put(`/k/${i % 7}`, 'x'.repeat(100) + i);
    const c = h.core.compact(30);
    await c;
    for (let i = 60; i < 80; i++) await h.put(`/k/${i % 7}`, 'y'.repeat(100) + i);
    await h.core.close('store/0');
    const files = (await readdir(dir)).sort();
    expect(files.filter((f) => f.endsWith('.wal')).length).toBe(1); // older generations are in the snapshot
    expect(files).toContain('store-0.snap');
    const h2 = await openCore(dir, clock);
    expect(h2.core.recovery?.snapshotRevision).toBeGreaterThan(30);
    expect(h2.core.revision).toBe(h.core.revision);
    expect(h2.core.status().compactRevision).toBe(30);
    expect(plain(h2.core.range('/k/', { prefix: true }))).toEqual(plain(h.core.range('/k/', { prefix: true })));
    expect(plain(h2.core.range('/k/', { prefix: true, revision: 40 }))).toEqual(plain(h.core.range('/k/', { prefix: true, revision: 40 })));
  });

  it('store snapshots - a stray frame written into an old generation after a restart is ignored', async () => {
    const h = await openCore(dir, clock);
    await h.put('/a', '1');
    const h2 = await openCore(dir, clock); // restart: gen 1 sealed, new generation 2, snapshot at 2 in the background
    // The killed incarnation's last write lands late, in its (now dead) generation 1 file.
    await appendFile(walFile(dir, 0, 1), encodeFrames([{ t: 'txn', rev: 3, changes: [{ key: '/stray', value: enc('x') }] }]));
    await h2.put('/b', '1');
    const h3 = await openCore(dir, clock);
    expect(h3.core.range('/', { prefix: true }).kvs.map((kv) => kv.key)).toEqual(['/a', '/b']);
    expect(h3.core.revision).toBe(3);
  });

  it('store snapshots - an issue-2 single log is read as generation 0 and migrated', async () => {
    await appendFile(walFile(dir, 0), encodeFrames([{ t: 'txn', rev: 2, changes: [{ key: '/old', value: enc('v') }] }]));
    const h = await openCore(dir, clock);
    expect(h.core.range('/old').count).toBe(1);
    await h.core.settled(); // the snapshot of the replayed log is written in the background
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual(['store-0.1.wal']);
  });

  it('store snapshots - a state of several MiB is written in chunks and read back whole; a cut one is refused', async () => {
    const h = await openCore(dir, clock);
    const big = 'z'.repeat(60_000);
    for (let i = 0; i < 60; i++) await h.put(`/big/${String(i).padStart(2, '0')}`, big + i);
    await h.core.close('store/0');
    const h2 = await openCore(dir, clock); // restart: writes a snapshot of ~3.6 MB
    await h2.core.close('store/0');
    const bytes = await readFile(snapshotFile(dir, 0));
    const frames = decodeFrames(bytes).records as unknown as { v?: number; chunks?: number; k?: unknown[] }[];
    expect(frames[0]).toMatchObject({ v: 2, chunks: frames.length - 1 });
    expect(frames.length).toBeGreaterThan(3);
    const h3 = await openCore(dir, clock);
    expect(h3.core.range('/big/', { prefix: true }).kvs.map((kv) => new TextDecoder().decode(kv.value).slice(60_000))).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
    await h3.core.close('store/0');
    // A snapshot missing its last chunk (cut by hand: rename makes this impossible otherwise) is corruption, not an empty store.
    const fresh = await readFile(snapshotFile(dir, 0));
    const cut = decodeFrames(fresh).records.slice(0, -1);
    await writeFile(snapshotFile(dir, 0), encodeFrames(cut));
    await expect(openCore(dir, clock)).rejects.toThrow(/snapshot frames are incomplete/);
  });

  it('store snapshots - a version-1 snapshot (one frame) is still read', async () => {
    const m = new Mvcc();
    m.txn(put('/v1/a', '1'));
    m.txn(put('/v1/a', '2'));
    await writeFile(snapshotFile(dir, 0), encodeFrames([{ v: 1, walGen: 1, state: m.exportState(m.revision) } as unknown as WalRecord]));
    const h = await openCore(dir, clock);
    expect(h.core.revision).toBe(3);
    expect(h.core.range('/v1/a').kvs[0].version).toBe(2);
  });

  it('store snapshots - a frame landing past a sealed generation is never replayed over this incarnation\'s writes', async () => {
    // The state a crash can leave: generation 1 was replayed and sealed at start; a dead
    // incarnation's late frame then landed after its sealed end, with the same revision as the
    // first write of generation 2. No snapshot yet (the background one had not finished).
    const a = encodeFrames([{ t: 'txn', rev: 2, changes: [{ key: '/a', value: enc('1') }] }]);
    await appendFile(walFile(dir, 0, 1), a);
    await writeFile(sealFile(dir, 0), encodeFrames([{ v: 1, gens: [[1, a.length]] } as unknown as WalRecord]));
    await appendFile(walFile(dir, 0, 1), encodeFrames([{ t: 'txn', rev: 3, changes: [{ key: '/stray', value: enc('x') }] }]));
    await appendFile(walFile(dir, 0, 2), encodeFrames([{ t: 'txn', rev: 3, changes: [{ key: '/b', value: enc('1') }] }]));
    const h = await openCore(dir, clock);
    expect(h.core.range('/', { prefix: true }).kvs.map((kv) => kv.key)).toEqual(['/a', '/b']);
    expect(h.core.revision).toBe(3);
    await h.core.close('store/0');
  });

  it('store snapshots - a restart with no log to replay keeps the snapshot and drops the empty generations', async () => {
    const h = await openCore(dir, clock);
    await h.put('/a', '1');
    await h.core.close('store/0');
    const h2 = await openCore(dir, clock); // replays gen 1: snapshot in the background
    await h2.core.close('store/0');
    const snapBefore = await readFile(snapshotFile(dir, 0));
    const h3 = await openCore(dir, clock); // nothing to replay
    expect(h3.core.range('/a').count).toBe(1);
    await h3.core.close('store/0');
    expect(Buffer.compare(await readFile(snapshotFile(dir, 0)), snapBefore)).toBe(0);
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual(['store-0.3.wal']);
  });
});
