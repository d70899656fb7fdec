/**
 * ReplicaSet controller: drives the number of active pods a ReplicaSet controls toward
 * spec.replicas (adopting orphans that match its selector, releasing pods that stopped matching)
 * and reports status. Creates go out in slow-start batches (1, 2, 4 …, at most BURST_REPLICAS per
 * sync, every batch fully in flight); expectations keep the next sync from acting before the
 * informer has seen them.
 */
import { controllerOf, keyOf, objectKey, randomSuffix } from '../api/meta.js';
import { SeededRng } from '../actors/rng.js';
import type { Rng } from '../actors/types.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { PODS, REPLICASETS } from '../api/resources.js';
import type { Pod, ReplicaSet } from '../api/types.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient, Lister } from '../client/types.js';
import { isEmptySelector, labelSelectorMatches } from '../client/selectors.js';
import { Expectations } from './runtime/expectations.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Request, Result } from './runtime/types.js';
import { podsToDelete } from './pod-ranking.js';
import { claimObjects, availableInMs, isPodActive, isPodAvailable, isPodReady, ownerRefTo, slowStartBatch, WritesFailedError } from './util.js';

/** NAME of the controller. */
export const NAME = 'replicaset';
/** BURST_REPLICAS caps creates/deletes per sync (kube-controller-manager's burstReplicas). */
export const BURST_REPLICAS = 500;
/** CONTROLLER_UID_INDEX indexes pods by their controller's uid; orphans by ORPHAN_PREFIX + namespace. */
export const CONTROLLER_UID_INDEX = 'controller-uid';
const ORPHAN_PREFIX = 'orphan:';

/** controllerIndex is the index function behind CONTROLLER_UID_INDEX: claiming looks at owned pods and orphans only. */
export function controllerIndex(pod: Pod): string[] {
  const ref = controllerOf(pod);
  return [ref ? ref.uid : ORPHAN_PREFIX + (pod.metadata.namespace ?? '')];
}

/** candidatePods are the pods rs may claim: its own (by uid) and the orphans of its namespace. */
function candidatePods(pods: Lister<Pod>, rs: ReplicaSet): Pod[] {
  return [...pods.byIndex(CONTROLLER_UID_INDEX, String(rs.metadata.uid)), ...pods.byIndex(CONTROLLER_UID_INDEX, ORPHAN_PREFIX + (rs.metadata.namespace ?? ''))];
}

/** ReplicaSetDeps are the listers and client the reconciler reads and writes through. */
export interface ReplicaSetDeps {
  client: ApiClient;
  replicaSets: Lister<ReplicaSet>;
  /** pods must be indexed with controllerIndex under CONTROLLER_UID_INDEX. */
  pods: Lister<Pod>;
  expectations: Expectations;
  burstReplicas?: number;
  events?: EventRecorder;
  /** names draws pod name suffixes (default: the reconcile context's rng). */
  names?: Rng;
}

const RS_GVK = { kind: 'ReplicaSet', apiVersion: 'apps/v1' };

/** createReplicaSetReconciler drives the number of owned pods toward spec.replicas. */
export function createReplicaSetReconciler(deps: ReplicaSetDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const rs = deps.replicaSets.get(req.namespace, req.name);
      if (!rs) {
        deps.expectations.delete(req.key);
        return;
      }
      const needsSync = deps.expectations.satisfied(req.key) && !rs.metadata.deletionTimestamp;
      const pods = await claimPods(deps, rs, candidatePods(deps.pods, rs));
      const active = pods.filter(isPodActive);
      let manageErr: unknown;
      if (needsSync) {
        try {
          await manageReplicas(ctx, deps, rs, active, req);
        } catch (err) {
          manageErr = err;
        }
      }
      const requeue = await updateStatus(ctx, deps, rs, active);
      if (manageErr) throw manageErr;
      return requeue;
    },
  };
}

/** claimPods returns the pods rs controls, adopting matching active orphans and releasing non-matching ones. */
function claimPods(deps: ReplicaSetDeps, rs: ReplicaSet, pods: Pod[]): Promise<Pod[]> {
  return claimObjects(pods, {
    client: deps.client,
    res: PODS,
    owner: rs,
    ownerApiVersion: 'apps/v1',
    ownerKind: 'ReplicaSet',
    matches: (pod) => !isEmptySelector(rs.spec.selector) && labelSelectorMatches(rs.spec.selector, pod.metadata.labels),
    canAdopt: isPodActive,
    what: 'pod adoptions',
  });
}

/** newPodFor builds a pod from rs's template, named rs name + '-' + a random suffix from rng. */
export function newPodFor(rng: Rng, rs: ReplicaSet): Pod {
  const tmpl = rs.spec.template;
  const meta = tmpl.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${randomSuffix(rng)}`,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [ownerRefTo(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: structuredClone(tmpl.spec),
  };
}

async function manageReplicas(ctx: ReconcileContext, deps: ReplicaSetDeps, rs: ReplicaSet, active: Pod[], req: Request): Promise<void> {
  const burst = deps.burstReplicas ?? BURST_REPLICAS;
  const diff = active.length - (rs.spec.replicas ?? 1);
  if (diff < 0) {
    const n = Math.min(-diff, burst);
    deps.expectations.expectCreations(req.key, n);
    const { successes, errors } = await slowStartBatch(n, 1, async () => {
      let pod = newPodFor(deps.names ?? ctx.rng, rs);
      try {
        // 5 random characters collide now and then across thousands of pods (the apiserver's
        // generateName retries the same way): draw another name.
        for (let attempt = 0; ; attempt++) {
          try {
            await deps.client.create(PODS, pod);
            break;
          } catch (err) {
            if (!isAlreadyExists(err) || attempt >= 2) throw err;
            pod = newPodFor(deps.names ?? ctx.rng, rs);
          }
        }
      } catch (err) {
        deps.expectations.creationObserved(req.key); // it will never be observed
        deps.events?.event(rs, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`, RS_GVK);
        throw err;
      }
      deps.events?.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, RS_GVK);
    });
    const skipped = n - successes - errors.length;
    for (let i = 0; i < skipped; i++) deps.expectations.creationObserved(req.key);
    if (errors.length > 0) throw new WritesFailedError('pod creations', errors);
  } else if (diff > 0) {
    const victims = podsToDelete(active, Math.min(diff, burst));
    deps.expectations.expectDeletions(req.key, victims.map(objectKey));
    const results = await Promise.allSettled(
      victims.map(async (p) => {
        try {
          await deps.client.delete(PODS, p.metadata.namespace, String(p.metadata.name), { preconditions: { uid: p.metadata.uid } });
          deps.events?.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, RS_GVK);
        } catch (err) {
          deps.expectations.deletionObserved(req.key, objectKey(p));
          if (!isNotFound(err)) throw err;
        }
      }),
    );
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    if (errors.length > 0) throw new WritesFailedError('pod deletions', errors);
  }
}

