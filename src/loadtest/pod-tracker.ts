/**
 * PodTracker follows the bench's pods through watch events and keeps, per pod, the moments of
 * clusterloader2's pod-startup phases:
 *
 *   created ──▶ scheduled ──▶ Running (kubelet) ──▶ Running observed by the bench's watch
 *   (ADDED seen)  (nodeName set seen)  (containerStatuses[].state.running.startedAt)  (phase Running seen)
 *
 * "created", "scheduled" and "watched" are the bench's own millisecond observations of the
 * watch stream (metav1.Time is second precision, too coarse for sub-second latencies);
 * "Running" is the kubelet's startedAt, second precision as in Kubernetes, so the stages
 * scheduled→Running and Running→watched are coarse and the report says so.
 * Pure: time comes in with each event.
 */
import type { Pod } from '../api/types.js';
import { LatencyHistogram } from './histogram.js';

/** PodTimes are one pod's phase moments (ms since the epoch); undefined until seen. */
export interface PodTimes {
  createdAt: number;
  scheduledAt?: number;
  runningAt?: number;
  watchedAt?: number;
}

/** PodStartupHistograms are the startup latency histograms, built when the run is over. */
export interface PodStartupHistograms {
  /** startup: created → Running observed by watch (the SLO's pod startup latency). */
  startup: LatencyHistogram;
  createToSchedule: LatencyHistogram;
  scheduleToRun: LatencyHistogram;
  runToWatch: LatencyHistogram;
}

function startedAt(p: Pod): number | undefined {
  let latest: number | undefined;
  for (const c of p.status?.containerStatuses ?? []) {
    const s = c.state?.running?.startedAt;
    if (!s) continue;
    const t = Date.parse(s);
    if (Number.isFinite(t)) latest = latest === undefined ? t : Math.max(latest, t);
  }
  return latest;
}

/** PodTracker: see the file comment. */
export class PodTracker {
  private readonly pods = new Map<string, PodTimes>();
  private scheduledCount = 0;
  private runningCount = 0;

  /** observe handles one watch event (ADDED/MODIFIED/DELETED) seen at `nowMs`. */
  observe(type: string, pod: Pod, nowMs: number): void {
    const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (type === 'DELETED') return; // a deleted pod keeps its recorded moments
    let t = this.pods.get(uid);
    if (!t) {
      t = { createdAt: nowMs };
      this.pods.set(uid, t);
    }
    if (t.scheduledAt === undefined && pod.spec?.nodeName) {
      t.scheduledAt = nowMs;
      this.scheduledCount++;
    }
    if (t.watchedAt === undefined && pod.status?.phase === 'Running') {
      t.watchedAt = nowMs;
      t.runningAt = startedAt(pod);
      // A pod seen for the first time already Running (re-list after a 410) has no earlier moments.
      if (t.scheduledAt === undefined) {
        t.scheduledAt = nowMs;
        this.scheduledCount++;
      }
      this.runningCount++;
    }
  }

  /** created is the number of pods seen. */
  get created(): number {
    return this.pods.size;
  }

  /** scheduled is the number of pods seen bound to a node. */
  get scheduled(): number {
    return this.scheduledCount;
  }

  /** running is the number of pods seen Running. */
  get running(): number {
    return this.runningCount;
  }

  /** times returns a pod's moments by uid (tests, reports). */
  times(uid: string): PodTimes | undefined {
    return this.pods.get(uid);
  }

  /** histograms builds the startup latency histograms over the pods seen Running. */
  histograms(): PodStartupHistograms {
    const h: PodStartupHistograms = { startup: new LatencyHistogram(), createToSchedule: new LatencyHistogram(), scheduleToRun: new LatencyHistogram(), runToWatch: new LatencyHistogram() };
    for (const t of this.pods.values()) {
      if (t.watchedAt === undefined || t.scheduledAt === undefined) continue;
      h.startup.record(t.watchedAt - t.createdAt);
      h.createToSchedule.record(t.scheduledAt - t.createdAt);
      if (t.runningAt !== undefined) {
        // startedAt is whole seconds: clamp into [scheduled, watched] so the stages add up.
        const run = Math.min(Math.max(t.runningAt, t.scheduledAt), t.watchedAt);
        h.scheduleToRun.record(run - t.scheduledAt);
        h.runToWatch.record(t.watchedAt - run);
      }
    }
    return h;
  }
}
