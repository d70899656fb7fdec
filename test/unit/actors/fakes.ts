/** Test helpers for the runtime tests: a fake supervised child and event-loop flushing. */
import type { Child, ExitInfo } from '../../../src/actors/supervisor.js';

/** flush lets queued setImmediate/microtask work run (several rounds: drains chain). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** FakeChild is a Child whose start can be made to fail and whose exits the test triggers. */
export class FakeChild implements Child {
  starts = 0;
  kills = 0;
  running = false;
  /** failStarts: how many upcoming start() calls reject. */
  failStarts = 0;
  private listeners: ((i: ExitInfo) => void)[] = [];
  constructor(
    readonly name: string,
    private readonly journal: string[] = [],
  ) {}
  async start(): Promise<void> {
    this.starts++;
    this.journal.push(`start ${this.name}`);
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error(`${this.name} died before READY`);
    }
    this.running = true;
  }
  async kill(): Promise<void> {
    this.kills++;
    this.journal.push(`kill ${this.name}`);
    this.running = false;
  }
  onExit(l: (i: ExitInfo) => void): void {
    this.listeners.push(l);
  }
  /** exit simulates the child dying on its own. */
  exit(reason = 'crash', code = 1): void {
    this.running = false;
    this.journal.push(`exit ${this.name}`);
    for (const l of this.listeners) l({ reason, code });
  }
}
