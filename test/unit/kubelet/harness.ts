/**
 * A one-thread actor harness for node-component tests: behaviours addressed by id, tells
 * delivered as microtasks in order, asks resolved with receive's value, timers on a SimClock.
 * `settle()` runs queued messages and promise chains until nothing moves.
 */
import { ActorNotFoundError } from '../../../src/actors/errors.js';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { ActorContext, ActorId, Behavior, Logger } from '../../../src/actors/types.js';

/** silentLog drops records but keeps warnings/errors for assertions. */
export function testLogger(sink: { level: string; msg: string; fields?: Record<string, unknown> }[] = []): Logger {
  const mk = (base: Record<string, unknown>): Logger => ({
    debug: () => {},
    info: () => {},
    warn: (msg, fields) => sink.push({ level: 'warn', msg, fields: { ...base, ...fields } }),
    error: (msg, fields) => sink.push({ level: 'error', msg, fields: { ...base, ...fields } }),
    child: (f) => mk({ ...base, ...f }),
  });
  return mk({});
}

interface Cell {
  behavior: Behavior<any>;
  ctx: ActorContext;
  timers: Map<string, unknown>;
}

/** TestSystem hosts behaviours on one thread with a SimClock. */
export class TestSystem {
  readonly clock: SimClock;
  readonly logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  readonly cells = new Map<ActorId, Cell>();
  /** deadLetters counts tells to unknown actors. */
  deadLetters = 0;
  /** stubs answer asks to ids with no behaviour (e.g. a fake apiserver is not needed with FakeApiClient). */
  private seed = 1;

  constructor(clock = new SimClock()) {
    this.clock = clock;
  }

  /** spawn starts a behaviour under id (started() awaited). */
  async spawn(id: ActorId, behavior: Behavior<any>): Promise<ActorContext> {
    const timers = new Map<string, unknown>();
    const ctx: ActorContext = {
      self: id,
      clock: this.clock,
      rng: new SeededRng(this.seed++),
      log: testLogger(this.logs).child({ actor: id }),
      tell: (to, msg) => queueMicrotask(() => this.deliver(to, msg)),
      ask: async <R>(to: ActorId, msg: unknown): Promise<R> => {
        await Promise.resolve();
        const cell = this.cells.get(to);
        if (!cell) throw new ActorNotFoundError(to);
        return (await cell.behavior.receive(cell.ctx, msg)) as R;
      },
      setTimer: (key, delayMs, msg, opts) => {
        const prev = timers.get(key);
        if (prev !== undefined) this.clock.clearTimeout(prev as number);
        const fire = (): void => {
          if (opts?.repeat) timers.set(key, this.clock.setTimeout(fire, delayMs));
          else timers.delete(key);
          this.deliver(id, msg);
        };
        timers.set(key, this.clock.setTimeout(fire, delayMs));
      },
      cancelTimer: (key) => {
        const prev = timers.get(key);
        if (prev !== undefined) this.clock.clearTimeout(prev as number);
        timers.delete(key);
      },
      monitor: () => {},
      demonitor: () => {},
    };
    this.cells.set(id, { behavior, ctx, timers });
    await behavior.started?.(ctx);
    return ctx;
  }

  /** stop removes an actor as if its worker died (timers cancelled, stopped() not called). */
  kill(id: ActorId): void {
    const cell = this.cells.get(id);
    if (!cell) return;
    for (const t of cell.timers.values()) this.clock.clearTimeout(t as number);
    this.cells.delete(id);
  }

  /** tell delivers msg to id from outside. */
  tell(id: ActorId, msg: unknown): void {
    queueMicrotask(() => this.deliver(id, msg));
  }

  /** ask asks id from outside. */
  async ask<R>(id: ActorId, msg: unknown): Promise<R> {
    const cell = this.cells.get(id);
    if (!cell) throw new ActorNotFoundError(id);
    return (await cell.behavior.receive(cell.ctx, msg)) as R;
  }

  /** settle lets queued microtasks and promise chains run until quiet. */
  async settle(rounds = 20): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** advance moves simulated time in steps, settling between steps so async work keeps up. */
  async advance(ms: number, stepMs = 50): Promise<void> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      this.clock.advance(Math.min(stepMs, end - this.clock.now()));
      await this.settle();
    }
  }

  private deliver(to: ActorId, msg: unknown): void {
    const cell = this.cells.get(to);
    if (!cell) {
      this.deadLetters++;
      return;
    }
    const r = cell.behavior.receive(cell.ctx, msg);
    if (r instanceof Promise) r.catch((err: unknown) => this.logs.push({ level: 'crash', msg: String(err), fields: { actor: to } }));
  }
}
