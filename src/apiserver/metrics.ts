/**
 * API request latency as kube-apiserver's `apiserver_request_duration_seconds` measures it: per
 * verb and resource, timed inside the server around the execution of a request (HTTP and actor
 * protocol alike, both go through ApiRegistry.execute), so a client's queueing and transport are
 * not in it. Latencies go into HDR histograms (microsecond resolution, 2 significant digits, ~30
 * KB per key, O(1) to record). `kubeactor bench density` reads them with an
 * {@link ApiMetricsRequest} ask to the apiserver actor.
 *
 * Keys follow the SLO's wording: `<VERB> <resource>[/<subresource>]`, e.g. `POST pods`,
 * `POST pods/binding`, `PUT pods/status`, `LIST pods`, `GET nodes`, `PATCH deployments/scale`.
 */
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import type { ApiRequest } from './protocol.js';

/** ApiMetricsRequest is the ask that returns the apiserver's {@link ApiMetricsSnapshot}. */
export interface ApiMetricsRequest {
  type: 'apiMetrics';
  /** reset clears every histogram after taking the snapshot (a bench's phase boundary). */
  reset?: boolean;
}

/** ApiLatencyStats are one key's numbers, in milliseconds. */
export interface ApiLatencyStats {
  count: number;
  /** errors counts requests that ended with an error reply (StatusError or other). */
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** ApiMetricsSnapshot maps `<VERB> <resource>` to its latency stats. */
export type ApiMetricsSnapshot = Record<string, ApiLatencyStats>;

/** MUTATING_VERBS are the verbs of the "mutating API calls" SLO. */
export const MUTATING_VERBS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION']);

/** isApiMetricsRequest tells an {@link ApiMetricsRequest} from other messages. */
export function isApiMetricsRequest(msg: unknown): msg is ApiMetricsRequest {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'apiMetrics';
}

/** requestVerb is the verb kube-apiserver's metrics would label a request with. */
export function requestVerb(req: ApiRequest): string {
  switch (req.type) {
    case 'create':
    case 'createSub':
      return 'POST';
    case 'get':
      return 'GET';
    case 'list':
      return 'LIST';
    case 'update':
      return 'PUT';
    case 'patch':
      return req.patchType === 'apply' ? 'APPLY' : 'PATCH';
    case 'delete':
      return 'DELETE';
    case 'deleteCollection':
      return 'DELETECOLLECTION';
    case 'watch':
    case 'unwatch':
      return 'WATCH';
  }
}

/** requestKey is `<VERB> <resource>[/<subresource>]` for a request. */
export function requestKey(req: ApiRequest): string {
  if (req.type === 'unwatch') return 'WATCH';
  const sub = 'subresource' in req && req.subresource ? `/${req.subresource}` : '';
  return `${requestVerb(req)} ${req.res.resource}${sub}`;
}

// 1 µs .. 1 h at 2 significant digits: ~30 KB per key in a plain 32-bit array (packed arrays are
// smaller but cost more per record, and recording is on the apiserver's hot path).
const HIGHEST_MICROS = 3_600_000_000;

interface Entry {
  hist: hdr.Histogram;
  errors: number;
}

/** ApiMetrics holds one latency histogram per request key. Not thread-safe (one per server). */
export class ApiMetrics {
  private readonly entries = new Map<string, Entry>();

  /** now is injectable for tests; by default a monotonic real-time clock (latency is wall time, not cluster time). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** start times a request; call the returned function once when it ends. */
  start(req: ApiRequest): (ok: boolean) => void {
    const t0 = this.now();
    return (ok) => this.observe(requestKey(req), (this.now() - t0) * 1000, ok);
  }

  /** observe records one request of `key` that took `micros` microseconds. */
  observe(key: string, micros: number, ok = true): void {
    let e = this.entries.get(key);
    if (!e) {
      e = { hist: hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_MICROS, numberOfSignificantValueDigits: 2, bitBucketSize: 32 }), errors: 0 };
      this.entries.set(key, e);
    }
    e.hist.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, Math.round(micros))));
    if (!ok) e.errors++;
  }

  /** snapshot returns every key's stats, keys sorted. */
  snapshot(): ApiMetricsSnapshot {
    const out: ApiMetricsSnapshot = {};
    for (const key of [...this.entries.keys()].sort()) {
      const { hist, errors } = this.entries.get(key)!;
      // hdr reports a bucket's highest equivalent value; never above the largest value recorded.
      const ms = (v: number): number => Math.round(Math.min(v, hist.maxValue)) / 1000;
      out[key] = {
        count: hist.totalCount,
        errors,
        p50: ms(hist.getValueAtPercentile(50)),
        p90: ms(hist.getValueAtPercentile(90)),
        p99: ms(hist.getValueAtPercentile(99)),
        max: ms(hist.maxValue),
        mean: ms(hist.mean),
      };
    }
    return out;
  }

  /** reset forgets every observation. */
  reset(): void {
    this.entries.clear();
  }
}
