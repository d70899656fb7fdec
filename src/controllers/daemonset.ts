/**
 * DaemonSet controller (pkg/controller/daemon): one pod per eligible node (nodeSelector, node
 * affinity, taints vs. the template's and the automatic daemon tolerations), each pinned by a
 * matchFields metadata.name affinity the scheduler honours; failed pods are replaced, pods on
 * nodes that no longer fit or exist are deleted. RollingUpdate with maxUnavailable/maxSurge,
 * OnDelete, ControllerRevisions, status as `kubectl rollout status ds/x` reads it. Creates are
 * pipelined in slow-start batches (1, 2, 4 … in flight), never one round trip per node.
 */
import { controllerOf, keyOf, objectKey } from '../api/meta.js';
import { isNotFound } from '../api/errors.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from '../api/resources.js';
import type { Node, Pod } from '../api/types.js';
import type { EventRecorder } from '../client/events.js';
import { isEmptySelector, labelSelectorMatches } from '../client/selectors.js';
import type { ApiClient, Lister } from '../client/types.js';
import { nodeNameOfDaemonPod, rollingUpdateActions } from './daemonset-rollout.js';
import { newDaemonPod, nodeShouldRunDaemonPod, type DaemonSet } from './daemonset-util.js';
import { CONTROLLER_REVISION_HASH_LABEL, syncRevisions, truncateHistory, type ControllerRevision } from './history.js';
import { CONTROLLER_UID_INDEX, controllerIndex } from './replicaset.js';
import { Expectations } from './runtime/expectations.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Request, Result } from './runtime/types.js';
import { claimObjects, availableInMs, isPodAvailable, isPodReady, slowStartBatch, stableStringify, WritesFailedError } from './util.js';

/** NAME of the controller. */
export const NAME = 'daemonset';
/** BURST_REPLICAS caps creates per sync (upstream 250; our creates are cheaper). */
export const BURST_REPLICAS = 500;
const GVK = { kind: 'DaemonSet', apiVersion: 'apps/v1' };

/** DaemonSetDeps are the listers and client of the reconciler. */
export interface DaemonSetDeps {
  client: ApiClient;
  daemonSets: Lister<DaemonSet>;
  nodes: Lister<Node>;
  /** pods must be indexed with controllerIndex under CONTROLLER_UID_INDEX. */
  pods: Lister<Pod>;
  revisions: Lister<ControllerRevision>;
  expectations: Expectations;
  burstReplicas?: number;
  events?: EventRecorder;
}

/** Plan is what one sync wants to write. */
interface Plan {
  create: string[];
  remove: Pod[];
}

/** createDaemonSetReconciler syncs one DaemonSet per call; see the file comment. */
export function createDaemonSetReconciler(deps: DaemonSetDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const cached = deps.daemonSets.get(req.namespace, req.name);
      if (!cached) {
        deps.expectations.delete(req.key);
        return;
      }
      if (cached.metadata.deletionTimestamp) return;
      const ds = structuredClone(cached);
      if (isEmptySelector(ds.spec.selector)) {
        ctx.log.warn('daemonset has an empty selector; it would select all pods', { daemonset: req.key });
        return;
      }
      const pods = await claimPods(deps, ds);
      const owned = deps.revisions.list(ds.metadata.namespace).filter((r) => controllerOf(r)?.uid === ds.metadata.uid);
      const revs = await syncRevisions(deps.client, ds, 'DaemonSet', owned, undefined);
      const hash = String(revs.update.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]);
      const nodes = deps.nodes.list();
      let actErr: unknown;
      if (deps.expectations.satisfied(req.key)) {
        try {
          const byNode = podsByNode(pods);
          const plan = manage(ds, nodes, byNode, hash);
          if (plan.create.length === 0 && plan.remove.length === 0 && ds.spec.updateStrategy?.type !== 'OnDelete') {
            const rolled = rollingUpdateActions(ds, nodes, byNode, hash, ctx.clock.now());
            plan.create.push(...rolled.create);
            plan.remove.push(...rolled.remove);
          }
          await execute(ctx, deps, ds, plan, hash, req);
        } catch (err) {
          actErr = err;
        }
      }
      const live = new Set<string>([String(revs.update.metadata.name)]);
      for (const r of revs.all) if (pods.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL])) live.add(String(r.metadata.name));
      await truncateHistory(deps.client, revs.all, live, ds.spec.revisionHistoryLimit ?? 10);
      const status = computeStatus(ds, nodes, podsByNode(deps.pods.byIndex(CONTROLLER_UID_INDEX, String(ds.metadata.uid))), hash, revs.collisionCount, ctx.clock.now());
      if (stableStringify(status) !== stableStringify(cached.status ?? {})) await deps.client.updateStatus(DAEMONSETS, { ...cached, status });
      if (actErr) throw actErr;
      return requeueForAvailability(ds, pods, ctx.clock.now());
    },
  };
}

