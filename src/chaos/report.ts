/**
 * The chaos report: the JSON a script reads and a self-contained HTML page a person reads (an
 * inline SVG timeline: ready vs desired pods over time, every fault as a marker, and the
 * violations listed below it).
 */
import type { StreamReport } from './watch-checker.js';

/** Sample is one convergence sample (ms since the faults started). */
export interface Sample {
  atMs: number;
  desired: number;
  ready: number;
  converged: boolean;
  /** nodesReady: nodes with Ready=True. */
  nodesReady: number;
  /** lagging: up to 5 Deployments not converged, as "ns/name ready/desired". */
  lagging?: string[];
  /** available: false when the apiserver did not answer the sample's lists. */
  available: boolean;
}

/** FaultRecord is one fault that fired. */
export interface FaultRecord {
  atMs: number;
  action: string;
  target: string;
  durationMs?: number;
  /** recoveryMs: until the next converged sample (or the end of the run). */
  recoveryMs?: number;
  skipped?: string;
}

/** ChaosReport is the JSON report (the issue's fields first). */
export interface ChaosReport {
  seed: number;
  scenario: string;
  mode: 'workers' | 'deterministic';
  durationSeconds: number;
  kills: number;
  faults: FaultRecord[];
  maxRecoveryMs: number;
  /** convergedSeconds: from the end of the faults to convergence; null when it never converged. */
  convergedSeconds: number | null;
  acknowledgedWrites: number;
  acknowledgedWritesLost: number;
  watch: StreamReport[];
  invariantViolations: string[];
  passed: boolean;
  samples: Sample[];
  /** trace (deterministic mode): hash chain of every dispatched message, and their count. */
  trace?: { hash: string; messages: number };
}

/** summary is the few lines the CLI prints at the end. */
export function summary(r: ChaosReport): string {
  const lines = [
    `chaos ${r.scenario} (${r.mode}, seed ${r.seed}): ${r.passed ? 'PASSED' : 'FAILED'}`,
    `  duration ${r.durationSeconds} s, ${r.kills} kills, ${r.faults.length} faults; max recovery ${(r.maxRecoveryMs / 1000).toFixed(2)} s; converged ${r.convergedSeconds === null ? 'never' : `${r.convergedSeconds.toFixed(2)} s`} after the faults`,
    `  acknowledged writes ${r.acknowledgedWrites}, lost ${r.acknowledgedWritesLost}; watch relists ${r.watch.map((w) => `${w.resource} ${w.relists}`).join(', ')}`,
  ];
  if (r.trace) lines.push(`  trace ${r.trace.hash} (${r.trace.messages} messages)`);
  for (const v of r.invariantViolations.slice(0, 20)) lines.push(`  VIOLATION ${v}`);
  if (r.invariantViolations.length > 20) lines.push(`  … and ${r.invariantViolations.length - 20} more`);
  return lines.join('\n');
}

