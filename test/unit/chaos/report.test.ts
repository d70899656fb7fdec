import { describe, expect, it } from 'vitest';
import { reportHtml, summary, timelineSvg, type ChaosReport } from '../../../src/chaos/report.js';

const report = (o: Partial<ChaosReport> = {}): ChaosReport => ({
  seed: 9,
  scenario: 'unit',
  mode: 'workers',
  durationSeconds: 10,
  kills: 1,
  faults: [
    { atMs: 1_000, action: 'kill', target: 'apiserver', recoveryMs: 700 },
    { atMs: 2_000, action: 'delay', target: 'scheduler <&>', durationMs: 3_000 },
  ],
  maxRecoveryMs: 700,
  convergedSeconds: 1.5,
  acknowledgedWrites: 12,
  acknowledgedWritesLost: 0,
  watch: [{ resource: 'pods', events: 10, relists: 2, gone: 0, lastRv: 50, objects: 3 }],
  invariantViolations: [],
  passed: true,
  samples: [
    { atMs: 0, desired: 6, ready: 6, converged: true, nodesReady: 3, available: true },
    { atMs: 1_500, desired: 6, ready: 4, converged: false, nodesReady: 3, available: false },
    { atMs: 11_000, desired: 6, ready: 6, converged: true, nodesReady: 3, available: true },
  ],
  ...o,
});

describe('chaos report', () => {
  it('chaos report - the HTML is self-contained: one inline SVG, escaped text, no scripts or external refs', () => {
    const html = reportHtml(report());
    expect(html.match(/<svg/g)).toHaveLength(1);
    expect(html).toContain('scheduler &lt;&amp;&gt;');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('PASSED');
  });

  it('chaos report - the timeline has a marker per fault and a path per series', () => {
    const svg = timelineSvg(report());
    expect(svg.match(/<line /g)).toHaveLength(2);
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain('recovered in 700 ms');
  });

  it('chaos report - summary says FAILED and lists violations', () => {
    const text = summary(report({ passed: false, invariantViolations: ['node n over-committed'], trace: { hash: 'abc:1', messages: 1 } }));
    expect(text).toContain('FAILED');
    expect(text).toContain('VIOLATION node n over-committed');
    expect(text).toContain('trace abc:1');
  });
});
