/**
 * The Node object a kubelet registers and keeps fresh: labels, capacity/allocatable,
 * conditions with kubelet's own reasons, addresses, nodeInfo, podCIDR(s) and taints.
 */
import { rfc3339 } from '../api/meta.js';
import type { Node, NodeCondition } from '../api/types.js';
import { CONTAINER_RUNTIME_VERSION, DEFAULT_KUBELET_VERSION, type VirtualNodeSpec } from './types.js';

/** DEFAULT_INSTANCE_TYPE labels nodes that do not say otherwise. */
export const DEFAULT_INSTANCE_TYPE = 'kubeactor.virtual';

/** nodeLabels are the well-known labels a kubelet sets, overlaid by the spec's own labels. */
export function nodeLabels(spec: VirtualNodeSpec): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': spec.nodeName,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': DEFAULT_INSTANCE_TYPE,
    ...spec.labels,
  };
}

/** nodeConditions: a healthy kubelet's four conditions, with heartbeat = now. */
export function nodeConditions(nowMs: number, since: number): NodeCondition[] {
  const hb = rfc3339(nowMs);
  const tr = rfc3339(since);
  const c = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => ({ type, status, lastHeartbeatTime: hb, lastTransitionTime: tr, reason, message });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** stableId derives a deterministic 32-hex id from the node name (machineID, bootID…). */
function stableId(name: string, salt: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 32; round++) {
    for (const ch of `${salt}/${name}/${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** nodeStatus builds the full status the kubelet reports. */
export function nodeStatus(spec: VirtualNodeSpec, nowMs: number, since: number): NonNullable<Node['status']> {
  const capacity = { cpu: spec.capacity.cpu, 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: spec.capacity.memory, pods: String(spec.capacity.pods) };
  return {
    capacity,
    // Virtual nodes reserve nothing for the system: allocatable = capacity.
    allocatable: { ...capacity },
    conditions: nodeConditions(nowMs, since),
    addresses: [
      { type: 'InternalIP', address: spec.nodeIP },
      { type: 'Hostname', address: spec.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: stableId(spec.nodeName, 'machine'),
      systemUUID: uuidOf(stableId(spec.nodeName, 'system')),
      bootID: uuidOf(stableId(spec.nodeName, `boot-${since}`)),
      kernelVersion: '6.8.0-kubeactor',
      osImage: 'kubeactor virtual node',
      containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
      kubeletVersion: spec.kubeletVersion ?? DEFAULT_KUBELET_VERSION,
      kubeProxyVersion: spec.kubeletVersion ?? DEFAULT_KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    images: [],
  };
}

/** buildNode is the Node a kubelet creates on first registration. */
export function buildNode(spec: VirtualNodeSpec, nowMs: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.nodeName, labels: nodeLabels(spec), annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: {
      podCIDR: spec.podCIDR,
      podCIDRs: [spec.podCIDR],
      providerID: `kubeactor://${spec.nodeName}`,
      ...(spec.taints && spec.taints.length ? { taints: spec.taints } : {}),
    },
    status: nodeStatus(spec, nowMs, nowMs),
  };
}

/**
 * reconcileExisting merges what the kubelet owns into a Node that already exists (kubelet
 * restart): labels are added (never removed: users may have labelled it), podCIDR is set when
 * missing, taints are left alone (users and controllers edit them after registration).
 */
export function reconcileExisting(existing: Node, spec: VirtualNodeSpec): { node: Node; changed: boolean } {
  const node = structuredClone(existing);
  let changed = false;
  const labels = (node.metadata.labels ??= {});
  for (const [k, v] of Object.entries(nodeLabels(spec))) {
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  }
  if (!node.spec.podCIDR) {
    node.spec.podCIDR = spec.podCIDR;
    node.spec.podCIDRs = [spec.podCIDR];
    changed = true;
  }
  return { node, changed };
}
