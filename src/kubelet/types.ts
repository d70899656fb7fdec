/**
 * Public types of the node agents: the spec of a virtual node (the kubelet actor's params) and
 * its timing. Everything here is plain data so it travels in an ActorSpec.
 */
import type { Taint } from '../api/types.js';

/** KubeletTiming overrides the kubelet's periods (milliseconds of the actor clock). */
export interface KubeletTiming {
  /** leaseRenewMs: node Lease renewal period (default 10 s = ¼ of the 40 s lease). */
  leaseRenewMs?: number;
  /** statusUpdateMs: NodeStatus heartbeat period (default 60 s). */
  statusUpdateMs?: number;
  /** startupLatencyMs: simulated container start time, jittered ±50 % (default 100 ms). */
  startupLatencyMs?: number;
  /** stopLatencyMs: simulated container stop time, capped by the grace period (default 50 ms). */
  stopLatencyMs?: number;
}

/** VirtualNodeSpec is one virtual node: the kubelet actor's params. */
export interface VirtualNodeSpec {
  nodeName: string;
  capacity: { cpu: string; memory: string; pods: string | number };
  labels?: Record<string, string>;
  taints?: Taint[];
  /** podCIDR, e.g. "10.244.3.0/24": pod IPs are allocated from it. */
  podCIDR: string;
  /** nodeIP is the node's InternalIP (and every pod's hostIP). */
  nodeIP: string;
  kubeletVersion?: string;
  timing?: KubeletTiming;
}

/** DEFAULT_TIMING are the kubelet's defaults (see KubeletTiming). */
export const DEFAULT_TIMING: Required<KubeletTiming> = {
  leaseRenewMs: 10_000,
  statusUpdateMs: 60_000,
  startupLatencyMs: 100,
  stopLatencyMs: 50,
};

/** DEFAULT_KUBELET_VERSION is reported in nodeInfo.kubeletVersion. */
export const DEFAULT_KUBELET_VERSION = 'v1.32.0';
/** CONTAINER_RUNTIME_VERSION is reported in nodeInfo.containerRuntimeVersion. */
export const CONTAINER_RUNTIME_VERSION = 'kubeactor://0.1';
/** NODE_LEASE_DURATION_S is the node Lease's leaseDurationSeconds. */
export const NODE_LEASE_DURATION_S = 40;

/** kubeletId is the actor id of a node's kubelet. */
export const kubeletId = (nodeName: string): string => `kubelet/${nodeName}`;
/** kubeProxyId is the actor id of a node's kube-proxy. */
export const kubeProxyId = (nodeName: string): string => `kube-proxy/${nodeName}`;
/** nodeHostId is the actor id of a node host. */
export const nodeHostId = (hostIndex: number): string => `nodehost/${hostIndex}`;
