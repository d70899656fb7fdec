/**
 * SchedulerCache (internal/cache): nodes with the pods placed on them, including pods the
 * scheduler has *assumed* (chosen a node, bind in flight). Assume on bind, forget on bind
 * failure, confirm when the bound pod arrives from the watch.
 *
 *   nodeList: [n0, n1, n2, …]  compact array the filter loop walks (index kept in nodeIndex)
 *   pods:     key → { nodeName, requests, assumed }
 *
 * Pods seen on a node the cache does not know yet are parked and accounted when it appears.
 */
import type { Node, Pod } from '../api/types.js';
import { addPodToNode, newNodeInfo, podRequests, removePodFromNode, setNode, type NodeInfo, type PodInfo, type Resources } from './framework/node-info.js';

interface PodState {
  nodeName: string;
  requests: Resources;
  nonZero: Resources;
  assumed: boolean;
}

function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** isTerminal: Succeeded/Failed pods no longer hold resources. */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** SchedulerCache: see the module comment. */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly nodeList: NodeInfo[] = [];
  private readonly nodeIndex = new Map<string, number>();
  private readonly pods = new Map<string, PodState>();

  /** nodes returns the compact node array (do not mutate). */
  list(): readonly NodeInfo[] {
    return this.nodeList;
  }
  /** node returns one NodeInfo. */
  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }
  get nodeCount(): number {
    return this.nodeList.length;
  }
  /** isAssumed reports whether a pod is assumed and not yet confirmed. */
  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed === true;
  }
  /** podCount counts accounted pods (bound + assumed). */
  get podCount(): number {
    return this.pods.size;
  }

  /** addOrUpdateNode inserts or refreshes a node, keeping its pods. */
  addOrUpdateNode(node: Node): void {
    const name = String(node.metadata.name);
    const cur = this.nodes.get(name);
    if (cur) return setNode(cur, node);
    const info = newNodeInfo(node);
    this.nodes.set(name, info);
    this.nodeIndex.set(name, this.nodeList.length);
    this.nodeList.push(info);
    for (const [key, st] of this.pods) if (st.nodeName === name) addPodToNode(info, key, st.requests, st.nonZero);
  }

  /** removeNode drops a node; its pods stay known (parked) until deleted. */
  removeNode(name: string): void {
    const i = this.nodeIndex.get(name);
    if (i === undefined) return;
    // Swap-remove keeps the array compact in O(1).
    const last = this.nodeList.pop() as NodeInfo;
    if (last.name !== name) {
      this.nodeList[i] = last;
      this.nodeIndex.set(last.name, i);
    }
    this.nodeIndex.delete(name);
    this.nodes.delete(name);
  }

  /** assumePod accounts a pod on nodeName before the bind is confirmed. */
  assumePod(pi: PodInfo, nodeName: string): void {
    this.place(pi.key, nodeName, pi.requests, pi.nonZeroRequests, true);
  }

  /** forgetPod undoes assumePod after a failed bind (no-op if already confirmed). */
  forgetPod(key: string): void {
    const st = this.pods.get(key);
    if (!st || !st.assumed) return;
    this.unplace(key);
  }

  /** addOrUpdatePod records a bound pod seen on the watch (confirms an assumption). */
  addOrUpdatePod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec.nodeName;
    if (!nodeName || isTerminal(pod)) return this.removePod(key);
    this.place(key, nodeName, podRequests(pod), podRequests(pod, true), false);
  }

  /** removePod forgets a pod entirely (deleted, or terminal). */
  removePod(key: string): void {
    if (this.pods.has(key)) this.unplace(key);
  }

  private place(key: string, nodeName: string, requests: Resources, nonZero: Resources, assumed: boolean): void {
    const prev = this.pods.get(key);
    if (prev && prev.nodeName !== nodeName) this.unplace(key);
    this.pods.set(key, { nodeName, requests, nonZero, assumed });
    const info = this.nodes.get(nodeName);
    if (info) addPodToNode(info, key, requests, nonZero);
  }

  private unplace(key: string): void {
    const st = this.pods.get(key);
    if (!st) return;
    this.pods.delete(key);
    const info = this.nodes.get(st.nodeName);
    if (info) removePodFromNode(info, key);
  }
}
