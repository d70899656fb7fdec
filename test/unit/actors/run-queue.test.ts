import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../../src/actors/run-queue.js';

/** take pops n slots in order (what the host's drain loop does). */
function take(q: RunQueue, n: number): unknown[] {
  const out: unknown[] = [];
  for (let k = 0; k < n; k++) out.push(q.buf[q.head++ & q.mask]);
  q.rebase();
  return out;
}

describe('run-queue', () => {
  it.each([
    { name: 'fits without growing', items: 100, drainEvery: 0 },
    { name: 'grows past the initial capacity', items: 5000, drainEvery: 0 },
    { name: 'wraps around while being drained', items: 20_000, drainEvery: 999 },
    { name: 'grows while wrapped', items: 50_000, drainEvery: 2001 },
  ])('run-queue - FIFO holds when it $name', ({ items, drainEvery }) => {
    const q = new RunQueue();
    const got: unknown[] = [];
    for (let i = 0; i < items; i++) {
      q.put3(i, 'x', i);
      if (drainEvery && i % drainEvery === 0) got.push(...take(q, Math.min(q.size, 3 * 700)));
    }
    got.push(...take(q, q.size));
    const want = Array.from({ length: items }, (_, i) => [i, 'x', i]).flat();
    expect(got).toEqual(want);
    expect(q.size).toBe(0);
    expect(q.head).toBe(0);
  });

  it('run-queue - put3 and put5 interleave in order across a growth', () => {
    const q = new RunQueue();
    const want: number[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 2) q.put5(i, i, i, i, i);
      else q.put3(i, i, i);
      want.push(...Array<number>(i % 2 ? 5 : 3).fill(i));
    }
    expect(take(q, q.size)).toEqual(want);
  });

  it('run-queue - clear drops items and references', () => {
    const q = new RunQueue();
    q.put3(0, 1, { big: true });
    q.clear();
    expect(q.size).toBe(0);
    expect(q.buf.every((x) => x === undefined)).toBe(true);
  });
});
