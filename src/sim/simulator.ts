/**
 * Simulator drives an inline runtime deterministically: every host's drain turn goes through its
 * `scheduler` hook into one FIFO run queue, and time is a SimClock that only moves when no work is
 * ready (run all ready work, then jump to the next timer). With a SeededRng the whole run — and
 * every message dispatched — is a function of the seed.
 *
 *   loop: ready turns ──run in FIFO order──▶ (microtasks settle) ──none left?──▶ clock.fireNext()
 *
 * The trace is a hash chain over each dispatched message's (virtual time, host, actor, type), so two
 * runs compare in O(1) memory; `keep` also records the first entries for debugging a divergence.
 */
import { SimClock } from '../actors/clock.js';
import { fnv1a } from '../actors/placement.js';
import type { ActorId } from '../actors/types.js';

/** SimulatorOptions configure a Simulator. */
export interface SimulatorOptions {
  /** start: the virtual epoch (ms). */
  start?: number;
  /** keep: how many trace entries to keep verbatim (0). */
  keep?: number;
}

/** TraceEntry is one dispatched message. */
export interface TraceEntry {
  t: number;
  host: string;
  to: ActorId;
  type: string;
}

/** Simulator: see the module comment. */
export class Simulator {
  readonly clock: SimClock;
  private queue: (() => void)[] = [];
  private running = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private hash = 0x811c9dc5;
  private count = 0;
  private readonly kept: TraceEntry[] = [];
  private readonly keep: number;
  /** turns: drain turns run so far; timers: timers fired so far. */
  turns = 0;
  timers = 0;

  constructor(o: SimulatorOptions = {}) {
    this.clock = new SimClock(o.start);
    this.keep = o.keep ?? 0;
  }

  /** scheduler is the runtime's hook: queue a drain turn. */
  readonly scheduler = (fn: () => void): void => {
    this.queue.push(fn);
  };

  /** tracer is the runtime's hook: chain one dispatched message into the trace hash. */
  readonly tracer = (host: string, to: ActorId, msg: unknown): void => {
    const type = typeof msg === 'object' && msg !== null && typeof (msg as { type?: unknown }).type === 'string' ? (msg as { type: string }).type : typeof msg;
    const t = this.clock.now();
    this.hash = fnv1a(`${this.hash}|${t}|${host}|${to}|${type}`);
    this.count++;
    if (this.kept.length < this.keep) this.kept.push({ t, host, to, type });
  };

  /** traceHash is the hash chain so far, as 8 hex digits plus the message count. */
  traceHash(): string {
    return `${(this.hash >>> 0).toString(16).padStart(8, '0')}:${this.count}`;
  }

  /** messages is how many messages were dispatched. */
  get messages(): number {
    return this.count;
  }

  /** trace returns the kept entries. */
  trace(): readonly TraceEntry[] {
    return this.kept;
  }

  /** start runs the loop in the background until stop(); idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** stop ends the loop after the current step. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length > 0) {
        const fn = this.queue.shift()!;
        this.turns++;
        fn();
        // Let the promise continuations the turn caused (link flushes, async receives, the
        // driver's awaits) settle before the next turn: they are microtasks, so one macrotask
        // hop runs them all, in an order fixed by the code alone.
        await settle();
        continue;
      }
      if (this.clock.fireNext()) {
        this.timers++;
        await settle();
        continue;
      }
      // Nothing ready and no timer: only the outside world (a test's await) can add work.
      await settle();
    }
  }
}

/** settle resolves after every pending microtask has run (one real macrotask hop). */
function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
