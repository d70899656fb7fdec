/**
 * Node agents: kubelet, kube-proxy and the node host that feeds them. A worker hosting virtual
 * nodes runs `nodeHostActors(i, nodes)`: one nodehost plus a kubelet and a kube-proxy per node.
 */
import type { ActorRegistry, ActorSpec } from '../actors/types.js';
import { createApiClient } from '../client/api-client.js';
import { createWatcher } from '../client/watcher.js';
import { createKubeProxyBehavior, type KubeProxyParams } from '../proxy/kube-proxy.js';
import { budgetPerClock } from './events.js';
import { createKubeletBehavior, type KubeletParams } from './kubelet.js';
import { createNodeHostBehavior, type NodeHostClients, type NodeHostParams } from './node-host.js';
import { kubeletId, kubeProxyId, nodeHostId, type VirtualNodeSpec } from './types.js';

export * from './types.js';
export { createKubeletBehavior, type KubeletMsg, type KubeletParams, type KubeletPodMsg, type KubeletStats } from './kubelet.js';
export { createNodeHostBehavior, type NodeHostClients, type NodeHostMsg, type NodeHostParams } from './node-host.js';
export { PodIpam, IpamError } from './ipam.js';
export { budgetPerClock, KubeletEventBudget, KubeletEvents, KUBELET_EVENT_BURST, KUBELET_EVENTS_PER_SECOND, type EventBudgetSource } from './events.js';
export { SimRuntime } from './runtime/runtime.js';
export { createKubeProxyBehavior, type KubeProxyMsg, type KubeProxyParams, type KubeProxyStats } from '../proxy/kube-proxy.js';
export { ServiceTable, buildServiceTable } from '../proxy/table.js';

/** REAL_NODE_CLIENTS asks the apiserver actor. */
export const REAL_NODE_CLIENTS: NodeHostClients = { client: (ctx) => createApiClient(ctx), watcher: (ctx) => createWatcher(ctx) };

/**
 * createNodeRegistry builds the registry over given clients (fakes in tests). The kubelets it
 * creates on one host (one clock) share one event budget.
 */
export function createNodeRegistry(clients: NodeHostClients = REAL_NODE_CLIENTS): ActorRegistry {
  const eventBudget = budgetPerClock();
  return {
    kubelet: (params) => createKubeletBehavior(params as KubeletParams, clients.client, eventBudget),
    'kube-proxy': (params) => createKubeProxyBehavior(params as KubeProxyParams),
    nodehost: (params) => createNodeHostBehavior(params as NodeHostParams, clients),
  };
}

/** nodeRegistry maps kinds kubelet, kube-proxy and nodehost to their factories. */
export const nodeRegistry: ActorRegistry = createNodeRegistry();

/**
 * nodeHostActors returns the specs of one node host: the nodehost actor first (so it is up to
 * answer kubelets), then kubelet/<n> and kube-proxy/<n> for each node.
 */
export function nodeHostActors(hostIndex: number, nodes: VirtualNodeSpec[]): ActorSpec[] {
  const hostId = nodeHostId(hostIndex);
  const specs: ActorSpec[] = [{ id: hostId, kind: 'nodehost', params: { hostIndex, nodeNames: nodes.map((n) => n.nodeName) } satisfies NodeHostParams }];
  for (const n of nodes) {
    specs.push({ id: kubeletId(n.nodeName), kind: 'kubelet', params: { ...n, hostId } satisfies KubeletParams });
    specs.push({ id: kubeProxyId(n.nodeName), kind: 'kube-proxy', params: { nodeName: n.nodeName, hostId } satisfies KubeProxyParams });
  }
  return specs;
}
