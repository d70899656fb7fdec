/**
 * The rollout strategies of the deployment controller (rolling.go, recreate.go, sync.go):
 * find or create the new ReplicaSet, scale new up / old down within maxSurge/maxUnavailable,
 * proportional scaling, history cleanup and the rollout status.
 */
import { isAlreadyExists } from '../api/errors.js';
import { controllerOf } from '../api/meta.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../api/resources.js';
import type { Deployment, Pod, ReplicaSet } from '../api/types.js';
import { labelSelectorToString } from '../client/selectors.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient } from '../client/types.js';
import {
  byCreation, calculateStatus, computeHash, condition, DESIRED_REPLICAS_ANNOTATION, isComplete, isProgressing, MAX_REPLICAS_ANNOTATION, maxSurge, maxUnavailable,
  newRSReplicas, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, revisionOf, setCondition, specReplicas, sumAvailable, sumSpec, sumStatus, templatesEqualIgnoringHash,
} from './deployment-util.js';
import type { ReconcileContext, Result } from './runtime/types.js';
import { ownerRefTo, stableStringify } from './util.js';

/** RolloutState is one sync's working copy: d and its RSs are updated as writes return. */
export interface RolloutState {
  ctx: ReconcileContext;
  client: ApiClient;
  events?: EventRecorder;
  d: Deployment;
  rsList: ReplicaSet[];
  now: string;
  /** serverStatus is the status as last read or written (stableStringify), to skip no-op writes. */
  serverStatus: string;
}

/** RECREATE_POLL_MS: how often Recreate looks again while old pods are still terminating. */
export const RECREATE_POLL_MS = 1_000;

function replaceRS(st: RolloutState, rs: ReplicaSet): ReplicaSet {
  st.rsList = st.rsList.map((x) => (x.metadata.uid === rs.metadata.uid ? rs : x));
  return rs;
}

/** findNewRS: the oldest RS whose template equals the deployment's (ignoring the hash label). */
function findNewRS(st: RolloutState): ReplicaSet | undefined {
  return [...st.rsList].sort(byCreation).find((rs) => templatesEqualIgnoringHash(rs.spec.template, st.d.spec.template));
}

