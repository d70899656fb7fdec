/**
 * Random number generators. Domain code takes an Rng; production seeds from crypto, simulation
 * from the user's --seed, so a run replays exactly.
 */
import { randomInt } from 'node:crypto';
import type { Rng } from './types.js';

/** SeededRng is mulberry32: fast, 32-bit state, good enough for jitter, names and chaos schedules. */
export class SeededRng implements Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** fork derives an independent generator (e.g. one per actor) from this one. */
  fork(): SeededRng {
    return new SeededRng(Math.floor(this.next() * 4294967296));
  }
}

/** randomSeed returns a fresh 32-bit seed from the OS. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}
