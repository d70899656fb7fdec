/**
 * Disruption controller: keeps each PodDisruptionBudget's status current, as kube-controller-
 * manager's disruption controller (pkg/controller/disruption) does:
 *
 *   pods matching spec.selector (same namespace)
 *     ├─ expectedPods / desiredHealthy from minAvailable | maxUnavailable (int or %)
 *     │    int minAvailable      → expected = #pods, desired = minAvailable
 *     │    % or maxUnavailable   → expected = Σ scale of the pods' controllers (Deployment via
 *     │                            its ReplicaSet, ReplicaSet, StatefulSet), % rounds up
 *     ├─ currentHealthy = ready, not deleting, not in disruptedPods (entries live ≤ 2 min)
 *     └─ disruptionsAllowed = max(0, currentHealthy − desiredHealthy), 0 when expected ≤ 0
 *   condition DisruptionAllowed: True/SufficientPods, False/InsufficientPods, False/SyncFailed
 *
 * The apiserver's eviction (src/apiserver/eviction.ts) charges the budget in the same status
 * (disruptionsAllowed − 1, disruptedPods[pod] = now); this controller keeps those entries until
 * the pod is deleted or 2 minutes passed, so both compute the same numbers.
 */
import { controllerOf, rfc3339 } from '../api/meta.js';
import { isConflict, isNotFound } from '../api/errors.js';
import { DEPLOYMENTS, PODDISRUPTIONBUDGETS, PODS, REPLICASETS, STATEFULSETS } from '../api/resources.js';
import type { Deployment, KObject, LabelSelector, OwnerReference, Pod, ReplicaSet } from '../api/types.js';
import type { EventRecorder } from '../client/events.js';
import { labelSelectorMatches } from '../client/selectors.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';
import { isPodReady } from './util.js';

/** NAME of the controller. */
export const NAME = 'disruption';
/** DELETION_TIMEOUT_MS: how long an evicted pod counts as disrupted before it must be gone (upstream DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

/** IntOrString is a Kubernetes intstr: a count or a percentage like "50%". */
export type IntOrString = number | string;

/** PdbCondition is a metav1.Condition on a PDB. */
export interface PdbCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** PodDisruptionBudget is policy/v1 PodDisruptionBudget (the fields the controller uses). */
export interface PodDisruptionBudget extends KObject {
  spec?: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector?: LabelSelector | null; unhealthyPodEvictionPolicy?: string };
  status?: {
    observedGeneration?: number;
    disruptedPods?: Record<string, string>;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    conditions?: PdbCondition[];
  };
}

/** Scalable is any workload with spec.replicas (a StatefulSet here). */
type Scalable = KObject & { spec?: { replicas?: number } };

/** ScaleNotFoundError: a selected pod's controller has no scale the controller knows (upstream "found no controllers"). */
export class ScaleNotFoundError extends Error {
  override readonly name = 'ScaleNotFoundError';
  constructor(readonly pod: string) {
    super(`found no controllers for pod "${pod}"`);
  }
}

/** scaledValue resolves an IntOrString against total (percentages round up, as GetScaledValueFromIntOrPercent(…, true)). */
export function scaledValue(v: IntOrString, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  if (/^\d+$/.test(v)) return Number(v);
  throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
}

/** DisruptionDeps are the listers and client of the reconciler. */
export interface DisruptionDeps {
  client: ApiClient;
  pdbs: Lister<PodDisruptionBudget>;
  pods: Lister<Pod>;
  replicaSets: Lister<ReplicaSet>;
  deployments: Lister<Deployment>;
  statefulSets: Lister<Scalable>;
  events?: EventRecorder;
}

