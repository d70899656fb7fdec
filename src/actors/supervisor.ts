/**
 * Supervisor restarts children the OTP way. It runs on one thread with an injected Clock and
 * Rng, and supervises anything that implements {@link Child}: worker hosts, inline hosts, other
 * supervisors (supervisors nest: a supervisor is itself a Child), or test fakes.
 *
 * - strategy: one_for_one (restart the dead child), one_for_all (kill and restart all),
 *   rest_for_one (kill and restart the dead child and those started after it).
 * - restart type: permanent (always), transient (only after an abnormal exit), temporary (never).
 * - intensity: more than maxRestarts restarts within periodMs → give up: kill all children,
 *   emit 'escalate' and exit to the parent.
 * - backoff with jitter before each restart; exponent = this child's restarts in the window.
 * - start-up guard: a child that dies before READY is a start-up failure; it is retried with
 *   backoff, and after maxStartupFailures consecutive ones the supervisor escalates (no tight loop).
 */
import { EventEmitter } from 'eventemitter3';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.js';
import { StartupError } from './errors.js';
import type { Clock, Logger, Rng } from './types.js';

/** ExitInfo describes why a child ended. reason 'normal' is a clean stop; anything else is abnormal. */
export interface ExitInfo {
  reason: string;
  code?: number;
  error?: unknown;
}

/**
 * Child is something a supervisor can start and kill. start() resolves on READY and rejects
 * if the child dies before (a start-up failure; no exit is reported for that incarnation).
 * After READY, the end of the incarnation is reported once through onExit.
 */
export interface Child {
  readonly name: string;
  start(): Promise<void>;
  /** kill ends the child hard (no clean-up hooks); resolves when it is gone. */
  kill(): Promise<void>;
  /** stop ends the child cleanly; children without it are killed on shutdown. */
  stop?(): Promise<void>;
  /** onExit registers the listener for post-READY exits (and kills). */
  onExit(listener: (info: ExitInfo) => void): void;
}

/** Strategy: which siblings restart with a dead child. */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
/** RestartType: when a child is restarted. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** ChildSpec is a supervised child and its restart type (permanent unless set). */
export interface ChildSpec {
  child: Child;
  restart?: RestartType;
}

/** SupervisorOptions configure a Supervisor; clock/rng/log are injected for determinism. */
export interface SupervisorOptions {
  name: string;
  strategy?: Strategy;
  intensity?: { maxRestarts: number; periodMs: number };
  backoff?: BackoffOptions;
  /** maxStartupFailures consecutive start-up failures of one child make the supervisor give up (3). */
  maxStartupFailures?: number;
  clock: Clock;
  rng: Rng;
  log: Logger;
}

/** ChildState is a child's lifecycle state as the supervisor sees it. */
export type ChildState = 'idle' | 'starting' | 'running' | 'restarting' | 'stopped';

/** SupervisorEvents is the supervisor's event bus (eventemitter3). */
export interface SupervisorEvents {
  start: [{ child: string }];
  exit: [{ child: string; reason: string; code?: number }];
  restart: [{ child: string; reason: string; restartsInWindow: number; delayMs: number }];
  escalate: [{ supervisor: string; reason: string }];
}

interface Rec {
  child: Child;
  restart: RestartType;
  state: ChildState;
  restarts: number;
  recent: number[];
}

/** Supervisor: see the module comment. */
export class Supervisor extends EventEmitter<SupervisorEvents> implements Child {
  readonly name: string;
  private readonly recs: Rec[];
  private readonly strategy: Strategy;
  private readonly intensity: { maxRestarts: number; periodMs: number };
  private readonly backoff: BackoffOptions;
  private readonly maxStartupFailures: number;
  private restartTimes: number[] = [];
  private shuttingDown = false;
  private failed = false;
  private readonly exitListeners: ((info: ExitInfo) => void)[] = [];
  private readonly sleeps = new Set<{ handle: unknown; wake(): void }>();

  constructor(
    children: ChildSpec[],
    private readonly opts: SupervisorOptions,
  ) {
    super();
    this.name = opts.name;
    this.strategy = opts.strategy ?? 'one_for_one';
    this.intensity = opts.intensity ?? { maxRestarts: 3, periodMs: 5_000 };
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.maxStartupFailures = opts.maxStartupFailures ?? 3;
    this.recs = children.map((c) => ({ child: c.child, restart: c.restart ?? 'permanent', state: 'idle', restarts: 0, recent: [] }));
    for (const rec of this.recs) rec.child.onExit((info) => this.onChildExit(rec, info));
  }

  /** start starts the children in order; rejects (after escalating) if one keeps failing to start. */
  async start(): Promise<void> {
    this.shuttingDown = false;
    this.failed = false;
    this.restartTimes = [];
    if (!(await this.startSequence(this.recs))) throw new StartupError(`supervisor ${this.name}: a child failed to start`);
  }

  /** kill ends every child hard, last started first. */
  async kill(): Promise<void> {
    await this.shutdown(false);
  }

  /** stop ends every child cleanly (stop() where a child has it), last started first. */
  async stop(): Promise<void> {
    await this.shutdown(true);
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.exitListeners.push(listener);
  }

