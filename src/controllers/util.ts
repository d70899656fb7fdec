/**
 * Helpers shared by the workload controllers: pod readiness/availability as kube-controller-manager
 * computes it, owner references, and the slow-start batching of writes.
 */
import type { ApiClient } from '../client/types.js';
import { controllerOf } from '../api/meta.js';
import { isNotFound } from '../api/errors.js';
import type { KObject, OwnerReference, Pod } from '../api/types.js';
import type { ResourceRef } from '../apiserver/protocol.js';

/** podReadyCondition returns the pod's Ready condition, if any. */
export function podReadyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** isPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * isPodAvailable: ready for at least minReadySeconds (by the Ready condition's
 * lastTransitionTime), as podutil.IsPodAvailable.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** availableInMs: how long until a ready pod becomes available (0 if it is, undefined if not ready). */
export function availableInMs(pod: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return undefined;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : nowMs;
  return Math.max(0, since + minReadySeconds * 1000 - nowMs);
}

/** isPodActive: not terminal and not being deleted (controller.IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** ownerRefTo builds the controller ownerReference to owner (controller + blockOwnerDeletion). */
export function ownerRefTo(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: String(owner.metadata.name), uid: String(owner.metadata.uid), controller: true, blockOwnerDeletion: true };
}

/** isControlledBy: obj's controller reference points at owner's uid. */
export function isControlledBy(obj: KObject, owner: KObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/**
 * slowStartBatch runs fn count times in batches of 1, 2, 4, … (all calls of a batch in flight at
 * once), stopping after the first batch with a failure, as controller.slowStartBatch. Returns
 * the number of successful calls and the errors of the failed batch.
 */
export async function slowStartBatch(count: number, initialBatch: number, fn: (i: number) => Promise<void>): Promise<{ successes: number; errors: unknown[] }> {
  let remaining = count;
  let successes = 0;
  let i = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(i++)));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    successes += batch - errors.length;
    if (errors.length > 0) return { successes, errors };
    remaining -= batch;
  }
  return { successes, errors: [] };
}

/** AggregateError-like error of many failed writes; the first cause is kept. */
export class WritesFailedError extends Error {
  override readonly name = 'WritesFailedError';
  constructor(
    readonly what: string,
    readonly errors: unknown[],
  ) {
    super(`${errors.length} ${what} failed: ${errors[0] instanceof Error ? errors[0].message : String(errors[0])}`, { cause: errors[0] });
  }
}

/** setOwnerReferencesPatch is a merge patch that sets metadata.ownerReferences, guarded by uid. */
export function ownerReferencesPatch(obj: KObject, refs: OwnerReference[]): unknown {
  return { metadata: { ownerReferences: refs, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion } };
}

/** adopt adds a controller ref to owner on obj (patch; conflicts surface as errors to retry). */
export async function adopt(client: ApiClient, res: ResourceRef, obj: KObject, ref: OwnerReference): Promise<void> {
  const refs = [...(obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid), ref];
  await client.patch(res, obj.metadata.namespace, String(obj.metadata.name), 'merge', ownerReferencesPatch(obj, refs));
}

/** release removes owner's reference from obj (its selector no longer matches). */
export async function release(client: ApiClient, res: ResourceRef, obj: KObject, ownerUid: string): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  await client.patch(res, obj.metadata.namespace, String(obj.metadata.name), 'merge', ownerReferencesPatch(obj, refs));
}

/** ClaimOptions says who claims, and which candidates belong to it. */
export interface ClaimOptions<T extends KObject> {
  client: ApiClient;
  /** res is the candidates' resource (pods, replicasets…). */
  res: ResourceRef;
  owner: KObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** matches: the candidate belongs to owner (its selector, plus any rule of the controller). */
  matches(obj: T): boolean;
  /** canAdopt: an extra condition for adopting an orphan (default: any). */
  canAdopt?(obj: T): boolean;
  /** what names the objects in the error when adoptions fail ("pod adoptions"). */
  what: string;
}

/**
 * claimObjects is client-go's ControllerRefManager.ClaimObjects: of the candidates, it returns
 * those owner controls — its own that still match, and matching orphans it adopts — and
 * releases its own that stopped matching. While owner is being deleted it keeps what it has
 * and adopts nothing. Adoption and release are patches guarded by uid and resourceVersion;
 * failed adoptions throw WritesFailedError (the reconcile retries), a released object that
 * is already gone is fine.
 */
export async function claimObjects<T extends KObject>(candidates: Iterable<T>, o: ClaimOptions<T>): Promise<T[]> {
  const owned: T[] = [];
  const writes: Promise<void>[] = [];
  const ownerUid = String(o.owner.metadata.uid);
  const deleting = !!o.owner.metadata.deletionTimestamp;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (deleting || o.matches(obj)) owned.push(obj);
      else if (!obj.metadata.deletionTimestamp) writes.push(release(o.client, o.res, obj, ownerUid).catch(ignoreNotFound));
      continue;
    }
    if (deleting || obj.metadata.deletionTimestamp || !o.matches(obj) || (o.canAdopt && !o.canAdopt(obj))) continue;
    writes.push(adopt(o.client, o.res, obj, ownerRefTo(o.owner, o.ownerApiVersion, o.ownerKind)));
    owned.push(obj);
  }
  const failed = (await Promise.allSettled(writes)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw new WritesFailedError(o.what, failed.map((f) => f.reason));
  return owned;
}

/** ignoreNotFound rethrows everything but NotFound. */
export function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}

/** stableStringify is JSON with sorted object keys: equal values always print the same. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
}