const PDB_GVK = { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1' };

/** podsForPdb: pods of the PDB's namespace its selector matches (a null selector matches none, {} all). */
export function podsForPdb(pods: Lister<Pod>, pdb: PodDisruptionBudget): Pod[] {
  const sel = pdb.spec?.selector ?? undefined;
  return pods.list(pdb.metadata.namespace).filter((p) => labelSelectorMatches(sel, p.metadata.labels));
}

/** findScale returns the uid and replicas of the scalable controller ref points at, as upstream's finders. */
function findScale(deps: DisruptionDeps, ref: OwnerReference, ns: string | undefined): { uid: string; scale: number } | undefined {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  if (group !== 'apps') return undefined;
  if (ref.kind === 'ReplicaSet') {
    const rs = deps.replicaSets.get(ns, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    // A ReplicaSet of a Deployment counts with the Deployment's scale (getPodDeployment).
    const owner = controllerOf(rs);
    if (owner?.kind === 'Deployment') {
      const d = deps.deployments.get(ns, owner.name);
      if (d && d.metadata.uid === owner.uid) return { uid: String(d.metadata.uid), scale: d.spec.replicas ?? 1 };
      return undefined;
    }
    return { uid: String(rs.metadata.uid), scale: rs.spec.replicas ?? 1 };
  }
  if (ref.kind === 'StatefulSet') {
    const ss = deps.statefulSets.get(ns, ref.name);
    if (!ss || ss.metadata.uid !== ref.uid) return undefined;
    return { uid: String(ss.metadata.uid), scale: ss.spec?.replicas ?? 1 };
  }
  if (ref.kind === 'Deployment') {
    const d = deps.deployments.get(ns, ref.name);
    if (!d || d.metadata.uid !== ref.uid) return undefined;
    return { uid: String(d.metadata.uid), scale: d.spec.replicas ?? 1 };
  }
  return undefined;
}

/** expectedScale sums the scale of the pods' controllers; pods without a controller are unmanaged (ignored). */
function expectedScale(deps: DisruptionDeps, pods: Pod[]): { expected: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(String(pod.metadata.name));
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = findScale(deps, ref, pod.metadata.namespace);
    if (!found) throw new ScaleNotFoundError(String(pod.metadata.name));
    scales.set(ref.uid, found.scale);
  }
  let expected = 0;
  for (const s of scales.values()) expected += s;
  return { expected, unmanaged };
}

/** expectedPodCount is getExpectedPodCount: expectedPods and desiredHealthy of pdb over pods. */
export function expectedPodCount(deps: DisruptionDeps, pdb: PodDisruptionBudget, pods: Pod[]): { expected: number; desired: number; unmanaged: string[] } {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expected, unmanaged } = expectedScale(deps, pods);
    return { expected, desired: Math.max(0, expected - scaledValue(spec.maxUnavailable, expected)), unmanaged };
  }
  if (typeof spec.minAvailable === 'number') return { expected: pods.length, desired: spec.minAvailable, unmanaged: [] };
  if (typeof spec.minAvailable === 'string') {
    const { expected, unmanaged } = expectedScale(deps, pods);
    return { expected, desired: scaledValue(spec.minAvailable, expected), unmanaged };
  }
  return { expected: 0, desired: 0, unmanaged: [] };
}

/**
 * disruptedPodMap keeps the disruptedPods entries of pods that still exist, are not deleting and
 * whose 2-minute deadline has not passed; recheckAt is the earliest deadline (buildDisruptedPodMap).
 */
export function disruptedPodMap(pods: Pod[], pdb: PodDisruptionBudget, nowMs: number): { disrupted: Record<string, string>; recheckAt?: number; expired: string[] } {
  const old = pdb.status?.disruptedPods ?? {};
  const disrupted: Record<string, string> = {};
  const expired: string[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = old[String(pod.metadata.name)];
    if (at === undefined) continue;
    const deadline = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (deadline < nowMs) {
      expired.push(String(pod.metadata.name));
      continue;
    }
    recheckAt = recheckAt === undefined ? deadline : Math.min(recheckAt, deadline);
    disrupted[String(pod.metadata.name)] = at;
  }
  return { disrupted, recheckAt, expired };
}

/** countHealthy: ready pods that are neither deleting nor recently disrupted. */
export function countHealthy(pods: Pod[], disrupted: Record<string, string>): number {
  return pods.filter((p) => !p.metadata.deletionTimestamp && disrupted[String(p.metadata.name)] === undefined && isPodReady(p)).length;
}

/** setCondition is apimeta.SetStatusCondition: lastTransitionTime moves only when status does. */
function setCondition(conds: PdbCondition[] | undefined, c: PdbCondition): PdbCondition[] {
  const prev = conds?.find((x) => x.type === c.type);
  const next = prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
  return [...(conds ?? []).filter((x) => x.type !== c.type), next];
}

function sameStatus(a: PodDisruptionBudget['status'], b: PodDisruptionBudget['status']): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

async function writeStatus(deps: DisruptionDeps, pdb: PodDisruptionBudget, status: NonNullable<PodDisruptionBudget['status']>): Promise<void> {
  if (sameStatus(pdb.status, status)) return;
  await deps.client.updateStatus<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, { ...pdb, status });
}

/**
 * failSafe is upstream's failSafe: on a sync error the budget allows no disruption (condition
 * DisruptionAllowed False / SyncFailed with the error), so evictions stop rather than guess.
 */
async function failSafe(ctx: ReconcileContext, deps: DisruptionDeps, pdb: PodDisruptionBudget, err: Error): Promise<void> {
  const gen = pdb.metadata.generation ?? 1;
  const cond: PdbCondition = { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: err.message, observedGeneration: gen, lastTransitionTime: rfc3339(ctx.clock.now()) };
  await writeStatus(deps, pdb, { ...(pdb.status ?? {}), observedGeneration: gen, disruptionsAllowed: 0, currentHealthy: pdb.status?.currentHealthy ?? 0, desiredHealthy: pdb.status?.desiredHealthy ?? 0, expectedPods: pdb.status?.expectedPods ?? 0, conditions: setCondition(pdb.status?.conditions, cond) });
}

