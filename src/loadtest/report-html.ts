/**
 * The density bench's HTML report: one self-contained file (inline CSS and SVG, no script, no
 * CDN) with throughput over time, pods created/scheduled/Running over time, the pod startup
 * latency distribution, API latency per verb and resource, workers, and the SLO verdict.
 */
import type { HistogramBucket } from './histogram.js';
import type { DensityReport } from './result.js';

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Series is one line of a line chart. */
interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

const W = 720;
const H = 260;
const PAD = { l: 60, r: 20, t: 20, b: 40 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axes(xMax: number, yMax: number, xLabel: string, yLabel: string): string {
  const parts: string[] = [];
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.t + ph - (ph * i) / 4;
    const x = PAD.l + (pw * i) / 4;
    parts.push(`<line x1="${PAD.l}" y1="${y}" x2="${W - PAD.r}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${PAD.l - 6}" y="${y + 4}" text-anchor="end">${+((yMax * i) / 4).toFixed(2)}</text>`);
    parts.push(`<text x="${x}" y="${H - PAD.b + 16}" text-anchor="middle">${+((xMax * i) / 4).toFixed(1)}</text>`);
  }
  parts.push(`<line x1="${PAD.l}" y1="${PAD.t + ph}" x2="${W - PAD.r}" y2="${PAD.t + ph}" stroke="#333"/>`);
  parts.push(`<line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${PAD.t + ph}" stroke="#333"/>`);
  parts.push(`<text x="${PAD.l + pw / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text x="14" y="${PAD.t + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${PAD.t + ph / 2})">${esc(yLabel)}</text>`);
  return parts.join('');
}

/** lineChart draws series as polylines in an SVG. */
export function lineChart(title: string, series: Series[], xLabel: string, yLabel: string): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = niceMax(Math.max(1, ...xs));
  const yMax = niceMax(Math.max(1, ...ys));
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b;
  const lines = series.map((s) => {
    const pts = s.points.map(([x, y]) => `${(PAD.l + (pw * x) / xMax).toFixed(1)},${(PAD.t + ph - (ph * y) / yMax).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`;
  });
  const legend = series.map((s, i) => `<rect x="${PAD.l + 10 + i * 150}" y="${PAD.t - 14}" width="12" height="4" fill="${s.color}"/><text x="${PAD.l + 26 + i * 150}" y="${PAD.t - 10}">${esc(s.name)}</text>`);
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${axes(xMax, yMax, xLabel, yLabel)}${lines.join('')}${legend.join('')}</svg></figure>`;
}

/** barChart draws a latency distribution (bucket counts) in an SVG. */
export function barChart(title: string, buckets: HistogramBucket[], xLabel: string): string {
  const xMax = buckets.length ? buckets[buckets.length - 1]!.upToMs : 1;
  const yMax = niceMax(Math.max(1, ...buckets.map((b) => b.count)));
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b;
  const bw = buckets.length ? pw / buckets.length : pw;
  const bars = buckets.map((b, i) => {
    const h = (ph * b.count) / yMax;
    return `<rect x="${(PAD.l + i * bw + 1).toFixed(1)}" y="${(PAD.t + ph - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#4c78a8"><title>≤ ${b.upToMs} ms: ${b.count}</title></rect>`;
  });
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${axes(xMax, yMax, xLabel, 'pods')}${bars.join('')}</svg></figure>`;
}

