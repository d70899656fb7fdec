/**
 * The density bench's end-of-run tables for people: the headline numbers, pod startup stages,
 * API latency per verb and resource, per-worker usage, and the SLO verdict.
 */
import type { DensityReport } from './result.js';

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

const ms = (v: number | undefined): string => (v === undefined ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

/** formatDensityReport renders the report as Markdown-style tables. */
export function formatDensityReport(r: DensityReport): string {
  const j = r.json;
  const out: string[] = [];
  out.push(`density: ${j.nodes} nodes, ${j.pods} pods (${r.deployments} Deployments${r.qps ? `, ${r.qps} pods/s` : ', as fast as possible'}), ${r.config}, mode ${r.mode}${r.completed ? '' : ' — INCOMPLETE'}`);
  out.push('');
  out.push(
    table(
      ['metric', 'value'],
      [
        ['nodes Ready', `${j.nodes} in ${j.nodesReadySeconds} s`],
        ['pods Running', `${j.pods} in ${j.podsRunningSeconds} s (${j.podsRunningSeconds > 0 ? Math.round(j.pods / j.podsRunningSeconds) : 0} pods/s)`],
        ['scheduling throughput', `avg ${j.schedulingThroughput.avg} pods/s, max ${j.schedulingThroughput.max} pods/s`],
        ['pod startup p50 / p90 / p99', `${ms(j.podStartupLatencyMs.p50)} / ${ms(j.podStartupLatencyMs.p90)} / ${ms(j.podStartupLatencyMs.p99)}`],
        ['  created → scheduled', `${ms(r.stages.createToSchedule.p50)} / ${ms(r.stages.createToSchedule.p90)} / ${ms(r.stages.createToSchedule.p99)}`],
        ['  scheduled → Running (1 s resolution)', `${ms(r.stages.scheduleToRun.p50)} / ${ms(r.stages.scheduleToRun.p90)} / ${ms(r.stages.scheduleToRun.p99)}`],
        ['  Running → watched (1 s resolution)', `${ms(r.stages.runToWatch.p50)} / ${ms(r.stages.runToWatch.p90)} / ${ms(r.stages.runToWatch.p99)}`],
        ['peak RSS (process)', `${j.peakRssMB} MB`],
        ['CPU (process, all threads)', `${r.processCpuSeconds} s`],
      ],
    ),
  );
  out.push('');
  out.push(
    table(
      ['API call (in the apiserver)', 'count', 'p50', 'p99', 'max'],
      Object.entries(r.apiLatency).map(([k, s]) => [k, String(s.count), ms(s.p50), ms(s.p99), ms(s.max)]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['worker', 'peak heap', 'CPU (event-loop busy)', 'messages in', 'restarts'],
      r.workers.map((w) => [w.host, `${w.peakHeapMB} MB`, `${w.cpuPercent} %`, String(w.msgsIn), String(w.restarts)]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['SLO', 'measured p99', 'limit', 'worst', 'verdict'],
      r.slos.map((s) => [s.slo, ms(s.measuredMs), ms(s.limitMs), s.worst ?? '-', s.measuredMs === undefined ? 'n/a' : s.pass ? 'PASS' : 'FAIL']),
    ),
  );
  return out.join('\n') + '\n';
}
