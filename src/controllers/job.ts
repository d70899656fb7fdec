/**
 * Job controller (batch/v1): runs pods from spec.template until spec.completions of them
 * succeeded (NonIndexed) or every index 0..completions-1 has succeeded (Indexed), at most
 * spec.parallelism at a time; fails the Job on backoffLimit (BackoffLimitExceeded) or
 * activeDeadlineSeconds (DeadlineExceeded); honours suspend; writes status active / ready /
 * succeeded / failed / completedIndexes / startTime / completionTime and the conditions
 * SuccessCriteriaMet + Complete, FailureTarget + Failed, Suspended.
 *
 * Simplification (docs/controllers.md): pods are counted from the cache, not through the
 * batch.kubernetes.io/job-tracking finalizer; succeeded / failed never go down, so a finished pod
 * deleted later is not forgotten, but one deleted before this controller saw it finish is.
 */
import { controllerOf, keyOf, objectKey, randomSuffix, rfc3339 } from '../api/meta.js';
import { SeededRng } from '../actors/rng.js';
import type { Rng } from '../actors/types.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { JOBS, PODS } from '../api/resources.js';
import type { Pod } from '../api/types.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient, Lister } from '../client/types.js';
import { Expectations } from './runtime/expectations.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Request, Result } from './runtime/types.js';
import { podsToDelete } from './pod-ranking.js';
import { isPodActive, isPodReady, ownerRefTo, WritesFailedError } from './util.js';
import { formatIndexes, isJobFinished, JOB_COMPLETION_INDEX, newPodsAllowedAtMs, parseIndexes, podIndex, restartFailures, setCondition, type Job, type JobStatus } from './job-util.js';

/** NAME of the controller. */
export const NAME = 'job';
/** JOB_OWNER_INDEX indexes pods by their controller's uid. */
export const JOB_OWNER_INDEX = 'job-owner-uid';
const JOB_GVK = { kind: 'Job', apiVersion: 'batch/v1' };
/** MAX_CREATES_PER_SYNC caps pod creates per sync (upstream's MaxPodCreateDeletePerSync). */
export const MAX_CREATES_PER_SYNC = 500;

/** JobDeps are the listers and client the reconciler uses. */
export interface JobDeps {
  client: ApiClient;
  jobs: Lister<Job>;
  /** pods must be indexed under JOB_OWNER_INDEX by controller uid. */
  pods: Lister<Pod>;
  expectations: Expectations;
  events?: EventRecorder;
  names?: Rng;
}

/** newJobPod builds a pod of job (index for Indexed jobs), named `<job>-[<index>-]<suffix>`. */
export function newJobPod(rng: Rng, job: Job, index?: number): Pod {
  const meta = job.spec.template.metadata ?? {};
  const name = String(job.metadata.name);
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  if (!job.spec.manualSelector) {
    labels['batch.kubernetes.io/controller-uid'] ??= String(job.metadata.uid);
    labels['batch.kubernetes.io/job-name'] ??= name;
  }
  const spec = structuredClone(job.spec.template.spec);
  if (index !== undefined) {
    labels[JOB_COMPLETION_INDEX] = String(index);
    annotations[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname ??= `${name}-${index}`;
  }
  const prefix = index !== undefined ? `${name}-${index}-` : `${name}-`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: prefix + randomSuffix(rng),
      generateName: prefix,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [ownerRefTo(job, 'batch/v1', 'Job')],
    },
    spec: JSON.parse(JSON.stringify(spec)) as Pod['spec'],
  };
}

/** JobPods classifies a job's pods. */
interface JobPods {
  active: Pod[];
  succeeded: Pod[];
  failed: Pod[];
}

function classify(pods: Pod[]): JobPods {
  const out: JobPods = { active: [], succeeded: [], failed: [] };
  for (const p of pods) {
    if (p.status?.phase === 'Succeeded') out.succeeded.push(p);
    else if (p.status?.phase === 'Failed') out.failed.push(p);
    else if (isPodActive(p)) out.active.push(p);
  }
  return out;
}

