/**
 * The real ApiClient: every call is an ask to the apiserver actor (src/apiserver/protocol.ts).
 * Many calls may be in flight at once; nothing here waits for one call before sending the next.
 */
import type { ActorContext } from '../actors/types.js';
import type { KList, KObject, Status } from '../api/types.js';
import { APISERVER, type ApiRequest, type DeleteOptions, type ListOptions, type PatchType, type ResourceRef, type WriteOptions } from '../apiserver/protocol.js';
import type { ApiClient } from './types.js';

/** DEFAULT_API_TIMEOUT_MS is the ask deadline of API calls (like client-go's request timeout). */
export const DEFAULT_API_TIMEOUT_MS = 10_000;

/** ApiClientOptions tune createApiClient. */
export interface ApiClientOptions {
  /** timeoutMs is the ask deadline per call (default 10 s). */
  timeoutMs?: number;
  /** target is the apiserver actor id (default APISERVER). */
  target?: string;
}

/**
 * createApiClient returns an ApiClient that asks the apiserver actor on behalf of ctx. Errors
 * come back as thrown StatusError (NotFound, Conflict…) or runtime errors (AskTimeoutError,
 * WorkerDiedError, ActorNotFoundError) while the apiserver restarts.
 */
export function createApiClient(ctx: ActorContext, opts: ApiClientOptions = {}): ApiClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const target = opts.target ?? APISERVER;
  const call = <R>(req: ApiRequest): Promise<R> => ctx.ask<R>(target, req, { timeoutMs });
  return {
    create<T extends KObject>(res: ResourceRef, obj: T, wopts?: WriteOptions): Promise<T> {
      return call<T>({ type: 'create', res, namespace: obj.metadata.namespace, object: obj, opts: wopts });
    },
    get<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
      return call<T>({ type: 'get', res, namespace, name });
    },
    list<T extends KObject>(res: ResourceRef, lopts?: ListOptions): Promise<KList<T>> {
      return call<KList<T>>({ type: 'list', res, opts: lopts });
    },
    update<T extends KObject>(res: ResourceRef, obj: T, wopts?: WriteOptions): Promise<T> {
      return call<T>({ type: 'update', res, namespace: obj.metadata.namespace, name: String(obj.metadata.name), object: obj, opts: wopts });
    },
    updateStatus<T extends KObject>(res: ResourceRef, obj: T, wopts?: WriteOptions): Promise<T> {
      return call<T>({ type: 'update', res, namespace: obj.metadata.namespace, name: String(obj.metadata.name), object: obj, subresource: 'status', opts: wopts });
    },
    patch<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, popts?: WriteOptions & { subresource?: 'status' | 'scale' }): Promise<T> {
      const { subresource, ...rest } = popts ?? {};
      return call<T>({ type: 'patch', res, namespace, name, patchType, patch, subresource, opts: rest });
    },
    delete(res: ResourceRef, namespace: string | undefined, name: string, dopts?: DeleteOptions): Promise<KObject | Status> {
      return call<KObject | Status>({ type: 'delete', res, namespace, name, options: dopts });
    },
    finalizeNamespace<T extends KObject>(obj: T, wopts?: WriteOptions): Promise<T> {
      return call<T>({ type: 'update', res: { group: '', resource: 'namespaces' }, name: String(obj.metadata.name), object: obj, subresource: 'finalize', opts: wopts });
    },
    async bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<void> {
      const binding: KObject = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: podName, namespace, ...(podUid ? { uid: podUid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      await call<unknown>({ type: 'createSub', res: { group: '', resource: 'pods' }, namespace, name: podName, subresource: 'binding', object: binding });
    },
  };
}
