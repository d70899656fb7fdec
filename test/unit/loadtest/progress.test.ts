import { describe, expect, it } from 'vitest';
import { createProgress, plainProgressLine, type DensityProgress } from '../../../src/loadtest/progress.js';
import { readyNodesFromReadyz } from '../../../src/loadtest/density.js';

function sink(): NodeJS.WritableStream & { isTTY?: boolean; lines: string[] } {
  const lines: string[] = [];
  return { lines, isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WritableStream & { lines: string[] };
}

const p = (phase: DensityProgress['phase'], value: number, total: number): DensityProgress => ({ phase, value, total, elapsedSeconds: 1.5, detail: 'x' });

describe('loadtest - progress output', () => {
  it('formats a plain line', () => {
    expect(plainProgressLine(p('pods', 10, 100))).toBe('[density 1.5 s] 10/100 pods Running — x');
    expect(plainProgressLine(p('nodes', 3, 3))).toBe('[density 1.5 s] 3/3 nodes Ready — x');
  });

  it('prints plain lines on phase changes, completion and at most once per interval otherwise', () => {
    const out = sink();
    let now = 0;
    const prog = createProgress(out, { plainEveryMs: 5_000, now: () => now });
    prog.update(p('nodes', 0, 3)); // phase change: printed
    now = 1_000;
    prog.update(p('nodes', 1, 3)); // throttled
    now = 2_000;
    prog.update(p('nodes', 3, 3)); // completion: printed
    prog.update(p('nodes', 3, 3)); // completion again: not printed
    prog.update(p('pods', 0, 10)); // phase change
    now = 8_000;
    prog.update(p('pods', 5, 10)); // interval passed
    expect(out.lines).toHaveLength(4);
    expect(out.lines[1]).toContain('3/3 nodes Ready');
  });

  it('is silent when quiet', () => {
    const out = sink();
    createProgress(out, { quiet: true }).update(p('pods', 1, 2));
    expect(out.lines).toEqual([]);
  });

  it.each([
    ['ok', 100, 0],
    ['[+]ping ok\n[+]nodes-ready ok\n[-]lease-kube-scheduler failed: no lease\n', 100, 100],
    ['[+]ping ok\n[-]nodes-ready failed: 42/100 nodes Ready\n', 100, 42],
    ['', 100, 0],
  ])('reads Ready nodes from /readyz?verbose %j', (body, expected, want) => {
    expect(readyNodesFromReadyz(body, expected)).toBe(want);
  });
});
