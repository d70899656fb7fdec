import { describe, expect, it } from 'vitest';
import { CompactedError } from '../../../src/store/errors.js';
import { Mvcc } from '../../../src/store/mvcc.js';
import type { RevisionEvents } from '../../../src/store/mvcc.js';
import type { StoreWatchEvent } from '../../../src/store/types.js';
import { Watchable } from '../../../src/store/watchable.js';
import type { WatcherSink } from '../../../src/store/watchable.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Rec is a sink that records batches; `full` makes it refuse deliveries (a slow receiver). */
class Rec implements WatcherSink {
  batches: { keys: string[]; revision: number }[] = [];
  canceledWith?: Error;
  full = false;
  deliver(events: StoreWatchEvent[], revision: number): boolean {
    if (this.full) return false;
    this.batches.push({ keys: events.map((e) => `${e.type}:${e.kv.key}@${e.kv.modRevision}`), revision });
    return true;
  }
  canceled(err: Error): void {
    this.canceledWith = err;
  }
  get keys(): string[] {
    return this.batches.flatMap((b) => b.keys);
  }
}

/** Fixture: an Mvcc whose writes are published one txn at a time (the shard does it per flush). */
function fixture(syncBatchEvents = 1000) {
  const m = new Mvcc();
  const w = new Watchable(m, { syncBatchEvents });
  const write = (...keys: string[]): RevisionEvents => {
    const out = m.txn({ compare: [], success: keys.map((k) => (k.startsWith('-') ? { type: 'delete' as const, key: k.slice(1) } : { type: 'put' as const, key: k, value: enc(k) })), failure: [] });
    return out.committed!.events;
  };
  const commit = (...keys: string[]): void => w.publish([write(...keys)]);
  const drain = (): void => {
    for (let i = 0; i < 100 && w.syncStep(); i++);
  };
  return { m, w, write, commit, drain };
}

