import { describe, expect, it } from 'vitest';
import { renderDensityHtml } from '../../../src/loadtest/report-html.js';
import { formatDensityReport } from '../../../src/loadtest/report-text.js';
import { sloVerdicts, type DensityReport } from '../../../src/loadtest/result.js';

function report(over: Partial<DensityReport> = {}): DensityReport {
  const api = { 'POST pods': { count: 10, errors: 0, p50: 2, p90: 3, p99: 4, max: 5, mean: 2 }, 'LIST pods': { count: 1, errors: 0, p50: 1, p90: 1, p99: 1, max: 1, mean: 1 } };
  return {
    json: {
      nodes: 3,
      pods: 10,
      nodesReadySeconds: 1.5,
      podsRunningSeconds: 2.5,
      schedulingThroughput: { avg: 5, max: 8 },
      podStartupLatencyMs: { p50: 100, p90: 200, p99: 300 },
      apiLatencyMs: { 'POST pods': { p50: 2, p99: 4 }, 'LIST pods': { p50: 1, p99: 1 } },
      peakRssMB: 200,
    },
    config: 'config/<default>.yaml',
    mode: 'workers',
    completed: true,
    deployments: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    stages: { createToSchedule: { p50: 1, p90: 2, p99: 3 }, scheduleToRun: { p50: 1, p90: 2, p99: 3 }, runToWatch: { p50: 1, p90: 2, p99: 3 } },
    startupBuckets: [{ upToMs: 100, count: 6 }, { upToMs: 200, count: 3 }, { upToMs: 300, count: 1 }],
    apiLatency: api,
    samples: [
      { t: 1, created: 5, scheduled: 5, running: 2, throughput: 5, rssMB: 150 },
      { t: 2, created: 10, scheduled: 10, running: 10, throughput: 5, rssMB: 200 },
    ],
    workers: [{ host: 'apiserver', peakHeapMB: 20, cpuPercent: 12.5, msgsIn: 100, restarts: 0 }],
    processCpuSeconds: 3,
    slos: sloVerdicts(300, api),
    ...over,
  };
}

describe('loadtest - density reports', () => {
  it('prints the headline, API, worker and SLO tables', () => {
    const text = formatDensityReport(report());
    expect(text).toContain('| nodes Ready');
    expect(text).toContain('3 in 1.5 s');
    expect(text).toContain('| POST pods');
    expect(text).toContain('| apiserver');
    expect(text.match(/PASS/g)).toHaveLength(3); // GET: nothing measured → n/a
    expect(text).toContain('n/a');
  });

  it('marks an incomplete run and a failed SLO', () => {
    const text = formatDensityReport(report({ completed: false, slos: sloVerdicts(9_000, {}) }));
    expect(text).toContain('INCOMPLETE');
    expect(text).toContain('FAIL');
  });

  it('renders a self-contained HTML page with the charts and the JSON', () => {
    const html = renderDensityHtml(report());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4); // throughput, pods, RSS, distribution
    expect(html).toContain('<polyline');
    expect(html.match(/<rect [^>]*><title>≤ /g)).toHaveLength(3); // one bar per bucket
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // no CDN, no script
    expect(html).toContain('config/&lt;default&gt;.yaml'); // escaped
    expect(html).toContain('&quot;podStartupLatencyMs&quot;');
  });
});
