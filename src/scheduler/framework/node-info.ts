/**
 * NodeInfo and PodInfo: the scheduler's pre-computed view of nodes and pods. Quantities are
 * parsed once when an object enters the cache, so filters and scores are plain integer
 * arithmetic (millicores, bytes, pod counts).
 *
 *   NodeInfo { allocatable: {milliCpu: 4000, memory: 8Gi, pods: 110},
 *              requested:   {milliCpu: 1500, memory: 2Gi, pods: 3} }   free = allocatable − requested
 */
import { bytes, cpuMillis, parseQuantity } from '../../api/quantity.js';
import type { Container, Node, Pod, Taint, Toleration } from '../../api/types.js';

/** Resources is the integer triple the scheduler accounts for. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
}

/** PodInfo is a pod plus its parsed scheduling facts. */
export interface PodInfo {
  readonly pod: Pod;
  /** key is "namespace/name". */
  readonly key: string;
  readonly uid: string;
  /** requests are the effective requests (max of sum(containers) and each init container). */
  readonly requests: Resources;
  /** nonZeroRequests count 100m cpu / 200Mi memory for containers that request none (scoring only). */
  readonly nonZeroRequests: Resources;
  readonly tolerations: readonly Toleration[];
}

/** NodeInfo is a node plus what is already placed on it (bound and assumed pods). */
export interface NodeInfo {
  readonly name: string;
  node: Node;
  allocatable: Resources;
  requested: Resources;
  /** nonZeroRequested sums the pods' nonZeroRequests (what LeastAllocated scores against). */
  nonZeroRequested: Resources;
  taints: readonly Taint[];
  labels: Readonly<Record<string, string>>;
  unschedulable: boolean;
  /** pods maps pod keys to their requests, so removal subtracts exactly what was added. */
  readonly pods: Map<string, { requests: Resources; nonZero: Resources }>;
  /** generation increases on every change (used by tests and the snapshot). */
  generation: number;
}

/** DEFAULT_MILLI_CPU_REQUEST / DEFAULT_MEMORY_REQUEST are upstream's non-zero defaults for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(c: Container, nonZero = false): Resources {
  const r = c.resources?.requests ?? {};
  const cpu = cpuMillis(r.cpu);
  const mem = bytes(r.memory);
  if (!nonZero) return { milliCpu: cpu, memory: mem, pods: 0 };
  // Upstream substitutes a default only when the request is absent, not when it is "0".
  return { milliCpu: r.cpu === undefined ? DEFAULT_MILLI_CPU_REQUEST : cpu, memory: r.memory === undefined ? DEFAULT_MEMORY_REQUEST : mem, pods: 0 };
}

/**
 * podRequests computes effective requests as upstream: sum over app containers, then for each
 * resource the max of that sum and any single init container (init containers run one at a time).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const sum: Resources = { milliCpu: 0, memory: 0, pods: 1 };
  for (const c of pod.spec.containers ?? []) {
    const r = containerRequests(c, nonZero);
    sum.milliCpu += r.milliCpu;
    sum.memory += r.memory;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    sum.milliCpu = Math.max(sum.milliCpu, r.milliCpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  return sum;
}

/** newPodInfo parses a pod once for the whole scheduling cycle. */
export function newPodInfo(pod: Pod): PodInfo {
  return {
    pod,
    key: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
    uid: pod.metadata.uid ?? '',
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    tolerations: pod.spec.tolerations ?? [],
  };
}

/** nodeAllocatable parses status.allocatable (falling back to capacity). */
export function nodeAllocatable(node: Node): Resources {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return { milliCpu: cpuMillis(a.cpu ?? '0'), memory: bytes(a.memory ?? '0'), pods: a.pods !== undefined ? Math.floor(parseQuantity(a.pods)) : 0 };
}

/** newNodeInfo builds an empty NodeInfo for node. */
export function newNodeInfo(node: Node): NodeInfo {
  const info: NodeInfo = {
    name: String(node.metadata.name),
    node,
    allocatable: nodeAllocatable(node),
    requested: { milliCpu: 0, memory: 0, pods: 0 },
    nonZeroRequested: { milliCpu: 0, memory: 0, pods: 0 },
    taints: [],
    labels: {},
    unschedulable: false,
    pods: new Map(),
    generation: 0,
  };
  setNode(info, node);
  return info;
}

/** setNode refreshes a NodeInfo's node-derived fields, keeping its pods. */
export function setNode(info: NodeInfo, node: Node): void {
  info.node = node;
  info.allocatable = nodeAllocatable(node);
  info.taints = node.spec?.taints ?? [];
  info.labels = node.metadata.labels ?? {};
  info.unschedulable = node.spec?.unschedulable === true;
  info.generation++;
}

function add(into: Resources, r: Resources, sign: 1 | -1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.pods += sign * r.pods;
}

/** addPodToNode accounts pod's requests on info (idempotent per key); nonZero defaults to requests. */
export function addPodToNode(info: NodeInfo, key: string, requests: Resources, nonZero: Resources = requests): void {
  if (info.pods.has(key)) removePodFromNode(info, key);
  info.pods.set(key, { requests, nonZero });
  add(info.requested, requests, 1);
  add(info.nonZeroRequested, nonZero, 1);
  info.generation++;
}

/** removePodFromNode undoes addPodToNode; unknown keys are ignored. */
export function removePodFromNode(info: NodeInfo, key: string): void {
  const r = info.pods.get(key);
  if (!r) return;
  info.pods.delete(key);
  add(info.requested, r.requests, -1);
  add(info.nonZeroRequested, r.nonZero, -1);
  info.generation++;
}
