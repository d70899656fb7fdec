/**
 * The storage conformance suite: one set of etcd-v3 semantics checks run against the embedded
 * store and against a real etcd 3.4. Everything kube-apiserver relies on: revisions, per-key
 * create/mod revision and version, generations, txn compares, ranges, compaction errors, watches
 * with prevKv and progress, leases. Revisions are compared relative to a test's first write, so
 * the tests hold on a fresh etcd and on shards alike.
 *
 * etcd comes from /usr/bin/etcd (Debian's etcd-server, installed by .ci/run). Without it the etcd
 * half is skipped locally, and fails under CI=true so a missing install cannot pass unseen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactedError, LeaseNotFoundError } from '../../src/store/errors.js';
import type { StoreWatchEvent, TxnRequest } from '../../src/store/types.js';
import { embeddedBackend, embeddedSplitBackend, etcdBackend, type Backend } from './backends.js';
import { etcdAvailable } from './etcd-server.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const put = (key: string, v: string, lease?: number): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value: enc(v), lease }], failure: [] });
const del = (key: string): TxnRequest => ({ compare: [], success: [{ type: 'delete', key }], failure: [] });

interface Seen {
  events: StoreWatchEvent[];
  progress: number[];
  canceled?: Error;
}
const sinkInto = (seen: Seen) => ({
  events: (evs: StoreWatchEvent[]) => seen.events.push(...evs),
  progress: (rev: number) => seen.progress.push(rev),
  canceled: (err: Error) => (seen.canceled = err),
});

// leases: whether one lease may hold keys anywhere in a resource. Not in a split group: a lease
// lives on one member and holds only that member's keys (docs/store.md, "Split groups").
const backends: { name: string; make: () => Promise<Backend>; skip: boolean; leases: boolean }[] = [
  { name: 'embedded', make: embeddedBackend, skip: false, leases: true },
  { name: 'embedded-split', make: embeddedSplitBackend, skip: false, leases: false },
  { name: 'etcd', make: etcdBackend, skip: !etcdAvailable() && !process.env.CI, leases: true },
];

for (const b of backends) {
  describe.skipIf(b.skip)(`store conformance (${b.name})`, () => {
    let be: Backend;
    let n = 0;
    /** prefix gives each test its own resource, so tests sharing one etcd do not see each other. */
    const prefix = () => `/registry/conf${++n}/`;
    beforeAll(async () => {
      be = await b.make();
    });
    afterAll(async () => {
      await be?.close();
    });

    it(`store conformance - ${b.name}: revisions, versions and generations follow etcd`, async () => {
      const p = prefix();
      const r1 = await be.client.txn(put(p + 'a', '1'));
      const r2 = await be.client.txn(put(p + 'a', '2'));
      expect(r2.revision).toBe(r1.revision + 1);
      const got = await be.client.range(p + 'a');
      expect(got.kvs.map((kv) => [dec(kv.value), kv.createRevision, kv.modRevision, kv.version])).toEqual([['2', r1.revision, r2.revision, 2]]);
      expect(got.revision).toBe(r2.revision);
      const r3 = await be.client.txn(del(p + 'a'));
      expect(r3.results[0]).toEqual({ type: 'delete', deleted: 1 });
      const none = await be.client.txn(del(p + 'a'));
      expect(none.revision).toBe(r3.revision); // deleting nothing writes nothing
      const r4 = await be.client.txn(put(p + 'a', '3'));
      const again = await be.client.range(p + 'a');
      expect(again.kvs.map((kv) => [kv.createRevision, kv.version])).toEqual([[r4.revision, 1]]); // a new generation
      const old = await be.client.range(p + 'a', { revision: r1.revision });
      expect(old.kvs.map((kv) => dec(kv.value))).toEqual(['1']);
      expect(old.revision).toBe(r1.revision);
    });

    it(`store conformance - ${b.name}: prefix ranges with limit, count, keysOnly and countOnly`, async () => {
      const p = prefix();
      for (const k of ['c', 'a', 'b', 'd']) await be.client.txn(put(p + k, 'v' + k));
      await be.client.txn(put(p.slice(0, -1) + 'x/zz', 'outside')); // shares the string prefix minus the slash
      const all = await be.client.range(p, { prefix: true });
      expect(all.kvs.map((kv) => kv.key.slice(p.length))).toEqual(['a', 'b', 'c', 'd']);
      expect(all.count).toBe(4);
      const lim = await be.client.range(p, { prefix: true, limit: 2 });
      expect([lim.kvs.length, lim.more, lim.count]).toEqual([2, true, 4]);
      const keys = await be.client.range(p, { prefix: true, keysOnly: true });
      expect(keys.kvs.every((kv) => kv.value.length === 0 && kv.modRevision > 0)).toBe(true);
      const cnt = await be.client.range(p, { prefix: true, countOnly: true });
      expect([cnt.kvs.length, cnt.count]).toEqual([0, 4]);
    });

    it(`store conformance - ${b.name}: txn compares on modRevision, version and value pick the branch`, async () => {
      const p = prefix();
      const k = p + 'obj';
      const create: TxnRequest = {
        compare: [{ target: 'modRevision', key: k, op: '=', value: 0 }],
        success: [{ type: 'put', key: k, value: enc('v1') }],
        failure: [{ type: 'range', key: k }],
      };
      const c1 = await be.client.txn(create);
      expect(c1.succeeded).toBe(true);
      const c2 = await be.client.txn(create);
      expect(c2.succeeded).toBe(false);
      expect(c2.revision).toBe(c1.revision);
      const cur = c2.results[0];
      expect(cur.type === 'range' && cur.result.kvs[0].modRevision).toBe(c1.revision);
      const update = (rev: number): TxnRequest => ({
        compare: [{ target: 'modRevision', key: k, op: '=', value: rev }],
        success: [{ type: 'put', key: k, value: enc('v2'), prevKv: true }],
        failure: [],
      });
      const u1 = await be.client.txn(update(c1.revision));
      expect(u1.succeeded).toBe(true);
      expect(u1.results[0].type === 'put' && u1.results[0].prevKv && dec(u1.results[0].prevKv.value)).toBe('v1');
      expect((await be.client.txn(update(c1.revision))).succeeded).toBe(false); // stale: a conflict
      const byVersion = await be.client.txn({ compare: [{ target: 'version', key: k, op: '>', value: 1 }], success: [], failure: [] });
      expect(byVersion.succeeded).toBe(true);
      const valueOnAbsent = await be.client.txn({ compare: [{ target: 'value', key: p + 'nope', op: '!=', value: enc('x') }], success: [], failure: [] });
      expect(valueOnAbsent.succeeded).toBe(false); // a value compare on an absent key fails
      const valueEq = await be.client.txn({ compare: [{ target: 'value', key: k, op: '=', value: enc('v2') }], success: [], failure: [] });
      expect(valueEq.succeeded).toBe(true);
    });

    it(`store conformance - ${b.name}: compaction makes older reads and watches fail with CompactedError`, async () => {
      const p = prefix();
      const r1 = await be.client.txn(put(p + 'a', '1'));
      const r2 = await be.client.txn(put(p + 'a', '2'));
      await be.client.txn(put(p + 'a', '3'));
      await be.client.compact(p, r2.revision);
      await expect(be.client.range(p + 'a', { revision: r1.revision })).rejects.toBeInstanceOf(CompactedError);
      expect(dec((await be.client.range(p + 'a', { revision: r2.revision })).kvs[0].value)).toBe('2');
      const seen: Seen = { events: [], progress: [] };
      await be.client.watch({ key: p, prefix: true, startRevision: r1.revision }, sinkInto(seen));
      await be.eventually(() => seen.canceled !== undefined);
      expect(seen.canceled).toBeInstanceOf(CompactedError);
      expect(seen.events).toEqual([]);
    });

    it(`store conformance - ${b.name}: a watch from a revision replays then follows, in order, with prevKv`, async () => {
      const p = prefix();
      const r1 = await be.client.txn(put(p + 'a', '1'));
      await be.client.txn(put(p + 'a', '2'));
      const seen: Seen = { events: [], progress: [] };
      const w = await be.client.watch({ key: p, prefix: true, startRevision: r1.revision, prevKv: true }, sinkInto(seen));
      await be.client.txn(put(p + 'b', '1'));
      await be.client.txn(put(p.slice(0, -1) + 'z', 'not mine'));
      const rd = await be.client.txn(del(p + 'a'));
      await be.eventually(() => seen.events.length >= 4);
      expect(seen.events.map((e) => [e.type, e.kv.key.slice(p.length), e.kv.version, e.prevKv ? dec(e.prevKv.value) : null])).toEqual([
        ['put', 'a', 1, null],
        ['put', 'a', 2, '1'],
        ['put', 'b', 1, null],
        ['delete', 'a', 0, '2'],
      ]);
      expect(seen.events[3].kv.modRevision).toBe(rd.revision);
      w.cancel();
      await be.client.txn(put(p + 'c', '1'));
      const mark = await be.client.txn(put(p + 'marker', '1'));
      const after: Seen = { events: [], progress: [] };
      await be.client.watch({ key: p + 'marker', startRevision: mark.revision }, sinkInto(after));
      await be.eventually(() => after.events.length === 1);
      expect(seen.events).toHaveLength(4); // the canceled watch heard nothing more
    });

    it(`store conformance - ${b.name}: progress notifications report the head to an idle watch`, async () => {
      const p = prefix();
      const r = await be.client.txn(put(p + 'a', '1'));
      const seen: Seen = { events: [], progress: [] };
      await be.client.watch({ key: p, prefix: true }, sinkInto(seen));
      const head = await be.client.progress(p);
      expect(head).toBeGreaterThanOrEqual(r.revision);
      await be.eventually(() => seen.progress.length > 0);
      expect(seen.progress[0]).toBeGreaterThanOrEqual(r.revision);
      expect(seen.events).toEqual([]);
    });

    it.skipIf(!b.leases)(`store conformance - ${b.name}: leases hold keys until revoked; unknown leases are refused`, async () => {
      const p = prefix();
      const { id, ttl } = await be.client.leaseGrant(p, 60);
      expect(ttl).toBe(60);
      await be.client.txn(put(p + 'a', '1', id));
      await be.client.txn(put(p + 'b', '1', id));
      await be.client.txn(put(p + 'c', '1'));
      const got = await be.client.range(p + 'a');
      expect(got.kvs[0].lease).toBe(id);
      const info = await be.client.leaseTimeToLive(id, { keys: true });
      expect([info.grantedTtl, info.keys]).toEqual([60, [p + 'a', p + 'b']]);
      expect(info.ttl).toBeGreaterThan(0);
      expect((await be.client.leaseKeepAlive(id)).ttl).toBe(60);
      await be.client.leaseRevoke(id);
      expect((await be.client.range(p, { prefix: true })).kvs.map((kv) => kv.key)).toEqual([p + 'c']);
      expect((await be.client.leaseTimeToLive(id)).ttl).toBe(-1);
      await expect(be.client.txn(put(p + 'd', '1', id))).rejects.toBeInstanceOf(LeaseNotFoundError);
      await expect(be.client.leaseKeepAlive(id)).rejects.toBeInstanceOf(LeaseNotFoundError);
    });

    it.skipIf(!b.leases)(`store conformance - ${b.name}: an expired lease deletes its keys, seen by watchers as deletes`, async () => {
      const p = prefix();
      const { id } = await be.client.leaseGrant(p, 2);
      await be.client.txn(put(p + 'ev', '1', id));
      const seen: Seen = { events: [], progress: [] };
      await be.client.watch({ key: p, prefix: true }, sinkInto(seen));
      await be.passTime(2500);
      await be.eventually(() => seen.events.length === 1);
      expect(seen.events[0].type).toBe('delete');
      expect((await be.client.range(p, { prefix: true })).count).toBe(0);
    });
  });
}
