/**
 * The density bench's results: the JSON a script reads (exactly the fields issue 5 names), the
 * fuller report the table and the HTML are drawn from, and the verdict against the Kubernetes
 * scalability SLOs (https://github.com/kubernetes/community/blob/master/sig-scalability/slos/slos.md).
 */
import { MUTATING_VERBS, type ApiMetricsSnapshot } from '../apiserver/metrics.js';
import type { HistogramBucket, Percentiles } from './histogram.js';

/** DensityJson is the `--json` file: exactly issue 5's fields, in its order. */
export interface DensityJson {
  nodes: number;
  pods: number;
  nodesReadySeconds: number;
  podsRunningSeconds: number;
  schedulingThroughput: { avg: number; max: number };
  podStartupLatencyMs: Percentiles;
  apiLatencyMs: Record<string, { p50: number; p99: number }>;
  peakRssMB: number;
}

/** ProgressSample is one per-second sample taken while pods are being created. */
export interface ProgressSample {
  /** t is seconds since the first Deployment was created. */
  t: number;
  created: number;
  scheduled: number;
  running: number;
  /** throughput is pods scheduled per second over the last interval. */
  throughput: number;
  rssMB: number;
}

/** WorkerUsage is one host's (worker's) resource use over the run. */
export interface WorkerUsage {
  host: string;
  /** peakHeapMB: the thread's largest V8 heap seen (RSS is per process, not per thread). */
  peakHeapMB: number;
  /** cpuPercent: the thread's event-loop utilization over its life, as % of one core. */
  cpuPercent: number;
  msgsIn: number;
  restarts: number;
}

/** SloVerdict is one row of the SLO table. */
export interface SloVerdict {
  slo: string;
  /** measured is the worst value in ms (undefined when nothing was measured). */
  measuredMs?: number;
  limitMs: number;
  /** worst names what measured comes from, e.g. "POST pods". */
  worst?: string;
  pass: boolean;
}

/** StartupStages are the per-stage percentiles of pod startup. */
export interface StartupStages {
  createToSchedule: Percentiles;
  scheduleToRun: Percentiles;
  runToWatch: Percentiles;
}

/** DensityReport is everything a run measured. */
export interface DensityReport {
  json: DensityJson;
  config: string;
  mode: 'workers' | 'inline';
  completed: boolean;
  qps?: number;
  deployments: number;
  /** startedAt is the run's start as an ISO time (for the report header). */
  startedAt: string;
  stages: StartupStages;
  startupBuckets: HistogramBucket[];
  apiLatency: ApiMetricsSnapshot;
  samples: ProgressSample[];
  workers: WorkerUsage[];
  processCpuSeconds: number;
  slos: SloVerdict[];
}

/** SLO limits in ms. */
export const SLO_POD_STARTUP_P99_MS = 5_000;
export const SLO_MUTATING_P99_MS = 1_000;
export const SLO_GET_P99_MS = 1_000;
export const SLO_LIST_P99_MS = 30_000;

/** throughputStats: average and max of the per-second samples while pods were being scheduled. */
export function throughputStats(samples: readonly ProgressSample[], target: number): { avg: number; max: number } {
  // The window runs from the first sample that scheduled a pod to the one that scheduled the last.
  const first = samples.findIndex((s) => s.throughput > 0);
  if (first < 0) return { avg: 0, max: 0 };
  let last = samples.findIndex((s) => s.scheduled >= target);
  if (last < 0) last = samples.length - 1;
  const window = samples.slice(first, last + 1);
  const sum = window.reduce((a, s) => a + s.throughput, 0);
  const max = window.reduce((a, s) => Math.max(a, s.throughput), 0);
  return { avg: round1(sum / window.length), max: round1(max) };
}

/** sloVerdicts checks pod startup p99 and the API call p99s against the Kubernetes SLOs. */
export function sloVerdicts(podStartupP99Ms: number | undefined, api: ApiMetricsSnapshot): SloVerdict[] {
  const worst = (pred: (verb: string) => boolean): { ms?: number; key?: string } => {
    let out: { ms?: number; key?: string } = {};
    for (const [key, s] of Object.entries(api)) {
      if (!pred(key.split(' ')[0]!)) continue;
      if (out.ms === undefined || s.p99 > out.ms) out = { ms: s.p99, key };
    }
    return out;
  };
  const mut = worst((v) => MUTATING_VERBS.has(v));
  const get = worst((v) => v === 'GET');
  const list = worst((v) => v === 'LIST');
  const row = (slo: string, limitMs: number, w: { ms?: number; key?: string }): SloVerdict => ({ slo, measuredMs: w.ms, limitMs, worst: w.key, pass: w.ms === undefined || w.ms <= limitMs });
  return [
    row('pod startup latency p99 (created → Running observed by watch)', SLO_POD_STARTUP_P99_MS, { ms: podStartupP99Ms, key: podStartupP99Ms === undefined ? undefined : 'pods' }),
    row('mutating API call latency p99 (worst verb+resource)', SLO_MUTATING_P99_MS, mut),
    row('read-only GET latency p99 (worst resource)', SLO_GET_P99_MS, get),
    row('LIST latency p99 (worst resource)', SLO_LIST_P99_MS, list),
  ];
}

/** apiLatencyJson keeps p50/p99 per key (the JSON's apiLatencyMs). */
export function apiLatencyJson(api: ApiMetricsSnapshot): Record<string, { p50: number; p99: number }> {
  const out: Record<string, { p50: number; p99: number }> = {};
  for (const [k, s] of Object.entries(api)) out[k] = { p50: s.p50, p99: s.p99 };
  return out;
}

/** round1 rounds to one decimal. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** round2 rounds to two decimals. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