function htmlTable(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** renderDensityHtml renders the whole report. */
export function renderDensityHtml(r: DensityReport): string {
  const j = r.json;
  const s = r.samples;
  const throughput = lineChart('Scheduling throughput (pods scheduled per second)', [{ name: 'pods/s', color: '#4c78a8', points: s.map((x) => [x.t, x.throughput]) }], 'seconds since the first Deployment', 'pods/s');
  const progress = lineChart(
    'Pods over time',
    [
      { name: 'created', color: '#9d9d9d', points: s.map((x) => [x.t, x.created]) },
      { name: 'scheduled', color: '#f58518', points: s.map((x) => [x.t, x.scheduled]) },
      { name: 'Running (watched)', color: '#54a24b', points: s.map((x) => [x.t, x.running]) },
    ],
    'seconds since the first Deployment',
    'pods',
  );
  const rss = lineChart('Process RSS', [{ name: 'RSS MB', color: '#b279a2', points: s.map((x) => [x.t, x.rssMB]) }], 'seconds since the first Deployment', 'MB');
  const dist = barChart('Pod startup latency distribution (created → Running observed by watch)', r.startupBuckets, 'ms');
  const slo = htmlTable(
    ['SLO', 'measured p99 (ms)', 'limit (ms)', 'worst', 'verdict'],
    r.slos.map((v) => [v.slo, v.measuredMs ?? 'n/a', v.limitMs, v.worst ?? '-', v.measuredMs === undefined ? 'n/a' : v.pass ? 'PASS' : 'FAIL']),
  );
  const api = htmlTable(['verb resource', 'count', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], Object.entries(r.apiLatency).map(([k, v]) => [k, v.count, v.errors, v.p50, v.p90, v.p99, v.max]));
  const stages = htmlTable(
    ['stage', 'p50 ms', 'p90 ms', 'p99 ms'],
    [
      ['created → Running observed by watch', j.podStartupLatencyMs.p50, j.podStartupLatencyMs.p90, j.podStartupLatencyMs.p99],
      ['created → scheduled', r.stages.createToSchedule.p50, r.stages.createToSchedule.p90, r.stages.createToSchedule.p99],
      ['scheduled → Running (startedAt, 1 s resolution)', r.stages.scheduleToRun.p50, r.stages.scheduleToRun.p90, r.stages.scheduleToRun.p99],
      ['Running → observed by watch (1 s resolution)', r.stages.runToWatch.p50, r.stages.runToWatch.p90, r.stages.runToWatch.p99],
    ],
  );
  const workers = htmlTable(['worker', 'peak heap MB', 'CPU % (event loop busy)', 'messages in', 'restarts'], r.workers.map((w) => [w.host, w.peakHeapMB, w.cpuPercent, w.msgsIn, w.restarts]));
  const verdict = r.slos.every((v) => v.pass) ? '<span class="pass">all SLOs met</span>' : '<span class="fail">SLO violated</span>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kubeactor density: ${j.nodes} nodes, ${j.pods} pods</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:800px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f4f4f4}svg text{font:11px sans-serif;fill:#333}figure{margin:1.5em 0}figcaption{font-weight:600}
.pass{color:#2a7a2a;font-weight:600}.fail{color:#b00;font-weight:600}
</style></head><body>
<h1>kubeactor bench density</h1>
<p>${esc(r.config)} · mode ${r.mode} · ${j.nodes} nodes · ${j.pods} pods in ${r.deployments} Deployments${r.qps ? ` at ${r.qps} pods/s` : ''} · started ${esc(r.startedAt)} · ${r.completed ? verdict : '<span class="fail">INCOMPLETE</span>'}</p>
${htmlTable(
  ['metric', 'value'],
  [
    ['nodes Ready', `${j.nodesReadySeconds} s`],
    ['pods Running', `${j.podsRunningSeconds} s`],
    ['scheduling throughput', `avg ${j.schedulingThroughput.avg} pods/s, max ${j.schedulingThroughput.max} pods/s`],
    ['peak RSS', `${j.peakRssMB} MB`],
    ['process CPU', `${r.processCpuSeconds} s`],
  ],
)}
<h2>SLOs</h2>${slo}
<h2>Throughput over time</h2>${throughput}${progress}
<h2>Pod startup latency</h2>${dist}${stages}
<h2>API call latency (measured in the apiserver)</h2>${api}
<h2>Workers</h2>${workers}${rss}
<h2>JSON</h2><pre>${esc(JSON.stringify(j, null, 2))}</pre>
</body></html>
`;
}
