import { describe, expect, it } from 'vitest';
import type { ApiMetricsSnapshot } from '../../../src/apiserver/metrics.js';
import { apiLatencyJson, sloVerdicts, throughputStats, type ProgressSample } from '../../../src/loadtest/result.js';

const sample = (t: number, scheduled: number, throughput: number): ProgressSample => ({ t, created: scheduled, scheduled, running: scheduled, throughput, rssMB: 100 });
const stats = (p99: number) => ({ count: 10, errors: 0, p50: p99 / 2, p90: p99, p99, max: p99, mean: p99 / 2 });

describe('loadtest - results and SLO verdicts', () => {
  it.each<[string, ProgressSample[], number, { avg: number; max: number }]>([
    ['nothing scheduled', [sample(1, 0, 0), sample(2, 0, 0)], 10, { avg: 0, max: 0 }],
    ['window from the first scheduling second to the one reaching the target', [sample(1, 0, 0), sample(2, 50, 50), sample(3, 100, 50), sample(4, 100, 0)], 100, { avg: 50, max: 50 }],
    ['an unfinished run averages to its last sample', [sample(1, 10, 10), sample(2, 40, 30)], 100, { avg: 20, max: 30 }],
  ])('throughput: %s', (_name, samples, target, want) => {
    expect(throughputStats(samples, target)).toEqual(want);
  });

  it.each<[string, number | undefined, ApiMetricsSnapshot, boolean[]]>([
    ['all within limits', 800, { 'POST pods': stats(50), 'GET nodes': stats(5), 'LIST pods': stats(2_000) }, [true, true, true, true]],
    ['slow pod startup fails only that row', 6_000, { 'POST pods': stats(50) }, [false, true, true, true]],
    ['the worst mutating verb decides', 800, { 'POST pods': stats(50), 'PUT pods/status': stats(1_500), 'LIST pods': stats(10) }, [true, false, true, true]],
    ['LIST has the 30 s limit', 800, { 'LIST pods': stats(29_000), 'GET pods': stats(1_200) }, [true, true, false, true]],
    ['nothing measured passes as n/a', undefined, {}, [true, true, true, true]],
  ])('SLO: %s', (_name, startup, api, pass) => {
    const v = sloVerdicts(startup, api);
    expect(v.map((x) => x.pass)).toEqual(pass);
  });

  it('names the worst key and keeps only p50/p99 in the JSON', () => {
    const api = { 'POST pods': stats(50), 'PUT pods/status': stats(70) };
    expect(sloVerdicts(1, api)[1]).toMatchObject({ worst: 'PUT pods/status', measuredMs: 70 });
    expect(apiLatencyJson(api)).toEqual({ 'POST pods': { p50: 25, p99: 50 }, 'PUT pods/status': { p50: 35, p99: 70 } });
  });
});
