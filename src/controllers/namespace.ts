/**
 * Namespace controller: keeps the system namespaces (default, kube-system, kube-public,
 * kube-node-lease) in existence — created if missing at start, after an apiserver restart, or
 * after someone deletes them — and finishes namespace deletion: deletes everything in a
 * terminating namespace, then removes its `kubernetes` finalizer.
 */
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { RESOURCES, NAMESPACES } from '../api/resources.js';
import type { KObject, Namespace } from '../api/types.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler, Result } from './runtime/types.js';

/** NAME of the controller. */
export const NAME = 'namespace';
/** SYSTEM_NAMESPACES always exist in a cluster. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
/** NAMESPACE_FINALIZER is spec.finalizers' entry the controller removes when the namespace is empty. */
export const NAMESPACE_FINALIZER = 'kubernetes';
/** RECHECK_MS: how often system namespaces are re-checked even without events (belt and braces). */
export const RECHECK_MS = 60_000;

/** NamespaceDeps are the lister and client of the reconciler. */
export interface NamespaceDeps {
  client: ApiClient;
  namespaces: Lister<Namespace>;
}

const isSystem = (name: string): boolean => (SYSTEM_NAMESPACES as readonly string[]).includes(name);

async function ensureExists(deps: NamespaceDeps, ctx: ReconcileContext, name: string): Promise<void> {
  try {
    await deps.client.create<Namespace>(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    ctx.log.info('created system namespace', { namespace: name });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/** deleteContent deletes every namespaced object in ns; returns how many objects are still there. */
async function deleteContent(deps: NamespaceDeps, ns: string): Promise<number> {
  let remaining = 0;
  for (const info of RESOURCES) {
    if (!info.namespaced) continue;
    const list = await deps.client.list<KObject>(info, { namespace: ns });
    remaining += list.items.length;
    await Promise.all(
      list.items
        .filter((o) => !o.metadata.deletionTimestamp)
        .map((o) =>
          deps.client.delete(info, ns, String(o.metadata.name), { propagationPolicy: 'Background' }).catch((e: unknown) => {
            if (!isNotFound(e)) throw e;
          }),
        ),
    );
  }
  return remaining;
}

async function finalize(deps: NamespaceDeps, ns: Namespace): Promise<void> {
  const fins = (ns.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
  await deps.client.finalizeNamespace<Namespace>({ ...ns, spec: { ...(ns.spec ?? {}), finalizers: fins } });
}

/** createNamespaceReconciler ensures system namespaces and finishes namespace deletion. */
export function createNamespaceReconciler(deps: NamespaceDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const ns = deps.namespaces.get(undefined, req.name);
      const system = isSystem(req.name);
      if (!ns) {
        if (system) await ensureExists(deps, ctx, req.name);
        return system ? { requeueAfterMs: RECHECK_MS } : undefined;
      }
      if (ns.metadata.deletionTimestamp) {
        const remaining = await deleteContent(deps, req.name);
        if (remaining > 0) return { requeueAfterMs: 2_000 };
        if ((ns.spec?.finalizers ?? []).includes(NAMESPACE_FINALIZER)) await finalize(deps, ns);
        return system ? { requeueAfterMs: RECHECK_MS } : undefined;
      }
      return system ? { requeueAfterMs: RECHECK_MS } : undefined;
    },
  };
}

/** namespaceController is the definition: an informer on namespaces; system names enqueued at start. */
export function namespaceController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 2,
    setup(env: ControllerEnv): Reconciler {
      const inf = env.informers.informerFor<Namespace>(NAMESPACES);
      const q = env.queue;
      inf.addEventHandler({
        onAdd: (ns) => {
          if (ns.metadata.deletionTimestamp) q.add(String(ns.metadata.name));
        },
        onUpdate: (_o, ns) => {
          if (ns.metadata.deletionTimestamp) q.add(String(ns.metadata.name));
        },
        onDelete: (ns) => {
          if (isSystem(String(ns.metadata.name))) q.add(String(ns.metadata.name));
        },
      });
      for (const n of SYSTEM_NAMESPACES) q.add(n);
      return createNamespaceReconciler({ client: env.client, namespaces: inf.lister });
    },
  };
}
