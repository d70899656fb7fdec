/**
 * Leader lease renewal (the Lease half of client-go leaderelection, single candidate):
 * create kube-system/kube-scheduler if missing, otherwise take/renew it. /readyz reads its
 * renewTime, so renewal must keep going while the scheduler is alive.
 */
import type { Clock } from '../actors/types.js';
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors.js';
import { LEASES } from '../api/resources.js';
import type { Lease } from '../api/types.js';
import type { ApiClient } from '../client/types.js';

/** LeaseSpecInput names the lease and its holder. */
export interface LeaseInput {
  namespace: string;
  name: string;
  holderIdentity: string;
  leaseDurationSeconds: number;
}

/** microTime formats metav1.MicroTime (RFC 3339 with microseconds), as leases carry it. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * renewLease creates or renews the lease; on a conflict (someone else wrote it meanwhile) it
 * re-reads once and tries again. Other errors propagate to the caller, which retries on its timer.
 */
export async function renewLease(client: ApiClient, clock: Clock, input: LeaseInput): Promise<Lease> {
  for (let attempt = 0; ; attempt++) {
    const now = microTime(clock.now());
    let cur: Lease | undefined;
    try {
      cur = await client.get<Lease>(LEASES, input.namespace, input.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      if (!cur) {
        const lease: Lease = {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: input.name, namespace: input.namespace },
          spec: { holderIdentity: input.holderIdentity, leaseDurationSeconds: input.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
        };
        return await client.create(LEASES, lease);
      }
      const changed = cur.spec.holderIdentity !== input.holderIdentity;
      const next: Lease = {
        ...cur,
        spec: {
          ...cur.spec,
          holderIdentity: input.holderIdentity,
          leaseDurationSeconds: input.leaseDurationSeconds,
          renewTime: now,
          acquireTime: changed ? now : cur.spec.acquireTime,
          leaseTransitions: (cur.spec.leaseTransitions ?? 0) + (changed ? 1 : 0),
        },
      };
      return await client.update(LEASES, next);
    } catch (err) {
      if (attempt < 1 && (isConflict(err) || isAlreadyExists(err))) continue;
      throw err;
    }
  }
}
