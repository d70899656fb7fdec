/**
 * Link faults on real worker threads: main tells a worker host (a FAULT batch on its data link) to
 * delay or drop what arrives; the fault survives the worker's restart until it is lifted.
 * Needs the compiled tree (`npm test` builds first; by hand: `npx tsc -p .`).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskTimeoutError } from '../../../src/actors/errors.js';
import { startRuntime, type HostSpec, type Runtime } from '../../../src/actors/runtime.js';

const registryModule = fileURLToPath(new URL('../../../src/actors/testkit.ts', import.meta.url));
const HOSTS: HostSpec[] = [
  { name: 'w1', actors: [{ id: 'p/a', kind: 'probe' }] },
  { name: 'w2', actors: [{ id: 'p/b', kind: 'probe' }] },
];
const FAST = { backoff: { initialMs: 10, maxMs: 10, jitter: 0 }, intensity: { maxRestarts: 10, periodMs: 60_000 } };

describe('chaos link faults (workers)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startRuntime({ mode: 'workers', hosts: HOSTS, registryModule, supervision: FAST });
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it('chaos link faults - dropRate 1 on a worker drops asks from main and from other workers; lifting it restores them', async () => {
    rt.setFault('w2', { dropRate: 1 });
    await expect(rt.ask('p/b', { type: 'echo', value: 1 }, { timeoutMs: 300 })).rejects.toBeInstanceOf(AskTimeoutError);
    const viaPeer = await rt.ask('p/a', { type: 'ask', to: 'p/b', msg: { type: 'echo', value: 2 }, timeoutMs: 300 }, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((viaPeer as Error).name).toBe('AskTimeoutError');
    rt.setFault('w2', undefined);
    expect(await rt.ask('p/b', { type: 'echo', value: 3 }, { timeoutMs: 5_000 })).toBe(3);
  });

  it('chaos link faults - a fault set on a worker applies again after it is killed and restarted', async () => {
    rt.setFault('w2', { dropRate: 1 });
    await rt.kill('w2');
    await rt.whenRunning('w2');
    await expect(rt.ask('p/b', { type: 'echo', value: 1 }, { timeoutMs: 300 })).rejects.toBeInstanceOf(AskTimeoutError);
    rt.setFault('w2', { delayMs: 50 });
    expect(await rt.ask('p/b', { type: 'echo', value: 4 }, { timeoutMs: 5_000 })).toBe(4);
    rt.setFault('w2', undefined);
  });
});
