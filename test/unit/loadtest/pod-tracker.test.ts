import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { PodTracker } from '../../../src/loadtest/pod-tracker.js';

function pod(uid: string, opts: { node?: string; running?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: uid, namespace: 'density', uid },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: opts.running
      ? { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'i', imageID: '', state: { running: { startedAt: opts.running } } }] }
      : { phase: 'Pending' },
  } as Pod;
}

const T = Date.parse('2026-01-01T00:00:00Z');

describe('loadtest - pod tracker', () => {
  it('records created → scheduled → Running → watched and the stage latencies', () => {
    const t = new PodTracker();
    t.observe('ADDED', pod('a'), T + 100);
    t.observe('MODIFIED', pod('a', { node: 'n1' }), T + 300);
    t.observe('MODIFIED', pod('a', { node: 'n1', running: '2026-01-01T00:00:01Z' }), T + 1_400);
    expect(t.times('a')).toEqual({ createdAt: T + 100, scheduledAt: T + 300, runningAt: T + 1_000, watchedAt: T + 1_400 });
    expect([t.created, t.scheduled, t.running]).toEqual([1, 1, 1]);
    const h = t.histograms();
    expect(h.startup.percentile(50)).toBeCloseTo(1_300, -1);
    expect(h.createToSchedule.percentile(50)).toBeCloseTo(200, 0);
    expect(h.scheduleToRun.percentile(50)).toBeCloseTo(700, 0);
    expect(h.runToWatch.percentile(50)).toBeCloseTo(400, 0);
  });

  it('counts each phase once however many events repeat it', () => {
    const t = new PodTracker();
    t.observe('ADDED', pod('a', { node: 'n1' }), T);
    t.observe('MODIFIED', pod('a', { node: 'n1' }), T + 10);
    t.observe('MODIFIED', pod('a', { node: 'n1', running: '2026-01-01T00:00:00Z' }), T + 20);
    t.observe('MODIFIED', pod('a', { node: 'n1', running: '2026-01-01T00:00:00Z' }), T + 30);
    t.observe('DELETED', pod('a', { node: 'n1', running: '2026-01-01T00:00:00Z' }), T + 40);
    expect([t.created, t.scheduled, t.running]).toEqual([1, 1, 1]);
    expect(t.times('a')?.watchedAt).toBe(T + 20);
  });

  it('clamps the second-precision startedAt into [scheduled, watched] so stages add up', () => {
    const t = new PodTracker();
    t.observe('ADDED', pod('a'), T + 500);
    t.observe('MODIFIED', pod('a', { node: 'n' }), T + 600);
    // startedAt truncated to T, before the pod was even scheduled.
    t.observe('MODIFIED', pod('a', { node: 'n', running: '2026-01-01T00:00:00Z' }), T + 900);
    const h = t.histograms();
    expect(h.scheduleToRun.max).toBeLessThan(0.01);
    expect(h.runToWatch.max).toBeCloseTo(300, 0);
  });

  it('treats a pod first seen Running (after a re-list) as scheduled when seen', () => {
    const t = new PodTracker();
    t.observe('ADDED', pod('b', { node: 'n', running: '2026-01-01T00:00:00Z' }), T + 50);
    expect([t.created, t.scheduled, t.running]).toEqual([1, 1, 1]);
    expect(t.histograms().startup.max).toBeLessThan(0.01);
  });

  it('leaves pods never Running out of the histograms', () => {
    const t = new PodTracker();
    t.observe('ADDED', pod('c'), T);
    t.observe('MODIFIED', pod('c', { node: 'n' }), T + 10);
    expect(t.histograms().startup.count).toBe(0);
    expect([t.created, t.scheduled, t.running]).toEqual([1, 1, 0]);
  });
});
