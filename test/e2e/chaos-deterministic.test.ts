/**
 * e2e: deterministic simulation. The whole topology runs inline on virtual time under the
 * Simulator; a chaos run replays exactly from its seed (same message trace), and a different seed
 * gives a different run. A long node pause (virtual minutes) shows NotReady → taint-based
 * eviction → replacements elsewhere, with every invariant holding.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/cluster/config.js';
import { runChaos } from '../../src/chaos/runner.js';
import { parseScenario, type Scenario } from '../../src/chaos/scenario.js';
import { ROOT } from './helpers.js';

const topology = loadTopology(join(ROOT, 'config/default.yaml'));
const scenario = (faults: unknown[], durationSeconds: number): Scenario =>
  parseScenario(
    {
      apiVersion: 'kubeactor.io/v1alpha1',
      kind: 'ChaosScenario',
      metadata: { name: 'det' },
      spec: { durationSeconds, settleSeconds: 600, workload: { deployments: 2, replicas: 3, maxReplicas: 5 }, faults },
    },
    'test',
  );

const KILLS = [
  { at: 2, every: 7, action: 'kill', role: 'apiserver' },
  { at: 4, every: 7, action: 'kill', role: 'scheduler' },
  { at: 6, every: 7, action: 'kill', role: 'controller' },
  { at: 9, every: 9, action: 'kill', role: 'nodehost' },
  { at: 3, action: 'delay', host: 'controller', delayMs: 150, durationSeconds: 5 },
  { at: 10, action: 'slowDisk', shard: 0, latencyMs: 80, durationSeconds: 5 },
  { at: 12, action: 'deleteNode', node: 'random', durationSeconds: 8 },
  { at: 14, action: 'pauseNode', node: 'random', durationSeconds: 10 },
];

describe('e2e - deterministic chaos simulation', () => {
  it('e2e - the event trace is identical for the same seed twice and differs for another seed', async () => {
    const s = scenario(KILLS, 30);
    const run = (seed: number) => runChaos({ topology, scenario: s, seed, deterministic: true });
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.trace?.messages).toBeGreaterThan(1_000);
    expect(b.trace).toEqual(a.trace);
    expect(c.trace?.hash).not.toBe(a.trace?.hash);
    // The whole report replays, not just the trace.
    expect(b.faults).toEqual(a.faults);
    expect(b.samples).toEqual(a.samples);
    for (const r of [a, b, c]) {
      expect(r.invariantViolations).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.kills).toBeGreaterThanOrEqual(10);
    }
  }, 120_000);

  it('e2e - a paused node goes NotReady, its pods are evicted and replaced, and it comes back', async () => {
    const r = await runChaos({ topology, scenario: scenario([{ at: 5, action: 'pauseNode', node: 'worker-1', durationSeconds: 400 }], 420), seed: 5, deterministic: true });
    const during = r.samples.filter((s) => s.atMs > 60_000 && s.atMs < 400_000);
    expect(Math.min(...during.map((s) => s.nodesReady))).toBe(2);
    // After the default 300 s toleration the pods were replaced on the two Ready nodes.
    expect(during.some((s) => s.atMs > 360_000 && s.converged && s.nodesReady === 2)).toBe(true);
    expect(r.samples.at(-1)?.nodesReady).toBe(3);
    expect(r.invariantViolations).toEqual([]);
  }, 120_000);
});
