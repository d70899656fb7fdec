/**
 * runDensity: a clusterloader2-style density run. Brings a topology up, times all nodes Ready,
 * creates `pods` pause pods through Deployments (at `qps` pods/s, or all at once), follows them
 * through an HTTP watch until every one is seen Running, and gathers: per-second scheduling
 * throughput, pod startup latency per stage (HDR histograms), the apiserver's own API latency
 * per verb and resource (an `apiMetrics` ask), and RSS/CPU per worker (runtime.stats()).
 * Measures wall time on purpose: it is a benchmark of this machine, not cluster logic.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../actors/types.js';
import { DEPLOYMENTS, NAMESPACES } from '../api/resources.js';
import { isStatusError } from '../api/errors.js';
import type { Namespace } from '../api/types.js';
import type { ApiMetricsRequest, ApiMetricsSnapshot } from '../apiserver/metrics.js';
import { APISERVER, type ApiRequest } from '../apiserver/protocol.js';
import { httpGet, startCluster, type Cluster } from '../cluster/cluster.js';
import { totalNodes, type Topology } from '../cluster/config.js';
import { creationOffsetsMs, densityDeployments } from './deployments.js';
import { PodTracker } from './pod-tracker.js';
import { PodWatch } from './pod-watch.js';
import type { DensityProgress } from './progress.js';
import { apiLatencyJson, round2, sloVerdicts, throughputStats, type DensityReport, type ProgressSample, type WorkerUsage } from './result.js';
import { UsageSampler } from './usage.js';

/** DensityOptions configure one run. */
export interface DensityOptions {
  topology: Topology;
  /** config is the topology file's path (for the report). */
  config: string;
  pods: number;
  /** qps: pods per second to create; undefined = as fast as possible. */
  qps?: number;
  /** perDeployment: replicas per Deployment (default 100). */
  perDeployment?: number;
  mode?: 'workers' | 'inline';
  namespace?: string;
  dataDir?: string;
  /** readyTimeoutSeconds bounds the wait for nodes Ready (default 600). */
  readyTimeoutSeconds?: number;
  /** runningTimeoutSeconds bounds the wait for pods Running (default max(300, pods / 10)). */
  runningTimeoutSeconds?: number;
  onProgress?: (p: DensityProgress) => void;
  log?: Logger;
  seed?: number;
}

