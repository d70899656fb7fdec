import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { MemoryLogger } from '../../../src/actors/logger.js';
import { Supervisor, type RestartType, type Strategy } from '../../../src/actors/supervisor.js';
import { FakeChild, flush } from './fakes.js';

const BACKOFF = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0 };

function setup(opts: { strategy?: Strategy; restart?: RestartType[]; maxRestarts?: number; maxStartupFailures?: number } = {}) {
  const clock = new SimClock();
  const log = new MemoryLogger();
  const journal: string[] = [];
  const kids = ['a', 'b', 'c'].map((n) => new FakeChild(n, journal));
  const sup = new Supervisor(
    kids.map((child, i) => ({ child, restart: opts.restart?.[i] })),
    {
      name: 'root',
      strategy: opts.strategy,
      intensity: { maxRestarts: opts.maxRestarts ?? 3, periodMs: 10_000 },
      backoff: BACKOFF,
      maxStartupFailures: opts.maxStartupFailures,
      clock,
      rng: new SeededRng(1),
      log,
    },
  );
  const events: string[] = [];
  sup.on('restart', (e) => events.push(`restart ${e.child} ${e.restartsInWindow}`));
  sup.on('escalate', () => events.push('escalate'));
  return { clock, log, journal, kids, sup, events };
}

/** settle advances simulated time by ms and lets the promises that woke up run. */
async function settle(clock: SimClock, ms: number): Promise<void> {
  await flush();
  clock.advance(ms);
  await flush();
}