const COLORS: Record<string, string> = { kill: '#d62728', pauseNode: '#9467bd', deleteNode: '#e377c2', delay: '#ff7f0e', slowDisk: '#8c564b' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** timelineSvg draws ready/desired pods against time with the faults as markers. */
export function timelineSvg(r: ChaosReport, width = 960, height = 320): string {
  const pad = { l: 50, r: 20, t: 20, b: 40 };
  const endMs = Math.max(1, ...r.samples.map((s) => s.atMs), r.durationSeconds * 1000);
  const maxY = Math.max(1, ...r.samples.map((s) => Math.max(s.desired, s.ready, s.nodesReady)));
  const x = (ms: number): number => pad.l + (ms / endMs) * (width - pad.l - pad.r);
  const y = (v: number): number => height - pad.b - (v / maxY) * (height - pad.t - pad.b);
  const line = (pick: (s: Sample) => number): string =>
    r.samples
      .filter((s) => s.available)
      .map((s, i) => `${i ? 'L' : 'M'}${x(s.atMs).toFixed(1)},${y(pick(s)).toFixed(1)}`)
      .join(' ');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect x="${pad.l}" y="${pad.t}" width="${width - pad.l - pad.r}" height="${height - pad.t - pad.b}" fill="#fafafa" stroke="#ccc"/>`);
  const faultsEnd = r.durationSeconds * 1000;
  parts.push(`<rect x="${x(faultsEnd)}" y="${pad.t}" width="${Math.max(0, x(endMs) - x(faultsEnd))}" height="${height - pad.t - pad.b}" fill="#e8f5e9"><title>settle phase</title></rect>`);
  for (const s of r.samples) if (!s.available) parts.push(`<rect x="${x(s.atMs) - 1}" y="${pad.t}" width="2" height="${height - pad.t - pad.b}" fill="#ddd"><title>apiserver unavailable at ${s.atMs} ms</title></rect>`);
  for (const f of r.faults) {
    const fx = x(f.atMs);
    if (f.durationMs) parts.push(`<rect x="${fx}" y="${pad.t}" width="${Math.max(1, x(f.atMs + f.durationMs) - fx)}" height="6" fill="${COLORS[f.action] ?? '#333'}" opacity="0.5"/>`);
    parts.push(`<line x1="${fx}" x2="${fx}" y1="${pad.t}" y2="${height - pad.b}" stroke="${COLORS[f.action] ?? '#333'}" stroke-width="1" opacity="${f.skipped ? 0.2 : 0.7}"><title>${esc(`${(f.atMs / 1000).toFixed(2)} s ${f.action} ${f.target}${f.recoveryMs !== undefined ? `, recovered in ${f.recoveryMs} ms` : ''}${f.skipped ? ` (skipped: ${f.skipped})` : ''}`)}</title></line>`);
  }
  parts.push(`<path d="${line((s) => s.desired)}" fill="none" stroke="#1f77b4" stroke-width="2" stroke-dasharray="4 3"/>`);
  parts.push(`<path d="${line((s) => s.ready)}" fill="none" stroke="#2ca02c" stroke-width="2"/>`);
  parts.push(`<path d="${line((s) => s.nodesReady)}" fill="none" stroke="#7f7f7f" stroke-width="1.5"/>`);
  for (let i = 0; i <= 5; i++) {
    const ms = (endMs * i) / 5;
    parts.push(`<text x="${x(ms)}" y="${height - pad.b + 15}" text-anchor="middle">${(ms / 1000).toFixed(0)} s</text>`);
    const v = Math.round((maxY * i) / 5);
    parts.push(`<text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  const key = (color: string, label: string): string => `<tspan fill="${color}">■ ${label}</tspan>   `;
  parts.push(
    `<text x="${pad.l}" y="${height - 6}" xml:space="preserve">${key('#2ca02c', 'ready pods')}${key('#1f77b4', 'desired pods (dashed)')}${key('#7f7f7f', 'nodes Ready')}${key(COLORS.kill, 'kill')}${key(COLORS.pauseNode, 'pause node')}${key(COLORS.deleteNode, 'delete node')}${key(COLORS.delay, 'link delay/drop')}${key(COLORS.slowDisk, 'slow disk')}(hover a marker for details)</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/** reportHtml is the self-contained HTML report. */
export function reportHtml(r: ChaosReport): string {
  const rows = r.faults
    .map((f) => `<tr><td>${(f.atMs / 1000).toFixed(2)}</td><td>${esc(f.action)}</td><td>${esc(f.target)}</td><td>${f.recoveryMs ?? ''}</td><td>${esc(f.skipped ?? '')}</td></tr>`)
    .join('\n');
  const viol = r.invariantViolations.length ? `<ul>${r.invariantViolations.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>` : '<p>none</p>';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>kubeactor chaos: ${esc(r.scenario)}</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}.pass{color:#2ca02c}.fail{color:#d62728}</style>
</head><body>
<h1>kubeactor chaos: ${esc(r.scenario)} — <span class="${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASSED' : 'FAILED'}</span></h1>
<p>mode ${r.mode}, seed ${r.seed}, ${r.durationSeconds} s of faults, ${r.kills} kills; max recovery ${r.maxRecoveryMs} ms; converged ${r.convergedSeconds === null ? 'never' : `${r.convergedSeconds} s`} after the faults;
acknowledged writes ${r.acknowledgedWrites}, lost ${r.acknowledgedWritesLost}${r.trace ? `; trace ${esc(r.trace.hash)} (${r.trace.messages} messages)` : ''}</p>
<h2>Faults against convergence</h2>
${timelineSvg(r)}
<h2>Invariant violations</h2>
${viol}
<h2>Faults</h2>
<table><tr><th>at (s)</th><th>action</th><th>target</th><th>recovery (ms)</th><th>skipped</th></tr>
${rows}
</table>
</body></html>
`;
}