/** createDisruptionReconciler computes and writes one PDB's status (trySync + updatePdbStatus). */
export function createDisruptionReconciler(deps: DisruptionDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const pdb = deps.pdbs.get(req.namespace, req.name);
      if (!pdb) return;
      const now = ctx.clock.now();
      const pods = podsForPdb(deps.pods, pdb);
      if (pods.length === 0) deps.events?.event(pdb, 'Normal', 'NoPods', 'No matching pods found', PDB_GVK);
      let counts: { expected: number; desired: number; unmanaged: string[] };
      try {
        counts = expectedPodCount(deps, pdb, pods);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        deps.events?.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${e.message}`, PDB_GVK);
        await failSafe(ctx, deps, pdb, e).catch(ignoreGone);
        // Upstream retries with backoff; a new pod/controller event also re-syncs.
        return { requeueAfterMs: 5_000 };
      }
      if (counts.unmanaged.length > 0) {
        deps.events?.event(pdb, 'Warning', 'UnmanagedPods', 'Pods selected by this PodDisruptionBudget were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.', PDB_GVK);
      }
      const { disrupted, recheckAt, expired } = disruptedPodMap(pods, pdb, now);
      for (const name of expired) {
        ctx.log.info('disrupted pod not deleted in time', { pdb: req.key, pod: name });
        deps.events?.event(pdb, 'Warning', 'NotDeleted', `Pod was expected by PDB ${req.key} to be deleted but it wasn't`, PDB_GVK);
      }
      const currentHealthy = countHealthy(pods, disrupted);
      const allowed = counts.expected <= 0 ? 0 : Math.max(0, currentHealthy - counts.desired);
      const gen = pdb.metadata.generation ?? 1;
      const ok = allowed > 0;
      const cond: PdbCondition = { type: 'DisruptionAllowed', status: ok ? 'True' : 'False', reason: ok ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration: gen, lastTransitionTime: rfc3339(now) };
      const status: NonNullable<PodDisruptionBudget['status']> = {
        observedGeneration: gen,
        ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
        disruptionsAllowed: allowed,
        currentHealthy,
        desiredHealthy: counts.desired,
        expectedPods: counts.expected,
        conditions: setCondition(pdb.status?.conditions, cond),
      };
      try {
        await writeStatus(deps, pdb, status);
      } catch (err) {
        // A conflict means an eviction charged the budget meanwhile: the update event re-enqueues us.
        if (isConflict(err) || isNotFound(err)) return;
        throw err;
      }
      if (recheckAt !== undefined) return { requeueAfterMs: Math.max(1, recheckAt - now) };
    },
  };
}

function ignoreGone(err: unknown): void {
  if (!isNotFound(err) && !isConflict(err)) throw err;
}

/** disruptionController is the definition: PDB and pod informers (plus the scalable workloads' caches). */
export function disruptionController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 2,
    component: 'controllermanager',
    setup(env: ControllerEnv): Reconciler {
      const pdbs = env.informers.informerFor<PodDisruptionBudget>(PODDISRUPTIONBUDGETS);
      const pods = env.informers.informerFor<Pod>(PODS);
      const rss = env.informers.informerFor<ReplicaSet>(REPLICASETS);
      const deploys = env.informers.informerFor<Deployment>(DEPLOYMENTS);
      const sts = env.informers.informerFor<Scalable>(STATEFULSETS);
      const q = env.queue;
      const key = (o: KObject): string => `${o.metadata.namespace ?? ''}/${String(o.metadata.name)}`;
      const forPod = (pod: Pod): void => {
        for (const pdb of pdbs.lister.list(pod.metadata.namespace)) {
          if (labelSelectorMatches(pdb.spec?.selector ?? undefined, pod.metadata.labels)) q.add(key(pdb));
        }
      };
      pdbs.addEventHandler({ onAdd: (p) => q.add(key(p)), onUpdate: (_o, p) => q.add(key(p)), onDelete: (p) => q.add(key(p)) });
      pods.addEventHandler({
        onAdd: forPod,
        onUpdate: (o, n) => {
          forPod(n);
          if (JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {})) forPod(o);
        },
        onDelete: forPod,
      });
      // Upstream reads scale only on pod events; a scale change re-syncs the namespace's budgets at once.
      const onScale = (o: Scalable, n: Scalable): void => {
        if (o.spec?.replicas !== n.spec?.replicas) for (const pdb of pdbs.lister.list(n.metadata.namespace)) q.add(key(pdb));
      };
      rss.addEventHandler({ onUpdate: (o, n) => onScale(o as Scalable, n as Scalable) });
      deploys.addEventHandler({ onUpdate: (o, n) => onScale(o as Scalable, n as Scalable) });
      sts.addEventHandler({ onUpdate: onScale });
      return createDisruptionReconciler({
        client: env.client,
        pdbs: pdbs.lister,
        pods: pods.lister,
        replicaSets: rss.lister,
        deployments: deploys.lister,
        statefulSets: sts.lister,
        events: env.events,
      });
    },
  };
}
