/**
 * Pure helpers of the deployment controller (pkg/controller/deployment/util): the pod-template
 * hash, revision annotations, maxSurge/maxUnavailable resolution, status and conditions.
 */
import type { Deployment, ReplicaSet } from '../api/types.js';
import { stableStringify } from './util.js';

/** REVISION_ANNOTATION numbers a deployment's rollouts (on the deployment and its RSs). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** DESIRED_REPLICAS_ANNOTATION is the deployment's spec.replicas when the RS was last sized. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** MAX_REPLICAS_ANNOTATION is replicas + maxSurge when the RS was last sized (proportional scaling). */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** POD_TEMPLATE_HASH_LABEL tells the pods (and selector) of one template apart. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** DeploymentCondition is one entry of status.conditions. */
export type DeploymentCondition = NonNullable<NonNullable<Deployment['status']>['conditions']>[number];

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** fnv32a hashes a string's UTF-8 bytes (FNV-1a, 32 bit). */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * computeHash is the pod-template-hash: FNV-32a of the template (printed with sorted keys, so it
 * is stable across processes) and the collision count, rendered like rand.SafeEncodeString.
 */
export function computeHash(template: Deployment['spec']['template'], collisionCount?: number): string {
  const withoutHash = structuredClone(template);
  if (withoutHash.metadata?.labels) delete withoutHash.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  const printed = stableStringify(withoutHash) + (collisionCount ? String(collisionCount) : '');
  return [...String(fnv32a(printed))].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** templatesEqualIgnoringHash compares a RS template with the deployment's (EqualIgnoreHash). */
export function templatesEqualIgnoringHash(a: Deployment['spec']['template'], b: Deployment['spec']['template']): boolean {
  const strip = (t: Deployment['spec']['template']) => {
    const c = structuredClone(t);
    if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    return stableStringify(c);
  };
  return strip(a) === strip(b);
}

/** revisionOf reads a RS's revision annotation (0 when absent or bad). */
export function revisionOf(rs: ReplicaSet | Deployment): number {
  const v = Number(rs.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isFinite(v) ? v : 0;
}

/** scaledValue resolves an int-or-percent against total (percent rounds up or down). */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) {
    const n = Number(x);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: ${x}`);
  }
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** resolveFenceposts returns [maxSurge, maxUnavailable] for the deployment (at least one is non-zero). */
export function resolveFenceposts(d: Deployment): [number, number] {
  const desired = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate') return [0, 0];
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, true, '25%');
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

/** maxUnavailable of a rolling deployment, never more than replicas (deploymentutil.MaxUnavailable). */
export function maxUnavailable(d: Deployment): number {
  if (d.spec.strategy?.type === 'Recreate' || (d.spec.replicas ?? 1) === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], d.spec.replicas ?? 1);
}

/** maxSurge of a rolling deployment (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  return d.spec.strategy?.type === 'Recreate' ? 0 : resolveFenceposts(d)[0];
}

/** specReplicas is rs.spec.replicas (0 when unset). */
export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
/** sumSpec / sumStatus / sumAvailable / sumReady add up spec.replicas or the status counters of RSs. */
export const sumSpec = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatus = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const sumAvailable = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
export const sumReady = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);

/** byCreation sorts oldest first (name breaks ties), as controller.ReplicaSetsByCreationTimestamp. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return String(a.metadata.name) < String(b.metadata.name) ? -1 : 1;
}

/** newRSReplicas is NewRSNewReplicas: how big the new RS may be now. */
export function newRSReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate') return replicas;
  const surge = maxSurge(d);
  const current = sumSpec(all);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/**
 * setCondition replaces the condition of its type, keeping lastTransitionTime when the status is
 * unchanged. An identical condition is left alone unless touch (progress refreshes lastUpdateTime,
 * which the progress deadline is measured from).
 */
export function setCondition(conds: DeploymentCondition[], c: DeploymentCondition, touch = false): DeploymentCondition[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message && (!touch || cur.lastUpdateTime === c.lastUpdateTime)) return conds;
  const next = { ...c };
  if (cur && cur.status === c.status) next.lastTransitionTime = cur.lastTransitionTime;
  return [...conds.filter((x) => x.type !== c.type), next];
}

/** condition builds a condition stamped with now. */
export function condition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: string): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** isComplete is DeploymentComplete: every replica updated and available, generation observed. */
export function isComplete(d: Deployment, st: NonNullable<Deployment['status']>): boolean {
  const replicas = d.spec.replicas ?? 1;
  return st.updatedReplicas === replicas && st.replicas === replicas && st.availableReplicas === replicas && (st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** isProgressing is DeploymentProgressing: the new status moved forward compared with the old. */
export function isProgressing(d: Deployment, st: NonNullable<Deployment['status']>): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** calculateStatus is the deployment status from its replica sets (conditions: Available). */
export function calculateStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, now: string): NonNullable<Deployment['status']> {
  const available = sumAvailable(all);
  const total = sumSpec(all);
  const st: NonNullable<Deployment['status']> = {
    ...(d.status ?? {}),
    observedGeneration: d.metadata.generation,
    replicas: sumStatus(all),
    updatedReplicas: newRS ? newRS.status?.replicas ?? 0 : 0,
    readyReplicas: sumReady(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  let conds = d.status?.conditions ?? [];
  if (available >= (d.spec.replicas ?? 1) - maxUnavailable(d)) conds = setCondition(conds, condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  else conds = setCondition(conds, condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  st.conditions = conds;
  return st;
}
