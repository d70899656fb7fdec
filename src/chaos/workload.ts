/**
 * The chaos workload: Deployments that scale, pods deleted at random (the ReplicaSet must replace
 * them), and a ledger of Leases created one by one. Every write the apiserver acknowledged is
 * remembered, so the end of the run can read it back (no acknowledged write may be lost).
 */
import type { Rng } from '../actors/types.js';
import { DEPLOYMENTS, LEASES, PODS } from '../api/resources.js';
import type { Deployment, KList, Lease, Pod } from '../api/types.js';
import type { ApiRequest } from '../apiserver/protocol.js';
import { WORKLOAD_LABEL } from './invariants.js';
import type { WorkloadSpec } from './scenario.js';

/** NAMESPACE of the workload. */
export const NAMESPACE = 'default';

/** Asker sends one ApiRequest to the apiserver and resolves with its reply. */
export type Asker = <R>(req: ApiRequest) => Promise<R>;

/** deploymentName of the i-th workload Deployment. */
export const deploymentName = (i: number): string => `chaos-${i}`;

/** workloadDeployment builds the i-th Deployment. */
export function workloadDeployment(i: number, w: WorkloadSpec): Deployment {
  const labels = { app: deploymentName(i), [WORKLOAD_LABEL]: 'workload' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName(i), namespace: NAMESPACE, labels },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { app: deploymentName(i) } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: w.podRequests.cpu, memory: w.podRequests.memory } } }] },
      },
    },
  };
}

/** WriteLedger tracks acknowledged writes and reads them back. */
export class WriteLedger {
  /** acked: ledger Lease name → holderIdentity written. */
  readonly acked = new Map<string, string>();
  /** replicas: deployment → last acknowledged replicas (undefined once a later write is in doubt). */
  readonly replicas = new Map<string, number | undefined>();
  attempts = 0;
  private seq = 0;

  /** writeOne creates the next ledger Lease; true when acknowledged. */
  async writeOne(ask: Asker): Promise<boolean> {
    const name = `ledger-${++this.seq}`;
    this.attempts++;
    const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: NAMESPACE, labels: { [WORKLOAD_LABEL]: 'ledger' } }, spec: { holderIdentity: `w${this.seq}` } };
    try {
      await ask({ type: 'create', res: LEASES, namespace: NAMESPACE, object: lease });
      this.acked.set(name, `w${this.seq}`);
      return true;
    } catch {
      return false; // unacknowledged: it may or may not exist, nothing to check
    }
  }

  /** scale sets a Deployment's replicas; the outcome is remembered for the read-back. */
  async scale(ask: Asker, name: string, replicas: number): Promise<boolean> {
    this.attempts++;
    this.replicas.set(name, undefined); // in doubt until acknowledged
    try {
      await ask({ type: 'patch', res: DEPLOYMENTS, namespace: NAMESPACE, name, patchType: 'merge', patch: { spec: { replicas } } });
      this.replicas.set(name, replicas);
      return true;
    } catch {
      return false;
    }
  }

  /** lost reads every acknowledged write back; returns one line per write that is not there. */
  async lost(ask: Asker): Promise<string[]> {
    const out: string[] = [];
    const leases = await ask<KList<Lease>>({ type: 'list', res: LEASES, opts: { namespace: NAMESPACE, labelSelector: `${WORKLOAD_LABEL}=ledger` } });
    const have = new Map(leases.items.map((l) => [String(l.metadata.name), l.spec.holderIdentity]));
    for (const [name, holder] of this.acked) if (have.get(name) !== holder) out.push(`acknowledged create of lease ${NAMESPACE}/${name} lost (found ${have.get(name) ?? 'nothing'})`);
    const deps = await ask<KList<Deployment>>({ type: 'list', res: DEPLOYMENTS, opts: { namespace: NAMESPACE } });
    const spec = new Map(deps.items.map((d) => [String(d.metadata.name), d.spec?.replicas]));
    for (const [name, want] of this.replicas) {
      if (want !== undefined && spec.get(name) !== want) out.push(`acknowledged scale of deployment ${NAMESPACE}/${name} to ${want} lost (found ${spec.get(name) ?? 'nothing'})`);
    }
    return out;
  }
}

/** churnOne deletes one random ready-or-not workload pod; true when the delete was acknowledged. */
export async function churnOne(ask: Asker, rng: Rng): Promise<boolean> {
  try {
    const pods = await ask<KList<Pod>>({ type: 'list', res: PODS, opts: { namespace: NAMESPACE, labelSelector: `${WORKLOAD_LABEL}=workload` } });
    const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
    if (live.length === 0) return false;
    const victim = live[rng.int(live.length)];
    await ask({ type: 'delete', res: PODS, namespace: NAMESPACE, name: String(victim.metadata.name) });
    return true;
  } catch {
    return false;
  }
}
