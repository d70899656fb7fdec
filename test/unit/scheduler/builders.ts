/** Fluent builders for scheduler tests: makePod().req({ cpu: '500m' }).obj(), makeNode()… */
import type { Node, Pod, Taint, Toleration } from '../../../src/api/types.js';
import { newNodeInfo, newPodInfo, addPodToNode, type NodeInfo, type PodInfo } from '../../../src/scheduler/framework/node-info.js';

let seq = 0;

/** PodBuilder builds a pending pod. */
export class PodBuilder {
  private readonly pod: Pod;
  constructor(name = `pod-${++seq}`) {
    this.pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  }
  name(n: string): this {
    this.pod.metadata.name = n;
    this.pod.metadata.uid = `uid-${n}`;
    return this;
  }
  req(r: Record<string, string>): this {
    this.pod.spec.containers[0].resources = { requests: r };
    return this;
  }
  container(r: Record<string, string>): this {
    this.pod.spec.containers.push({ name: `c${this.pod.spec.containers.length}`, image: 'nginx', resources: { requests: r } });
    return this;
  }
  init(r: Record<string, string>): this {
    (this.pod.spec.initContainers ??= []).push({ name: `init${this.pod.spec.initContainers?.length ?? 0}`, image: 'busybox', resources: { requests: r } });
    return this;
  }
  node(n: string): this {
    this.pod.spec.nodeName = n;
    return this;
  }
  tolerate(t: Toleration): this {
    (this.pod.spec.tolerations ??= []).push(t);
    return this;
  }
  selector(s: Record<string, string>): this {
    this.pod.spec.nodeSelector = s;
    return this;
  }
  affinity(exprs: { key: string; operator: string; values?: string[] }[]): this {
    this.pod.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] } } };
    return this;
  }
  priority(p: number): this {
    this.pod.spec.priority = p;
    return this;
  }
  scheduler(name: string): this {
    this.pod.spec.schedulerName = name;
    return this;
  }
  obj(): Pod {
    return structuredClone(this.pod);
  }
  info(): PodInfo {
    return newPodInfo(this.obj());
  }
}

/** NodeBuilder builds a ready node with allocatable cpu 4, memory 8Gi, pods 110 by default. */
export class NodeBuilder {
  private readonly node: Node;
  private readonly placed: Pod[] = [];
  constructor(name = `node-${++seq}`) {
    this.node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } };
  }
  name(n: string): this {
    this.node.metadata.name = n;
    return this;
  }
  alloc(r: Record<string, string>): this {
    this.node.status = { ...this.node.status, allocatable: { ...this.node.status?.allocatable, ...r } };
    return this;
  }
  taint(t: Taint): this {
    (this.node.spec.taints ??= []).push(t);
    return this;
  }
  label(k: string, v: string): this {
    (this.node.metadata.labels ??= {})[k] = v;
    return this;
  }
  unschedulable(): this {
    this.node.spec.unschedulable = true;
    return this;
  }
  /** withPod places an existing pod's requests on the node (for NodeInfo). */
  withPod(p: Pod): this {
    this.placed.push(p);
    return this;
  }
  obj(): Node {
    return structuredClone(this.node);
  }
  info(): NodeInfo {
    const info = newNodeInfo(this.obj());
    for (const p of this.placed) {
      const pi = newPodInfo(p);
      addPodToNode(info, pi.key, pi.requests, pi.nonZeroRequests);
    }
    return info;
  }
}

/** makePod starts a pod builder. */
export const makePod = (name?: string): PodBuilder => new PodBuilder(name);
/** makeNode starts a node builder. */
export const makeNode = (name?: string): NodeBuilder => new NodeBuilder(name);
