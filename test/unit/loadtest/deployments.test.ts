import { describe, expect, it } from 'vitest';
import { creationOffsetsMs, densityDeployments, DENSITY_LABEL } from '../../../src/loadtest/deployments.js';

describe('loadtest - density workload', () => {
  it.each([
    [1000, 100, 10, 100],
    [250, 100, 3, 50],
    [7, 100, 1, 7],
  ])('%i pods in Deployments of %i → %i Deployments, the last with %i', (pods, per, n, last) => {
    const d = densityDeployments('density', pods, per);
    expect(d).toHaveLength(n);
    expect(d.reduce((a, x) => a + (x.spec?.replicas ?? 0), 0)).toBe(pods);
    expect(d[n - 1]!.spec?.replicas).toBe(last);
    expect(new Set(d.map((x) => x.metadata.name)).size).toBe(n);
    for (const x of d) {
      expect(x.spec?.selector.matchLabels).toEqual({ app: x.metadata.name });
      expect(x.spec?.template.metadata?.labels?.[DENSITY_LABEL]).toBe('true');
    }
  });

  it('rejects non-positive sizes', () => {
    expect(() => densityDeployments('d', 0, 10)).toThrow(RangeError);
    expect(() => densityDeployments('d', 10, 0)).toThrow(RangeError);
  });

  it.each<[number[], number | undefined, number[]]>([
    [[100, 100, 50], undefined, [0, 0, 0]],
    [[100, 100, 50], 50, [0, 2_000, 4_000]],
    [[10, 10, 10], 1_000, [0, 10, 20]],
  ])('creation schedule of %j at qps %s is %j', (replicas, qps, want) => {
    expect(creationOffsetsMs(replicas, qps)).toEqual(want);
  });
});