/** createJobReconciler drives a Job's pods toward its completions and reports status. */
export function createJobReconciler(deps: JobDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const job = deps.jobs.get(req.namespace, req.name);
      if (!job) {
        deps.expectations.delete(req.key);
        return;
      }
      if (job.metadata.deletionTimestamp || isJobFinished(job)) return;
      const owned = deps.pods.byIndex(JOB_OWNER_INDEX, String(job.metadata.uid));
      const pods = classify(owned);
      const now = ctx.clock.now();
      const prev = job.status ?? {};
      const status: JobStatus = { ...prev };
      const indexed = job.spec.completionMode === 'Indexed';
      const completions = job.spec.completions;

      // Counts never go down: a finished pod deleted later stays counted.
      const doneIdx = parseIndexes(prev.completedIndexes);
      if (indexed) for (const p of pods.succeeded) {
        const i = podIndex(p);
        if (i !== undefined && completions !== undefined && i < completions) doneIdx.add(i);
      }
      status.succeeded = indexed ? doneIdx.size : Math.max(prev.succeeded ?? 0, pods.succeeded.length);
      if (indexed) status.completedIndexes = formatIndexes(doneIdx);
      status.failed = Math.max(prev.failed ?? 0, pods.failed.length);
      const failures = status.failed + restartFailures(pods.active);

      let failReason: [string, string] | undefined;
      let requeueAfterMs: number | undefined;
      const suspended = job.spec.suspend === true;
      const wasSuspended = status.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True') === true;
      if (suspended) {
        status.conditions = setCondition(status.conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        if (!wasSuspended) deps.events?.event(job, 'Normal', 'Suspended', 'Job suspended', JOB_GVK);
      } else {
        if (wasSuspended) {
          status.conditions = setCondition(status.conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
          deps.events?.event(job, 'Normal', 'Resumed', 'Job resumed', JOB_GVK);
          status.startTime = undefined; // resuming restarts the active deadline
        }
        status.startTime ??= rfc3339(now);
        const deadline = job.spec.activeDeadlineSeconds;
        if (failures > (job.spec.backoffLimit ?? 6)) failReason = ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
        else if (deadline !== undefined) {
          const left = Date.parse(status.startTime) + deadline * 1000 - now;
          if (left <= 0) failReason = ['DeadlineExceeded', 'Job was active longer than specified deadline'];
          else requeueAfterMs = left + 1;
        }
      }

      const complete = !failReason && (completions !== undefined ? (status.succeeded ?? 0) >= completions : (status.succeeded ?? 0) > 0 && pods.active.length === 0);
      let active = pods.active;
      let manageErr: unknown;
      if (failReason || complete || suspended) {
        // Finished or suspended: no pod may keep running.
        if (active.length > 0 && deps.expectations.satisfied(req.key)) {
          try {
            await deletePods(deps, job, active, req);
          } catch (err) {
            manageErr = err;
          }
        }
        active = [];
      } else if (deps.expectations.satisfied(req.key)) {
        try {
          // Failed pods are replaced after upstream's exponential back-off.
          const allowedAt = newPodsAllowedAtMs(pods.succeeded, pods.failed);
          const mayCreate = allowedAt <= now;
          if (!mayCreate) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, allowedAt - now + 1);
          active = await managePods(ctx, deps, job, pods, doneIdx, req, mayCreate);
        } catch (err) {
          manageErr = err;
        }
      }

      status.active = active.length;
      status.ready = active.filter(isPodReady).length;
      if (failReason) {
        status.conditions = setCondition(status.conditions, 'FailureTarget', 'True', failReason[0], failReason[1], now);
        status.conditions = setCondition(status.conditions, 'Failed', 'True', failReason[0], failReason[1], now);
        deps.events?.event(job, 'Warning', failReason[0], failReason[1], JOB_GVK);
      } else if (complete) {
        status.conditions = setCondition(status.conditions, 'SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
        status.conditions = setCondition(status.conditions, 'Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
        status.completionTime = rfc3339(now);
        deps.events?.event(job, 'Normal', 'Completed', 'Job completed', JOB_GVK);
      }
      if (JSON.stringify(status) !== JSON.stringify(prev)) await deps.client.updateStatus(JOBS, { ...job, status: JSON.parse(JSON.stringify(status)) as JobStatus });
      if (manageErr) throw manageErr;
      return requeueAfterMs !== undefined && !failReason && !complete ? { requeueAfterMs } : undefined;
    },
  };
}

async function deletePods(deps: JobDeps, job: Job, victims: Pod[], req: Request): Promise<void> {
  deps.expectations.expectDeletions(req.key, victims.map(objectKey));
  const results = await Promise.allSettled(
    victims.map(async (p) => {
      try {
        await deps.client.delete(PODS, p.metadata.namespace, String(p.metadata.name), { preconditions: { uid: p.metadata.uid } });
        deps.events?.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, JOB_GVK);
      } catch (err) {
        deps.expectations.deletionObserved(req.key, objectKey(p));
        if (!isNotFound(err)) throw err;
      }
    }),
  );
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  if (errors.length > 0) throw new WritesFailedError('pod deletions', errors);
}

