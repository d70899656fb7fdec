/**
 * Deployment controller: one ReplicaSet per pod template (named <deployment>-<pod-template-hash>),
 * rolled by RollingUpdate (maxSurge/maxUnavailable) or Recreate, scaled proportionally, old
 * ReplicaSets cleaned beyond revisionHistoryLimit, status and conditions as `kubectl rollout
 * status` expects. The algorithm follows pkg/controller/deployment step by step; see
 * deployment-rollout.ts for the rollout strategies and deployment-util.ts for the arithmetic.
 */
import { controllerOf, keyOf, objectKey } from '../api/meta.js';
import { DEPLOYMENTS, REPLICASETS } from '../api/resources.js';
import type { Deployment, ReplicaSet } from '../api/types.js';
import { isEmptySelector, labelSelectorMatches } from '../client/selectors.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient, Lister } from '../client/types.js';
import { rolloutRecreate, rolloutRolling, syncScaleOnly, type RolloutState } from './deployment-rollout.js';
import { condition, DESIRED_REPLICAS_ANNOTATION, setCondition, specReplicas } from './deployment-util.js';
import type { ControllerDefinition, ControllerEnv, Reconciler, Result } from './runtime/types.js';
import { claimObjects, stableStringify } from './util.js';
import { nowRfc3339 } from '../api/meta.js';

/** NAME of the controller. */
export const NAME = 'deployment';
/** DeploymentDeps are the listers and client of the reconciler. */
export interface DeploymentDeps {
  client: ApiClient;
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  events?: EventRecorder;
}

/** createDeploymentReconciler syncs one deployment per call; see the file comment. */
export function createDeploymentReconciler(deps: DeploymentDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const cached = deps.deployments.get(req.namespace, req.name);
      if (!cached) return;
      const d = structuredClone(cached);
      if (isEmptySelector(d.spec.selector)) {
        ctx.log.warn('deployment has an empty selector; it would select all pods', { deployment: req.key });
        return;
      }
      const rsList = await claimReplicaSets(deps, d);
      const st: RolloutState = { ctx, client: deps.client, events: deps.events, d, rsList, now: nowRfc3339(ctx.clock), serverStatus: stableStringify(cached.status ?? {}) };
      if (d.metadata.deletionTimestamp) return syncScaleOnly(st, false);
      await checkPausedConditions(st);
      if (d.spec.paused || isScalingEvent(st)) return syncScaleOnly(st, true);
      if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(st);
      return rolloutRolling(st);
    },
  };
}

/** claimReplicaSets returns (copies of) the RSs d controls, adopting matching orphans and releasing strays. */
async function claimReplicaSets(deps: DeploymentDeps, d: Deployment): Promise<ReplicaSet[]> {
  const owned = await claimObjects(deps.replicaSets.list(d.metadata.namespace), {
    client: deps.client,
    res: REPLICASETS,
    owner: d,
    ownerApiVersion: 'apps/v1',
    ownerKind: 'Deployment',
    matches: (rs) => labelSelectorMatches(d.spec.selector, rs.metadata.labels),
    what: 'replica set adoptions',
  });
  // The rollout mutates what it plans with; the informer's objects are shared.
  return owned.map((rs) => structuredClone(rs));
}

/** isScalingEvent: an active RS was sized for a different spec.replicas (desired-replicas annotation). */
function isScalingEvent(st: RolloutState): boolean {
  const want = st.d.spec.replicas ?? 1;
  return st.rsList.some((rs) => {
    if (specReplicas(rs) === 0) return false;
    const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    return v !== undefined && Number(v) !== want;
  });
}

/** checkPausedConditions records DeploymentPaused / DeploymentResumed in the Progressing condition. */
async function checkPausedConditions(st: RolloutState): Promise<void> {
  const d = st.d;
  const cur = d.status?.conditions?.find((c) => c.type === 'Progressing');
  const pausedCond = cur?.reason === 'DeploymentPaused';
  let next;
  if (d.spec.paused && !pausedCond) next = condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', st.now);
  else if (!d.spec.paused && pausedCond) next = condition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', st.now);
  if (!next) return;
  d.status = { ...(d.status ?? {}), conditions: setCondition(d.status?.conditions ?? [], next) };
  st.d = await st.client.updateStatus(DEPLOYMENTS, d);
  st.serverStatus = stableStringify(st.d.status ?? {});
}

/**
 * deploymentController is the definition: informers on deployments and replicasets. No pod
 * cache: Recreate lists the old pods when it needs them (one cache fewer of every pod).
 */
export function deploymentController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    setup(env: ControllerEnv): Reconciler {
      const dInf = env.informers.informerFor<Deployment>(DEPLOYMENTS);
      const rsInf = env.informers.informerFor<ReplicaSet>(REPLICASETS);
      const q = env.queue;
      const ownerKey = (rs: ReplicaSet): string | undefined => {
        const ref = controllerOf(rs);
        if (!ref || ref.kind !== 'Deployment') return undefined;
        const d = dInf.lister.get(rs.metadata.namespace, ref.name);
        return d && d.metadata.uid === ref.uid ? keyOf(rs.metadata.namespace, ref.name) : undefined;
      };
      const enqueueForRS = (rs: ReplicaSet): void => {
        const key = ownerKey(rs);
        if (key) return q.add(key);
        if (controllerOf(rs)) return;
        for (const d of dInf.lister.list(rs.metadata.namespace)) if (labelSelectorMatches(d.spec.selector, rs.metadata.labels)) q.add(objectKey(d));
      };
      dInf.addEventHandler({ onAdd: (d) => q.add(objectKey(d)), onUpdate: (_o, d) => q.add(objectKey(d)), onDelete: (d) => q.add(objectKey(d)) });
      rsInf.addEventHandler({
        onAdd: enqueueForRS,
        onUpdate: (old, rs) => {
          const a = ownerKey(old);
          if (a && a !== ownerKey(rs)) q.add(a);
          enqueueForRS(rs);
        },
        onDelete: (rs) => {
          const key = ownerKey(rs);
          if (key) q.add(key);
        },
      });
      return createDeploymentReconciler({ client: env.client, deployments: dInf.lister, replicaSets: rsInf.lister, events: env.events });
    },
  };
}