/** claimPods adopts matching orphans and releases owned pods that stopped matching. */
function claimPods(deps: DaemonSetDeps, ds: DaemonSet): Promise<Pod[]> {
  const candidates = [...deps.pods.byIndex(CONTROLLER_UID_INDEX, String(ds.metadata.uid)), ...deps.pods.byIndex(CONTROLLER_UID_INDEX, `orphan:${ds.metadata.namespace ?? ''}`)];
  return claimObjects(candidates, {
    client: deps.client,
    res: PODS,
    owner: ds,
    ownerApiVersion: 'apps/v1',
    ownerKind: 'DaemonSet',
    matches: (pod) => labelSelectorMatches(ds.spec.selector, pod.metadata.labels),
    what: 'pod adoptions',
  });
}

/** podsByNode groups pods by the node they run on or are pinned to. */
export function podsByNode(pods: Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = nodeNameOfDaemonPod(p);
    if (n === undefined) continue;
    const list = m.get(n);
    if (list) list.push(p);
    else m.set(n, [p]);
  }
  return m;
}

const byAge = (a: Pod, b: Pod): number => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name));

/**
 * manage is podsShouldBeOnNode over every node: create where a pod should run and none exists,
 * delete failed pods, duplicates (keeping the oldest; one old and one new while surging), pods on
 * nodes that no longer fit, and pods on nodes that are gone.
 */
export function manage(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): Plan {
  const plan: Plan = { create: [], remove: [] };
  const surging = ds.spec.updateStrategy?.type !== 'OnDelete' && ds.spec.updateStrategy?.rollingUpdate?.maxSurge !== undefined && ds.spec.updateStrategy.rollingUpdate.maxSurge !== 0 && ds.spec.updateStrategy.rollingUpdate.maxSurge !== '0%';
  const seen = new Set<string>();
  for (const node of nodes) {
    const name = String(node.metadata.name);
    seen.add(name);
    const pods = byNode.get(name) ?? [];
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(ds, node);
    if (shouldRun && pods.length === 0) {
      plan.create.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const p of pods) {
        if (p.metadata.deletionTimestamp) continue;
        if (p.status?.phase === 'Failed') plan.remove.push(p);
        else running.push(p);
      }
      running.sort(byAge);
      if (!surging) plan.remove.push(...running.slice(1));
      else {
        const news = running.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash);
        const olds = running.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== hash);
        plan.remove.push(...news.slice(1), ...olds.slice(1));
      }
    } else {
      plan.remove.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
    }
  }
  for (const [name, pods] of byNode) if (!seen.has(name)) plan.remove.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
  return plan;
}

async function execute(ctx: ReconcileContext, deps: DaemonSetDeps, ds: DaemonSet, plan: Plan, hash: string, req: Request): Promise<void> {
  const burst = deps.burstReplicas ?? BURST_REPLICAS;
  const create = plan.create.slice(0, burst);
  const remove = plan.remove.slice(0, burst);
  deps.expectations.expectCreations(req.key, create.length);
  deps.expectations.expectDeletions(req.key, remove.map(objectKey));
  const deletions = Promise.allSettled(
    remove.map(async (p) => {
      try {
        await deps.client.delete(PODS, p.metadata.namespace, String(p.metadata.name), { preconditions: { uid: p.metadata.uid } });
        deps.events?.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, GVK);
      } catch (err) {
        deps.expectations.deletionObserved(req.key, objectKey(p));
        if (!isNotFound(err)) throw err;
      }
    }),
  );
  const { successes, errors } = await slowStartBatch(create.length, 1, async (i) => {
    const pod = newDaemonPod(ds, create[i], hash);
    try {
      const made = await deps.client.create(PODS, pod);
      deps.events?.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`, GVK);
    } catch (err) {
      deps.expectations.creationObserved(req.key);
      deps.events?.event(ds, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`, GVK);
      throw err;
    }
  });
  for (let i = successes + errors.length; i < create.length; i++) deps.expectations.creationObserved(req.key);
  const delErrors = (await deletions).filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  if (errors.length + delErrors.length > 0) throw new WritesFailedError('daemon pod writes', [...errors, ...delErrors]);
  if (plan.create.length > burst || plan.remove.length > burst) ctx.log.debug('daemonset sync capped by burst', { daemonset: req.key });
}

