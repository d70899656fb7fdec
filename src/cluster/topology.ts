/**
 * From a validated topology to the runtime's host specs: which actors exist, with which params,
 * on which host. Pure: equal topologies give equal plans (placement is deterministic).
 *
 *   separate control plane (default)        shared control plane
 *   ─────────────────────────────────       ─────────────────────────────
 *   store-0 … store-(n-1): store/<i>        control-plane: store/*, apiserver,
 *   apiserver:             apiserver                       scheduler, controller/*
 *   scheduler:             scheduler
 *   controller-manager:    controller/*
 *   nodes-0 … nodes-(k-1): nodehost/<i>, kubelet/<node>, kube-proxy/<node>
 */
import type { ActorSpec } from '../actors/types.js';
import { place, type PlacementGroup } from '../actors/placement.js';
import type { HostSpec } from '../actors/runtime.js';
import { controllerManagerActors } from '../controllers/index.js';
import { nodeHostActors, type VirtualNodeSpec } from '../kubelet/index.js';
import { schedulerActors } from '../scheduler/index.js';
import type { SplitGroupConfig } from '../store/client.js';
import { newSequenceBuffer } from '../store/sequence.js';
import { totalNodes, type Topology } from './config.js';
import { nthHost, nthSubnet, subnetCount } from './network.js';

/** ClusterPlanOptions: what is decided at start-up, not in the file. */
export interface ClusterPlanOptions {
  /** port: the apiserver's concrete port (0 already resolved to a free one). */
  port: number;
  /** dataDir: where store shards keep their write-ahead logs. */
  dataDir: string;
}

/** ClusterPlan is everything the runtime needs to start a topology. */
export interface ClusterPlan {
  hosts: HostSpec[];
  nodes: VirtualNodeSpec[];
}

/** virtualNodes expands node pools into one spec per virtual node, with its pod CIDR and IP. */
export function virtualNodes(t: Topology): VirtualNodeSpec[] {
  const net = t.spec.network;
  const max = subnetCount(net.clusterCIDR, net.nodeCIDRMaskSize);
  if (totalNodes(t) > max) {
    throw new RangeError(`spec.network.clusterCIDR ${net.clusterCIDR} has only ${max} /${net.nodeCIDRMaskSize} pod subnets for ${totalNodes(t)} nodes`);
  }
  const out: VirtualNodeSpec[] = [];
  let index = 0;
  for (const pool of t.spec.nodePools) {
    for (let i = 0; i < pool.count; i++, index++) {
      out.push({
        nodeName: `${pool.name}-${i}`,
        capacity: { cpu: pool.capacity.cpu, memory: pool.capacity.memory, pods: String(pool.capacity.pods) },
        labels: { ...pool.labels, 'kubeactor.io/pool': pool.name },
        taints: pool.taints.map((tt) => ({ ...tt })),
        podCIDR: nthSubnet(net.clusterCIDR, net.nodeCIDRMaskSize, index),
        nodeIP: nthHost(net.nodeCIDR, index),
      });
    }
  }
  return out;
}

/** controlPlaneActors lists the store shards, the apiserver, the scheduler and the controllers. */
export function controlPlaneActors(t: Topology, o: ClusterPlanOptions): ActorSpec[] {
  const s = t.spec;
  // On a real etcd there are no shard actors: the apiserver talks to etcd directly.
  const embedded = s.store.backend !== 'etcd';
  const shardCount = embedded ? s.store.shards : 0;
  const shards: ActorSpec[] = Array.from({ length: shardCount }, (_, i) => ({
    id: `store/${i}`,
    kind: 'store-shard',
    params: { shardId: i, dataDir: o.dataDir, durability: s.store.durability },
  }));
  // Split groups: more shards after the hashed ones, each group with its shared revision counter
  // (a SharedArrayBuffer: actor params reach workers by structured clone, which shares it).
  const split: SplitGroupConfig[] = [];
  if (embedded) {
    for (const [resource, members] of Object.entries(s.store.split)) {
      const sequence = newSequenceBuffer();
      const ids: string[] = [];
      for (let m = 0; m < members; m++) {
        const shardId = shards.length;
        ids.push(`store/${shardId}`);
        shards.push({ id: `store/${shardId}`, kind: 'store-shard', params: { shardId, dataDir: o.dataDir, durability: s.store.durability, group: { sequence, members, member: m } } });
      }
      split.push({ prefix: resource, shards: ids, sequence });
    }
  }
  const apiserver: ActorSpec = {
    id: 'apiserver',
    kind: 'apiserver',
    params: {
      port: o.port,
      host: s.apiserver.bindAddress,
      storeShards: s.store.shards,
      storeByPrefix: s.store.byPrefix,
      storeSplit: split,
      storeBackend: s.store.backend,
      storeEndpoints: s.store.endpoints,
      serviceCIDR: s.network.serviceCIDR,
      expectedNodes: totalNodes(t),
    },
  };
  return [...shards, apiserver, ...schedulerActors(), ...controllerManagerActors()];
}

/** storeShardCount: the hashed shards plus every split group's members. */
export function storeShardCount(t: Topology): number {
  return t.spec.store.shards + Object.values(t.spec.store.split).reduce((n, m) => n + m, 0);
}

/** planCluster places every actor of the topology on its host. */
export function planCluster(t: Topology, o: ClusterPlanOptions): ClusterPlan {
  const nodes = virtualNodes(t);
  const hostCount = Math.min(t.spec.workers.nodeHosts, Math.max(1, nodes.length));
  // Contiguous ranges of nodes per host, so a host's node set is easy to reason about.
  const hostOfActor = new Map<string, number>();
  const nodeActors: ActorSpec[] = [];
  for (let h = 0; h < hostCount; h++) {
    const from = Math.floor((h * nodes.length) / hostCount);
    const to = Math.floor(((h + 1) * nodes.length) / hostCount);
    for (const spec of nodeHostActors(h, nodes.slice(from, to))) {
      hostOfActor.set(spec.id, h);
      nodeActors.push(spec);
    }
  }
  const groups: PlacementGroup[] = [
    {
      name: 'nodes',
      roles: [...new Set(nodeActors.map((a) => a.id.split('/')[0]))],
      count: hostCount,
      key: (id) => String(hostOfActor.get(id)),
    },
  ];
  if (t.spec.workers.controlPlane === 'separate') {
    groups.push(
      { name: 'store', roles: ['store'], count: storeShardCount(t) },
      { name: 'scheduler', roles: ['scheduler'], count: 1 },
      { name: 'controller-manager', roles: ['controller'], count: 1 },
    );
  }
  const defaultHost = t.spec.workers.controlPlane === 'separate' ? 'apiserver' : 'control-plane';
  const hosts = place([...controlPlaneActors(t, o), ...nodeActors], { groups, default: defaultHost });
  // Single-instance groups read better without the index suffix.
  for (const h of hosts) {
    if (h.name === 'scheduler-0') h.name = 'scheduler';
    if (h.name === 'controller-manager-0') h.name = 'controller-manager';
  }
  // Start order matters as in an OTP supervision tree: the store before the apiserver that reads
  // it, the apiserver before its clients.
  const rank = (name: string): number =>
    name.startsWith('store-') ? 0 : name === 'apiserver' || name === 'control-plane' ? 1 : name.startsWith('nodes-') ? 3 : 2;
  const ordered = hosts.filter((h) => h.actors.length > 0).sort((a, b) => rank(a.name) - rank(b.name));
  return { hosts: ordered, nodes };
}
