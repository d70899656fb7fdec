/**
 * /readyz: the cluster is ready when enough nodes are Ready and the scheduler's and the
 * controller manager's leader Leases are fresh. Checks read the watch caches, never the store.
 */
import type { Clock } from '../actors/types.js';
import { LEASES, NODES } from '../api/resources.js';
import type { Lease, NodeCondition } from '../api/types.js';
import type { ApiRegistry } from './registry.js';

/** ReadinessCheck is one named check. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** reason says why it failed (shown with ?verbose; the real server withholds it). */
  reason?: string;
}

/** ReadinessReport is what /readyz renders. */
export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

/** LEADER_LEASES are the leases whose freshness /readyz requires (kube-system). */
export const LEADER_LEASES = ['kube-scheduler', 'kube-controller-manager'];

/** leaseFresh: renewTime + leaseDurationSeconds has not passed yet. */
export function leaseFresh(lease: Lease | undefined, now: number): boolean {
  const renew = lease?.spec?.renewTime;
  if (!renew) return false;
  const duration = (lease.spec.leaseDurationSeconds ?? 15) * 1000;
  return Date.parse(renew) + duration >= now;
}

/** clusterReadiness builds the default readiness function over a registry's caches. */
export function clusterReadiness(registry: ApiRegistry, clock: Clock, expectedNodes: number): () => ReadinessReport {
  return () => {
    const checks: ReadinessCheck[] = [{ name: 'ping', ok: true }];
    let ready = 0;
    for (const { object } of registry.cache(NODES).list()) {
      const conds = ((object.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []);
      if (conds.some((c) => c.type === 'Ready' && c.status === 'True')) ready++;
    }
    checks.push({ name: 'nodes-ready', ok: ready >= expectedNodes, reason: `${ready}/${expectedNodes} nodes Ready` });
    const now = clock.now();
    for (const name of LEADER_LEASES) {
      const lease = registry.cache(LEASES).get(`kube-system/${name}`) as Lease | undefined;
      checks.push({ name: `lease-${name}`, ok: leaseFresh(lease, now), reason: lease ? 'lease expired' : 'no lease' });
    }
    return { ready: checks.every((c) => c.ok), checks };
  };
}

/** renderReadiness formats a report like kube-apiserver's /readyz (`[+]ping ok` lines). */
export function renderReadiness(report: ReadinessReport, verbose: boolean): { code: number; text: string } {
  if (report.ready && !verbose) return { code: 200, text: 'ok' };
  const lines = report.checks.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: ${verbose ? (c.reason ?? 'failed') : 'reason withheld'}`));
  lines.push(report.ready ? 'readyz check passed' : 'readyz check failed');
  return { code: report.ready ? 200 : 500, text: lines.join('\n') + '\n' };
}