  /** children lists each child's name, state and restart count, in start order. */
  children(): { name: string; state: ChildState; restarts: number }[] {
    return this.recs.map((r) => ({ name: r.child.name, state: r.state, restarts: r.restarts }));
  }

  /** hasFailed reports whether the supervisor gave up (escalated). */
  get hasFailed(): boolean {
    return this.failed;
  }

  private async shutdown(clean: boolean): Promise<void> {
    this.shuttingDown = true;
    for (const s of this.sleeps) s.wake();
    for (const rec of [...this.recs].reverse()) {
      const was = rec.state;
      rec.state = 'stopped';
      if (was === 'running' || was === 'starting') await (clean && rec.child.stop ? rec.child.stop() : rec.child.kill());
    }
  }

  private onChildExit(rec: Rec, info: ExitInfo): void {
    // Exits we caused (strategy kills, shutdown) and pre-READY deaths (start() rejects) are not news.
    if (this.shuttingDown || rec.state !== 'running') return;
    this.emit('exit', { child: rec.child.name, reason: info.reason, code: info.code });
    const abnormal = info.reason !== 'normal';
    if (rec.restart === 'temporary' || (rec.restart === 'transient' && !abnormal)) {
      rec.state = 'stopped';
      return;
    }
    rec.state = 'restarting';
    void this.restart(rec, info.reason);
  }

  private async restart(rec: Rec, reason: string): Promise<void> {
    const now = this.opts.clock.now();
    const since = now - this.intensity.periodMs;
    this.restartTimes = this.restartTimes.filter((t) => t > since);
    this.restartTimes.push(now);
    rec.recent = rec.recent.filter((t) => t > since);
    rec.recent.push(now);
    if (this.restartTimes.length > this.intensity.maxRestarts) {
      await this.escalate(`restart intensity exceeded: ${this.restartTimes.length} restarts in ${this.intensity.periodMs} ms (child ${rec.child.name}: ${reason})`);
      return;
    }
    const idx = this.recs.indexOf(rec);
    const group =
      this.strategy === 'one_for_one'
        ? [rec]
        : this.recs.filter((r, i) => (this.strategy === 'one_for_all' || i >= idx) && (r === rec || r.state !== 'stopped'));
    for (const r of [...group].reverse()) {
      if (r === rec) continue;
      const was = r.state;
      r.state = 'restarting';
      if (was === 'running' || was === 'starting') await r.child.kill();
    }
    const restartsInWindow = rec.recent.length;
    const delayMs = backoffDelay(restartsInWindow, this.backoff, this.opts.rng);
    rec.restarts++;
    this.opts.log.warn('restarting child', { supervisor: this.name, child: rec.child.name, reason, restartsInWindow, delayMs });
    this.emit('restart', { child: rec.child.name, reason, restartsInWindow, delayMs });
    if (!(await this.sleep(delayMs))) return;
    await this.startSequence(group);
  }

  /** startSequence starts recs in order, each with the start-up guard; false if it gave up. */
  private async startSequence(recs: Rec[]): Promise<boolean> {
    for (const rec of recs) {
      if (this.shuttingDown) return false;
      if (!(await this.startGuarded(rec))) return false;
    }
    return true;
  }

  private async startGuarded(rec: Rec): Promise<boolean> {
    let failures = 0;
    for (;;) {
      rec.state = 'starting';
      try {
        await rec.child.start();
      } catch (err) {
        if (this.shuttingDown) return false;
        failures++;
        this.emit('exit', { child: rec.child.name, reason: 'startup-failure' });
        if (failures >= this.maxStartupFailures) {
          await this.escalate(`child ${rec.child.name} failed to start ${failures} times in a row: ${errText(err)}`);
          return false;
        }
        const delayMs = backoffDelay(failures, this.backoff, this.opts.rng);
        this.opts.log.warn('child failed to start', { supervisor: this.name, child: rec.child.name, reason: errText(err), failures, delayMs });
        if (!(await this.sleep(delayMs))) return false;
        continue;
      }
      if (this.shuttingDown) {
        await rec.child.kill();
        return false;
      }
      rec.state = 'running';
      this.emit('start', { child: rec.child.name });
      return true;
    }
  }

  private async escalate(reason: string): Promise<void> {
    if (this.failed) return;
    this.failed = true;
    this.opts.log.error('supervisor gives up', { supervisor: this.name, reason });
    await this.shutdown(false);
    this.emit('escalate', { supervisor: this.name, reason });
    for (const l of this.exitListeners) l({ reason: 'escalated', error: new StartupError(reason) });
  }

  /** sleep waits delayMs on the injected clock; false if the supervisor shut down meanwhile. */
  private sleep(delayMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = {
        handle: undefined as unknown,
        wake: () => {
          this.opts.clock.clearTimeout(entry.handle as never);
          this.sleeps.delete(entry);
          resolve(false);
        },
      };
      entry.handle = this.opts.clock.setTimeout(() => {
        this.sleeps.delete(entry);
        resolve(!this.shuttingDown);
      }, delayMs);
      // RealClock timers are unref'd; a pending restart must keep the process alive.
      (entry.handle as { ref?: () => void }).ref?.();
      this.sleeps.add(entry);
    });
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
