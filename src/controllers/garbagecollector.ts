/**
 * Garbage collector: deletes dependents whose owners (ownerReferences by uid) are gone
 * (Background propagation), and honours the `orphan` and `foregroundDeletion` finalizers that
 * the apiserver puts on owners deleted with propagationPolicy Orphan / Foreground.
 *
 * The object graph is the union of the monitored informers, each indexed by owner uid and by
 * uid. An owner that is not in the caches is looked up live before anything is deleted (the
 * caches of two resources are not in sync with each other), as upstream's attemptToDeleteItem.
 *
 * Queue keys: "dep|<group>/<resource>|<ns/name>" (check an object's owners) and
 * "own|<group>/<resource>|<ns/name>" (finish an owner's orphan/foreground deletion).
 */
import { isNotFound } from '../api/errors.js';
import { objectKey, splitKey } from '../api/meta.js';
import {
  CONFIGMAPS,
  CONTROLLERREVISIONS,
  CRONJOBS,
  DAEMONSETS,
  DEPLOYMENTS,
  ENDPOINTSLICES,
  JOBS,
  lookupKind,
  lookupResource,
  PERSISTENTVOLUMECLAIMS,
  PODS,
  REPLICASETS,
  SECRETS,
  STATEFULSETS,
  type ResourceInfo,
} from '../api/resources.js';
import type { KObject, OwnerReference } from '../api/types.js';
import type { ResourceRef } from '../apiserver/protocol.js';
import type { InformerHandle } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';

/** NAME of the controller. */
export const NAME = 'garbagecollector';
/** FINALIZER_ORPHAN is set by the apiserver on an owner deleted with propagationPolicy Orphan. */
export const FINALIZER_ORPHAN = 'orphan';
/** FINALIZER_FOREGROUND is set by the apiserver on an owner deleted with propagationPolicy Foreground. */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
const BY_OWNER = 'owner-uid';
const BY_UID = 'uid';

/**
 * DEFAULT_GC_RESOURCES are the resources whose ownership graph is collected: the workloads and
 * what controllers (or users) hang off them — revisions, slices, claims, configuration.
 */
export const DEFAULT_GC_RESOURCES: ResourceRef[] = [DEPLOYMENTS, REPLICASETS, PODS, STATEFULSETS, DAEMONSETS, CONTROLLERREVISIONS, JOBS, CRONJOBS, ENDPOINTSLICES, PERSISTENTVOLUMECLAIMS, CONFIGMAPS, SECRETS];

interface Graph {
  client: ApiClient;
  informers: Map<string, InformerHandle<KObject>>;
  enqueue(key: string): void;
}

const resKey = (res: ResourceRef): string => `${res.group}/${res.resource}`;
const itemKey = (kind: 'dep' | 'own', res: ResourceRef, obj: KObject): string => `${kind}|${resKey(res)}|${objectKey(obj)}`;

function parseItem(key: string): { kind: string; res: ResourceRef; namespace: string | undefined; name: string } {
  const [kind, rk, ok] = key.split('|');
  const i = rk.indexOf('/');
  return { kind, res: { group: rk.slice(0, i), resource: rk.slice(i + 1) }, ...splitKey(ok) };
}

/** dependentsOf returns the cached objects that reference uid as an owner, with their resource. */
function dependentsOf(g: Graph, uid: string): { res: ResourceRef; obj: KObject }[] {
  const out: { res: ResourceRef; obj: KObject }[] = [];
  for (const inf of g.informers.values()) for (const obj of inf.lister.byIndex(BY_OWNER, uid)) out.push({ res: inf.res, obj });
  return out;
}

/** ownerInfo resolves an ownerReference's resource, or undefined for kinds kubeactor does not serve. */
function ownerInfo(ref: OwnerReference): ResourceInfo | undefined {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
  return lookupKind(group, ref.kind);
}

type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unknown';

async function ownerState(g: Graph, dep: KObject, ref: OwnerReference): Promise<OwnerState> {
  const info = ownerInfo(ref);
  if (!info) return 'unknown';
  const ns = info.namespaced ? dep.metadata.namespace : undefined;
  let owner: KObject | undefined = g.informers.get(resKey(info))?.lister.byIndex(BY_UID, ref.uid)[0];
  if (!owner) {
    try {
      owner = await g.client.get<KObject>(info, ns, ref.name);
    } catch (err) {
      if (isNotFound(err)) return 'dangling';
      throw err;
    }
    if (owner.metadata.uid !== ref.uid) return 'dangling';
  }
  if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND)) return 'waiting';
  return 'solid';
}

