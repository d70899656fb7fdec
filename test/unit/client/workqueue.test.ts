import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { ItemExponentialRateLimiter, WorkQueue } from '../../../src/client/workqueue.js';

describe('client/workqueue', () => {
  it('client/workqueue - deduplicates keys waiting in the queue', () => {
    const q = new WorkQueue<string>({ clock: new SimClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(q.tryGet()).toBe('a');
    expect(q.tryGet()).toBe('b');
    expect(q.tryGet()).toBeUndefined();
  });

  it('client/workqueue - never hands out a key twice at once; an add during processing re-delivers once after done', () => {
    const q = new WorkQueue<string>({ clock: new SimClock() });
    q.add('a');
    const k = q.tryGet();
    expect(k).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.tryGet()).toBeUndefined();
    q.done('a');
    expect(q.tryGet()).toBe('a');
    q.done('a');
    expect(q.tryGet()).toBeUndefined();
  });

  it('client/workqueue - get() waits for an add and resolves undefined after shutDown', async () => {
    const q = new WorkQueue<string>({ clock: new SimClock() });
    const p = q.get();
    q.add('x');
    await expect(p).resolves.toBe('x');
    const p2 = q.get();
    q.shutDown();
    await expect(p2).resolves.toBeUndefined();
    q.add('y');
    expect(q.len()).toBe(0);
  });

  it('client/workqueue - addAfter delivers on the injected clock, earliest deadline wins', () => {
    const clock = new SimClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 300);
    q.addAfter('a', 5000);
    expect(q.waitingLen()).toBe(1);
    clock.advance(299);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    clock.advance(10_000);
    expect(q.len()).toBe(1);
  });

  it.each([
    [0, 5],
    [1, 10],
    [2, 20],
    [10, 5120],
    [40, 1_000_000],
  ])('client/workqueue - rate limiter: after %i failures the delay is %i ms', (n, want) => {
    const rl = new ItemExponentialRateLimiter<string>();
    for (let i = 0; i < n; i++) rl.when('k');
    expect(rl.when('k')).toBe(want);
  });

  it('client/workqueue - addRateLimited backs off per item and forget resets it', () => {
    const clock = new SimClock();
    const q = new WorkQueue<string>({ clock });
    q.addRateLimited('a'); // 5 ms
    q.addRateLimited('b'); // 5 ms (own history)
    clock.advance(5);
    expect(q.len()).toBe(2);
    q.tryGet();
    q.done('a');
    q.addRateLimited('a'); // 10 ms
    expect(q.numRequeues('a')).toBe(2);
    clock.advance(9);
    expect(q.isProcessing('a')).toBe(false);
    expect(q.len()).toBe(1);
    clock.advance(1);
    expect(q.len()).toBe(2);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });
});
