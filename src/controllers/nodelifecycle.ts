/**
 * Node lifecycle controller: notices nodes whose kubelet stopped renewing its Lease, marks them
 * Ready=Unknown and taints them unreachable (NoSchedule + NoExecute), evicts their pods after
 * each pod's tolerationSeconds, and lifts the taints when the lease is fresh again.
 *
 * Built for 5,000 nodes: lease renewals only update an in-memory map (no queue traffic); a
 * "$monitor" key runs every monitorPeriod over that map and enqueues only the nodes that need a
 * write. Pods are listed from the apiserver per tainted node, so no pod cache is kept. The pods
 * of a deleted node are force-deleted (the pod GC's job upstream).
 */
import { isNotFound } from '../api/errors.js';
import { nowRfc3339 } from '../api/meta.js';
import { LEASES, NODES, PODS } from '../api/resources.js';
import type { Lease, Node, NodeCondition, Pod, Taint } from '../api/types.js';
import type { EventRecorder } from '../client/events.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, tolerationSecondsFor } from './taints.js';
import { isPodActive } from './util.js';

/** NAME of the controller. */
export const NAME = 'nodelifecycle';
/** MONITOR_KEY is the queue key of the periodic sweep. */
export const MONITOR_KEY = '$monitor';
/** ORPHANS_PREFIX + node name is the queue key that removes the pods of a deleted node (pod GC). */
export const ORPHANS_PREFIX = '$orphaned:';
/** NODE_LEASE_NAMESPACE holds the kubelets' Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** NodeLifecycleOptions: timings in clock ms (defaults: grace 40 s, monitor 5 s, toleration 300 s). */
export interface NodeLifecycleOptions {
  gracePeriodMs?: number;
  monitorPeriodMs?: number;
  defaultTolerationSeconds?: number;
  workers?: number;
}

/** Liveness is what the controller knows about one node's heartbeats (times are our clock's). */
export class Liveness {
  private readonly seen = new Map<string, { renew: string; at: number }>();
  /** observe records a heartbeat value; a new value (or a first sighting) counts as now. */
  observe(node: string, value: string, now: number): boolean {
    const cur = this.seen.get(node);
    if (cur && cur.renew === value) return false;
    this.seen.set(node, { renew: value, at: now });
    return true;
  }
  /** lastSeen is when the node's heartbeat last changed (undefined: never seen). */
  lastSeen(node: string): number | undefined {
    return this.seen.get(node)?.at;
  }
  forget(node: string): void {
    this.seen.delete(node);
  }
}

interface Deps {
  client: ApiClient;
  nodes: Lister<Node>;
  liveness: Liveness;
  queue: { add(k: string): void };
  opts: Required<Omit<NodeLifecycleOptions, 'workers'>>;
  events?: EventRecorder;
  /** nextEvictionCheck: when a tainted node's pods need looking at again (Infinity: not until its taints change). */
  nextEvictionCheck: Map<string, number>;
  /** registered: nodes this incarnation has announced with a RegisteredNode event (as upstream, again after a restart). */
  registered: Set<string>;
}

const readyOf = (n: Node): NodeCondition | undefined => n.status?.conditions?.find((c) => c.type === 'Ready');
const hasTaint = (n: Node, key: string, effect?: Taint['effect']): boolean => (n.spec.taints ?? []).some((t) => t.key === key && (!effect || t.effect === effect));

function isStale(d: Deps, n: Node, now: number): boolean {
  const seen = d.liveness.lastSeen(String(n.metadata.name));
  return seen === undefined || now - seen > d.opts.gracePeriodMs;
}

/** wantTaints returns the node's taints with the lifecycle ones set for its state. */
function wantTaints(n: Node, stale: boolean, now: string): Taint[] {
  const ready = readyOf(n)?.status;
  const key = stale ? TAINT_UNREACHABLE : ready === 'False' ? TAINT_NOT_READY : undefined;
  const others = (n.spec.taints ?? []).filter((t) => t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY);
  if (!key) return others;
  const keep = (n.spec.taints ?? []).filter((t) => t.key === key);
  const out = [...others, ...keep];
  for (const effect of ['NoSchedule', 'NoExecute'] as const) if (!keep.some((t) => t.effect === effect)) out.push({ key, effect, ...(effect === 'NoExecute' ? { timeAdded: now } : {}) });
  return out;
}

