/**
 * CronJob controller (batch/v1, upstream's cronjob_controllerv2): on the controller clock, creates
 * a Job `<cronjob>-<scheduled time in minutes since epoch>` for the most recent missed schedule
 * time (within startingDeadlineSeconds), honours concurrencyPolicy Allow / Forbid / Replace and
 * suspend, keeps status.active / lastScheduleTime / lastSuccessfulTime, deletes finished Jobs
 * beyond successfulJobsHistoryLimit / failedJobsHistoryLimit, and requeues itself for the next
 * schedule time.
 */
import { controllerOf, keyOf, objectKey, rfc3339 } from '../api/meta.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { CRONJOBS, JOBS } from '../api/resources.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';
import { ownerRefTo } from './util.js';
import { CronScheduleError, parseSchedule, type Schedule } from './cronjob-schedule.js';
import { finishedCondition, type CronJob, type Job } from './job-util.js';

/** NAME of the controller. */
export const NAME = 'cronjob';
/** CRONJOB_OWNER_INDEX indexes jobs by the uid of their controlling CronJob. */
export const CRONJOB_OWNER_INDEX = 'cronjob-owner-uid';
/** SCHEDULED_TIMESTAMP_ANNOTATION records a Job's scheduled time (as 1.28+). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** MAX_MISSED caps how many missed schedule times are walked before jumping to recent ones. */
const MAX_MISSED = 100;
const CJ_GVK = { kind: 'CronJob', apiVersion: 'batch/v1' };

/** jobNameFor is `<cronjob>-<scheduledMs in minutes>` (getJobName upstream). */
export function jobNameFor(cj: CronJob, scheduledMs: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;
}

/** mostRecentScheduleTime is the latest schedule time in (earliest, now], and how many were missed. */
export function mostRecentScheduleTime(cj: CronJob, sched: Schedule, nowMs: number): { time?: number; missed: number; nextMs?: number } {
  let earliest = Date.parse(String(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? rfc3339(nowMs)));
  const sds = cj.spec.startingDeadlineSeconds;
  if (sds !== undefined) earliest = Math.max(earliest, nowMs - sds * 1000);
  let time: number | undefined;
  let missed = 0;
  let t = sched.next(earliest);
  while (t !== undefined && t <= nowMs) {
    time = t;
    if (++missed > MAX_MISSED) {
      // Too many missed starts (upstream's TooManyMissedTimes): look only at the last hour.
      const recent = sched.next(nowMs - 3_600_000);
      if (recent !== undefined && recent > t) t = recent;
      else t = sched.next(t);
      while (t !== undefined && t <= nowMs) {
        time = t;
        t = sched.next(t);
      }
      break;
    }
    t = sched.next(t);
  }
  return { time, missed, nextMs: t };
}

/** CronJobDeps are the listers and client of the reconciler. */
export interface CronJobDeps {
  client: ApiClient;
  cronJobs: Lister<CronJob>;
  /** jobs indexed under CRONJOB_OWNER_INDEX. */
  jobs: Lister<Job>;
  events?: EventRecorder;
}

/** newJobFor builds the Job of cj for scheduledMs from its jobTemplate. */
export function newJobFor(cj: CronJob, scheduledMs: number): Job {
  const tm = cj.spec.jobTemplate.metadata ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledMs),
      namespace: cj.metadata.namespace,
      labels: { ...(tm.labels ?? {}) },
      annotations: { ...(tm.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339(scheduledMs) },
      ownerReferences: [ownerRefTo(cj, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(cj.spec.jobTemplate.spec),
  };
}

const jobRef = (j: Job) => ({ kind: 'Job', apiVersion: 'batch/v1', namespace: j.metadata.namespace, name: String(j.metadata.name), uid: String(j.metadata.uid), resourceVersion: j.metadata.resourceVersion });

/** createCronJobReconciler runs one CronJob: active bookkeeping, the due Job, history cleanup, next requeue. */
export function createCronJobReconciler(deps: CronJobDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const cj = deps.cronJobs.get(req.namespace, req.name);
      if (!cj) return;
      const now = ctx.clock.now();
      const jobs = deps.jobs.byIndex(CRONJOB_OWNER_INDEX, String(cj.metadata.uid));
      const prev = cj.status ?? {};
      const status = { ...prev, active: [...(prev.active ?? [])] };
      // status.active ⟷ the jobs we own: drop finished and vanished ones, add unknown running ones.
      const byUid = new Map(jobs.map((j) => [String(j.metadata.uid), j]));
      status.active = status.active.filter((r) => {
        const j = byUid.get(String(r.uid));
        return j !== undefined && !finishedCondition(j);
      });
      for (const j of jobs) {
        const fin = finishedCondition(j);
        if (!fin && !status.active.some((r) => r.uid === j.metadata.uid)) status.active.push(jobRef(j));
        if (fin?.type === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || Date.parse(j.status.completionTime) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = j.status.completionTime;
        }
      }
      let result: Result | void = undefined;
      if (!cj.metadata.deletionTimestamp) {
        await cleanupHistory(deps, cj, jobs);
        if (!cj.spec.suspend) result = await schedule(ctx, deps, cj, status, now);
      }
      if (status.active.length === 0) delete (status as { active?: unknown }).active;
      if (JSON.stringify(status) !== JSON.stringify(prev)) await deps.client.updateStatus(CRONJOBS, { ...cj, status });
      return result;
    },
  };
}

