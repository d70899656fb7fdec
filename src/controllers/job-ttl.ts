/**
 * TTL-after-finished controller: deletes a finished Job (Complete or Failed) once
 * spec.ttlSecondsAfterFinished has passed since it finished (completionTime, else the finishing
 * condition's lastTransitionTime), with Background propagation and a uid precondition so a new
 * Job of the same name is never hit. Runs on the controller's clock.
 */
import { objectKey } from '../api/meta.js';
import { isNotFound, isConflict } from '../api/errors.js';
import { JOBS } from '../api/resources.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, Reconciler, Result } from './runtime/types.js';
import { finishedCondition, type Job } from './job-util.js';

/** NAME of the controller. */
export const NAME = 'ttlafterfinished';

/** expiresAtMs is when a finished job with a TTL may be deleted (undefined: never). */
export function expiresAtMs(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  const cond = finishedCondition(job);
  if (ttl === undefined || !cond) return undefined;
  const finished = Date.parse(String(job.status?.completionTime ?? cond.lastTransitionTime ?? ''));
  return Number.isFinite(finished) ? finished + ttl * 1000 : undefined;
}

/** createTtlAfterFinishedReconciler deletes expired finished jobs and requeues the others at their expiry. */
export function createTtlAfterFinishedReconciler(deps: { client: ApiClient; jobs: Lister<Job> }): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const job = deps.jobs.get(req.namespace, req.name);
      if (!job || job.metadata.deletionTimestamp) return;
      const at = expiresAtMs(job);
      if (at === undefined) return;
      const left = at - ctx.clock.now();
      if (left > 0) return { requeueAfterMs: left + 1 };
      try {
        await deps.client.delete(JOBS, job.metadata.namespace, String(job.metadata.name), { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid } });
        ctx.log.info('deleted finished job after its TTL', { job: req.key });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    },
  };
}

/** ttlAfterFinishedController is the definition: an informer on jobs, 5 workers. */
export function ttlAfterFinishedController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    component: 'ttl-after-finished-controller',
    setup(env: ControllerEnv): Reconciler {
      const jobInf = env.informers.informerFor<Job>(JOBS);
      const enqueue = (j: Job): void => {
        if (j.spec.ttlSecondsAfterFinished !== undefined && finishedCondition(j)) env.queue.add(objectKey(j));
      };
      jobInf.addEventHandler({ onAdd: enqueue, onUpdate: (_o, j) => enqueue(j), onDelete: () => {} });
      return createTtlAfterFinishedReconciler({ client: env.client, jobs: jobInf.lister });
    },
  };
}
