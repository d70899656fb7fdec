import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../src/cluster/config.js';
import { expandFaults, loadScenario, parseScenario, type FaultSpec } from '../../../src/chaos/scenario.js';

const ROOT = join(import.meta.dirname, '../../..');
const base = { apiVersion: 'kubeactor.io/v1alpha1', kind: 'ChaosScenario', metadata: { name: 's' } };

describe('chaos scenario', () => {
  it('chaos scenario - defaults fill the workload and an empty schedule', () => {
    const s = parseScenario({ ...base, spec: {} }, 'x.yaml');
    expect(s.spec.durationSeconds).toBe(60);
    expect(s.spec.workload).toMatchObject({ deployments: 3, replicas: 3, podRequests: { cpu: '100m', memory: '64Mi' } });
    expect(s.spec.faults).toEqual([]);
  });

  it.each([
    [{ faults: [{ at: 1, action: 'explode' }] }, 'spec.faults.0.action'],
    [{ faults: [{ at: 1, action: 'kill', role: 'etcd' }] }, 'spec.faults.0.role'],
    [{ faults: [{ at: 1, action: 'pauseNode' }] }, 'spec.faults.0.durationSeconds'],
    [{ workload: { deployments: 0 } }, 'spec.workload.deployments'],
    [{ bogus: 1 }, 'spec'],
  ])('chaos scenario - a bad spec %j names the field %s', (spec, path) => {
    try {
      parseScenario({ ...base, spec }, 'bad.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(`bad.yaml: ${path}`);
    }
  });

  it('chaos scenario - every shipped scenario file is valid', () => {
    const files = readdirSync(join(ROOT, 'config/chaos')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(loadScenario(join(ROOT, 'config/chaos', f)).kind).toBe('ChaosScenario');
  });

  it('chaos scenario - expandFaults repeats within [at, until] and the duration, sorted by time', () => {
    const kill = (at: number, every?: number, until?: number): FaultSpec => ({ at, every, until, action: 'kill', role: 'random' });
    const times = (fs: FaultSpec[], ms: number) => expandFaults(fs, ms).map((f) => f.atMs);
    expect(times([kill(1, 1)], 5_000)).toEqual([1000, 2000, 3000, 4000]);
    expect(times([kill(1, 2, 5)], 60_000)).toEqual([1000, 3000, 5000]);
    expect(times([kill(3), kill(1, 1, 2)], 60_000)).toEqual([1000, 2000, 3000]);
    expect(times([kill(10)], 5_000)).toEqual([]);
  });
});