/** computeStatus is updateDaemonSetStatus: per node, the desired/scheduled/ready/available/updated counts. */
export function computeStatus(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string, collisionCount: number, nowMs: number): NonNullable<DaemonSet['status']> {
  let desired = 0;
  let current = 0;
  let mis = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(ds, node);
    const pods = (byNode.get(String(node.metadata.name)) ?? []).filter((p) => !p.metadata.deletionTimestamp).sort(byAge);
    const scheduled = pods.length > 0;
    if (!shouldRun) {
      if (scheduled) mis++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = pods.find((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) ?? pods[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, nowMs)) available++;
    }
    if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) updated++;
  }
  return {
    ...(ds.status ?? {}),
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: mis,
    numberReady: ready,
    numberAvailable: available,
    numberUnavailable: desired - available,
    updatedNumberScheduled: updated,
    observedGeneration: ds.metadata.generation,
    ...(collisionCount ? { collisionCount } : {}),
  };
}

function requeueForAvailability(ds: DaemonSet, pods: Pod[], now: number): Result | void {
  const minReady = ds.spec.minReadySeconds ?? 0;
  if (minReady <= 0) return;
  const waits = pods.map((p) => availableInMs(p, minReady, now)).filter((w): w is number => w !== undefined && w > 0);
  if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 1 };
}

/** nodeChanged: a node update that can change placement (labels, taints, cordon). */
function nodeChanged(a: Node, b: Node): boolean {
  return stableStringify(a.metadata.labels ?? {}) !== stableStringify(b.metadata.labels ?? {}) || stableStringify(a.spec.taints ?? []) !== stableStringify(b.spec.taints ?? []) || !!a.spec.unschedulable !== !!b.spec.unschedulable;
}

/** daemonSetController is the definition: informers on daemonsets, nodes, pods and revisions. */
export function daemonSetController(opts: { workers?: number; burstReplicas?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 2,
    setup(env: ControllerEnv): Reconciler {
      const dsInf = env.informers.informerFor<DaemonSet>(DAEMONSETS);
      const nodeInf = env.informers.informerFor<Node>(NODES);
      const podInf = env.informers.informerFor<Pod>(PODS);
      const revInf = env.informers.informerFor<ControllerRevision>(CONTROLLERREVISIONS);
      podInf.addIndex(CONTROLLER_UID_INDEX, controllerIndex);
      const expectations = new Expectations(env.clock);
      const q = env.queue;
      const all = (): void => {
        for (const ds of dsInf.lister.list()) q.add(objectKey(ds));
      };
      const ownerKey = (pod: Pod): string | undefined => {
        const ref = controllerOf(pod);
        return ref && ref.kind === 'DaemonSet' ? keyOf(pod.metadata.namespace, ref.name) : undefined;
      };
      const enqueueMatching = (pod: Pod): void => {
        for (const ds of dsInf.lister.list(pod.metadata.namespace)) if (labelSelectorMatches(ds.spec.selector, pod.metadata.labels)) q.add(objectKey(ds));
      };
      dsInf.addEventHandler({
        onAdd: (ds) => q.add(objectKey(ds)),
        onUpdate: (_o, ds) => q.add(objectKey(ds)),
        onDelete: (ds) => {
          expectations.delete(objectKey(ds));
          q.add(objectKey(ds));
        },
      });
      nodeInf.addEventHandler({ onAdd: all, onUpdate: (o, n) => (nodeChanged(o, n) ? all() : undefined), onDelete: all });
      podInf.addEventHandler({
        onAdd: (pod) => {
          const key = ownerKey(pod);
          if (!key) return controllerOf(pod) ? undefined : enqueueMatching(pod);
          if (pod.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
          else expectations.creationObserved(key);
          q.add(key);
        },
        onUpdate: (old, pod) => {
          const key = ownerKey(pod);
          const oldKey = ownerKey(old);
          if (oldKey && oldKey !== key) q.add(oldKey);
          if (!key) return controllerOf(pod) ? undefined : enqueueMatching(pod);
          if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
          q.add(key);
        },
        onDelete: (pod) => {
          const key = ownerKey(pod);
          if (!key) return;
          expectations.deletionObserved(key, objectKey(pod));
          q.add(key);
        },
      });
      revInf.addEventHandler({
        onDelete: (r) => {
          const ref = controllerOf(r);
          if (ref?.kind === 'DaemonSet') q.add(keyOf(r.metadata.namespace, ref.name));
        },
      });
      return createDaemonSetReconciler({ client: env.client, daemonSets: dsInf.lister, nodes: nodeInf.lister, pods: podInf.lister, revisions: revInf.lister, expectations, burstReplicas: opts.burstReplicas, events: env.events });
    },
  };
}
