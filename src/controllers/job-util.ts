/**
 * batch/v1 Job and CronJob types (the fields the controllers read and write) and the pure
 * helpers of the Job controller: pod classification, completed-index sets, conditions.
 */
import { rfc3339 } from '../api/meta.js';
import type { KObject, LabelSelector, ObjectMeta, Pod, PodTemplateSpec } from '../api/types.js';

/** JobCondition is one of Complete, SuccessCriteriaMet, Failed, FailureTarget, Suspended. */
export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** JobSpec is batch/v1 JobSpec (the fields kubeactor acts on). */
export interface JobSpec {
  parallelism?: number;
  completions?: number;
  completionMode?: 'NonIndexed' | 'Indexed';
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template: PodTemplateSpec;
  [k: string]: unknown;
}

/** JobStatus is batch/v1 JobStatus. */
export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: JobCondition[];
  [k: string]: unknown;
}

/** Job is batch/v1 Job. */
export interface Job extends KObject {
  spec: JobSpec;
  status?: JobStatus;
}

/** CronJobSpec is batch/v1 CronJobSpec. */
export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  suspend?: boolean;
  jobTemplate: { metadata?: ObjectMeta; spec: JobSpec };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  [k: string]: unknown;
}

/** CronJob is batch/v1 CronJob. */
export interface CronJob extends KObject {
  spec: CronJobSpec;
  status?: { active?: { kind?: string; apiVersion?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string; [k: string]: unknown };
}

/** JOB_COMPLETION_INDEX is the annotation and label carrying an Indexed Job pod's index. */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** JOB_TRACKING_FINALIZER is upstream's pod finalizer (kubeactor does not add it; see docs/controllers.md). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** finishedCondition returns the job's Complete or Failed condition when it is True. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** isJobFinished: Complete or Failed is True. */
export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined;
}

/** podIndex reads an Indexed Job pod's completion index (annotation first, then label). */
export function podIndex(pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata.labels?.[JOB_COMPLETION_INDEX];
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** parseIndexes reads a completedIndexes string ("0-2,5") into a set. */
export function parseIndexes(s: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',').filter((p) => p !== '')) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.add(i);
  }
  return out;
}

/** formatIndexes writes a set of indexes as upstream's compressed intervals ("0-2,5"). */
export function formatIndexes(set: Set<number>): string {
  const xs = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** setCondition returns conditions with type set to status/reason/message (transition time kept when unchanged). */
export function setCondition(conds: JobCondition[] | undefined, type: string, status: JobCondition['status'], reason: string, message: string, nowMs: number): JobCondition[] {
  const cur = (conds ?? []).find((c) => c.type === type);
  if (cur && cur.status === status && cur.reason === reason && cur.message === message) return conds ?? [];
  const now = rfc3339(nowMs);
  const next: JobCondition = { type, status, reason, message, lastProbeTime: now, lastTransitionTime: cur && cur.status === status ? cur.lastTransitionTime : now };
  return cur ? (conds ?? []).map((c) => (c.type === type ? next : c)) : [...(conds ?? []), next];
}

/** restartFailures counts the container restarts of active OnFailure pods (upstream adds them to the job's failures). */
export function restartFailures(active: Pod[]): number {
  let n = 0;
  for (const p of active) if (p.spec.restartPolicy === 'OnFailure') for (const cs of p.status?.containerStatuses ?? []) n += cs.restartCount ?? 0;
  return n;
}

/** POD_FAILURE_BACKOFF_MS is the first delay before replacing a failed pod (DefaultJobPodFailureBackOff). */
export const POD_FAILURE_BACKOFF_MS = 10_000;
/** MAX_POD_FAILURE_BACKOFF_MS caps that delay (MaxJobPodFailureBackOff). */
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

/** podFinishedAtMs is when a terminal pod finished: its containers' latest finishedAt (undefined if unknown). */
export function podFinishedAtMs(pod: Pod): number | undefined {
  const times = (pod.status?.containerStatuses ?? []).map((c) => Date.parse(String(c.state.terminated?.finishedAt ?? ''))).filter(Number.isFinite);
  return times.length > 0 ? Math.max(...times) : undefined;
}

/**
 * newPodsAllowedAtMs is upstream's backoff record: after n failures since the last success,
 * replacements wait 10 s · 2^(n-1) (≤ 10 min) from the last failure. 0 = no wait.
 */
export function newPodsAllowedAtMs(succeeded: Pod[], failed: Pod[]): number {
  const lastSuccess = Math.max(0, ...succeeded.map((p) => podFinishedAtMs(p) ?? 0));
  const failures = failed.map(podFinishedAtMs).filter((t): t is number => t !== undefined && t > lastSuccess);
  if (failures.length === 0) return 0;
  return Math.max(...failures) + Math.min(MAX_POD_FAILURE_BACKOFF_MS, POD_FAILURE_BACKOFF_MS * 2 ** (failures.length - 1));
}
