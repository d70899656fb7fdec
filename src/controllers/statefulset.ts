/**
 * StatefulSet controller (pkg/controller/statefulset): stable pods <set>-0..n-1 created in order
 * (OrderedReady: each Running and Ready before the next; Parallel: all at once), their PVCs
 * first, scale-down from the highest ordinal, RollingUpdate from the highest ordinal down to the
 * partition (one pod at a time, each healthy before the next), OnDelete, ControllerRevisions for
 * currentRevision/updateRevision and `kubectl rollout history/undo`, and status as `kubectl
 * rollout status` reads it. Pods are claimed through the ReplicaSet controller's controller-uid
 * index (owned pods plus orphans of the namespace).
 */
import { controllerOf, keyOf, objectKey } from '../api/meta.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { CONTROLLERREVISIONS, PERSISTENTVOLUMECLAIMS, PODS, STATEFULSETS } from '../api/resources.js';
import type { Pod } from '../api/types.js';
import type { EventRecorder } from '../client/events.js';
import { isEmptySelector, labelSelectorMatches } from '../client/selectors.js';
import type { ApiClient, Lister } from '../client/types.js';
import { syncRevisions, templateOf, truncateHistory, type ControllerRevision } from './history.js';
import { CONTROLLER_UID_INDEX, controllerIndex } from './replicaset.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';
import { newClaims, newStatefulSetPod, ordinalOf, revisionOfPod, type PersistentVolumeClaim, type StatefulSet } from './statefulset-pods.js';
import { claimObjects, ignoreNotFound, availableInMs, isPodAvailable, isPodReady, stableStringify } from './util.js';

/** NAME of the controller. */
export const NAME = 'statefulset';
const GVK = { kind: 'StatefulSet', apiVersion: 'apps/v1' };

/** StatefulSetDeps are the listers and client of the reconciler. */
export interface StatefulSetDeps {
  client: ApiClient;
  sets: Lister<StatefulSet>;
  /** pods must be indexed with controllerIndex under CONTROLLER_UID_INDEX. */
  pods: Lister<Pod>;
  revisions: Lister<ControllerRevision>;
  claims: Lister<PersistentVolumeClaim>;
  events?: EventRecorder;
}

const isCreated = (p: Pod | undefined): p is Pod => p !== undefined;
const isTerminating = (p: Pod): boolean => !!p.metadata.deletionTimestamp;
const isFailed = (p: Pod): boolean => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
const isRunningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);

/** createStatefulSetReconciler syncs one StatefulSet per call; see the file comment. */
export function createStatefulSetReconciler(deps: StatefulSetDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const cached = deps.sets.get(req.namespace, req.name);
      if (!cached || cached.metadata.deletionTimestamp) return;
      const set = structuredClone(cached);
      if (isEmptySelector(set.spec.selector)) {
        ctx.log.warn('statefulset has an empty selector; it would select all pods', { statefulset: req.key });
        return;
      }
      const pods = await claimPods(deps, set);
      const owned = deps.revisions.list(set.metadata.namespace).filter((r) => controllerOf(r)?.uid === set.metadata.uid);
      const revs = await syncRevisions(deps.client, set, 'StatefulSet', owned, set.status?.currentRevision);
      let actErr: unknown;
      try {
        await updateReplicas(ctx, deps, set, pods, revs.current, revs.update);
      } catch (err) {
        actErr = err;
      }
      const fresh = claimedAfterWrites(deps, set);
      const status = computeStatus(set, fresh, revs.current, revs.update, revs.collisionCount, ctx.clock.now());
      if (stableStringify(status) !== stableStringify(cached.status ?? {})) await deps.client.updateStatus(STATEFULSETS, { ...cached, status });
      const live = new Set<string>([String(revs.current.metadata.name), String(revs.update.metadata.name), ...fresh.map((p) => revisionOfPod(p) ?? '')]);
      await truncateHistory(deps.client, revs.all, live, set.spec.revisionHistoryLimit ?? 10);
      if (actErr) throw actErr;
      return requeueForAvailability(set, fresh, ctx.clock.now());
    },
  };
}

function candidatePods(deps: StatefulSetDeps, set: StatefulSet): Pod[] {
  return [...deps.pods.byIndex(CONTROLLER_UID_INDEX, String(set.metadata.uid)), ...deps.pods.byIndex(CONTROLLER_UID_INDEX, `orphan:${set.metadata.namespace ?? ''}`)];
}

