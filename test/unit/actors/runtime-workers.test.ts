/**
 * Real worker threads. Needs the compiled tree (`npm test` builds first; by hand: `npx tsc -p .`).
 * Kept few and fast: one runtime shared by the tests that do not kill, one for chaos.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError, WorkerDiedError } from '../../../src/actors/errors.js';
import { startRuntime, type HostSpec, type Runtime } from '../../../src/actors/runtime.js';
import { TeapotError } from '../../../src/actors/testkit.js';

const registryModule = fileURLToPath(new URL('../../../src/actors/testkit.ts', import.meta.url));
const T = { timeoutMs: 10_000 };
const probe = (id: string, params?: unknown) => ({ id, kind: 'probe', params });
const HOSTS: HostSpec[] = [
  { name: 'w1', actors: [probe('p/a'), probe('p/a2')] },
  { name: 'w2', actors: [probe('p/b')] },
];
const FAST = { backoff: { initialMs: 10, maxMs: 10, jitter: 0 }, intensity: { maxRestarts: 10, periodMs: 60_000 } };

describe('runtime (workers)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startRuntime({ mode: 'workers', hosts: HOSTS, registryModule, supervision: FAST });
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it('runtime - per-sender ordering across real workers (worker → worker channel)', async () => {
    await Promise.all([rt.ask('p/a', { type: 'send', to: 'p/b', count: 5000 }, T), rt.ask('p/a2', { type: 'send', to: 'p/b', count: 5000 }, T)]);
    // p/a's tells and this ask travel different links (w1→w2, main→w2): poll until all arrived.
    let log: string[] = [];
    for (let i = 0; i < 100 && log.length < 10_000; i++) log = await rt.ask<string[]>('p/b', { type: 'log' }, T);
    const seq = (who: string) => Array.from({ length: 5000 }, (_, i) => `${who}:${i}`);
    expect(log.filter((s) => s.startsWith('p/a:'))).toEqual(seq('p/a'));
    expect(log.filter((s) => s.startsWith('p/a2:'))).toEqual(seq('p/a2'));
  });

  it('runtime - a registered error thrown on one worker is rebuilt as its class on another', async () => {
    const err = await rt.ask('p/a', { type: 'ask', to: 'p/b', msg: { type: 'fail-teapot', message: 'steep' }, timeoutMs: 5_000 }, T).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TeapotError);
    expect(err).toMatchObject({ message: 'steep', pot: 'earl grey', code: 418 });
  });

  it('runtime - stats() reaches every worker through comlink', async () => {
    const stats = await rt.stats();
    expect(stats.map((s) => s.host)).toEqual(['w1', 'w2', '$main']);
    const w2 = stats.find((s) => s.host === 'w2')!;
    expect(w2.actors).toBe(1);
    expect(w2.msgsIn).toBeGreaterThanOrEqual(10_000);
    expect(w2.heapUsedBytes).toBeGreaterThan(0);
  });
});

describe('runtime (workers, chaos)', () => {
  it('runtime - kill: in-flight asks get WorkerDiedError, the worker restarts, monitors fire, actors start again', async () => {
    const rt = await startRuntime({ mode: 'workers', hosts: HOSTS, registryModule, supervision: FAST });
    try {
      await rt.ask('p/b', { type: 'record', value: 'before' }, T);
      await rt.ask('p/a', { type: 'monitor', target: 'p/b' }, T);
      const fromMain = rt.ask('p/b', { type: 'never' }, T);
      const fromPeer = rt.ask('p/a', { type: 'ask', to: 'p/b', msg: { type: 'never' }, timeoutMs: 10_000 }, T);
      await new Promise((r) => setTimeout(r, 20));
      const back = new Promise<void>((r) => rt.events.once('start', () => r()));
      await rt.kill('w2');
      await expect(fromMain).rejects.toBeInstanceOf(WorkerDiedError);
      await expect(fromPeer).rejects.toBeInstanceOf(WorkerDiedError);
      await back;
      expect(rt.hosts()[1]).toEqual({ name: 'w2', state: 'running', restarts: 1 });
      expect(await rt.ask('p/b', { type: 'log' }, T)).toEqual([]);
      expect(await rt.ask('p/b', { type: 'starts' }, T)).toBe(1); // a fresh thread ran started() again
      expect(await rt.ask('p/a', { type: 'downs' }, T)).toEqual([{ target: 'p/b', reason: 'worker-exit' }]);
      // The surviving worker got a new channel to the new incarnation.
      expect(await rt.ask('p/a', { type: 'ask', to: 'p/b', msg: { type: 'echo', value: 42 }, timeoutMs: 5_000 }, T)).toBe(42);

      const crashed = new Promise<string>((r) => rt.events.once('exit', (e) => r(e.reason)));
      const back2 = new Promise<void>((r) => rt.events.once('start', () => r()));
      rt.tell('p/b', { type: 'crash' });
      expect(await crashed).toBe('crash');
      await back2;
      expect(await rt.ask('p/b', { type: 'echo', value: 'again' }, T)).toBe('again');
    } finally {
      await rt.stop();
    }
  });

  it('runtime - a wedged worker misses its heartbeat, is terminated as hung and restarted', async () => {
    const rt = await startRuntime({ mode: 'workers', hosts: HOSTS, registryModule, supervision: FAST, heartbeat: { intervalMs: 20, timeoutMs: 300 } });
    try {
      const exit = new Promise<string>((r) => rt.events.once('exit', (e) => r(`${e.child}:${e.reason}`)));
      const back = new Promise<void>((r) => rt.events.once('start', () => r()));
      rt.tell('p/b', { type: 'spin' });
      expect(await exit).toBe('w2:hung');
      await back;
      expect(await rt.ask('p/b', { type: 'echo', value: 'alive' }, T)).toBe('alive');
    } finally {
      await rt.stop();
    }
  });

  it('runtime - a worker whose actor fails to start is a start-up failure', async () => {
    const hosts: HostSpec[] = [{ name: 'bad', actors: [probe('p/x', { failStart: true })] }];
    const started = startRuntime({ mode: 'workers', hosts, registryModule, supervision: { ...FAST, maxStartupFailures: 2 } });
    await expect(started).rejects.toBeInstanceOf(StartupError);
  });
});