/** managePods creates or deletes pods toward the wanted active count; returns the active pods after it. */
async function managePods(ctx: ReconcileContext, deps: JobDeps, job: Job, pods: JobPods, doneIdx: Set<number>, req: Request, mayCreate: boolean): Promise<Pod[]> {
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  const succeeded = job.spec.completionMode === 'Indexed' ? doneIdx.size : Math.max(job.status?.succeeded ?? 0, pods.succeeded.length);
  let want = parallelism;
  if (completions !== undefined) want = Math.min(parallelism, completions - succeeded);
  else if (succeeded > 0) want = pods.active.length; // work-queue job: once one succeeded, start no new pods
  want = Math.max(0, want);
  const active = pods.active;
  if (active.length > want) {
    const victims = podsToDelete(active, active.length - want);
    await deletePods(deps, job, victims, req);
    const gone = new Set(victims.map(objectKey));
    return active.filter((p) => !gone.has(objectKey(p)));
  }
  const n = Math.min(want - active.length, MAX_CREATES_PER_SYNC);
  if (n <= 0 || !mayCreate) return active;
  let indexes: (number | undefined)[] = new Array<undefined>(n).fill(undefined);
  if (job.spec.completionMode === 'Indexed') {
    const busy = new Set(active.map(podIndex));
    indexes = [];
    for (let i = 0; i < (completions ?? 0) && indexes.length < n; i++) if (!doneIdx.has(i) && !busy.has(i)) indexes.push(i);
  }
  if (indexes.length === 0) return active;
  deps.expectations.expectCreations(req.key, indexes.length);
  const created: Pod[] = [];
  const results = await Promise.allSettled(
    indexes.map(async (index) => {
      const rng = deps.names ?? ctx.rng;
      for (let attempt = 0; ; attempt++) {
        const pod = newJobPod(rng, job, index);
        try {
          created.push(await deps.client.create(PODS, pod));
          deps.events?.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, JOB_GVK);
          return;
        } catch (err) {
          if (isAlreadyExists(err) && attempt < 2) continue;
          deps.expectations.creationObserved(req.key);
          deps.events?.event(job, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`, JOB_GVK);
          throw err;
        }
      }
    }),
  );
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  if (errors.length > 0) throw new WritesFailedError('pod creations', errors);
  return [...active, ...created];
}

/** jobOwnerIndex is the index function behind JOB_OWNER_INDEX. */
export function jobOwnerIndex(pod: Pod): string[] {
  const ref = controllerOf(pod);
  return ref && ref.kind === 'Job' ? [ref.uid] : [];
}

/** jobController is the definition: informers on jobs and pods, 5 workers (--concurrent-job-syncs). */
export function jobController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    component: 'job-controller',
    setup(env: ControllerEnv): Reconciler {
      const jobInf = env.informers.informerFor<Job>(JOBS);
      const podInf = env.informers.informerFor<Pod>(PODS);
      podInf.addIndex(JOB_OWNER_INDEX, jobOwnerIndex);
      const expectations = new Expectations(env.clock);
      const names = env.rng instanceof SeededRng ? env.rng.fork() : env.rng;
      const q = env.queue;
      const jobKeyOf = (pod: Pod): string | undefined => {
        const ref = controllerOf(pod);
        if (!ref || ref.kind !== 'Job') return undefined;
        const job = jobInf.lister.get(pod.metadata.namespace, ref.name);
        return job && job.metadata.uid === ref.uid ? keyOf(pod.metadata.namespace, ref.name) : undefined;
      };
      jobInf.addEventHandler({
        onAdd: (j) => q.add(objectKey(j)),
        onUpdate: (_o, j) => q.add(objectKey(j)),
        onDelete: (j) => {
          expectations.delete(objectKey(j));
          q.add(objectKey(j));
        },
      });
      podInf.addEventHandler({
        onAdd: (pod) => {
          const key = jobKeyOf(pod);
          if (!key) return;
          if (pod.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
          else expectations.creationObserved(key);
          q.add(key);
        },
        onUpdate: (old, pod) => {
          const key = jobKeyOf(pod);
          if (!key) return;
          if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
          q.add(key);
        },
        onDelete: (pod) => {
          const ref = controllerOf(pod);
          if (!ref || ref.kind !== 'Job') return;
          const key = keyOf(pod.metadata.namespace, ref.name);
          expectations.deletionObserved(key, objectKey(pod));
          q.add(key);
        },
      });
      return createJobReconciler({ client: env.client, jobs: jobInf.lister, pods: podInf.lister, expectations, events: env.events, names });
    },
  };
}
