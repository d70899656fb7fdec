/**
 * A tiny in-thread actor world for store tests: FIFO delivery of tells AND replies through one
 * queue (so "tell before reply" ordering is observable, as on a real link), asks with timeouts
 * on a SimClock, monitors, and kill (no stopped() hook, like a worker termination).
 */
import { ActorNotFoundError, AskTimeoutError, WorkerDiedError } from '../../../src/actors/errors.js';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { ActorContext, ActorId, Behavior, Logger } from '../../../src/actors/types.js';

/** silentLog is a Logger that records warnings for assertions. */
export function silentLog(records: { level: string; msg: string; fields?: Record<string, unknown> }[] = []): Logger {
  const mk = (base: Record<string, unknown>): Logger => ({
    debug: () => {},
    info: (msg, fields) => records.push({ level: 'info', msg, fields: { ...base, ...fields } }),
    warn: (msg, fields) => records.push({ level: 'warn', msg, fields: { ...base, ...fields } }),
    error: (msg, fields) => records.push({ level: 'error', msg, fields: { ...base, ...fields } }),
    child: (f) => mk({ ...base, ...f }),
  });
  return mk({});
}

interface Cell {
  behavior: Behavior<any>;
  ctx: ActorContext;
  pendingAsks: Set<(err: Error) => void>;
}

/** World hosts behaviours on one thread. */
export class World {
  readonly clock = new SimClock();
  readonly rng = new SeededRng(7);
  readonly log = silentLog();
  /** crashes records errors thrown from tells (a real host would die). */
  readonly crashes: { actor: ActorId; error: unknown }[] = [];
  /** received records every message told to a recorder actor. */
  readonly inbox = new Map<ActorId, unknown[]>();
  private readonly cells = new Map<ActorId, Cell>();
  private readonly monitors = new Map<ActorId, Set<ActorId>>();
  private readonly queue: (() => void)[] = [];
  /**
   * repliesJumpQueue settles ask replies as soon as they are sent, ahead of tells already
   * queued (what a runtime that settles replies on arrival does).
   */
  repliesJumpQueue = false;
  /** replies counts ask replies sent (success or error). */
  replies = 0;
  /** dropTell, when it returns true, loses a tell (a dead letter). */
  dropTell?: (to: ActorId, msg: unknown) => boolean;
  private draining = false;

  async spawn(id: ActorId, behavior: Behavior<any>): Promise<ActorContext> {
    const ctx = this.makeCtx(id);
    const cell: Cell = { behavior, ctx, pendingAsks: new Set() };
    this.cells.set(id, cell);
    await behavior.started?.(ctx);
    return ctx;
  }

  /** recorder spawns an actor that stores what it is told in inbox. */
  async recorder(id: ActorId, onMsg?: (msg: unknown) => void): Promise<ActorContext> {
    this.inbox.set(id, []);
    return this.spawn(id, {
      receive: (_ctx, msg) => {
        this.inbox.get(id)!.push(msg);
        onMsg?.(msg);
      },
    });
  }

  /** kill removes an actor without stopped(): pending asks reject, monitors fire. */
  kill(id: ActorId): void {
    const cell = this.cells.get(id);
    if (!cell) return;
    this.cells.delete(id);
    for (const reject of cell.pendingAsks) reject(new WorkerDiedError(id, `host-of-${id}`));
    for (const watcher of this.monitors.get(id) ?? []) {
      const w = this.cells.get(watcher);
      if (w) this.enqueue(() => w.behavior.onDown?.(w.ctx, id, 'worker-exit'));
    }
    this.monitors.delete(id);
  }

  /** stop stops an actor cleanly (stopped() runs). */
  async stop(id: ActorId): Promise<void> {
    const cell = this.cells.get(id);
    if (!cell) return;
    await cell.behavior.stopped?.(cell.ctx);
    this.cells.delete(id);
  }

  /** settle lets queued deliveries and I/O finish (real fs callbacks need macrotask turns). */
  async settle(turns = 20): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  }

  /** until waits (in macrotask turns, for real I/O) until pred holds; throws after maxTurns. */
  async until(pred: () => boolean, maxTurns = 10_000): Promise<void> {
    for (let i = 0; i < maxTurns; i++) {
      if (pred()) return;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('World.until: condition never held');
  }

  private enqueue(fn: () => void): void {
    this.queue.push(fn);
    if (this.draining) return;
    this.draining = true;
    // One FIFO for tells and replies: what was sent first arrives first. One delivery per
    // macrotask, so every promise continuation a delivery triggers runs before the next one
    // (a test awaiting a reply observes exactly the messages delivered before that reply).
    const step = (): void => {
      const next = this.queue.shift();
      if (!next) {
        this.draining = false;
        return;
      }
      next();
      setImmediate(step);
    };
    setImmediate(step);
  }

  private makeCtx(self: ActorId): ActorContext {
    const timers = new Map<string, unknown>();
    const ctx: ActorContext = {
      self,
      clock: this.clock,
      rng: this.rng,
      log: this.log.child({ actor: self }),
      tell: (to, msg) => {
        if (this.dropTell?.(to, msg)) return;
        this.enqueue(() => {
          const cell = this.cells.get(to);
          if (!cell) return; // dead letter
          try {
            const r = cell.behavior.receive(cell.ctx, msg);
            if (r instanceof Promise) r.catch((error) => this.crashes.push({ actor: to, error }));
          } catch (error) {
            this.crashes.push({ actor: to, error });
          }
        });
      },
      ask: <R>(to: ActorId, msg: unknown, opts: { timeoutMs: number }) =>
        new Promise<R>((resolve, reject) => {
          const cell = this.cells.get(to);
          if (!cell) return reject(new ActorNotFoundError(to));
          let done = false;
          const finish = (fn: () => void): void => {
            if (done) return;
            done = true;
            this.clock.clearTimeout(timer);
            cell.pendingAsks.delete(fail);
            fn();
          };
          const fail = (err: Error): void => finish(() => reject(err));
          const timer = this.clock.setTimeout(() => fail(new AskTimeoutError(to, opts.timeoutMs)), opts.timeoutMs);
          cell.pendingAsks.add(fail);
          this.enqueue(() => {
            let r: unknown;
            try {
              r = cell.behavior.receive(cell.ctx, msg);
            } catch (e) {
              r = Promise.reject(e);
            }
            const send = (fn: () => void): void => {
              this.replies++;
              if (this.repliesJumpQueue) fn();
              else this.enqueue(fn);
            };
            Promise.resolve(r).then(
              (v) => send(() => finish(() => resolve(v as R))),
              (e) => send(() => finish(() => reject(e))),
            );
          });
        }),
      setTimer: (key, delayMs, msg, o) => {
        const prev = timers.get(key);
        if (prev !== undefined) this.clock.clearTimeout(prev as number);
        const fire = (): void => {
          if (o?.repeat) timers.set(key, this.clock.setTimeout(fire, delayMs));
          else timers.delete(key);
          ctx.tell(self, msg);
        };
        timers.set(key, this.clock.setTimeout(fire, delayMs));
      },
      cancelTimer: (key) => {
        const prev = timers.get(key);
        if (prev !== undefined) this.clock.clearTimeout(prev as number);
        timers.delete(key);
      },
      monitor: (target) => {
        let set = this.monitors.get(target);
        if (!set) this.monitors.set(target, (set = new Set()));
        set.add(self);
      },
      demonitor: (target) => {
        this.monitors.get(target)?.delete(self);
      },
    };
    return ctx;
  }
}
