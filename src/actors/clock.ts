/**
 * Clocks: the real one, a scaled one (the topology's time scale) and a simulated one for tests and
 * deterministic simulation. Domain code only ever sees the Clock interface.
 */
import type { Clock, TimerHandle } from './types.js';

/** RealClock is wall-clock time with Node's timers. Timers are unref'd: they never keep a host alive. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref?.();
    return t;
  }
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

/**
 * ScaledClock runs `factor` times faster than its base clock from `origin` on: with factor 10 a
 * 10 s lease renewal happens every real second, and now() advances 10 s per real second.
 */
export class ScaledClock implements Clock {
  private readonly origin: number;
  constructor(
    private readonly base: Clock,
    readonly factor: number,
    origin?: number,
  ) {
    if (!(factor > 0)) throw new RangeError(`time scale must be > 0, got ${factor}`);
    this.origin = origin ?? base.now();
  }
  now(): number {
    return this.origin + (this.base.now() - this.origin) * this.factor;
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.base.setTimeout(fn, delayMs / this.factor);
  }
  clearTimeout(handle: TimerHandle): void {
    this.base.clearTimeout(handle);
  }
}

interface SimTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * SimClock is virtual time: nothing happens until advance()/runUntilIdle() moves it. Timers fire
 * in (time, creation order) order, so a run is reproducible.
 */
export class SimClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, SimTimer>();
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { id, at: this.t + Math.max(0, delayMs), seq: id, fn });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }
  /** pending is the number of timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }
  /** nextAt is the time of the earliest timer, or undefined. */
  nextAt(): number | undefined {
    let best: SimTimer | undefined;
    for (const tm of this.timers.values()) if (!best || tm.at < best.at || (tm.at === best.at && tm.seq < best.seq)) best = tm;
    return best?.at;
  }
  /** fireNext moves time to the earliest timer and runs it; false when none is pending. */
  fireNext(limit = Number.POSITIVE_INFINITY): boolean {
    let best: SimTimer | undefined;
    for (const tm of this.timers.values()) if (!best || tm.at < best.at || (tm.at === best.at && tm.seq < best.seq)) best = tm;
    if (!best || best.at > limit) return false;
    this.timers.delete(best.id);
    if (best.at > this.t) this.t = best.at;
    best.fn();
    return true;
  }
  /** advance runs every timer due within ms, in order, and leaves time at now + ms. */
  advance(ms: number): void {
    const end = this.t + ms;
    while (this.fireNext(end));
    this.t = end;
  }
}
