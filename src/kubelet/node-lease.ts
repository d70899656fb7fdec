/**
 * The node Lease (kube-node-lease/<node>): created once with an ownerReference to the Node,
 * then renewed by updating the cached copy — one write per renewal, no read, as the kubelet's
 * lease controller does. A conflict drops the cache so the next renewal re-reads.
 */
import type { Clock } from '../actors/types.js';
import { isConflict, isNotFound } from '../api/errors.js';
import { LEASES } from '../api/resources.js';
import type { Lease, Node } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { NODE_LEASE_DURATION_S } from './types.js';

/** NODE_LEASE_NAMESPACE holds every node's heartbeat lease. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** microTime formats metav1.MicroTime (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** NodeLease renews one node's lease; not re-entrant (the kubelet serializes renewals). */
export class NodeLease {
  private lease: Lease | undefined;
  /** renewals counts successful writes. */
  renewals = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly clock: Clock,
    private readonly nodeName: string,
  ) {}

  /** renew creates or renews the lease; errors propagate (the caller retries on its timer). */
  async renew(node: Node | undefined): Promise<Lease> {
    const now = microTime(this.clock.now());
    try {
      if (!this.lease) {
        try {
          this.lease = await this.client.get<Lease>(LEASES, NODE_LEASE_NAMESPACE, this.nodeName);
        } catch (err) {
          if (!isNotFound(err)) throw err;
          this.lease = await this.client.create<Lease>(LEASES, this.fresh(node, now));
          this.renewals++;
          return this.lease;
        }
      }
      const next: Lease = { ...this.lease, spec: { ...this.lease.spec, holderIdentity: this.nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_S, renewTime: now } };
      if (!next.metadata.ownerReferences?.length && node?.metadata.uid) next.metadata = { ...next.metadata, ownerReferences: this.owner(node) };
      this.lease = await this.client.update<Lease>(LEASES, next);
      this.renewals++;
      return this.lease;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) this.lease = undefined;
      throw err;
    }
  }

  private owner(node: Node): NonNullable<Lease['metadata']['ownerReferences']> {
    return [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: String(node.metadata.uid) }];
  }

  private fresh(node: Node | undefined, now: string): Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.nodeName, namespace: NODE_LEASE_NAMESPACE, ...(node?.metadata.uid ? { ownerReferences: this.owner(node) } : {}) },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_S, renewTime: now },
    };
  }
}