describe('store watchable', () => {
  it('store watchable - a watcher from now sees only later events, matched by key or prefix', () => {
    const { w, commit } = fixture();
    commit('/p/a');
    const exact = new Rec();
    const prefix = new Rec();
    w.watch('e', { key: '/p/a' }, exact);
    w.watch('p', { key: '/p/', prefix: true }, prefix);
    commit('/p/a', '/q/a');
    commit('/p/b');
    expect(exact.keys).toEqual(['put:/p/a@3']);
    expect(prefix.keys).toEqual(['put:/p/a@3', 'put:/p/b@4']);
  });

  it('store watchable - one publish of several revisions is one batch per watcher', () => {
    const { w, write } = fixture();
    const r = new Rec();
    w.watch('p', { key: '/p/', prefix: true }, r);
    w.publish([write('/p/a'), write('/x'), write('/p/b')]);
    expect(r.batches).toEqual([{ keys: ['put:/p/a@2', 'put:/p/b@4'], revision: 4 }]);
  });

  it('store watchable - a watcher from the past catches up in bounded steps, then follows live', () => {
    const { w, commit, drain } = fixture(2);
    for (const k of ['/p/a', '/p/b', '/x', '/p/c', '/p/d']) commit(k); // revs 2..6
    const past = new Rec();
    const live = new Rec();
    w.watch('past', { key: '/p/', prefix: true, startRevision: 3 }, past);
    w.watch('live', { key: '/p/', prefix: true }, live);
    expect(w.stats()).toEqual({ synced: 1, unsynced: 1, victims: 0 });
    w.syncStep();
    expect(past.keys).toEqual(['put:/p/b@3']); // one bounded step, not the whole history
    commit('/p/e'); // live watchers are not held back by the catching-up one
    expect(live.keys).toEqual(['put:/p/e@7']);
    drain();
    commit('/p/f');
    expect(past.keys).toEqual(['put:/p/b@3', 'put:/p/c@5', 'put:/p/d@6', 'put:/p/e@7', 'put:/p/f@8']);
    expect(w.stats()).toEqual({ synced: 2, unsynced: 0, victims: 0 });
  });

  it('store watchable - a slow watcher becomes a victim, then catches up from history without losing events', () => {
    const { w, commit, drain } = fixture();
    const slow = new Rec();
    const fast = new Rec();
    w.watch('slow', { key: '/p/', prefix: true }, slow);
    w.watch('fast', { key: '/p/', prefix: true }, fast);
    slow.full = true;
    commit('/p/a');
    commit('/p/b');
    expect(w.stats().victims).toBe(1);
    expect(fast.keys).toEqual(['put:/p/a@2', 'put:/p/b@3']); // the store did not stall
    drain();
    expect(slow.keys).toEqual([]);
    slow.full = false;
    drain();
    commit('/p/c');
    expect(slow.keys).toEqual(['put:/p/a@2', 'put:/p/b@3', 'put:/p/c@4']);
    expect(w.stats()).toEqual({ synced: 2, unsynced: 0, victims: 0 });
  });

  it('store watchable - a watcher left behind a compaction is canceled with CompactedError', () => {
    const { m, w, commit, drain } = fixture();
    const slow = new Rec();
    w.watch('slow', { key: '/p/', prefix: true }, slow);
    slow.full = true;
    commit('/p/a'); // victim holding rev 2
    slow.full = false;
    commit('/p/b'); // rev 3 is not offered to a victim
    m.compact(3);
    drain(); // held batch delivered, next = 3 = compactRevision: fine
    expect(slow.canceledWith).toBeUndefined();
    const late = new Rec();
    w.watch('late', { key: '/p/', startRevision: 2, prefix: true }, late);
    drain();
    expect(late.canceledWith).toBeInstanceOf(CompactedError);
    expect(w.stats().synced).toBe(1);
  });

  it('store watchable - prevKv is stripped unless asked for', () => {
    const { w, write } = fixture();
    const seen: StoreWatchEvent[][] = [];
    const sink = (into: StoreWatchEvent[]): WatcherSink => ({ deliver: (e) => (into.push(...e), true), canceled: () => {} });
    const withPrev: StoreWatchEvent[] = [];
    const without: StoreWatchEvent[] = [];
    seen.push(withPrev, without);
    w.watch('a', { key: 'k', prevKv: true }, sink(withPrev));
    w.watch('b', { key: 'k' }, sink(without));
    w.publish([write('k')]);
    w.publish([write('-k')]);
    expect(withPrev.map((e) => !!e.prevKv)).toEqual([false, true]);
    expect(without.map((e) => !!e.prevKv)).toEqual([false, false]);
  });

  it('store watchable - progress goes to synced watchers only; progressTick only to idle progressNotify ones', () => {
    const { w, commit } = fixture();
    commit('/x');
    const synced = new Rec();
    const behind = new Rec();
    const notify = new Rec();
    w.watch('s', { key: '/p/', prefix: true }, synced);
    w.watch('b', { key: '/p/', prefix: true, startRevision: 1 }, behind);
    w.watch('n', { key: '/n/', prefix: true, progressNotify: true }, notify);
    expect(w.progress('s')).toBe(2);
    expect(w.progress('b')).toBeUndefined();
    expect(synced.batches).toEqual([{ keys: [], revision: 2 }]);
    expect(behind.batches).toEqual([]);
    commit('/n/a');
    w.progressTick(); // n just got an event: no progress this tick
    w.progressTick();
    expect(notify.batches).toEqual([
      { keys: ['put:/n/a@3'], revision: 3 },
      { keys: [], revision: 3 },
    ]);
  });

  it('store watchable - cancel stops delivery; a watch may start at a future revision', () => {
    const { w, commit } = fixture();
    const gone = new Rec();
    const future = new Rec();
    w.watch('g', { key: 'k' }, gone);
    w.watch('f', { key: 'k', startRevision: 4 }, future);
    expect(w.cancel('g')).toBe(true);
    expect(w.cancel('g')).toBe(false);
    commit('k');
    commit('k');
    commit('k');
    expect(gone.keys).toEqual([]);
    expect(future.keys).toEqual(['put:k@4']);
  });
});
