/**
 * Pod status as the kubelet's status manager writes it once the containers run: phase Running,
 * the five conditions, IPs, startTime and containerStatuses. Pure: the caller writes it.
 */
import { rfc3339 } from '../api/meta.js';
import type { Pod, PodCondition, PodStatus } from '../api/types.js';
import { SimRuntime, type Sandbox } from './runtime/runtime.js';

/** qosClass computes Guaranteed / Burstable / BestEffort from requests and limits. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (!lim[r] || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** RunningInput are the facts the status needs. */
export interface RunningInput {
  pod: Pod;
  sandbox: Sandbox;
  podIP: string;
  hostIP: string;
  startTimeMs: number;
  nowMs: number;
}

/** runningStatus is the status of a pod whose containers all run and are ready. */
export function runningStatus(i: RunningInput): PodStatus {
  const now = rfc3339(i.nowMs);
  const start = rfc3339(i.startTimeMs);
  const scheduled = i.pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const cond = (type: string, at: string): PodCondition => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at });
  return {
    phase: 'Running',
    conditions: [
      cond('PodReadyToStartContainers', now),
      cond('Initialized', start),
      cond('Ready', now),
      cond('ContainersReady', now),
      scheduled ?? cond('PodScheduled', start),
    ],
    hostIP: i.hostIP,
    hostIPs: [{ ip: i.hostIP }],
    podIP: i.podIP,
    podIPs: [{ ip: i.podIP }],
    startTime: start,
    containerStatuses: SimRuntime.containerStatuses(i.sandbox),
    qosClass: qosClass(i.pod),
  };
}

/** isTerminalPhase: Succeeded and Failed pods are done; the kubelet leaves them alone. */
export function isTerminalPhase(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
