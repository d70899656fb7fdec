/**
 * What kube-apiserver does for itself at start-up: wait for storage to answer, then make sure
 * the system namespaces exist (its "system namespaces" bootstrap controller), so components
 * that write into kube-system or kube-node-lease never race the controller-manager.
 */
import type { Clock } from '../actors/types.js';
import { ActorNotFoundError, AskTimeoutError, WorkerDiedError } from '../actors/errors.js';
import { isAlreadyExists } from '../api/errors.js';
import { NAMESPACES, PRIORITYCLASSES, STORAGECLASSES } from '../api/resources.js';
import { SYSTEM_PRIORITY_CLASSES } from './strategy/cluster.js';
import type { KObject } from '../api/types.js';
import type { ApiRequest } from './protocol.js';

/** SYSTEM_NAMESPACES are created by the apiserver itself, as upstream. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** isStorageUnavailable: the store shard is down or restarting (retry), as opposed to a bug. */
export function isStorageUnavailable(err: unknown): boolean {
  return err instanceof ActorNotFoundError || err instanceof WorkerDiedError || err instanceof AskTimeoutError;
}

/**
 * retryWhileStorageUnavailable runs attempt until it succeeds, waiting with a growing delay (on
 * the injected clock) while storage is unavailable; any other error, or running out of attempts,
 * is thrown (a start-up failure the supervisor sees).
 */
export async function retryWhileStorageUnavailable<T>(clock: Clock, attempt: (n: number) => Promise<T>, maxAttempts = 100): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isStorageUnavailable(err) || n >= maxAttempts) throw err;
      await new Promise<void>((r) => clock.setTimeout(r, Math.min(1_000, 25 * n)));
    }
  }
}

/** ensureSystemNamespaces creates the missing system namespaces through handle(). */
export async function ensureSystemNamespaces(handle: (req: ApiRequest) => Promise<unknown>): Promise<void> {
  await Promise.all(
    SYSTEM_NAMESPACES.map(async (name) => {
      try {
        await handle({ type: 'create', res: NAMESPACES, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }),
  );
}

/**
 * ensureSystemPriorityClasses creates system-node-critical and system-cluster-critical, as
 * kube-apiserver's scheduling bootstrap (post-start hook) does.
 */
export async function ensureSystemPriorityClasses(handle: (req: ApiRequest) => Promise<unknown>): Promise<void> {
  await Promise.all(
    SYSTEM_PRIORITY_CLASSES.map(async (pc) => {
      try {
        const object = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value, description: pc.description, preemptionPolicy: 'PreemptLowerPriority' };
        await handle({ type: 'create', res: PRIORITYCLASSES, object });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }),
  );
}

/** DEFAULT_STORAGE_CLASS is the StorageClass a kubeactor cluster starts with (like kind's `standard`). */
export const DEFAULT_STORAGE_CLASS: Readonly<KObject & { provisioner: string; reclaimPolicy: string; volumeBindingMode: string }> = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'kubeactor.io/hostpath',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
};

/**
 * ensureDefaultStorageClass creates the `standard` default StorageClass if missing (what kind's
 * or minikube's addon does at cluster start); the persistentvolume controller provisions for it.
 * Only at start: a class the user deleted stays deleted until the apiserver restarts.
 */
export async function ensureDefaultStorageClass(handle: (req: ApiRequest) => Promise<unknown>): Promise<void> {
  try {
    await handle({ type: 'create', res: STORAGECLASSES, object: structuredClone(DEFAULT_STORAGE_CLASS) });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}
