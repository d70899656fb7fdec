import { describe, expect, it } from 'vitest';
import type { HostProcessStats } from '../../../src/actors/control.js';
import type { Runtime } from '../../../src/actors/runtime.js';
import { UsageSampler } from '../../../src/loadtest/usage.js';

const MB = 2 ** 20;
const stats = (host: string, rssMB: number, heapMB: number, elu: number): HostProcessStats => ({
  host,
  actors: 1,
  mailboxDepth: 0,
  msgsIn: 10,
  msgsOut: 0,
  deadLetters: 0,
  pendingAsks: 0,
  rssBytes: rssMB * MB,
  heapUsedBytes: heapMB * MB,
  cpuUserMicros: 0,
  cpuSystemMicros: 0,
  eventLoopUtilization: elu,
});

function fakeRuntime(rounds: HostProcessStats[][]): Runtime {
  let i = 0;
  return { stats: async () => rounds[Math.min(i++, rounds.length - 1)]! } as unknown as Runtime;
}

describe('loadtest - usage sampler', () => {
  it('keeps the peak RSS and each worker peak heap, and its latest CPU share', async () => {
    const u = new UsageSampler();
    const rt = fakeRuntime([
      [stats('apiserver', 1_000_000, 300, 0.5), stats('scheduler', 1_000_000, 100, 0.2)],
      [stats('apiserver', 2_000_000, 200, 0.75), stats('scheduler', 2_000_000, 150, 0.25)],
    ]);
    await u.sample(rt);
    await u.sample(rt);
    expect(u.peakRssMB).toBe(2_000_000);
    expect(u.workers([{ name: 'apiserver', state: 'running', restarts: 2 }])).toEqual([
      { host: 'apiserver', peakHeapMB: 300, cpuPercent: 75, msgsIn: 10, restarts: 2 },
      { host: 'scheduler', peakHeapMB: 150, cpuPercent: 25, msgsIn: 10, restarts: 0 },
    ]);
  });

  it('survives a host that is restarting (stats rejects) and keeps what it had', async () => {
    const u = new UsageSampler();
    await u.sample(fakeRuntime([[stats('a', 10_000_000, 5, 0.1)]]));
    await u.sample({ stats: async () => Promise.reject(new Error('worker died')) } as unknown as Runtime);
    expect(u.workers([])).toHaveLength(1);
    expect(u.peakRssMB).toBe(10_000_000);
  });
});
