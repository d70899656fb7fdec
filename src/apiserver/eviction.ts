/**
 * pods/eviction honouring PodDisruptionBudgets, as kube-apiserver's eviction REST does it
 * (pkg/registry/core/pod/storage/eviction.go):
 *
 *   POST …/pods/<name>/eviction {deleteOptions}
 *     pod terminal, Pending or already deleting ─────────────────────▶ delete, no budget check
 *     PDBs of the namespace whose selector matches the pod:
 *       none ────────────────────────────────────────────────────────▶ delete
 *       more than one ───────────────────────────────────────────────▶ 500, as upstream
 *       one: in one guarded update of the PDB, compute its status from the pods, then
 *         disruptionsAllowed == 0 ───────────────────────────────────▶ 429 TooManyRequests
 *         else disruptionsAllowed-1, disruptedPods[pod] = now ───────▶ DisruptionTarget, delete
 *
 * kubeactor has no disruption controller yet, so the PDB's status is computed here from the watch
 * cache at eviction time (what that controller would have written), and written back so `kubectl
 * get pdb` shows the numbers evictions last saw. Doing it inside the PDB's guaranteedUpdate makes
 * two concurrent evictions against one budget serialize, as the resourceVersion check does upstream.
 */
import { badRequest, StatusError } from '../api/errors.js';
import { fromLabelSelector } from '../api/labels.js';
import { keyOf, nowRfc3339 } from '../api/meta.js';
import { lookupKind, lookupResource, PODS, type ResourceInfo } from '../api/resources.js';
import type { KObject, LabelSelector, PodCondition } from '../api/types.js';
import { deleteObject } from './deletion.js';
import type { DeleteOptions } from './protocol.js';
import type { ApiRegistry, OpResult } from './registry.js';

/** DISRUPTED_POD_TIMEOUT_MS is how long an evicted pod still counts as disrupted (upstream: 2 min). */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60_000;

type IntOrPercent = number | string;

interface PdbSpec {
  minAvailable?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

/** PdbStatus is policy/v1 PodDisruptionBudgetStatus. */
export interface PdbStatus {
  observedGeneration: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: object[];
}

function success(code: number): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

function tooManyRequests(message: string, cause?: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'TooManyRequests',
    details: cause ? { causes: [{ reason: 'DisruptionBudget', message: cause }] } : {},
    code: 429,
  });
}

function isReady(pod: KObject): boolean {
  const conds = ((pod.status ?? {}) as { conditions?: PodCondition[] }).conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

function phaseOf(pod: KObject): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}

/** scaled resolves an int-or-percent against a total (percentages round up, as upstream). */
function scaled(v: IntOrPercent, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw badRequest(`invalid value for IntOrString: invalid value "${v}"`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** expectedScale sums spec.replicas of the pods' controllers (pods without one count as 1). */
function expectedScale(reg: ApiRegistry, pods: KObject[]): number {
  const seen = new Set<string>();
  let total = 0;
  for (const pod of pods) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    const group = ref ? (ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '') : '';
    const info = ref ? lookupKind(group, ref.kind) : undefined;
    const owner = ref && info ? reg.cache(info).get(keyOf(pod.metadata.namespace, ref.name)) : undefined;
    if (!ref || !owner) {
      total += 1;
      continue;
    }
    if (seen.has(ref.uid)) continue;
    seen.add(ref.uid);
    total += Number((owner.spec as { replicas?: number } | undefined)?.replicas ?? 1);
  }
  return total;
}

/**
 * computePdbStatus is what the disruption controller would write: expected and healthy pod counts
 * and the disruptions the budget allows now. Recently evicted pods (disruptedPods) are not healthy.
 */
export function computePdbStatus(reg: ApiRegistry, pdb: KObject, nowMs: number): PdbStatus {
  const spec = (pdb.spec ?? {}) as PdbSpec;
  const selector = fromLabelSelector(spec.selector);
  const pods = reg.cache(PODS).list().map((e) => e.object).filter((p) => p.metadata.namespace === pdb.metadata.namespace && selector.matches(p.metadata.labels));
  const old = ((pdb.status ?? {}) as Partial<PdbStatus>).disruptedPods ?? {};
  const disrupted: Record<string, string> = {};
  for (const [name, at] of Object.entries(old)) {
    const pod = pods.find((p) => p.metadata.name === name);
    // Kept until the pod is gone (or deleting) or the entry timed out, as upstream.
    if (pod && !pod.metadata.deletionTimestamp && Date.parse(at) + DISRUPTED_POD_TIMEOUT_MS > nowMs) disrupted[name] = at;
  }
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && isReady(p) && !disrupted[String(p.metadata.name)]).length;
  let expectedPods = pods.length;
  let desiredHealthy = 0;
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    expectedPods = expectedScale(reg, pods);
    desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
  } else if (typeof spec.minAvailable === 'number') {
    desiredHealthy = spec.minAvailable;
  } else if (typeof spec.minAvailable === 'string') {
    expectedPods = expectedScale(reg, pods);
    desiredHealthy = scaled(spec.minAvailable, expectedPods);
  }
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
    currentHealthy,
    desiredHealthy,
    expectedPods,
  };
}

