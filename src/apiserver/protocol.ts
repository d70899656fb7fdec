/**
 * The API server's actor protocol: what cluster components (scheduler, controllers, kubelets,
 * kube-proxies, the CLI) send to the `apiserver` actor instead of HTTP. Every request is an
 * `ask`; the reply is the object (or list) the equivalent REST call would return, and failures
 * are thrown as StatusError (rebuilt on the caller's side, see src/api/errors.ts).
 *
 * Watches are push-based: the subscriber actor receives {@link WatchEventsMsg} batches for its
 * watchId until it sends `unwatch`, or until it gets an ERROR event (e.g. 410 Gone: re-list), or
 * the apiserver goes down (monitor it: ctx.monitor(APISERVER) and re-list in onDown).
 */
import type { ActorId } from '../actors/types.js';
import type { KObject, WatchEventType } from '../api/types.js';

/** APISERVER is the apiserver actor's id. */
export const APISERVER: ActorId = 'apiserver';

/** ResourceRef identifies a resource by group and plural ('' group is core). */
export interface ResourceRef {
  group: string;
  resource: string;
  /** version picks a non-preferred version (autoscaling/v1); absent = the preferred one. */
  version?: string;
}

/** PatchType is the Content-Type of a PATCH. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** DeleteOptions as in meta/v1 (the fields kubeactor honours). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** WriteOptions are the query parameters of writes. */
export interface WriteOptions {
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  dryRun?: boolean;
  force?: boolean;
}

/** ListOptions are the query parameters of list and watch. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * nodeNames is an internal, indexed filter (pods only): only pods bound to one of these nodes.
   * It is how a node-host worker watches the pods of all its virtual nodes with one watch.
   */
  nodeNames?: string[];
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  limit?: number;
  continue?: string;
}

/** Subresource addressed by update/patch/create ('finalize': namespaces/x/finalize, PUT only). */
export type Subresource = 'status' | 'scale' | 'binding' | 'eviction' | 'finalize';

/** ApiRequest is the closed union of apiserver asks. */
export type ApiRequest =
  | { type: 'create'; res: ResourceRef; namespace?: string; object: KObject; opts?: WriteOptions }
  | { type: 'createSub'; res: ResourceRef; namespace?: string; name: string; subresource: 'binding' | 'eviction'; object: KObject; opts?: WriteOptions }
  | { type: 'get'; res: ResourceRef; namespace?: string; name: string; subresource?: 'status' | 'scale' }
  | { type: 'list'; res: ResourceRef; opts?: ListOptions }
  | { type: 'update'; res: ResourceRef; namespace?: string; name: string; object: KObject; subresource?: 'status' | 'scale' | 'finalize'; opts?: WriteOptions }
  | { type: 'patch'; res: ResourceRef; namespace?: string; name: string; patchType: PatchType; patch: unknown; subresource?: 'status' | 'scale'; opts?: WriteOptions }
  | { type: 'delete'; res: ResourceRef; namespace?: string; name: string; options?: DeleteOptions }
  /** deleteCollection deletes every object the list options select; replies with the list of them. */
  | { type: 'deleteCollection'; res: ResourceRef; opts?: ListOptions; options?: DeleteOptions }
  | { type: 'watch'; res: ResourceRef; watchId: string; subscriber: ActorId; opts?: ListOptions & { allowBookmarks?: boolean } }
  | { type: 'unwatch'; watchId: string };

/** WatchStarted is the reply to a watch ask: the resourceVersion the stream starts after. */
export interface WatchStarted {
  resourceVersion: string;
}

/** WatchEvent is one event as on the wire; ERROR events carry a Status as object. */
export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
}

/**
 * WatchEventsMsg is told to a watch's subscriber: the events of one watch, in order, batched per
 * tick. After an ERROR event the watch is over.
 */
export interface WatchEventsMsg {
  type: 'watchEvents';
  watchId: string;
  events: WatchEvent[];
}
