/**
 * ServiceAccount controller: every active namespace has the ServiceAccounts of
 * DEFAULT_SERVICE_ACCOUNTS (`default`), created when the namespace appears and again when someone
 * deletes one, as kube-controller-manager's serviceaccount-controller
 * (pkg/controller/serviceaccount/serviceaccounts_controller.go). Terminating namespaces are left
 * alone. Token Secrets (the legacy token controller) are not simulated.
 */
import { isAlreadyExists, isNotFound, isStatusError } from '../api/errors.js';
import { NAMESPACES, SERVICEACCOUNTS } from '../api/resources.js';
import type { KObject, Namespace } from '../api/types.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, Reconciler, Result } from './runtime/types.js';

/** NAME of the controller. */
export const NAME = 'serviceaccount';
/** DEFAULT_SERVICE_ACCOUNTS are ensured in every namespace (upstream's DefaultServiceAccountsControllerOptions). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'] as const;

/** ServiceAccount is core/v1 ServiceAccount (metadata is all the controller writes). */
export interface ServiceAccount extends KObject {
  secrets?: { name: string }[];
  automountServiceAccountToken?: boolean;
}

/** ServiceAccountDeps are the listers and client of the reconciler. */
export interface ServiceAccountDeps {
  client: ApiClient;
  namespaces: Lister<Namespace>;
  serviceAccounts: Lister<ServiceAccount>;
}

/** createServiceAccountReconciler creates the missing default ServiceAccounts of one namespace (key = namespace name). */
export function createServiceAccountReconciler(deps: ServiceAccountDeps): Reconciler {
  return {
    async reconcile(ctx, req): Promise<Result | void> {
      const ns = deps.namespaces.get(undefined, req.name);
      if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
      for (const name of DEFAULT_SERVICE_ACCOUNTS) {
        if (deps.serviceAccounts.get(req.name, name)) continue;
        try {
          await deps.client.create<ServiceAccount>(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: req.name } });
          ctx.log.debug('created service account', { serviceAccount: `${req.name}/${name}` });
        } catch (err) {
          // Already there (our cache lags), or the namespace is going away: nothing to do.
          if (isAlreadyExists(err) || isNotFound(err) || isStatusError(err, 'Forbidden')) continue;
          throw err;
        }
      }
    },
  };
}

/** serviceAccountController is the definition: namespaces and serviceaccounts informers, keyed by namespace. */
export function serviceAccountController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 1,
    setup(env: ControllerEnv): Reconciler {
      const nss = env.informers.informerFor<Namespace>(NAMESPACES);
      const sas = env.informers.informerFor<ServiceAccount>(SERVICEACCOUNTS);
      const q = env.queue;
      const isDefault = (sa: ServiceAccount): boolean => (DEFAULT_SERVICE_ACCOUNTS as readonly string[]).includes(String(sa.metadata.name));
      nss.addEventHandler({ onAdd: (ns) => q.add(String(ns.metadata.name)), onUpdate: (_o, ns) => q.add(String(ns.metadata.name)) });
      sas.addEventHandler({
        onDelete: (sa) => {
          if (isDefault(sa)) q.add(String(sa.metadata.namespace));
        },
      });
      return createServiceAccountReconciler({ client: env.client, namespaces: nss.lister, serviceAccounts: sas.lister });
    },
  };
}
