/**
 * Split groups (one resource over several shards, one revision counter): the shared sequence,
 * a member's safe point and reads ahead of its own head, the restart barrier, and the client's
 * WatchMerger. The whole client path runs in the conformance suite (embedded-split) and the kill
 * test (member kills under a write storm).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../../src/actors/clock.js';
import { WatchMerger } from '../../../src/store/client.js';
import { FutureRevisionError } from '../../../src/store/errors.js';
import { RevisionSequence, newSequenceBuffer } from '../../../src/store/sequence.js';
import type { StoreWatchEvent } from '../../../src/store/types.js';
import { openCore, type CoreHandle } from './core-harness.js';

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const ev = (key: string, rev: number): StoreWatchEvent => ({ type: 'put', kv: { key, value: new Uint8Array(), createRevision: rev, modRevision: rev, version: 1 } });

describe('store split groups', () => {
  let dir: string;
  let clock: SimClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-split-'));
    clock = new SimClock();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  const group = async (sequence: SharedArrayBuffer, members: number[], n = 3): Promise<CoreHandle[]> =>
    Promise.all(members.map((m) => openCore(join(dir, `m${m}`), clock, { shardId: m, group: { sequence, members: n, member: m } })));

  it('store split - the sequence hands out increasing revisions, and join only ever raises it', () => {
    const sab = newSequenceBuffer();
    const a = new RevisionSequence(sab, 2);
    const b = new RevisionSequence(sab, 2); // another member's view of the same buffer
    expect(a.current()).toBe(1);
    expect([a.next(), b.next(), a.next()]).toEqual([2, 3, 4]);
    a.join(0, 10);
    expect(b.current()).toBe(10);
    b.join(1, 7); // lower than the counter: no effect
    expect(a.current()).toBe(10);
    expect(a.isReady()).toBe(true);
    expect(() => new RevisionSequence(sab, 0)).toThrow(RangeError);
    expect(() => a.join(2, 1)).toThrow(RangeError);
  });

  it('store split - members write with one counter; a member reads at a group revision above its own head', async () => {
    const [m0, m1] = await group(newSequenceBuffer(), [0, 1], 2);
    const r1 = await m0.put('/p/a', '1');
    const r2 = await m1.put('/p/b', '1');
    const r3 = await m0.put('/p/a', '2');
    expect([r1.revision, r2.revision, r3.revision]).toEqual([2, 3, 4]);
    // m1's own head is 3; the group is at 4, and m1 has nothing pending: it serves 4.
    expect(m1.core.revision).toBe(3);
    expect(m1.core.safePoint()).toBe(4);
    const at4 = await m1.core.range('/p/', { prefix: true, revision: 4 });
    expect([at4.revision, at4.kvs.map((kv) => dec(kv.value))]).toEqual([4, ['1']]);
    // m0 at revision 3 (the other member's write): its state then.
    const at3 = await m0.core.range('/p/a', { revision: 3 });
    expect(at3.kvs.map((kv) => dec(kv.value))).toEqual(['1']);
    await expect(Promise.resolve().then(() => m1.core.range('/p/', { prefix: true, revision: 9 }))).rejects.toBeInstanceOf(FutureRevisionError);
    for (const m of [m0, m1]) await m.core.close('store/0');
  });

  it('store split - after a whole restart no member writes before every member has recovered', async () => {
    let members = await group(newSequenceBuffer(), [0, 1, 2]);
    let last = 0;
    for (let i = 0; i < 9; i++) last = (await members[i % 3].put(`/p/k${i}`, String(i))).revision;
    for (const m of members) await m.core.close('store/0');
    // A new process: a fresh buffer, counter back at 1. Member 0 recovers first.
    const sequence = newSequenceBuffer();
    const [m0] = await group(sequence, [0]);
    let acked: number | undefined;
    const write = m0.put('/p/late', 'x').then((r) => (acked = r.revision));
    await new Promise((r) => setTimeout(r, 30));
    expect(acked).toBeUndefined(); // members 1 and 2 still recovering: it must not take a revision yet
    members = [m0, ...(await group(sequence, [1, 2]))];
    await write;
    expect(acked).toBeGreaterThan(last); // above every revision any member holds
    for (const m of members) await m.core.close('store/0');
  });

  it('store split - the merger passes events on only when every member has reached them, in revision order', () => {
    const out: { revs: number[]; through: number }[] = [];
    const progress: number[] = [];
    const asked: number[] = [];
    const m = new WatchMerger(
      3,
      10,
      { events: (evs, through) => out.push({ revs: evs.map((e) => e.kv.modRevision), through }), progress: (r) => progress.push(r), canceled: () => {} },
      (i) => {
        asked.push(i);
        return true;
      },
      () => {},
    );
    const [s0, s1, s2] = [0, 1, 2].map((i) => m.sinkFor(i));
    s1.events([ev('/b', 12)], 12);
    expect(out).toEqual([]); // members 0 and 2 may still have 11 or 12 in flight
    expect(asked.sort()).toEqual([0, 2]);
    s0.events([ev('/a', 11), ev('/a', 13)], 13);
    expect(out).toEqual([]); // member 2 is still at 10
    s2.progress!(14);
    expect(out).toEqual([{ revs: [11, 12], through: 12 }]); // 13 waits: member 1 is at 12
    asked.length = 0;
    s1.progress!(15);
    expect(out[1]).toEqual({ revs: [13], through: 13 });
    s0.progress!(16);
    expect(progress).toEqual([14]); // nothing left to pass on: min(16, 15, 14) is reported as progress
  });

  it('store split - one member canceling ends the merged watch once, and cancels the others', () => {
    const canceled: Error[] = [];
    let others = 0;
    const m = new WatchMerger(2, 0, { events: () => {}, canceled: (e) => canceled.push(e) }, () => true, () => others++);
    m.sinkFor(0).canceled(new Error('shard-down'));
    m.sinkFor(1).canceled(new Error('shard-down'));
    expect(canceled).toHaveLength(1);
    expect(others).toBe(1);
  });
});