/** wantConditions: Unknown for a stale node; restored when a node we marked Unknown renews again. */
function wantConditions(n: Node, stale: boolean, now: string): NodeCondition[] | undefined {
  const conds = n.status?.conditions ?? [];
  const ready = readyOf(n);
  if (stale) {
    if (ready?.status === 'Unknown') return undefined;
    if (!ready) return [...conds, { type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now }];
    return conds.map((c) =>
      ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(c.type) && c.status !== 'Unknown'
        ? { ...c, status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }
        : c,
    );
  }
  if (ready?.status !== 'Unknown' || (ready.reason !== 'NodeStatusUnknown' && ready.reason !== 'NodeStatusNeverUpdated')) return undefined;
  // The kubelet renews its lease again; it only re-posts status on change, so restore what we took away.
  const restored: Record<string, [NodeCondition['status'], string, string]> = {
    Ready: ['True', 'KubeletReady', 'kubelet is posting ready status'],
    MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  };
  return conds.map((c) => (restored[c.type] && c.status === 'Unknown' ? { ...c, status: restored[c.type][0], reason: restored[c.type][1], message: restored[c.type][2], lastTransitionTime: now } : c));
}

function needsWork(d: Deps, n: Node, now: number): boolean {
  const stale = isStale(d, n, now);
  if (wantConditions(n, stale, '') !== undefined) return true;
  const want = wantTaints(n, stale, '');
  if (want.length !== (n.spec.taints ?? []).length || want.some((t) => !hasTaint(n, t.key, t.effect))) return true;
  if (!(n.spec.taints ?? []).some((t) => t.effect === 'NoExecute')) return false;
  // Tainted nodes are listed for evictions only when a check is due, not on every sweep.
  return (d.nextEvictionCheck.get(String(n.metadata.name)) ?? 0) <= now;
}

async function monitor(d: Deps, ctx: ReconcileContext): Promise<Result> {
  const now = ctx.clock.now();
  for (const n of d.nodes.list()) if (needsWork(d, n, now)) d.queue.add(String(n.metadata.name));
  return { requeueAfterMs: d.opts.monitorPeriodMs };
}

async function syncNode(d: Deps, ctx: ReconcileContext, name: string): Promise<Result | void> {
  let node = d.nodes.get(undefined, name);
  if (!node) {
    d.liveness.forget(name);
    d.nextEvictionCheck.delete(name);
    d.registered.delete(name);
    return;
  }
  if (!d.registered.has(name)) {
    d.registered.add(name);
    d.events?.event(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, { kind: 'Node', apiVersion: 'v1' });
  }
  const nowMs = ctx.clock.now();
  const now = nowRfc3339(ctx.clock);
  const stale = isStale(d, node, nowMs);
  const conds = wantConditions(node, stale, now);
  if (conds) {
    node = await d.client.updateStatus(NODES, { ...node, status: { ...(node.status ?? {}), conditions: conds } });
    ctx.log.info(stale ? 'node stopped posting status' : 'node is posting status again', { node: name });
    d.events?.event(node, 'Normal', stale ? 'NodeNotReady' : 'NodeReady', `Node ${name} status is now: ${stale ? 'NodeNotReady' : 'NodeReady'}`, { kind: 'Node', apiVersion: 'v1' });
  }
  const taints = wantTaints(node, stale, now);
  if (taints.length !== (node.spec.taints ?? []).length || taints.some((t) => !hasTaint(node!, t.key, t.effect))) {
    node = await d.client.update(NODES, { ...node, spec: { ...node.spec, taints } });
    d.nextEvictionCheck.delete(name);
  }
  const res = await evict(d, ctx, node);
  d.nextEvictionCheck.set(name, res?.requeueAfterMs !== undefined ? nowMs + res.requeueAfterMs : Infinity);
  return res;
}