/** claimedAfterWrites re-reads the owned pods from the cache (status counts what it has seen). */
function claimedAfterWrites(deps: StatefulSetDeps, set: StatefulSet): Pod[] {
  return deps.pods.byIndex(CONTROLLER_UID_INDEX, String(set.metadata.uid)).filter((p) => ordinalOf(set, p) >= 0);
}

/** claimPods adopts matching orphans named like members and releases owned pods that stopped matching. */
function claimPods(deps: StatefulSetDeps, set: StatefulSet): Promise<Pod[]> {
  return claimObjects(candidatePods(deps, set), {
    client: deps.client,
    res: PODS,
    owner: set,
    ownerApiVersion: 'apps/v1',
    ownerKind: 'StatefulSet',
    matches: (pod) => labelSelectorMatches(set.spec.selector, pod.metadata.labels) && ordinalOf(set, pod) >= 0,
    what: 'pod adoptions',
  });
}

/** setAt builds the set as it was at revision rev (ApplyRevision): its template replaced. */
function setAt(set: StatefulSet, rev: ControllerRevision): StatefulSet {
  return { ...set, spec: { ...set.spec, template: templateOf(rev) } };
}

/**
 * updateReplicas is defaultStatefulSetControl.updateStatefulSet: it walks the ordinals and does
 * at most one blocking thing at a time under OrderedReady (monotonic), everything under Parallel.
 */
async function updateReplicas(ctx: ReconcileContext, deps: StatefulSetDeps, set: StatefulSet, pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
  const n = set.spec.replicas ?? 1;
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  const replicas: (Pod | undefined)[] = new Array<Pod | undefined>(n).fill(undefined);
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(set, p);
    if (ord >= 0 && ord < n) replicas[ord] = p;
    else if (ord >= n) condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
  const partition = set.spec.updateStrategy?.type === 'OnDelete' ? 0 : (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0);
  const currentSet = setAt(set, current);
  const updateSet = setAt(set, update);
  const versioned = (ord: number): Pod => {
    const rolling = set.spec.updateStrategy?.type !== 'OnDelete';
    const useCurrent = rolling && ord < partition;
    return useCurrent ? newStatefulSetPod(currentSet, currentSet.spec.template, ord, String(current.metadata.name)) : newStatefulSetPod(updateSet, updateSet.spec.template, ord, String(update.metadata.name));
  };
  // Failed pods are deleted (and recreated on a later sync) regardless of ordering.
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const p = replicas[i];
    if (p && isFailed(p) && !isTerminating(p)) {
      writes.push(deletePod(deps, set, p));
      replicas[i] = undefined;
      if (monotonic) return void (await Promise.all(writes));
    }
  }
  for (let i = 0; i < n; i++) {
    const p = replicas[i];
    if (!isCreated(p)) {
      const pod = versioned(i);
      const create = createPodWithClaims(deps, set, pod, i);
      if (monotonic) return void (await create);
      writes.push(create);
      continue;
    }
    if (isTerminating(p) && monotonic) return void (await Promise.all(writes));
    if (!isRunningAndReady(p) && monotonic) return void (await Promise.all(writes));
  }
  await Promise.all(writes);
  // Scale down: highest ordinal first; under OrderedReady one at a time, all others healthy.
  for (const p of condemned) {
    if (isTerminating(p)) {
      if (monotonic) return;
      continue;
    }
    if (monotonic && replicas.some((r) => !r || !isRunningAndReady(r))) return;
    await deletePod(deps, set, p);
    if (monotonic) return;
  }
  if (set.spec.updateStrategy?.type === 'OnDelete') return;
  // RollingUpdate: from the highest ordinal down to the partition, one pod at a time.
  for (let i = n - 1; i >= partition; i--) {
    const p = replicas[i];
    if (!p) return;
    if (revisionOfPod(p) !== update.metadata.name && !isTerminating(p)) {
      ctx.log.debug('rolling statefulset pod', { pod: p.metadata.name, revision: update.metadata.name });
      await deletePod(deps, set, p);
      return;
    }
    if (!isRunningAndReady(p) || isTerminating(p)) return;
  }
}

async function createPodWithClaims(deps: StatefulSetDeps, set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
  for (const claim of newClaims(set, ordinal)) {
    if (deps.claims.get(claim.metadata.namespace, String(claim.metadata.name))) continue;
    try {
      await deps.client.create(PERSISTENTVOLUMECLAIMS, claim);
      deps.events?.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`, GVK);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  try {
    await deps.client.create(PODS, pod);
    deps.events?.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, GVK);
  } catch (err) {
    // The cache has not seen our previous create yet: harmless, the next sync sees it.
    if (!isAlreadyExists(err)) {
      deps.events?.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${err instanceof Error ? err.message : String(err)}`, GVK);
      throw err;
    }
  }
}

