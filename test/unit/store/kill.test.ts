/**
 * The kill test: a write storm against a shard on a real worker thread while that worker is
 * terminated at random moments (mid-write, mid-fsync, mid-snapshot). After every restart:
 * zero acknowledged writes missing, revisions never backwards, and the watcher's stream —
 * resumed after each shard-down from the last revision it saw — complete, in order, without
 * duplicates. Needs the compiled tree (`npm test` builds first; by hand: `npx tsc -p .`).
 */
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRng } from '../../../src/actors/rng.js';
import { startRuntime, type Runtime } from '../../../src/actors/runtime.js';
import { newSequenceBuffer } from '../../../src/store/sequence.js';
import type { StormReport } from '../../../src/store/storm.js';

const registryModule = fileURLToPath(new URL('../../../src/store/testkit.ts', import.meta.url));
const T = { timeoutMs: 30_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** stopStorm stops the writers, waits for them, then for the watch to catch up with the last acknowledged write. */
async function stopStorm(rt: Runtime): Promise<StormReport> {
  await rt.ask('storm', { type: 'stormStop' }, T);
  let report: StormReport;
  for (;;) {
    report = await rt.ask<StormReport>('storm', { type: 'stormReport' }, T);
    if (report.done) break;
    await sleep(20);
  }
  const maxAcked = Math.max(...report.acked.map(([, r]) => r));
  for (let i = 0; i < 500 && !report.events.some(([, r]) => r >= maxAcked); i++) {
    await sleep(10);
    report = await rt.ask<StormReport>('storm', { type: 'stormReport' }, T);
  }
  return report;
}

describe('store kill', () => {
  let dir: string;
  let rt: Runtime | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-kill-'));
  });
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store kill - a write storm across random worker kills loses no acknowledged write and no watch event', async () => {
    const kills = Number(process.env.STORE_KILLS ?? 4);
    const rng = new SeededRng(Number(process.env.STORE_KILL_SEED ?? 3));
    rt = await startRuntime({
      mode: 'workers',
      hosts: [
        // A small snapshotBytes makes snapshots (and log generation switches) happen during the storm too.
        { name: 'store-0', actors: [{ id: 'store/0', kind: 'store-shard', params: { shardId: 0, dataDir: dir, durability: 'fsync', snapshotBytes: 32 * 1024 } }] },
        { name: 'client', actors: [{ id: 'storm', kind: 'store-storm' }] },
      ],
      registryModule,
      supervision: { backoff: { initialMs: 10, maxMs: 50, jitter: 0 }, intensity: { maxRestarts: 100, periodMs: 60_000 } },
    });
    await rt.ask('storm', { type: 'stormStart', prefix: '/registry/pods/storm/', writes: 1_000_000, concurrency: 16 }, T);
    for (let k = 0; k < kills; k++) {
      await sleep(20 + rng.int(150)); // a random moment of the storm
      await rt.kill('store-0');
      await rt.whenRunning('store-0');
    }
    // The storm runs until the last kill is over, so every kill lands mid-storm.
    const report = await stopStorm(rt);
    expect(rt.hosts().find((h) => h.name === 'store-0')?.restarts).toBe(kills);
    expect(report.failedAttempts).toBeGreaterThan(0); // the kills did hit writes in flight
    expect(report.backwards).toEqual([]);
    // Revisions of the watch stream strictly increase: in order, no duplicates across resumes.
    const revs = report.events.map(([, r]) => r);
    expect(revs.every((r, i) => i === 0 || r > revs[i - 1])).toBe(true);
    // Every acknowledged write is in the stream at its revision (the stream may also hold
    // applied-but-unacknowledged attempts, which etcd allows).
    const seen = new Set(report.events.map(([k, r]) => `${k}@${r}`));
    const missing = report.acked.filter(([k, r]) => !seen.has(`${k}@${r}`));
    expect(missing).toEqual([]);
    expect(report.relists).toBe(0); // no compaction ran, so every resume found its history
    // And the store still holds every acknowledged write at exactly that revision.
    const final = await rt.ask<{ kvs: { key: string; modRevision: number }[] }>('store/0', { type: 'storeRange', key: '/registry/pods/storm/', opts: { prefix: true, keysOnly: true } }, T);
    const byKey = new Map(final.kvs.map((kv) => [kv.key, kv.modRevision]));
    expect(report.acked.filter(([k, r]) => byKey.get(k) !== r)).toEqual([]);
  });

  it('store kill - a split group (pods over 3 shards, one revision counter) loses nothing across member kills', async () => {
    const kills = Number(process.env.STORE_KILLS ?? 4);
    const rng = new SeededRng(Number(process.env.STORE_KILL_SEED ?? 5));
    const sequence = newSequenceBuffer();
    const members = [0, 1, 2];
    const member = (n: number) => ({
      name: `store-${n}`,
      actors: [{ id: `store/${n}`, kind: 'store-shard', params: { shardId: n, dataDir: dir, durability: 'fsync', snapshotBytes: 32 * 1024, group: { sequence, members: 3, member: n } } }],
    });
    rt = await startRuntime({
      mode: 'workers',
      hosts: [...members.map(member), { name: 'client', actors: [{ id: 'storm', kind: 'store-storm', params: { shards: 3, split: { prefix: '/registry/pods/', members, sequence } } }] }],
      registryModule,
      supervision: { backoff: { initialMs: 10, maxMs: 50, jitter: 0 }, intensity: { maxRestarts: 100, periodMs: 60_000 } },
    });
    await rt.ask('storm', { type: 'stormStart', prefix: '/registry/pods/storm/', writes: 1_000_000, concurrency: 16 }, T);
    const killed = [0, 0, 0];
    for (let k = 0; k < kills; k++) {
      await sleep(20 + rng.int(150));
      const n = rng.int(3);
      killed[n]++;
      await rt.kill(`store-${n}`);
      await rt.whenRunning(`store-${n}`);
    }
    const report = await stopStorm(rt);
    for (const n of members) expect(rt.hosts().find((h) => h.name === `store-${n}`)?.restarts).toBe(killed[n]);
    expect(report.backwards).toEqual([]);
    // One revision sequence for the whole group: the merged stream strictly increases.
    const revs = report.events.map(([, r]) => r);
    expect(revs.every((r, i) => i === 0 || r > revs[i - 1])).toBe(true);
    const seen = new Set(report.events.map(([k, r]) => `${k}@${r}`));
    expect(report.acked.filter(([k, r]) => !seen.has(`${k}@${r}`))).toEqual([]);
    // The writes really were spread: every member holds some, each at its acknowledged revision.
    const byKey = new Map<string, number>();
    for (const n of members) {
      const part = await rt.ask<{ kvs: { key: string; modRevision: number }[] }>(`store/${n}`, { type: 'storeRange', key: '/registry/pods/storm/', opts: { prefix: true, keysOnly: true } }, T);
      expect(part.kvs.length).toBeGreaterThan(0);
      for (const kv of part.kvs) {
        expect(byKey.has(kv.key)).toBe(false); // a key lives on one member only
        byKey.set(kv.key, kv.modRevision);
      }
    }
    expect(report.acked.filter(([k, r]) => byKey.get(k) !== r)).toEqual([]);
  });
});
