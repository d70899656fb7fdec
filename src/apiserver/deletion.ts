/**
 * DELETE semantics of kube-apiserver's generic registry:
 *
 * - preconditions (uid, resourceVersion) → 409 Conflict;
 * - pods bound to a node and not terminal are deleted gracefully: deletionTimestamp =
 *   now + grace and deletionGracePeriodSeconds = grace; the kubelet finishes the deletion with
 *   gracePeriodSeconds=0. A pod not bound to a node goes at once;
 * - finalizers keep the object (deletionTimestamp set, grace 0) until the last one is removed;
 *   propagationPolicy Foreground / Orphan add the `foregroundDeletion` / `orphan` finalizers
 *   (the garbage collector controller honours them); Background deletes the owner now;
 * - namespaces with spec.finalizers become Terminating (the namespace controller empties them
 *   and calls /finalize).
 */
import { conflict, isNotFound } from '../api/errors.js';
import { rfc3339 } from '../api/meta.js';
import { apiVersionOf, NAMESPACES, PODS, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { DeleteOptions, ListOptions } from './protocol.js';
import type { ApiRegistry, OpResult } from './registry.js';

/** DEFAULT_POD_GRACE_SECONDS is the pod terminationGracePeriodSeconds default. */
export const DEFAULT_POD_GRACE_SECONDS = 30;

function podGrace(obj: KObject, options: DeleteOptions): number {
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  // An unbound or finished pod has no kubelet to wait for: it goes at once.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  return Math.max(0, g);
}

function propagationFinalizer(options: DeleteOptions): string | undefined {
  if (options.propagationPolicy === 'Foreground') return 'foregroundDeletion';
  if (options.propagationPolicy === 'Orphan') return 'orphan';
  return undefined;
}

/** deleteObject deletes one object (200 with the object; 202 while a foreground deletion runs). */
export async function deleteObject(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string, options: DeleteOptions): Promise<OpResult> {
  namespace = reg.ns(info, namespace);
  const dryRun = options.dryRun?.includes('All') ?? false;
  const cur = reg.getObject(info, namespace, name);
  checkPreconditions(info, cur, options);
  const isPod = info === PODS;
  const grace = isPod ? podGrace(cur, options) : 0;
  const addFinalizer = propagationFinalizer(options);
  const finalizers = cur.metadata.finalizers ?? [];
  const nsFinalizers = info === NAMESPACES ? ((cur.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  const pending = grace > 0 || finalizers.length > 0 || nsFinalizers.length > 0 || (addFinalizer !== undefined && info !== NAMESPACES);

  if (cur.metadata.deletionTimestamp && !(isPod && grace < (cur.metadata.deletionGracePeriodSeconds ?? 0))) {
    // Already being deleted and not shortened: a grace 0 with no finalizers finishes it now.
    if (grace > 0 || finalizers.length > 0 || nsFinalizers.length > 0) return { code: 202, body: cur };
    return removeNow(reg, info, namespace, name, cur, options, dryRun);
  }
  if (!pending) return removeNow(reg, info, namespace, name, cur, options, dryRun);

  const body = await reg.updateWith(info, namespace, name, (obj) => {
    checkPreconditions(info, obj, options);
    const m = obj.metadata;
    const now = reg.clock.now();
    const wasDeleting = Boolean(m.deletionTimestamp);
    m.deletionTimestamp = rfc3339(now + grace * 1000);
    m.deletionGracePeriodSeconds = grace;
    if (addFinalizer && info !== NAMESPACES && !(m.finalizers ?? []).includes(addFinalizer)) m.finalizers = [...(m.finalizers ?? []), addFinalizer];
    if (!wasDeleting && m.generation) m.generation += 1;
    if (info === NAMESPACES) obj.status = { ...(obj.status as object), phase: 'Terminating' };
    return obj;
  }, dryRun);
  const code = addFinalizer === 'foregroundDeletion' ? 202 : 200;
  return { code, body };
}

function checkPreconditions(info: ResourceInfo, obj: KObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  if (!pre) return;
  const name = String(obj.metadata.name);
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
}

async function removeNow(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string, cur: KObject, options: DeleteOptions, dryRun: boolean): Promise<OpResult> {
  if (dryRun) return { code: 200, body: cur };
  const expectRv = options.preconditions?.resourceVersion;
  const { object, revision } = await reg.storage(info).delete(namespace, name, expectRv);
  await reg.cache(info).waitFor(revision);
  return { code: 200, body: object };
}

/** deleteCollection deletes every selected object; the reply lists what was deleted or marked. */
export async function deleteCollection(reg: ApiRegistry, info: ResourceInfo, opts: ListOptions, options: DeleteOptions): Promise<OpResult> {
  const list = await reg.list(info, { ...opts, limit: undefined, continue: undefined });
  const items: KObject[] = [];
  for (const obj of list.items) {
    try {
      const res = await deleteObject(reg, info, obj.metadata.namespace, String(obj.metadata.name), options);
      items.push(res.body as KObject);
    } catch (err) {
      // Gone in the meantime is what the caller wanted anyway.
      if (!isNotFound(err)) throw err;
    }
  }
  const rv = String(reg.cache(info).revision);
  return { code: 200, body: { apiVersion: apiVersionOf(info), kind: info.listKind, metadata: { resourceVersion: rv }, items } };
}
