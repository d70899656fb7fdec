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

/**
 * runningStatus is the status of a pod whose sandbox runs: phase Running (or the terminal phase
 * given), Ready / ContainersReady True only while every container runs (a crash-looping or
 * finished container makes them False with reason ContainersNotReady / PodCompleted).
 */
export function runningStatus(i: RunningInput, phase: 'Running' | 'Succeeded' | 'Failed' = 'Running'): PodStatus {
  const now = rfc3339(i.nowMs);
  const start = rfc3339(i.startTimeMs);
  const scheduled = i.pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const cond = (type: string, at: string): PodCondition => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at });
  const containerStatuses = SimRuntime.containerStatuses(i.sandbox);
  const notReady = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  const readyCond = (type: string): PodCondition => {
    if (notReady.length === 0) return cond(type, now);
    const reason = phase === 'Running' ? 'ContainersNotReady' : 'PodCompleted';
    const message = phase === 'Running' ? `containers with unready status: [${notReady.join(' ')}]` : undefined;
    return { type, status: 'False', lastProbeTime: null, lastTransitionTime: now, reason, ...(message ? { message } : {}) };
  };
  const running = phase === 'Running';
  return {
    phase,
    conditions: [
      { ...cond('PodReadyToStartContainers', now), ...(running ? {} : { status: 'False' as const }) },
      cond('Initialized', start),
      readyCond('Ready'),
      readyCond('ContainersReady'),
      scheduled ?? cond('PodScheduled', start),
    ],
    hostIP: i.hostIP,
    hostIPs: [{ ip: i.hostIP }],
    podIP: i.podIP,
    podIPs: [{ ip: i.podIP }],
    startTime: start,
    containerStatuses,
    qosClass: qosClass(i.pod),
  };
}

/** isTerminalPhase: Succeeded and Failed pods are done; the kubelet leaves them alone. */
export function isTerminalPhase(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
