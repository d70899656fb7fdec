/**
 * Pure invariant checks of a chaos run, over plain lists of objects (what the runner listed).
 * Each returns human-readable violations; an empty array means the invariant holds.
 */
import { bytes, cpuMillis } from '../api/quantity.js';
import type { Deployment, Node, Pod } from '../api/types.js';

/** WORKLOAD_LABEL marks every object the chaos workload owns. */
export const WORKLOAD_LABEL = 'kubeactor.io/chaos';

/** isPodReady: Running, not terminating, Ready=True. */
export function isPodReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && !p.metadata.deletionTimestamp && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/** matchesLabels: every key of `sel` has the same value in `labels`. */
function matchesLabels(labels: Record<string, string> | undefined, sel: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel)) if (labels?.[k] !== v) return false;
  return true;
}

/** ConvergenceState summarises how far the Deployments are from their desired ready replicas. */
export interface ConvergenceState {
  desired: number;
  ready: number;
  converged: boolean;
  /** lagging: "ns/name ready/desired" of each Deployment that is not there yet. */
  lagging: string[];
}

/**
 * convergence: every Deployment's spec.replicas equals both its status.readyReplicas (observed at
 * its current generation) and the number of ready pods its selector matches.
 */
export function convergence(deployments: readonly Deployment[], pods: readonly Pod[]): ConvergenceState {
  let desired = 0;
  let ready = 0;
  const lagging: string[] = [];
  for (const d of deployments) {
    if (d.metadata.deletionTimestamp) continue;
    const want = d.spec?.replicas ?? 1;
    const have = pods.filter((p) => p.metadata.namespace === d.metadata.namespace && matchesLabels(p.metadata.labels, d.spec?.selector?.matchLabels) && isPodReady(p)).length;
    const st = d.status;
    const observed = (st?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
    desired += want;
    ready += Math.min(have, want);
    if (have !== want || (st?.readyReplicas ?? 0) !== want || !observed) lagging.push(`${d.metadata.namespace}/${d.metadata.name} ${have}/${want}`);
  }
  return { desired, ready, converged: lagging.length === 0, lagging };
}

/** podRequests sums a pod's container requests (cpu in millicores, memory in bytes). */
function podRequests(p: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of p.spec.containers) {
    cpu += cpuMillis(c.resources?.requests?.cpu ?? 0);
    memory += bytes(c.resources?.requests?.memory ?? 0);
  }
  return { cpu, memory };
}

/** overCommitted: nodes whose bound, unfinished pods request more than allocatable (cpu, memory, pods). */
export function overCommitted(nodes: readonly Node[], pods: readonly Pod[]): string[] {
  const use = new Map<string, { cpu: number; memory: number; pods: number }>();
  for (const p of pods) {
    const n = p.spec.nodeName;
    if (!n || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const r = podRequests(p);
    const u = use.get(n) ?? { cpu: 0, memory: 0, pods: 0 };
    u.cpu += r.cpu;
    u.memory += r.memory;
    u.pods++;
    use.set(n, u);
  }
  const out: string[] = [];
  for (const node of nodes) {
    const u = use.get(String(node.metadata.name));
    const a = node.status?.allocatable ?? node.status?.capacity;
    if (!u || !a) continue;
    const cpu = cpuMillis(a.cpu ?? 0);
    const mem = bytes(a.memory ?? 0);
    const maxPods = Number(a.pods ?? Infinity);
    if (u.cpu > cpu || u.memory > mem || u.pods > maxPods) {
      out.push(`node ${node.metadata.name} over-committed: cpu ${u.cpu}m/${cpu}m, memory ${u.memory}/${mem}, pods ${u.pods}/${maxPods}`);
    }
  }
  return out;
}

/** boundToMissingNodes: pods (not being deleted) bound to a node that no longer exists. */
export function boundToMissingNodes(nodes: readonly Node[], pods: readonly Pod[]): string[] {
  const names = new Set(nodes.map((n) => String(n.metadata.name)));
  return pods
    .filter((p) => p.spec.nodeName && !names.has(p.spec.nodeName) && !p.metadata.deletionTimestamp)
    .map((p) => `pod ${p.metadata.namespace}/${p.metadata.name} bound to deleted node ${p.spec.nodeName}`);
}

/**
 * OrphanTracker follows pods bound to a node that no longer exists: each becomes a violation once
 * it has been seen so for longer than the grace (the pod GC must have removed it by then).
 */
export class OrphanTracker {
  private readonly since = new Map<string, number>();
  private readonly reported = new Set<string>();

  /** observe takes one sample; returns the new violations. */
  observe(nodes: readonly Node[], pods: readonly Pod[], atMs: number, graceMs: number): string[] {
    const names = new Set(nodes.map((n) => String(n.metadata.name)));
    const now = new Set<string>();
    const out: string[] = [];
    for (const p of pods) {
      if (!p.spec.nodeName || names.has(p.spec.nodeName)) continue;
      const key = `${p.metadata.namespace}/${p.metadata.name} (${p.metadata.uid ?? ''})`;
      now.add(key);
      const first = this.since.get(key) ?? atMs;
      this.since.set(key, first);
      if (atMs - first > graceMs && !this.reported.has(key)) {
        this.reported.add(key);
        out.push(`pod ${key} still bound to deleted node ${p.spec.nodeName} ${atMs - first} ms after it was first seen so`);
      }
    }
    for (const k of [...this.since.keys()]) if (!now.has(k)) this.since.delete(k);
    return out;
  }
}

/** RvTracker checks that a resource's list resourceVersion never goes backwards. */
export class RvTracker {
  private readonly last = new Map<string, number>();

  /** observe records one list RV; returns a violation when it went backwards. */
  observe(resource: string, rv: string | undefined, atMs: number): string | undefined {
    const n = Number(rv);
    if (!Number.isFinite(n)) return `${resource}: list without a numeric resourceVersion (${String(rv)}) at ${atMs} ms`;
    const prev = this.last.get(resource);
    this.last.set(resource, Math.max(prev ?? n, n));
    if (prev !== undefined && n < prev) return `${resource}: list resourceVersion went back from ${prev} to ${n} at ${atMs} ms`;
    return undefined;
  }
}

/** recoveryTimes: for each fault time, ms until the first converged sample after it (or until `endMs`). */
export function recoveryTimes(faultTimes: readonly number[], samples: readonly { atMs: number; converged: boolean }[], endMs: number): { atMs: number; recoveryMs: number; recovered: boolean }[] {
  return faultTimes.map((t) => {
    const s = samples.find((x) => x.atMs > t && x.converged);
    return s ? { atMs: t, recoveryMs: s.atMs - t, recovered: true } : { atMs: t, recoveryMs: endMs - t, recovered: false };
  });
}