/** DensityTimeoutError: pods were not all Running in time; `report` holds what was measured. */
export class DensityTimeoutError extends Error {
  override readonly name = 'DensityTimeoutError';
  constructor(
    message: string,
    readonly report: DensityReport,
  ) {
    super(message);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MB = 2 ** 20;

/** readyNodesFromReadyz parses /readyz?verbose ("[-]nodes-ready failed: 12/100 nodes Ready"). */
export function readyNodesFromReadyz(body: string, expected: number): number {
  if (/\[\+\]nodes-ready ok/.test(body)) return expected;
  const m = /(\d+)\/(\d+) nodes Ready/.exec(body);
  return m ? Number(m[1]) : 0;
}

async function waitNodesReady(cluster: Cluster, expected: number, t0: number, timeoutMs: number, progress: (p: DensityProgress) => void): Promise<void> {
  for (;;) {
    let body = '';
    let ok = false;
    try {
      const r = await httpGet(`${cluster.server}/readyz?verbose`, 10_000);
      body = r.body;
      ok = r.status === 200;
    } catch {
      // the apiserver is still starting
    }
    const ready = readyNodesFromReadyz(body, expected);
    const elapsed = Date.now() - t0;
    progress({ phase: 'nodes', value: ok ? expected : ready, total: expected, elapsedSeconds: elapsed / 1000, detail: ok ? 'cluster ready' : '' });
    if (ok) return;
    if (elapsed > timeoutMs) throw new Error(`nodes not Ready after ${Math.round(timeoutMs / 1000)} s (${ready}/${expected})`);
    await sleep(500);
  }
}

/** runDensity: see the file comment. Stops the cluster before it returns or throws. */
export async function runDensity(o: DensityOptions): Promise<DensityReport> {
  const nodes = totalNodes(o.topology);
  const namespace = o.namespace ?? 'density';
  const progress = o.onProgress ?? (() => {});
  const mode = o.mode ?? o.topology.spec.mode;
  const startedAt = new Date().toISOString();
  const usage = new UsageSampler();
  usage.sampleProcess();
  const t0 = Date.now();
  progress({ phase: 'starting', value: 0, total: nodes, elapsedSeconds: 0, detail: `${nodes} nodes, mode ${mode}` });
  // RealClock timers are unref'd and, inline, no worker holds the process open: without a handle
  // of our own the event loop would empty while the cluster starts (exit code 13).
  const keepAlive = setInterval(() => {}, 60_000);
  let cluster: Cluster;
  try {
    cluster = await startCluster(o.topology, { dataDir: o.dataDir ?? join(tmpdir(), `kubeactor-density-${process.pid}`), port: 0, mode, log: o.log, seed: o.seed });
  } catch (err) {
    clearInterval(keepAlive);
    throw err;
  }
  const ask = <R>(req: ApiRequest | ApiMetricsRequest, timeoutMs = 60_000): Promise<R> => cluster.runtime.ask<R>(APISERVER, req, { timeoutMs });
  const usageTimer = setInterval(() => void usage.sample(cluster.runtime), 1_000);
  let watch: PodWatch | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    await waitNodesReady(cluster, nodes, t0, (o.readyTimeoutSeconds ?? 600) * 1000, progress);
    const nodesReadySeconds = (Date.now() - t0) / 1000;
    // Phase boundary: API latencies of the pod phase only, as clusterloader2 resets its gatherers.
    await ask<ApiMetricsSnapshot>({ type: 'apiMetrics', reset: true });

    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
    await ask({ type: 'create', res: NAMESPACES, object: ns }).catch((err: unknown) => {
      if (!isStatusError(err, 'AlreadyExists')) throw err;
    });
    const tracker = new PodTracker();
    watch = new PodWatch({ server: cluster.server, namespace, onEvent: (type, pod, now) => tracker.observe(type, pod, now), onError: (err) => o.log?.warn('density watch failed; retrying', { err: String(err) }) });
    await watch.start();

    const deps = densityDeployments(namespace, o.pods, o.perDeployment ?? 100);
    const offsets = creationOffsetsMs(deps.map((d) => d.spec!.replicas ?? 0), o.qps);
    const t1 = Date.now();
    const samples: ProgressSample[] = [];
    let lastScheduled = 0;
    let lastT = t1;
    sampler = setInterval(() => {
      const now = Date.now();
      const throughput = ((tracker.scheduled - lastScheduled) * 1000) / Math.max(1, now - lastT);
      lastScheduled = tracker.scheduled;
      lastT = now;
      samples.push({ t: round2((now - t1) / 1000), created: tracker.created, scheduled: tracker.scheduled, running: tracker.running, throughput: round2(throughput), rssMB: Math.round(process.memoryUsage().rss / MB) });
      progress({ phase: 'pods', value: tracker.running, total: o.pods, elapsedSeconds: (now - t0) / 1000, detail: `${tracker.created} created, ${tracker.scheduled} scheduled, ${Math.round(throughput)} pods/s` });
    }, 1_000);

    // Create the Deployments on schedule, a bounded number of asks in flight.
    const creating = (async () => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < deps.length) {
          const i = next++;
          const wait = t1 + offsets[i]! - Date.now();
          if (wait > 0) await sleep(wait);
          await ask({ type: 'create', res: DEPLOYMENTS, namespace, object: deps[i]! });
        }
      };
      await Promise.all(Array.from({ length: Math.min(16, deps.length) }, worker));
    })();

    const deadline = t1 + (o.runningTimeoutSeconds ?? Math.max(300, o.pods / 10)) * 1000;
    let createError: unknown;
    creating.catch((err: unknown) => (createError = err));
    while (tracker.running < o.pods && Date.now() < deadline && createError === undefined) await sleep(100);
    if (createError !== undefined) throw createError;
    const completed = tracker.running >= o.pods;
    const podsRunningSeconds = (Date.now() - t1) / 1000;
    clearInterval(sampler);
    sampler = undefined;
    const final = Date.now();
    samples.push({ t: round2((final - t1) / 1000), created: tracker.created, scheduled: tracker.scheduled, running: tracker.running, throughput: round2(((tracker.scheduled - lastScheduled) * 1000) / Math.max(1, final - lastT)), rssMB: Math.round(process.memoryUsage().rss / MB) });
    progress({ phase: 'pods', value: tracker.running, total: o.pods, elapsedSeconds: (final - t0) / 1000, detail: completed ? 'all Running' : 'timed out' });

    const api = await ask<ApiMetricsSnapshot>({ type: 'apiMetrics' });
    await usage.sample(cluster.runtime);
    const h = tracker.histograms();
    const startup = h.startup.percentiles();
    const workers: WorkerUsage[] = usage.workers(cluster.runtime.hosts());
    const report: DensityReport = {
      json: {
        nodes,
        pods: o.pods,
        nodesReadySeconds: round2(nodesReadySeconds),
        podsRunningSeconds: round2(podsRunningSeconds),
        schedulingThroughput: throughputStats(samples, o.pods),
        podStartupLatencyMs: startup,
        apiLatencyMs: apiLatencyJson(api),
        peakRssMB: usage.peakRssMB,
      },
      config: o.config,
      mode,
      completed,
      qps: o.qps,
      deployments: deps.length,
      startedAt,
      stages: { createToSchedule: h.createToSchedule.percentiles(), scheduleToRun: h.scheduleToRun.percentiles(), runToWatch: h.runToWatch.percentiles() },
      startupBuckets: h.startup.buckets(40),
      apiLatency: api,
      samples,
      workers,
      processCpuSeconds: usage.processCpuSeconds,
      slos: sloVerdicts(h.startup.count ? startup.p99 : undefined, api),
    };
    if (!completed) throw new DensityTimeoutError(`only ${tracker.running}/${o.pods} pods Running after ${Math.round(podsRunningSeconds)} s`, report);
    return report;
  } finally {
    if (sampler) clearInterval(sampler);
    clearInterval(usageTimer);
    await watch?.stop();
    progress({ phase: 'done', value: 1, total: 1, elapsedSeconds: (Date.now() - t0) / 1000, detail: 'stopping the cluster' });
    try {
      await cluster.stop();
    } finally {
      clearInterval(keepAlive);
    }
  }
}