/** getAllReplicaSets finds (and with create, makes) the new RS and syncs revision annotations. */
async function getAllReplicaSets(st: RolloutState, create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
  const d = st.d;
  let newRS = findNewRS(st);
  const oldRSs = () => st.rsList.filter((rs) => rs !== newRS && rs.metadata.uid !== newRS?.metadata.uid);
  const newRevision = Math.max(0, ...oldRSs().map(revisionOf)) + 1;
  if (newRS) {
    // As upstream's SetNewReplicaSetAnnotations: bump the revision of a reused RS and copy the
    // deployment's annotations (e.g. kubernetes.io/change-cause, which rollout history shows).
    const annotations = { ...(newRS.metadata.annotations ?? {}), ...copyableAnnotations(d) };
    if (revisionOf(newRS) < newRevision) annotations[REVISION_ANNOTATION] = String(newRevision);
    if (stableStringify(annotations) !== stableStringify(newRS.metadata.annotations ?? {})) {
      const copy = structuredClone(newRS);
      copy.metadata.annotations = annotations;
      newRS = replaceRS(st, await st.client.update(REPLICASETS, copy));
    }
    if (!d.status?.conditions?.some((c) => c.type === 'Progressing'))
      d.status = { ...(d.status ?? {}), conditions: setCondition(d.status?.conditions ?? [], condition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRS.metadata.name}"`, st.now)) };
  } else if (create) {
    newRS = await createNewRS(st, newRevision);
  }
  if (newRS) await syncDeploymentRevision(st, String(revisionOf(newRS)));
  return { newRS, oldRSs: oldRSs() };
}

async function createNewRS(st: RolloutState, revision: number): Promise<ReplicaSet> {
  const d = st.d;
  const collisionCount = Number(d.status?.collisionCount ?? 0);
  const hash = computeHash(d.spec.template, collisionCount);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: {
        ...copyableAnnotations(d),
        [REVISION_ANNOTATION]: String(revision),
        [DESIRED_REPLICAS_ANNOTATION]: String(d.spec.replicas ?? 1),
        [MAX_REPLICAS_ANNOTATION]: String((d.spec.replicas ?? 1) + maxSurge(d)),
      },
      ownerReferences: [ownerRefTo(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template,
    },
  };
  rs.spec.replicas = newRSReplicas(d, [...st.rsList, rs], rs);
  try {
    const created = await st.client.create(REPLICASETS, rs);
    st.rsList.push(created);
    if (specReplicas(created) > 0)
      st.events?.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${specReplicas(created)}`, { kind: 'Deployment', apiVersion: 'apps/v1' });
    d.status = { ...(d.status ?? {}), conditions: setCondition(d.status?.conditions ?? [], condition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, st.now)) };
    return created;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await st.client.get<ReplicaSet>(REPLICASETS, d.metadata.namespace, String(rs.metadata.name));
    if (controllerOf(existing)?.uid === d.metadata.uid && templatesEqualIgnoringHash(existing.spec.template, d.spec.template)) {
      st.rsList.push(existing);
      return existing;
    }
    // A hash collision: bump collisionCount so the next sync computes a different name.
    d.status = { ...(d.status ?? {}), collisionCount: collisionCount + 1 };
    await writeStatus(st, d.status);
    throw err;
  }
}

/** ANNOTATIONS_NOT_COPIED are upstream's annotationsToSkip: never copied from a deployment to its RSs. */
const ANNOTATIONS_NOT_COPIED = new Set([
  REVISION_ANNOTATION,
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** copyableAnnotations: the deployment's annotations that upstream copies onto its RSs. */
function copyableAnnotations(d: Deployment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!ANNOTATIONS_NOT_COPIED.has(k)) out[k] = v;
  return out;
}

/** syncDeploymentRevision keeps the deployment's revision annotation equal to its new RS's. */
async function syncDeploymentRevision(st: RolloutState, revision: string): Promise<void> {
  if (st.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  const patched = await st.client.patch<Deployment>(DEPLOYMENTS, st.d.metadata.namespace, String(st.d.metadata.name), 'merge', { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } });
  st.d.metadata = { ...patched.metadata };
}

/** scaleRS sets spec.replicas and the desired/max annotations; returns whether the size changed. */
async function scaleRS(st: RolloutState, rs: ReplicaSet, size: number): Promise<boolean> {
  const d = st.d;
  const desired = String(d.spec.replicas ?? 1);
  const max = String((d.spec.replicas ?? 1) + maxSurge(d));
  const sizeChange = specReplicas(rs) !== size;
  const annChange = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] !== desired || rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] !== max;
  if (!sizeChange && !annChange) return false;
  const copy = structuredClone(rs);
  copy.spec.replicas = size;
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [DESIRED_REPLICAS_ANNOTATION]: desired, [MAX_REPLICAS_ANNOTATION]: max };
  replaceRS(st, await st.client.update(REPLICASETS, copy));
  if (sizeChange) {
    const msg = `Scaled ${size > specReplicas(rs) ? 'up' : 'down'} replica set ${rs.metadata.name} from ${specReplicas(rs)} to ${size}`;
    st.events?.event(st.d, 'Normal', 'ScalingReplicaSet', msg, { kind: 'Deployment', apiVersion: 'apps/v1' });
    st.ctx.log.debug(msg, { deployment: st.d.metadata.name });
  }
  return sizeChange;
}

const current = (st: RolloutState, rs: ReplicaSet): ReplicaSet => st.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;

/** rolloutRolling is one step of a RollingUpdate: scale new up, else old down, else clean up. */
export async function rolloutRolling(st: RolloutState): Promise<Result | void> {
  const { newRS, oldRSs } = await getAllReplicaSets(st, true);
  const d = st.d;
  const all = () => st.rsList;
  if (newRS) {
    const want = specReplicas(newRS) > (d.spec.replicas ?? 1) ? d.spec.replicas ?? 1 : newRSReplicas(d, all(), newRS);
    if (await scaleRS(st, newRS, want)) return syncRolloutStatus(st, newRS);
  }
  if (await reconcileOldRSs(st, oldRSs.map((rs) => current(st, rs)).filter((rs) => specReplicas(rs) > 0), newRS && current(st, newRS))) return syncRolloutStatus(st, newRS);
  const status = calculateStatus(d, all(), newRS && current(st, newRS), st.now);
  if (isComplete(d, status)) await cleanup(st, oldRSs.map((rs) => current(st, rs)));
  return syncRolloutStatus(st, newRS);
}

async function reconcileOldRSs(st: RolloutState, oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<boolean> {
  if (sumSpec(oldRSs) === 0) return false;
  const d = st.d;
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = sumSpec(st.rsList) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // First remove unhealthy old replicas: they do not count toward availability anyway.
  let cleaned = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const cur = current(st, rs);
    const unhealthy = specReplicas(cur) - (cur.status?.availableReplicas ?? 0);
    if (specReplicas(cur) === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    await scaleRS(st, cur, specReplicas(cur) - n);
    cleaned += n;
  }
  // Then scale down healthy old replicas while availability stays above minAvailable.
  let scaled = 0;
  const available = sumAvailable(st.rsList);
  const total = available - minAvailable;
  if (total > 0) {
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (scaled >= total) break;
      const cur = current(st, rs);
      if (specReplicas(cur) === 0) continue;
      const n = Math.min(specReplicas(cur), total - scaled);
      await scaleRS(st, cur, specReplicas(cur) - n);
      scaled += n;
    }
  }
  return cleaned + scaled > 0;
}

/** rolloutRecreate: scale all old RSs to 0, wait for their pods to be gone, then scale up the new. */
export async function rolloutRecreate(st: RolloutState): Promise<Result | void> {
  let { newRS, oldRSs } = await getAllReplicaSets(st, false);
  let scaledDown = false;
  for (const rs of oldRSs) if (specReplicas(rs) > 0 && (await scaleRS(st, current(st, rs), 0))) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(st, newRS);
  if (await oldPodsRunning(st, oldRSs)) {
    await syncRolloutStatus(st, newRS);
    return { requeueAfterMs: RECREATE_POLL_MS };
  }
  if (!newRS) ({ newRS, oldRSs } = await getAllReplicaSets(st, true));
  if (newRS) await scaleRS(st, current(st, newRS), st.d.spec.replicas ?? 1);
  const status = calculateStatus(st.d, st.rsList, newRS && current(st, newRS), st.now);
  if (isComplete(st.d, status)) await cleanup(st, oldRSs.map((rs) => current(st, rs)));
  return syncRolloutStatus(st, newRS);
}

/**
 * oldPodsRunning: some pod of an old RS is not terminal yet (terminating ones count). Pods are
 * listed from the apiserver by each old RS's selector instead of kept in a cache: only a
 * Recreate rollout in this exact phase needs them.
 */
async function oldPodsRunning(st: RolloutState, oldRSs: ReplicaSet[]): Promise<boolean> {
  if (sumStatus(oldRSs.map((rs) => current(st, rs))) > 0) return true;
  for (const rs of oldRSs) {
    const pods = await st.client.list<Pod>(PODS, { namespace: rs.metadata.namespace, labelSelector: labelSelectorToString(rs.spec.selector) });
    if (pods.items.some((p) => controllerOf(p)?.uid === rs.metadata.uid && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

/** syncScaleOnly is sync(): scaling (or paused) without a rollout; status without Progressing changes. */
export async function syncScaleOnly(st: RolloutState, scaleFirst: boolean): Promise<Result | void> {
  const { newRS, oldRSs } = await getAllReplicaSets(st, false);
  if (scaleFirst) await scale(st, newRS && current(st, newRS), oldRSs.map((rs) => current(st, rs)));
  if (st.d.spec.paused) await cleanup(st, oldRSs.map((rs) => current(st, rs)));
  const status = calculateStatus(st.d, st.rsList, newRS && current(st, newRS), st.now);
  await writeStatus(st, status);
}

async function scale(st: RolloutState, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const d = st.d;
  const replicas = d.spec.replicas ?? 1;
  const active = [...(newRS ? [newRS] : []), ...oldRSs].filter((rs) => specReplicas(rs) > 0);
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...oldRSs].sort(byCreation).at(-1);
    if (target) await scaleRS(st, target, replicas);
    return;
  }
  if (newRS && specReplicas(newRS) === replicas && newRS.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(replicas) && (newRS.status?.availableReplicas ?? 0) === replicas) {
    for (const rs of oldRSs) if (specReplicas(rs) > 0) await scaleRS(st, rs, 0);
    return;
  }
  if (d.spec.strategy?.type === 'Recreate') return;
  // Proportional scaling: spread the difference over active RSs by their share of max-replicas.
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(active);
  if (toAdd === 0) return;
  const sorted = [...active].sort((a, b) => (toAdd > 0 ? specReplicas(b) - specReplicas(a) || -byCreation(a, b) : specReplicas(b) - specReplicas(a) || byCreation(a, b)));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of sorted) {
    let share = 0;
    if (toAdd !== 0) {
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? d.status?.replicas ?? 0);
      const fraction = replicas === 0 ? -specReplicas(rs) : annotated > 0 ? Math.round((specReplicas(rs) * allowed) / annotated) - specReplicas(rs) : 0;
      share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
    }
    sizes.set(rs, specReplicas(rs) + share);
    added += share;
  }
  // The leftover goes to the largest RS (never below zero).
  if (sorted.length > 0 && added !== toAdd) sizes.set(sorted[0], Math.max(0, (sizes.get(sorted[0]) ?? 0) + toAdd - added));
  for (const rs of sorted) await scaleRS(st, rs, sizes.get(rs) ?? specReplicas(rs));
}

/** cleanup deletes old, empty RSs beyond revisionHistoryLimit, oldest revision first. */
async function cleanup(st: RolloutState, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = st.d.spec.revisionHistoryLimit ?? 10;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  const byRevision = [...cleanable].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of byRevision.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    await st.client.delete(REPLICASETS, rs.metadata.namespace, String(rs.metadata.name), { preconditions: { uid: rs.metadata.uid } });
  }
}

/** syncRolloutStatus computes status and the Progressing condition; requeues to detect a deadline. */
async function syncRolloutStatus(st: RolloutState, newRS: ReplicaSet | undefined): Promise<Result | void> {
  const d = st.d;
  const rs = newRS && current(st, newRS);
  const status = calculateStatus(d, st.rsList, rs, st.now);
  const deadline = d.spec.progressDeadlineSeconds;
  let requeue: number | undefined;
  if (deadline !== undefined && deadline < 2147483647 && !d.spec.paused) {
    const cur = status.conditions?.find((c) => c.type === 'Progressing');
    const name = rs ? `ReplicaSet "${rs.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    let next;
    if (isComplete(d, status)) next = condition('Progressing', 'True', 'NewReplicaSetAvailable', `${name} has successfully progressed.`, st.now);
    else if (isProgressing(d, status)) next = condition('Progressing', 'True', 'ReplicaSetUpdated', `${name} is progressing.`, st.now);
    else if (cur && cur.reason !== 'ProgressDeadlineExceeded' && cur.reason !== 'NewReplicaSetAvailable' && Date.parse(cur.lastUpdateTime ?? st.now) + deadline * 1000 <= st.ctx.clock.now())
      next = condition('Progressing', 'False', 'ProgressDeadlineExceeded', `${name} has timed out progressing.`, st.now);
    if (next) status.conditions = setCondition(status.conditions ?? [], next, next.reason === 'ReplicaSetUpdated');
    if (!isComplete(d, status)) {
      const c = status.conditions?.find((x) => x.type === 'Progressing');
      const since = Date.parse(c?.lastUpdateTime ?? st.now);
      requeue = Math.max(1000, since + deadline * 1000 - st.ctx.clock.now() + 1);
    }
  }
  await writeStatus(st, status);
  return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
}

async function writeStatus(st: RolloutState, status: NonNullable<Deployment['status']>): Promise<void> {
  if (st.serverStatus === stableStringify(status)) return;
  st.d = await st.client.updateStatus(DEPLOYMENTS, { ...st.d, status });
  st.serverStatus = stableStringify(st.d.status ?? {});
}
