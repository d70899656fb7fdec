/**
 * LatencyHistogram: an HDR histogram of millisecond latencies (hdr-histogram-js), with the
 * percentiles the reports print and the buckets the HTML report draws. Values are recorded in
 * microseconds so sub-millisecond latencies keep their resolution; 3 significant digits.
 */
import * as hdr from 'hdr-histogram-js';

/** Percentiles are p50/p90/p99 in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** HistogramBucket is one bar of a latency distribution: `count` values ≤ `upToMs` (and above the previous bucket). */
export interface HistogramBucket {
  upToMs: number;
  count: number;
}

const HIGHEST_MICROS = 24 * 3_600_000_000;

/** LatencyHistogram: see the file comment. */
export class LatencyHistogram {
  private readonly hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_MICROS, numberOfSignificantValueDigits: 3, bitBucketSize: 32 });

  /** record adds one latency in milliseconds; negative values (clock skew between threads) count as 0. */
  record(ms: number): void {
    this.hist.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, Math.round(ms * 1000))));
  }

  /** count is the number of recorded values. */
  get count(): number {
    return this.hist.totalCount;
  }

  /** percentile returns the value at p (0..100) in ms, rounded to 0.01 ms; 0 when empty. */
  percentile(p: number): number {
    if (this.hist.totalCount === 0) return 0;
    // hdr reports a bucket's highest equivalent value; never above the largest value recorded.
    return Math.round(Math.min(this.hist.getValueAtPercentile(p), this.hist.maxValue) / 10) / 100;
  }

  /** max is the largest recorded value in ms. */
  get max(): number {
    return this.hist.totalCount === 0 ? 0 : Math.round(this.hist.maxValue / 10) / 100;
  }

  /** percentiles returns p50/p90/p99. */
  percentiles(): Percentiles {
    return { p50: this.percentile(50), p90: this.percentile(90), p99: this.percentile(99) };
  }

  /**
   * buckets cuts [0, max] into `n` equal-width bars (the HTML report's distribution chart).
   * Walks the recorded values once through hdr's iterator, so it is O(distinct values).
   */
  buckets(n = 40): HistogramBucket[] {
    if (this.hist.totalCount === 0) return [];
    const maxMs = this.hist.maxValue / 1000;
    const width = Math.max(maxMs / n, 0.001);
    const out: HistogramBucket[] = Array.from({ length: n }, (_, i) => ({ upToMs: Math.round((i + 1) * width * 100) / 100, count: 0 }));
    // percentile distribution at fine resolution: each step carries the values between its predecessor and itself.
    let prevCount = 0;
    for (let i = 1; i <= 1000; i++) {
      const p = i / 10;
      const v = this.hist.getValueAtPercentile(p) / 1000;
      const cum = Math.round((p / 100) * this.hist.totalCount);
      const idx = Math.min(n - 1, Math.floor(v / width));
      out[idx]!.count += cum - prevCount;
      prevCount = cum;
    }
    return out;
  }
}