type Status = NonNullable<CronJob['status']> & { active: NonNullable<NonNullable<CronJob['status']>['active']> };

async function schedule(ctx: ReconcileContext, deps: CronJobDeps, cj: CronJob, status: Status, now: number): Promise<Result | void> {
  let sched: Schedule;
  try {
    sched = parseSchedule(cj.spec.schedule, cj.spec.timeZone ?? 'UTC');
  } catch (err) {
    if (!(err instanceof CronScheduleError)) throw err;
    const reason = /time zone/.test(err.message) ? 'UnknownTimeZone' : 'UnparseableSchedule';
    deps.events?.event(cj, 'Warning', reason, err.message, CJ_GVK);
    return;
  }
  const cur = { ...cj, status };
  const { time, missed, nextMs } = mostRecentScheduleTime(cur, sched, now);
  const requeue = nextMs !== undefined ? { requeueAfterMs: Math.max(1, nextMs - now + 100) } : undefined;
  if (missed > MAX_MISSED) deps.events?.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`, CJ_GVK);
  if (time === undefined) return requeue;
  const sds = cj.spec.startingDeadlineSeconds;
  if (sds !== undefined && time + sds * 1000 < now) {
    deps.events?.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(time)}`, CJ_GVK);
    return requeue;
  }
  const name = jobNameFor(cj, time);
  if (status.active.some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) >= time)) return requeue;
  const policy = cj.spec.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && status.active.length > 0) {
    deps.events?.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', CJ_GVK);
    return requeue;
  }
  if (policy === 'Replace') {
    for (const r of [...status.active]) {
      try {
        await deps.client.delete(JOBS, r.namespace, String(r.name), { propagationPolicy: 'Background', preconditions: { uid: r.uid } });
        deps.events?.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${r.name}`, CJ_GVK);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      status.active = status.active.filter((x) => x.uid !== r.uid);
    }
  }
  let job: Job;
  try {
    job = await deps.client.create(JOBS, newJobFor(cj, time));
    deps.events?.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`, CJ_GVK);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      deps.events?.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`, CJ_GVK);
      throw err;
    }
    // Created by an earlier incarnation of us (or someone else): take it if it is ours.
    const existing = await deps.client.get<Job>(JOBS, cj.metadata.namespace, name);
    if (controllerOf(existing)?.uid !== cj.metadata.uid) return requeue;
    job = existing;
  }
  if (!finishedCondition(job) && !status.active.some((r) => r.uid === job.metadata.uid)) status.active.push(jobRef(job));
  status.lastScheduleTime = rfc3339(time);
  ctx.log.debug('scheduled job', { cronjob: objectKey(cj), job: name });
  return requeue;
}

/** cleanupHistory deletes the oldest finished jobs beyond the history limits. */
async function cleanupHistory(deps: CronJobDeps, cj: CronJob, jobs: Job[]): Promise<void> {
  const byStart = (a: Job, b: Job): number => Date.parse(String(a.status?.startTime ?? a.metadata.creationTimestamp)) - Date.parse(String(b.status?.startTime ?? b.metadata.creationTimestamp));
  const done = jobs.filter((j) => !j.metadata.deletionTimestamp);
  const groups: [Job[], number | undefined][] = [
    [done.filter((j) => finishedCondition(j)?.type === 'Complete').sort(byStart), cj.spec.successfulJobsHistoryLimit ?? 3],
    [done.filter((j) => finishedCondition(j)?.type === 'Failed').sort(byStart), cj.spec.failedJobsHistoryLimit ?? 1],
  ];
  for (const [list, limit] of groups) {
    if (limit === undefined) continue;
    for (const j of list.slice(0, Math.max(0, list.length - limit))) {
      try {
        await deps.client.delete(JOBS, j.metadata.namespace, String(j.metadata.name), { propagationPolicy: 'Background', preconditions: { uid: j.metadata.uid } });
        deps.events?.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, CJ_GVK);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}

/** cronJobOwnerIndex is the index function behind CRONJOB_OWNER_INDEX. */
export function cronJobOwnerIndex(job: Job): string[] {
  const ref = controllerOf(job);
  return ref && ref.kind === 'CronJob' ? [ref.uid] : [];
}

/** cronJobController is the definition: informers on cronjobs and jobs, 5 workers. */
export function cronJobController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    component: 'cronjob-controller',
    setup(env: ControllerEnv): Reconciler {
      const cjInf = env.informers.informerFor<CronJob>(CRONJOBS);
      const jobInf = env.informers.informerFor<Job>(JOBS);
      jobInf.addIndex(CRONJOB_OWNER_INDEX, cronJobOwnerIndex);
      const q = env.queue;
      const enqueueOwner = (j: Job): void => {
        const ref = controllerOf(j);
        if (ref?.kind === 'CronJob') q.add(keyOf(j.metadata.namespace, ref.name));
      };
      cjInf.addEventHandler({ onAdd: (c) => q.add(objectKey(c)), onUpdate: (_o, c) => q.add(objectKey(c)), onDelete: () => {} });
      jobInf.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_o, j) => enqueueOwner(j), onDelete: enqueueOwner });
      return createCronJobReconciler({ client: env.client, cronJobs: cjInf.lister, jobs: jobInf.lister, events: env.events });
    },
  };
}