function disruptionCondition(status: PdbStatus, now: string): object {
  const ok = status.disruptionsAllowed > 0;
  return {
    type: 'DisruptionAllowed',
    status: ok ? 'True' : 'False',
    reason: ok ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration: status.observedGeneration,
    lastTransitionTime: now,
  };
}

function matchingPdbs(reg: ApiRegistry, pdbInfo: ResourceInfo, pod: KObject): KObject[] {
  return reg
    .cache(pdbInfo)
    .list()
    .map((e) => e.object)
    .filter((pdb) => pdb.metadata.namespace === pod.metadata.namespace && fromLabelSelector((pdb.spec as PdbSpec | undefined)?.selector).matches(pod.metadata.labels));
}

/**
 * evictWithBudget is POST pods/<name>/eviction: checks and charges the pod's disruption budget,
 * then deletes the pod with the Eviction's deleteOptions. 201 Status; 429 when the budget
 * does not allow it; 500 when several budgets select the pod (as upstream).
 */
export async function evictWithBudget(reg: ApiRegistry, namespace: string | undefined, name: string, eviction: KObject): Promise<OpResult> {
  if (eviction?.metadata?.name && eviction.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const options = ((eviction as { deleteOptions?: DeleteOptions }).deleteOptions ?? {}) as DeleteOptions;
  const dryRun = options.dryRun?.includes('All') ?? false;
  const pod = reg.getObject(PODS, namespace, name);
  const phase = phaseOf(pod);
  const pdbInfo = lookupResource('policy', 'poddisruptionbudgets');
  const ignoreBudget = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined || !pdbInfo;
  if (!ignoreBudget && pdbInfo) {
    const pdbs = matchingPdbs(reg, pdbInfo, pod);
    if (pdbs.length > 1) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
    }
    if (pdbs.length === 1) await chargeBudget(reg, pdbInfo, pdbs[0], pod, dryRun);
  }
  if (!dryRun) await markDisruptionTarget(reg, namespace, name);
  await deleteObject(reg, PODS, namespace, name, options);
  return { code: 201, body: success(201) };
}

async function chargeBudget(reg: ApiRegistry, pdbInfo: ResourceInfo, pdb: KObject, pod: KObject, dryRun: boolean): Promise<void> {
  const podName = String(pod.metadata.name);
  const policy = ((pdb.spec ?? {}) as PdbSpec).unhealthyPodEvictionPolicy ?? 'IfHealthyBudget';
  await reg.updateWith(pdbInfo, pdb.metadata.namespace, String(pdb.metadata.name), (cur) => {
    const now = reg.clock.now();
    const status = computePdbStatus(reg, cur, now);
    const prev = ((cur.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] }).conditions?.find((c) => c.type === 'DisruptionAllowed');
    const write = (next: PdbStatus): KObject => {
      const cond = disruptionCondition(next, nowRfc3339(reg.clock)) as { status: string; lastTransitionTime: string };
      // lastTransitionTime moves only when the condition's status does.
      if (prev?.status === cond.status && prev.lastTransitionTime) cond.lastTransitionTime = prev.lastTransitionTime;
      cur.status = { ...next, conditions: [cond] };
      return cur;
    };
    // An unready pod does not lower availability: it may go when the budget is met (or always).
    if (!isReady(pod) && (policy === 'AlwaysAllow' || (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0))) {
      return write(status);
    }
    if (status.disruptionsAllowed <= 0) {
      throw tooManyRequests(
        "Cannot evict pod as it would violate the pod's disruption budget.",
        `The disruption budget ${String(cur.metadata.name)} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
      );
    }
    status.disruptionsAllowed -= 1;
    status.disruptedPods = { ...status.disruptedPods, [podName]: nowRfc3339(reg.clock) };
    return write(status);
  }, dryRun);
}

/** markDisruptionTarget adds the DisruptionTarget condition kube-apiserver sets before an eviction. */
async function markDisruptionTarget(reg: ApiRegistry, namespace: string | undefined, name: string): Promise<void> {
  await reg.updateWith(PODS, namespace, name, (cur) => {
    const status = (cur.status ??= {}) as { conditions?: PodCondition[] };
    const conds = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conds.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: nowRfc3339(reg.clock) } as PodCondition);
    status.conditions = conds;
    return cur;
  });
}