describe('supervisor', () => {
  it('supervisor - one_for_one restarts only the dead child after backoff and logs the restart', async () => {
    const { clock, log, journal, kids, sup, events } = setup();
    await sup.start();
    journal.length = 0;
    kids[1].exit('crash');
    await settle(clock, 99);
    expect(kids[1].starts).toBe(1); // still backing off
    await settle(clock, 1);
    expect(journal).toEqual(['exit b', 'start b']);
    expect(events).toEqual(['restart b 1']);
    expect(sup.children().map((c) => c.state)).toEqual(['running', 'running', 'running']);
    expect(log.records.find((r) => r.msg === 'restarting child')?.fields).toMatchObject({ child: 'b', reason: 'crash', restartsInWindow: 1 });
  });

  it.each([
    { strategy: 'one_for_all' as const, want: ['exit b', 'kill c', 'kill a', 'start a', 'start b', 'start c'] },
    { strategy: 'rest_for_one' as const, want: ['exit b', 'kill c', 'start b', 'start c'] },
    { strategy: 'one_for_one' as const, want: ['exit b', 'start b'] },
  ])('supervisor - $strategy restarts the right siblings in order', async ({ strategy, want }) => {
    const { clock, journal, kids, sup } = setup({ strategy });
    await sup.start();
    journal.length = 0;
    kids[1].exit();
    await settle(clock, 1_000);
    expect(journal).toEqual(want);
  });

  it.each([
    { restart: 'permanent' as const, reason: 'normal', restarted: true },
    { restart: 'permanent' as const, reason: 'crash', restarted: true },
    { restart: 'transient' as const, reason: 'normal', restarted: false },
    { restart: 'transient' as const, reason: 'crash', restarted: true },
    { restart: 'temporary' as const, reason: 'crash', restarted: false },
  ])('supervisor - $restart child exiting with $reason restarted=$restarted', async ({ restart, reason, restarted }) => {
    const { clock, kids, sup } = setup({ restart: [restart, 'permanent', 'permanent'] });
    await sup.start();
    kids[0].exit(reason);
    await settle(clock, 1_000);
    expect(kids[0].starts).toBe(restarted ? 2 : 1);
    expect(sup.children()[0].state).toBe(restarted ? 'running' : 'stopped');
  });

  it('supervisor - backoff grows with restarts in the window', async () => {
    const { clock, kids, sup } = setup({ maxRestarts: 10 });
    await sup.start();
    const delays: number[] = [];
    sup.on('restart', (e) => delays.push(e.delayMs));
    for (let i = 0; i < 5; i++) {
      kids[0].exit();
      await settle(clock, 1_000);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('supervisor - exceeding the intensity escalates, kills every child and exits to the parent', async () => {
    const { clock, kids, sup, events } = setup({ maxRestarts: 2 });
    const parentSaw: string[] = [];
    sup.onExit((i) => parentSaw.push(i.reason));
    await sup.start();
    for (let i = 0; i < 3; i++) {
      kids[0].exit();
      await settle(clock, 1_000);
    }
    expect(events).toEqual(['restart a 1', 'restart a 2', 'escalate']);
    expect(sup.hasFailed).toBe(true);
    expect(kids.every((k) => !k.running)).toBe(true);
    expect(parentSaw).toEqual(['escalated']);
  });

  it('supervisor - restarts outside the period do not count toward the intensity', async () => {
    const { clock, kids, sup, events } = setup({ maxRestarts: 1 });
    await sup.start();
    kids[0].exit();
    await settle(clock, 10_001);
    kids[0].exit();
    await settle(clock, 1_000);
    expect(events).toEqual(['restart a 1', 'restart a 1']);
    expect(sup.hasFailed).toBe(false);
  });

  it('supervisor - start-up failures back off and then escalate (no tight loop)', async () => {
    const { clock, kids, sup, events } = setup({ maxStartupFailures: 3 });
    await sup.start();
    kids[2].failStarts = 100;
    kids[2].exit();
    await settle(clock, 100); // restart delay → 1st start fails
    expect(kids[2].starts).toBe(2);
    await settle(clock, 50);
    expect(kids[2].starts).toBe(2); // waits its backoff, does not spin
    await settle(clock, 50); // 100 ms after failure 1 → start 2 fails
    expect(kids[2].starts).toBe(3);
    await settle(clock, 200); // 200 ms after failure 2 → start 3 fails → give up
    expect(kids[2].starts).toBe(4);
    await settle(clock, 10_000);
    expect(kids[2].starts).toBe(4);
    expect(events).toEqual(['restart c 1', 'escalate']);
  });

  it('supervisor - a child that recovers after start-up failures keeps running', async () => {
    const { clock, kids, sup } = setup();
    kids[0].failStarts = 2;
    const started = sup.start();
    await settle(clock, 100);
    await settle(clock, 200);
    await started;
    expect(kids[0].starts).toBe(3);
    expect(sup.children().every((c) => c.state === 'running')).toBe(true);
  });

  it('supervisor - initial start rejects when a child never starts', async () => {
    const { clock, kids, sup } = setup({ maxStartupFailures: 2 });
    kids[1].failStarts = 100;
    const started = sup.start();
    const failed = expect(started).rejects.toThrow(/failed to start/);
    await settle(clock, 1_000);
    await failed;
    expect(kids[2].starts).toBe(0);
    expect(kids[0].running).toBe(false);
  });

  it('supervisor - nested supervisor escalation is a child exit for the parent', async () => {
    const clock = new SimClock();
    const rng = new SeededRng(2);
    const log = new MemoryLogger();
    const leaf = new FakeChild('leaf');
    const inner = new Supervisor([{ child: leaf }], { name: 'inner', intensity: { maxRestarts: 0, periodMs: 1_000 }, backoff: BACKOFF, clock, rng, log });
    const outer = new Supervisor([{ child: inner }], { name: 'outer', intensity: { maxRestarts: 5, periodMs: 1_000 }, backoff: BACKOFF, clock, rng, log });
    const outerRestarts: string[] = [];
    outer.on('restart', (e) => outerRestarts.push(`${e.child}:${e.reason}`));
    await outer.start();
    leaf.exit();
    await settle(clock, 1_000);
    expect(outerRestarts).toEqual(['inner:escalated']);
    expect(leaf.starts).toBe(2);
    expect(leaf.running).toBe(true);
  });

  it('supervisor - stop() kills children last-first and they are not restarted', async () => {
    const { clock, journal, kids, sup } = setup();
    await sup.start();
    journal.length = 0;
    await sup.stop();
    kids[0].exit();
    await settle(clock, 1_000);
    expect(journal).toEqual(['kill c', 'kill b', 'kill a', 'exit a']);
  });
});
