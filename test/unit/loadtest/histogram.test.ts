import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/loadtest/histogram.js';

describe('loadtest - latency histogram', () => {
  it('is all zeros when empty', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.percentiles()).toEqual({ p50: 0, p90: 0, p99: 0 });
    expect(h.buckets()).toEqual([]);
  });

  it('reports percentiles of 1..1000 ms within 0.1 %', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const p = h.percentiles();
    expect(p.p50).toBeCloseTo(500, -1);
    expect(p.p90).toBeCloseTo(900, -1);
    expect(p.p99).toBeCloseTo(990, -1);
    expect(h.max).toBeCloseTo(1000, -1);
  });

  it('keeps sub-millisecond resolution and clamps negatives to ~0', () => {
    const h = new LatencyHistogram();
    h.record(0.25);
    h.record(-5);
    expect(h.count).toBe(2);
    expect(h.max).toBeCloseTo(0.25, 2);
    expect(h.percentile(1)).toBeLessThan(0.01);
  });

  it('cuts the distribution into buckets that hold every value', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 900; i++) h.record(10);
    for (let i = 0; i < 100; i++) h.record(1000);
    const b = h.buckets(10);
    expect(b).toHaveLength(10);
    expect(b.reduce((a, x) => a + x.count, 0)).toBe(1000);
    expect(b[0]!.count).toBe(900);
    expect(b[9]!.count).toBe(100);
    expect(b[9]!.upToMs).toBeCloseTo(1000, -1);
  });
});