/** evict deletes pods whose toleration of the node's NoExecute taints ran out; requeues for the next. */
async function evict(d: Deps, ctx: ReconcileContext, node: Node): Promise<Result | void> {
  const noExec = (node.spec.taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (noExec.length === 0) return;
  const since = Math.min(...noExec.map((t) => (t.timeAdded ? Date.parse(t.timeAdded) : ctx.clock.now())));
  const pods = await d.client.list<Pod>(PODS, { fieldSelector: `spec.nodeName=${node.metadata.name}` });
  const now = ctx.clock.now();
  let next = Infinity;
  const deletes: Promise<unknown>[] = [];
  for (const pod of pods.items) {
    if (!isPodActive(pod)) continue;
    const secs = tolerationSecondsFor(pod.spec.tolerations, noExec, d.opts.defaultTolerationSeconds);
    if (secs === Infinity) continue;
    const due = since + secs * 1000;
    if (due <= now) {
      ctx.log.info('evicting pod from tainted node', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: node.metadata.name });
      d.events?.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`, { kind: 'Pod', apiVersion: 'v1' });
      deletes.push(
        d.client.delete(PODS, pod.metadata.namespace, String(pod.metadata.name), { preconditions: { uid: pod.metadata.uid } }).catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        }),
      );
    } else next = Math.min(next, due - now);
  }
  await Promise.all(deletes);
  return next < Infinity ? { requeueAfterMs: next } : undefined;
}

/**
 * deleteOrphanedPods force-deletes the pods bound to a node that no longer exists (podgc's
 * gcOrphaned): no kubelet will ever finish their deletion.
 */
async function deleteOrphanedPods(d: Deps, ctx: ReconcileContext, node: string): Promise<void> {
  if (d.nodes.get(undefined, node)) return;
  const pods = await d.client.list<Pod>(PODS, { fieldSelector: `spec.nodeName=${node}` });
  await Promise.all(
    pods.items.map((pod) => {
      ctx.log.info('deleting pod of a deleted node', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node });
      return d.client.delete(PODS, pod.metadata.namespace, String(pod.metadata.name), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    }),
  );
}

/** createNodeLifecycleReconciler handles MONITOR_KEY sweeps, per-node syncs and deleted nodes' pods. */
export function createNodeLifecycleReconciler(d: Deps): Reconciler {
  return {
    reconcile: (ctx, req) => {
      if (req.key === MONITOR_KEY) return monitor(d, ctx);
      if (req.key.startsWith(ORPHANS_PREFIX)) return deleteOrphanedPods(d, ctx, req.key.slice(ORPHANS_PREFIX.length));
      return syncNode(d, ctx, req.key);
    },
  };
}

/** nodeLifecycleController is the definition: informers on nodes and node leases. */
export function nodeLifecycleController(o: NodeLifecycleOptions = {}): ControllerDefinition {
  const opts = { gracePeriodMs: o.gracePeriodMs ?? 40_000, monitorPeriodMs: o.monitorPeriodMs ?? 5_000, defaultTolerationSeconds: o.defaultTolerationSeconds ?? 300 };
  return {
    name: NAME,
    component: 'node-controller',
    workers: o.workers ?? 5,
    setup(env: ControllerEnv): Reconciler {
      const nodeInf = env.informers.informerFor<Node>(NODES);
      const leaseInf = env.informers.informerFor<Lease>(LEASES, { namespace: NODE_LEASE_NAMESPACE });
      const liveness = new Liveness();
      const q = env.queue;
      const d: Deps = { client: env.client, nodes: nodeInf.lister, liveness, queue: q, opts, nextEvictionCheck: new Map(), registered: new Set(), events: env.events };
      const onLease = (l: Lease): void => {
        const name = String(l.metadata.name);
        if (!liveness.observe(name, String(l.spec.renewTime ?? l.metadata.resourceVersion), env.clock.now())) return;
        // Only a node we marked unreachable needs work on renewal: recover it at once.
        const n = nodeInf.lister.get(undefined, name);
        if (n && (hasTaint(n, TAINT_UNREACHABLE) || readyOf(n)?.status === 'Unknown')) q.add(name);
      };
      leaseInf.addEventHandler({ onAdd: onLease, onUpdate: (_o, l) => onLease(l) });
      nodeInf.addEventHandler({
        onAdd: (n) => {
          // First sighting counts as a heartbeat: a restarted controller gives every node a grace period.
          if (liveness.lastSeen(String(n.metadata.name)) === undefined) liveness.observe(String(n.metadata.name), '', env.clock.now());
          // One sync per new node announces it (RegisteredNode); healthy nodes are not synced again.
          if (!d.registered.has(String(n.metadata.name))) q.add(String(n.metadata.name));
        },
        onUpdate: (_o, n) => {
          if (readyOf(n)?.status !== 'True' || (n.spec.taints ?? []).some((t) => t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY)) q.add(String(n.metadata.name));
        },
        onDelete: (n) => {
          liveness.forget(String(n.metadata.name));
          q.add(ORPHANS_PREFIX + String(n.metadata.name));
        },
      });
      q.add(MONITOR_KEY);
      return createNodeLifecycleReconciler(d);
    },
  };
}