async function deletePod(deps: StatefulSetDeps, set: StatefulSet, pod: Pod): Promise<void> {
  try {
    await deps.client.delete(PODS, pod.metadata.namespace, String(pod.metadata.name), { preconditions: { uid: pod.metadata.uid } });
    deps.events?.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, GVK);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  // whenScaled=Delete: a condemned pod's claims go with it (the GC follows the pod owner ref).
  const ord = ordinalOf(set, pod);
  if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete' && ord >= (set.spec.replicas ?? 1)) {
    await Promise.all(newClaims(set, ord).map((c) => deps.client.delete(PERSISTENTVOLUMECLAIMS, c.metadata.namespace, String(c.metadata.name)).catch(ignoreNotFound)));
  }
}

/** computeStatus counts the claimed pods as updateStatefulSetStatus does (incl. completeRollingUpdate). */
export function computeStatus(set: StatefulSet, pods: Pod[], current: ControllerRevision, update: ControllerRevision, collisionCount: number, nowMs: number): NonNullable<StatefulSet['status']> {
  const st = { observedGeneration: set.metadata.generation, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, currentRevision: String(current.metadata.name), updateRevision: String(update.metadata.name), collisionCount };
  for (const p of pods) {
    st.replicas++;
    if (isRunningAndReady(p)) {
      st.readyReplicas++;
      if (isPodAvailable(p, set.spec.minReadySeconds ?? 0, nowMs)) st.availableReplicas++;
    }
    if (!isTerminating(p)) {
      if (revisionOfPod(p) === st.currentRevision) st.currentReplicas++;
      if (revisionOfPod(p) === st.updateRevision) st.updatedReplicas++;
    }
  }
  const n = set.spec.replicas ?? 1;
  if (set.spec.updateStrategy?.type !== 'OnDelete' && st.updatedReplicas === n && st.readyReplicas === n && st.replicas === n) {
    st.currentRevision = st.updateRevision;
    st.currentReplicas = st.updatedReplicas;
  }
  return { ...(set.status ?? {}), ...st };
}

function requeueForAvailability(set: StatefulSet, pods: Pod[], now: number): Result | void {
  const minReady = set.spec.minReadySeconds ?? 0;
  if (minReady <= 0) return;
  const waits = pods.map((p) => availableInMs(p, minReady, now)).filter((w): w is number => w !== undefined && w > 0);
  if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 1 };
}

/** statefulSetController is the definition: informers on statefulsets, pods, revisions and claims. */
export function statefulSetController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    setup(env: ControllerEnv): Reconciler {
      const setInf = env.informers.informerFor<StatefulSet>(STATEFULSETS);
      const podInf = env.informers.informerFor<Pod>(PODS);
      const revInf = env.informers.informerFor<ControllerRevision>(CONTROLLERREVISIONS);
      const claimInf = env.informers.informerFor<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
      podInf.addIndex(CONTROLLER_UID_INDEX, controllerIndex);
      const q = env.queue;
      const ownerKey = (pod: Pod): string | undefined => {
        const ref = controllerOf(pod);
        return ref && ref.kind === 'StatefulSet' ? keyOf(pod.metadata.namespace, ref.name) : undefined;
      };
      const onPod = (pod: Pod): void => {
        const key = ownerKey(pod);
        if (key) return q.add(key);
        if (controllerOf(pod)) return;
        for (const s of setInf.lister.list(pod.metadata.namespace)) if (labelSelectorMatches(s.spec.selector, pod.metadata.labels)) q.add(objectKey(s));
      };
      setInf.addEventHandler({ onAdd: (s) => q.add(objectKey(s)), onUpdate: (_o, s) => q.add(objectKey(s)), onDelete: (s) => q.add(objectKey(s)) });
      podInf.addEventHandler({
        onAdd: onPod,
        onUpdate: (old, pod) => {
          const a = ownerKey(old);
          if (a && a !== ownerKey(pod)) q.add(a);
          onPod(pod);
        },
        onDelete: (pod) => {
          const key = ownerKey(pod);
          if (key) q.add(key);
        },
      });
      revInf.addEventHandler({
        onAdd: () => undefined,
        onUpdate: () => undefined,
        onDelete: (r) => {
          const ref = controllerOf(r);
          if (ref?.kind === 'StatefulSet') q.add(keyOf(r.metadata.namespace, ref.name));
        },
      });
      return createStatefulSetReconciler({ client: env.client, sets: setInf.lister, pods: podInf.lister, revisions: revInf.lister, claims: claimInf.lister, events: env.events });
    },
  };
}
