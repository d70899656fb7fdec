import { describe, expect, it } from 'vitest';
import { backoffBase, backoffDelay } from '../../../src/actors/backoff.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { Rng } from '../../../src/actors/types.js';

const fixed = (v: number): Rng => ({ next: () => v, int: (n) => Math.floor(v * n) });

describe('backoff', () => {
  it.each([
    { attempt: 1, want: 100 },
    { attempt: 2, want: 200 },
    { attempt: 4, want: 800 },
    { attempt: 5, want: 1_000 }, // capped by maxMs
    { attempt: 50, want: 1_000 },
  ])('backoff - base delay of attempt $attempt is $want ms', ({ attempt, want }) => {
    expect(backoffBase(attempt, { initialMs: 100, maxMs: 1_000, jitter: 0.5 })).toBe(want);
  });

  it.each([
    { r: 0, want: 150 }, // 300 · (1 − 0.5)
    { r: 0.5, want: 300 },
    { r: 0.999999, want: 450 }, // 300 · (1 + 0.5)
  ])('backoff - jitter draw $r maps to $want ms', ({ r, want }) => {
    expect(backoffDelay(2, { initialMs: 150, maxMs: 10_000, multiplier: 2, jitter: 0.5 }, fixed(r))).toBe(want);
  });

  it('backoff - jittered delays stay within base·(1±jitter) and under maxMs', () => {
    const rng = new SeededRng(42);
    const o = { initialMs: 100, maxMs: 1_000, multiplier: 3, jitter: 0.3 };
    const seen = new Set<number>();
    for (let attempt = 1; attempt <= 6; attempt++) {
      const base = backoffBase(attempt, o);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, o, rng);
        seen.add(d);
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.7));
        expect(d).toBeLessThanOrEqual(Math.min(1_000, Math.ceil(base * 1.3)));
      }
    }
    expect(seen.size).toBeGreaterThan(50); // jitter actually spreads the delays
  });
});