/** computeStatus counts the active owned pods the way calculateStatus does. */
export function computeStatus(rs: ReplicaSet, active: Pod[], nowMs: number): NonNullable<ReplicaSet['status']> {
  const tmplLabels = rs.spec.template.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of active) {
    if (Object.entries(tmplLabels).every(([k, v]) => p.metadata.labels?.[k] === v)) fully++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, nowMs)) available++;
  }
  return { ...(rs.status ?? {}), replicas: active.length, fullyLabeledReplicas: fully, readyReplicas: ready, availableReplicas: available, observedGeneration: rs.metadata.generation };
}

async function updateStatus(ctx: ReconcileContext, deps: ReplicaSetDeps, rs: ReplicaSet, active: Pod[]): Promise<Result | void> {
  const now = ctx.clock.now();
  const status = computeStatus(rs, active, now);
  const cur = rs.status;
  const same =
    cur &&
    cur.replicas === status.replicas &&
    cur.fullyLabeledReplicas === status.fullyLabeledReplicas &&
    cur.readyReplicas === status.readyReplicas &&
    cur.availableReplicas === status.availableReplicas &&
    cur.observedGeneration === status.observedGeneration;
  if (!same) await deps.client.updateStatus(REPLICASETS, { ...rs, status });
  // Ready-but-not-yet-available pods need a look when minReadySeconds has passed.
  const minReady = rs.spec.minReadySeconds ?? 0;
  if (minReady > 0) {
    const waits = active.map((p) => availableInMs(p, minReady, now)).filter((w): w is number => w !== undefined && w > 0);
    if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 1 };
  }
}

/** replicaSetController is the definition: informers on replicasets and pods, 5 workers. */
export function replicaSetController(opts: { burstReplicas?: number; workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    setup(env: ControllerEnv): Reconciler {
      const rsInf = env.informers.informerFor<ReplicaSet>(REPLICASETS);
      const podInf = env.informers.informerFor<Pod>(PODS);
      podInf.addIndex(CONTROLLER_UID_INDEX, controllerIndex);
      const expectations = new Expectations(env.clock);
      // Pod names get their own stream of the actor's rng, so other draws do not shift them. The
      // runtime seeds every host incarnation afresh, so a restarted controller does not replay
      // the names its previous incarnation used, and a run still replays exactly from its seed.
      const names = env.rng instanceof SeededRng ? env.rng.fork() : env.rng;
      const q = env.queue;
      const rsKeyOfPod = (pod: Pod): string | undefined => {
        const ref = controllerOf(pod);
        if (!ref || ref.kind !== 'ReplicaSet') return undefined;
        const rs = rsInf.lister.get(pod.metadata.namespace, ref.name);
        return rs && rs.metadata.uid === ref.uid ? keyOf(pod.metadata.namespace, ref.name) : undefined;
      };
      const enqueueMatching = (pod: Pod): void => {
        for (const rs of rsInf.lister.list(pod.metadata.namespace))
          if (!isEmptySelector(rs.spec.selector) && labelSelectorMatches(rs.spec.selector, pod.metadata.labels)) q.add(objectKey(rs));
      };
      rsInf.addEventHandler({
        onAdd: (rs) => q.add(objectKey(rs)),
        onUpdate: (_o, rs) => q.add(objectKey(rs)),
        onDelete: (rs) => {
          expectations.delete(objectKey(rs));
          q.add(objectKey(rs));
        },
      });
      podInf.addEventHandler({
        onAdd: (pod) => {
          const key = rsKeyOfPod(pod);
          if (key) {
            if (pod.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
            else expectations.creationObserved(key);
            q.add(key);
          } else if (!controllerOf(pod)) enqueueMatching(pod);
        },
        onUpdate: (old, pod) => {
          const key = rsKeyOfPod(pod);
          const oldKey = rsKeyOfPod(old);
          if (oldKey && oldKey !== key) q.add(oldKey);
          if (key) {
            // A pod that starts terminating counts as deleted for expectations (as upstream).
            if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
            q.add(key);
          } else if (!controllerOf(pod)) enqueueMatching(pod);
        },
        onDelete: (pod) => {
          const ref = controllerOf(pod);
          if (!ref || ref.kind !== 'ReplicaSet') return;
          const key = keyOf(pod.metadata.namespace, ref.name);
          expectations.deletionObserved(key, objectKey(pod));
          q.add(key);
        },
      });
      return createReplicaSetReconciler({ client: env.client, replicaSets: rsInf.lister, pods: podInf.lister, expectations, burstReplicas: opts.burstReplicas, events: env.events, names });
    },
  };
}