/** attemptToDelete checks one dependent's owners and deletes it (or drops dangling refs). */
async function attemptToDelete(g: Graph, ctx: ReconcileContext, res: ResourceRef, obj: KObject): Promise<Result | void> {
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0) return;
  if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND)) return;
  const states = await Promise.all(refs.map((r) => ownerState(g, obj, r)));
  const solid = states.filter((s) => s === 'solid' || s === 'unknown').length;
  const dangling = refs.filter((_r, i) => states[i] === 'dangling');
  const waiting = states.filter((s) => s === 'waiting').length;
  const ns = obj.metadata.namespace;
  const name = String(obj.metadata.name);
  if (solid > 0) {
    if (dangling.length === 0) return;
    const keep = refs.filter((_r, i) => states[i] !== 'dangling');
    await g.client.patch(res, ns, name, 'merge', { metadata: { ownerReferences: keep, uid: obj.metadata.uid } });
    return;
  }
  if (dangling.length === 0 && waiting === 0) return;
  // Owner being deleted in the foreground: this dependent goes first, and its own dependents before it.
  const policy = waiting > 0 && dependentsOf(g, String(obj.metadata.uid)).length > 0 ? 'Foreground' : 'Background';
  ctx.log.info('deleting object whose owners are gone', { object: `${resKey(res)} ${objectKey(obj)}`, policy });
  try {
    await g.client.delete(res, ns, name, { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** processOwner finishes an Orphan or Foreground deletion of owner. */
async function processOwner(g: Graph, res: ResourceRef, owner: KObject): Promise<Result | void> {
  const fins = owner.metadata.finalizers ?? [];
  if (!owner.metadata.deletionTimestamp) return;
  const uid = String(owner.metadata.uid);
  const deps = dependentsOf(g, uid);
  if (fins.includes(FINALIZER_ORPHAN)) {
    await Promise.all(
      deps.map(({ res: r, obj }) =>
        g.client
          .patch(r, obj.metadata.namespace, String(obj.metadata.name), 'merge', { metadata: { ownerReferences: (obj.metadata.ownerReferences ?? []).filter((x) => x.uid !== uid), uid: obj.metadata.uid } })
          .catch((e: unknown) => {
            if (!isNotFound(e)) throw e;
          }),
      ),
    );
    await removeFinalizer(g, res, owner, FINALIZER_ORPHAN);
    return;
  }
  if (fins.includes(FINALIZER_FOREGROUND)) {
    if (deps.length === 0) {
      await removeFinalizer(g, res, owner, FINALIZER_FOREGROUND);
      return;
    }
    for (const d of deps) if (!d.obj.metadata.deletionTimestamp) g.enqueue(itemKey('dep', d.res, d.obj));
    // Dependents' deletions re-enqueue us; the requeue covers ones outside the monitored set.
    return { requeueAfterMs: 5_000 };
  }
}

async function removeFinalizer(g: Graph, res: ResourceRef, owner: KObject, fin: string): Promise<void> {
  const live = await g.client.get<KObject>(res, owner.metadata.namespace, String(owner.metadata.name)).catch((e: unknown) => {
    if (isNotFound(e)) return undefined;
    throw e;
  });
  if (!live || live.metadata.uid !== owner.metadata.uid || !(live.metadata.finalizers ?? []).includes(fin)) return;
  await g.client.update(res, { ...live, metadata: { ...live.metadata, finalizers: (live.metadata.finalizers ?? []).filter((f) => f !== fin) } });
}

/** createGarbageCollectorReconciler handles "dep|…" and "own|…" keys over the graph. */
function createGarbageCollectorReconciler(g: Graph): Reconciler {
  return {
    async reconcile(ctx, req) {
      const item = parseItem(req.key);
      const obj = g.informers.get(resKey(item.res))?.lister.get(item.namespace, item.name);
      if (!obj) return;
      if (item.kind === 'own') return processOwner(g, item.res, obj);
      return attemptToDelete(g, ctx, item.res, obj);
    },
  };
}

/** garbageCollectorController is the definition over the given resources (default deployments, replicasets, pods). */
export function garbageCollectorController(opts: { resources?: ResourceRef[]; workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 20,
    setup(env: ControllerEnv): Reconciler {
      const informers = new Map<string, InformerHandle<KObject>>();
      const q = env.queue;
      const g: Graph = { client: env.client, informers, enqueue: (k) => q.add(k) };
      for (const ref of opts.resources ?? DEFAULT_GC_RESOURCES) {
        const res = lookupResource(ref.group, ref.resource) ?? ref;
        const inf = env.informers.informerFor<KObject>(res);
        inf.addIndex(BY_OWNER, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
        inf.addIndex(BY_UID, (o) => (o.metadata.uid ? [o.metadata.uid] : []));
        informers.set(resKey(res), inf);
        const seen = (o: KObject): void => {
          if ((o.metadata.ownerReferences ?? []).length > 0) q.add(itemKey('dep', res, o));
          const fins = o.metadata.finalizers ?? [];
          if (o.metadata.deletionTimestamp && (fins.includes(FINALIZER_ORPHAN) || fins.includes(FINALIZER_FOREGROUND))) q.add(itemKey('own', res, o));
        };
        inf.addEventHandler({
          onAdd: seen,
          onUpdate: (old, o) => {
            // Only ownership and deletion state matter to the collector.
            if (
              old.metadata.deletionTimestamp === o.metadata.deletionTimestamp &&
              JSON.stringify(old.metadata.ownerReferences ?? []) === JSON.stringify(o.metadata.ownerReferences ?? []) &&
              JSON.stringify(old.metadata.finalizers ?? []) === JSON.stringify(o.metadata.finalizers ?? [])
            )
              return;
            seen(o);
          },
          onDelete: (o) => {
            for (const d of dependentsOf(g, String(o.metadata.uid))) q.add(itemKey('dep', d.res, d.obj));
            // A foreground-deleting owner waits for this one.
            for (const r of o.metadata.ownerReferences ?? []) {
              const info = ownerInfo(r);
              const owner = info ? informers.get(resKey(info))?.lister.byIndex(BY_UID, r.uid)[0] : undefined;
              if (owner && info && owner.metadata.deletionTimestamp) q.add(itemKey('own', info, owner));
            }
          },
        });
      }
      return createGarbageCollectorReconciler(g);
    },
  };
}
