import { describe, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError } from '../../../src/store/errors.js';
import { Mvcc } from '../../../src/store/mvcc.js';
import type { Compare, Op, TxnRequest } from '../../../src/store/types.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const put = (key: string, v = key): Op => ({ type: 'put', key, value: enc(v) });
const del = (key: string, prefix = false): Op => ({ type: 'delete', key, prefix });
const tx = (...success: Op[]): TxnRequest => ({ compare: [], success, failure: [] });

/** build applies one txn per step: a string puts key=value, '-key' deletes it. */
function build(...steps: string[]): Mvcc {
  const m = new Mvcc();
  for (const s of steps) m.txn(tx(s.startsWith('-') ? del(s.slice(1)) : put(s.split('=')[0], s.split('=')[1] ?? s)));
  return m;
}

describe('store mvcc', () => {
  it('store mvcc - an empty store is at revision 1 and each writing txn adds one', () => {
    const m = new Mvcc();
    expect(m.revision).toBe(1);
    expect(m.txn(tx(put('a'), put('b'), put('c'))).result.revision).toBe(2);
    expect(m.txn(tx(put('a'))).result.revision).toBe(3);
    expect(m.txn(tx(del('missing'))).result.revision).toBe(3);
    expect(m.txn(tx({ type: 'range', key: 'a' })).committed).toBeUndefined();
  });

  it.each([
    { name: 'first put', steps: ['a=1'], want: { createRevision: 2, modRevision: 2, version: 1, value: '1' } },
    { name: 'second put bumps version', steps: ['a=1', 'a=2'], want: { createRevision: 2, modRevision: 3, version: 2, value: '2' } },
    { name: 'other keys do not touch it', steps: ['a=1', 'b=1', 'a=2'], want: { createRevision: 2, modRevision: 4, version: 2, value: '2' } },
    { name: 'new generation after delete', steps: ['a=1', 'a=2', '-a', 'a=3'], want: { createRevision: 5, modRevision: 5, version: 1, value: '3' } },
    { name: 'deleted key is absent', steps: ['a=1', '-a'], want: undefined },
  ])('store mvcc - per-key revisions and generations: $name', ({ steps, want }) => {
    const m = build(...steps);
    const kv = m.range('a').kvs[0];
    expect(kv && { createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version, value: dec(kv.value) }).toEqual(want);
  });

  it('store mvcc - reads at an older revision see the history', () => {
    const m = build('a=1', 'a=2', '-a', 'a=3');
    const at = (rev: number) => m.range('a', { revision: rev }).kvs.map((kv) => `${dec(kv.value)}/v${kv.version}`);
    expect([1, 2, 3, 4, 5].map(at)).toEqual([[], ['1/v1'], ['2/v2'], [], ['3/v1']]);
  });

  it('store mvcc - sub revisions order writes inside one txn', () => {
    const m = new Mvcc();
    const out = m.txn(tx(put('b'), put('a'), put('b', 'again')));
    expect(out.committed?.events.events.map((e) => `${e.kv.key}:${e.kv.version}`)).toEqual(['b:1', 'a:1', 'b:2']);
    expect(out.committed?.record.changes.map((c) => c.key)).toEqual(['b', 'a', 'b']);
  });

  it.each([
    { name: 'exact key', key: '/p/b', opts: {}, keys: ['/p/b'], count: 1, more: false },
    { name: 'prefix, sorted', key: '/p/', opts: { prefix: true }, keys: ['/p/a', '/p/b', '/p/c'], count: 3, more: false },
    { name: 'prefix excludes neighbours', key: '/p/a', opts: { prefix: true }, keys: ['/p/a'], count: 1, more: false },
    { name: 'limit', key: '/p/', opts: { prefix: true, limit: 2 }, keys: ['/p/a', '/p/b'], count: 3, more: true },
    { name: 'countOnly', key: '/p/', opts: { prefix: true, countOnly: true }, keys: [], count: 3, more: false },
    { name: 'missing key', key: '/p/zz', opts: {}, keys: [], count: 0, more: false },
    { name: 'at older revision', key: '/p/', opts: { prefix: true, revision: 3 }, keys: ['/p/c', '/p/a'].sort(), count: 2, more: false },
  ])('store mvcc - range options: $name', ({ key, opts, keys, count, more }) => {
    const m = build('/p/c', '/p/a', '/p/b', '/q/a', '/o/z');
    const r = m.range(key, opts);
    expect(r.kvs.map((kv) => kv.key)).toEqual(keys);
    expect(r.count).toBe(count);
    expect(r.more).toBe(more);
  });

  it('store mvcc - keysOnly drops values but keeps revisions', () => {
    const m = build('/p/a=hello');
    const kv = m.range('/p/', { prefix: true, keysOnly: true }).kvs[0];
    expect([kv.key, kv.value.length, kv.modRevision]).toEqual(['/p/a', 0, 2]);
    expect(dec(m.range('/p/a').kvs[0].value)).toBe('hello'); // the stored value is untouched
  });

  const cmp = (c: Partial<Compare> & { target: Compare['target'] }): Compare => ({ key: 'a', op: '=', ...c }) as Compare;
  it.each([
    { name: 'version = 2', c: cmp({ target: 'version', value: 2 }), ok: true },
    { name: 'version > 2', c: cmp({ target: 'version', op: '>', value: 2 }), ok: false },
    { name: 'modRevision = 3', c: cmp({ target: 'modRevision', value: 3 }), ok: true },
    { name: 'modRevision < 3', c: cmp({ target: 'modRevision', op: '<', value: 3 }), ok: false },
    { name: 'createRevision = 2', c: cmp({ target: 'createRevision', value: 2 }), ok: true },
    { name: 'createRevision != 2', c: cmp({ target: 'createRevision', op: '!=', value: 2 }), ok: false },
    { name: 'value = v2', c: { target: 'value', key: 'a', op: '=', value: enc('v2') } as Compare, ok: true },
    { name: 'value != v2', c: { target: 'value', key: 'a', op: '!=', value: enc('v2') } as Compare, ok: false },
    { name: 'absent key: modRevision = 0', c: cmp({ target: 'modRevision', key: 'zz', value: 0 }), ok: true },
    { name: 'absent key: version > 0', c: cmp({ target: 'version', key: 'zz', op: '>', value: 0 }), ok: false },
    { name: 'absent key: any value compare fails', c: { target: 'value', key: 'zz', op: '!=', value: enc('x') } as Compare, ok: false },
  ])('store mvcc - txn compare: $name', ({ c, ok }) => {
    const m = build('a=v1', 'a=v2');
    const out = m.txn({ compare: [c], success: [put('s')], failure: [put('f')] });
    expect(out.result.succeeded).toBe(ok);
    expect(m.range(ok ? 's' : 'f').count).toBe(1);
    expect(m.range(ok ? 'f' : 's').count).toBe(0);
  });

  it('store mvcc - txn results: prevKv, prefix delete counts, ranges see earlier ops', () => {
    const m = build('/p/a=1', '/p/b=2', '/q/a=3');
    const out = m.txn(tx({ type: 'put', key: '/p/a', value: enc('1b'), prevKv: true }, { type: 'range', key: '/p/', opts: { prefix: true } }, { type: 'delete', key: '/p/', prefix: true, prevKv: true }));
    const [p, r, d] = out.result.results;
    expect(p.type === 'put' && p.prevKv && dec(p.prevKv.value)).toBe('1');
    expect(r.type === 'range' && r.result.kvs.map((kv) => dec(kv.value))).toEqual(['1b', '2']);
    expect(d.type === 'delete' && [d.deleted, d.prevKvs?.map((kv) => dec(kv.value))]).toEqual([2, ['1b', '2']]);
    expect(m.range('/', { prefix: true }).kvs.map((kv) => kv.key)).toEqual(['/q/a']);
    const events = out.committed!.events.events;
    expect(events.map((e) => `${e.type}:${e.kv.key}`)).toEqual(['put:/p/a', 'delete:/p/a', 'delete:/p/b']);
    expect(events[1].kv).toMatchObject({ modRevision: 5, version: 0, createRevision: 0 });
  });

  it.each([
    { name: 'below compaction', rev: 3, err: CompactedError },
    { name: 'future', rev: 9, err: FutureRevisionError },
  ])('store mvcc - range at a $name revision throws a named error', ({ rev, err }) => {
    const m = build('a', 'b', 'c', 'd');
    m.compact(4);
    expect(() => m.range('a', { revision: rev })).toThrow(err);
  });

  it('store mvcc - compaction keeps the compact revision readable and drops older history', () => {
    const m = build('a=1', 'a=2', 'b=1', '-b', 'a=3'); // revs 2..6
    m.compact(5);
    expect(m.range('a', { revision: 5 }).kvs.map((kv) => dec(kv.value))).toEqual(['2']);
    expect(m.range('b', { revision: 5 }).count).toBe(0);
    expect(dec(m.range('a').kvs[0].value)).toBe('3');
    expect(m.keyCount).toBe(2); // b's delete at exactly rev 5 is still an event of rev 5 (kept for snapshots)
    expect(() => m.compact(5)).toThrow(CompactedError);
    expect(() => m.compact(7)).toThrow(FutureRevisionError);
    expect(() => m.logSince(4, 6, 100)).toThrow(CompactedError);
    expect(m.logSince(5, 6, 100).entries.map((e) => e.revision)).toEqual([5, 6]);
    m.compact(6);
    expect(m.keyCount).toBe(1); // now b's tombstoned history is gone
  });

  it('store mvcc - replay of the committed records rebuilds the same state', () => {
    const a = new Mvcc();
    const records = [tx(put('x', '1'), put('y')), tx(put('x', '2')), tx(del('', true)), tx(put('x', '3'))].map((t) => a.txn(t).committed!.record);
    const b = new Mvcc();
    for (const r of records) b.replay(r);
    b.replay({ t: 'compact', rev: 3 });
    expect(b.revision).toBe(a.revision);
    expect(b.range('x')).toEqual(a.range('x'));
    expect(b.compactRevision).toBe(3);
    expect(() => b.replay({ t: 'txn', rev: 9, changes: [] })).toThrow(RangeError);
  });

  it('store mvcc - logSince returns whole revisions in bounded batches', () => {
    const m = new Mvcc();
    m.txn(tx(put('a'), put('b'), put('c'))); // rev 2, 3 events
    m.txn(tx(put('d'))); // rev 3
    m.txn(tx(put('e'))); // rev 4
    const first = m.logSince(2, 4, 2);
    expect([first.entries.map((e) => e.revision), first.through]).toEqual([[2], 2]);
    const rest = m.logSince(3, 4, 2);
    expect([rest.entries.map((e) => e.revision), rest.through]).toEqual([[3, 4], 4]);
  });
});
