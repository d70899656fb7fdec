/**
 * The controller manager's leader Lease (kube-system/kube-controller-manager): acquired and
 * renewed every 2 s with leaseDurationSeconds 15, as leader election does; the apiserver's
 * /readyz checks that it is fresh. One renewal is in flight at a time.
 */
import type { ActorContext, Behavior } from '../actors/types.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { LEASES } from '../api/resources.js';
import type { Lease } from '../api/types.js';
import { createApiClient } from '../client/api-client.js';
import { assertNever } from './runtime/errors.js';

/** LeaderLeaseParams: which lease, who holds it, and the timing (clock ms / seconds). */
export interface LeaderLeaseParams {
  namespace?: string;
  name?: string;
  identity?: string;
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
}

/** LEADER_LEASE_DEFAULTS match kube-controller-manager's lease (renew 2 s, duration 15 s). */
export const LEADER_LEASE_DEFAULTS = { namespace: 'kube-system', name: 'kube-controller-manager', renewIntervalMs: 2_000, leaseDurationSeconds: 15 } as const;

/** LeaderLeaseMsg is the leader-lease actor's closed protocol (its own renew timer). */
export type LeaderLeaseMsg = { type: 'renewLease' };

/** microTime formats a MicroTime (RFC 3339 with microseconds), as Lease times are serialized. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** renewLease acquires or renews the lease once; returns the lease as written (or undefined if held by another live holder). */
export async function renewLease(ctx: ActorContext, p: Required<LeaderLeaseParams>): Promise<Lease | undefined> {
  const client = createApiClient(ctx, { timeoutMs: Math.max(1000, p.renewIntervalMs) });
  const now = ctx.clock.now();
  let cur: Lease | undefined;
  try {
    cur = await client.get<Lease>(LEASES, p.namespace, p.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!cur) {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: p.name, namespace: p.namespace },
      spec: { holderIdentity: p.identity, leaseDurationSeconds: p.leaseDurationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
    };
    try {
      return await client.create(LEASES, lease);
    } catch (err) {
      if (isAlreadyExists(err)) return undefined; // someone else won the race; next tick looks again
      throw err;
    }
  }
  const holder = cur.spec.holderIdentity;
  const renewed = cur.spec.renewTime ? Date.parse(cur.spec.renewTime) : 0;
  const expired = renewed + (cur.spec.leaseDurationSeconds ?? p.leaseDurationSeconds) * 1000 < now;
  if (holder && holder !== p.identity && !expired) return undefined;
  const takeover = holder !== p.identity;
  return client.update(LEASES, {
    ...cur,
    spec: {
      ...cur.spec,
      holderIdentity: p.identity,
      leaseDurationSeconds: p.leaseDurationSeconds,
      renewTime: microTime(now),
      ...(takeover ? { acquireTime: microTime(now), leaseTransitions: (cur.spec.leaseTransitions ?? 0) + 1 } : {}),
    },
  });
}

/** leaderLeaseBehavior renews the lease on a repeating timer; failures are logged and retried next tick. */
export function leaderLeaseBehavior(params: LeaderLeaseParams = {}): Behavior<LeaderLeaseMsg> {
  let inFlight = false;
  let p: Required<LeaderLeaseParams>;
  const tick = (ctx: ActorContext): void => {
    if (inFlight) return;
    inFlight = true;
    renewLease(ctx, p)
      .catch((err: unknown) => ctx.log.warn('leader lease renewal failed', { lease: `${p.namespace}/${p.name}`, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        inFlight = false;
      });
  };
  return {
    started(ctx) {
      p = { ...LEADER_LEASE_DEFAULTS, identity: `${ctx.self}_${ctx.rng.int(1e9).toString(16)}`, ...params } as Required<LeaderLeaseParams>;
      ctx.setTimer('renew', p.renewIntervalMs, { type: 'renewLease' }, { repeat: true });
      tick(ctx);
    },
    receive(ctx, msg) {
      switch (msg.type) {
        case 'renewLease':
          return tick(ctx);
        default:
          return assertNever(msg.type);
      }
    },
  };
}
