/**
 * Contracts of the client-go analogue. Components depend on these interfaces, never on the
 * transport: the real implementation asks the apiserver actor; tests use an in-memory fake.
 */
import type { KList, KObject, Status } from '../api/types.js';
import type { DeleteOptions, ListOptions, PatchType, ResourceRef, WatchEvent, WriteOptions } from '../apiserver/protocol.js';

/**
 * ApiClient is a typed client over the apiserver's actor protocol. Every method may reject with
 * StatusError (NotFound, Conflict, …) or with a runtime error (AskTimeoutError,
 * WorkerDiedError, ActorNotFoundError) while the apiserver restarts: callers retry with backoff.
 */
export interface ApiClient {
  create<T extends KObject>(res: ResourceRef, obj: T, opts?: WriteOptions): Promise<T>;
  get<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string): Promise<T>;
  list<T extends KObject>(res: ResourceRef, opts?: ListOptions): Promise<KList<T>>;
  /** update replaces the object (optimistic concurrency on metadata.resourceVersion). */
  update<T extends KObject>(res: ResourceRef, obj: T, opts?: WriteOptions): Promise<T>;
  /** updateStatus replaces only .status (the status subresource). */
  updateStatus<T extends KObject>(res: ResourceRef, obj: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' | 'scale' }): Promise<T>;
  delete(res: ResourceRef, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KObject | Status>;
  /**
   * finalizeNamespace replaces a namespace's spec.finalizers through the namespaces/finalize
   * subresource (the namespace controller's last step of a namespace deletion).
   */
  finalizeNamespace<T extends KObject>(obj: T, opts?: WriteOptions): Promise<T>;
  /** bind creates pods/binding: sets spec.nodeName of a pending pod. */
  bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<void>;
}

/**
 * WatchSink receives the events of a watch opened through a Watcher. After an ERROR event or
 * an `ended` call the watch is over; an informer re-lists.
 */
export interface WatchSink {
  events(events: WatchEvent[]): void;
  /** ended: the apiserver went away or the watch was closed; no more events will come. */
  ended(reason: string): void;
}

/**
 * Watcher opens push watches for an actor. The owning actor must forward every incoming
 * `watchEvents` message to {@link Watcher.deliver} and its onDown(APISERVER) to
 * {@link Watcher.apiserverDown}.
 */
export interface Watcher {
  watch(res: ResourceRef, opts: ListOptions & { allowBookmarks?: boolean }, sink: WatchSink): Promise<{ watchId: string; resourceVersion: string }>;
  unwatch(watchId: string): void;
}

/** EventHandler is what informers call; handlers only enqueue keys (no writes inside). */
export interface EventHandler<T extends KObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/** Lister reads an informer's cache. Objects are shared: never mutate them. */
export interface Lister<T extends KObject> {
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
  /** byIndex returns objects whose index named `index` contains value. */
  byIndex(index: string, value: string): T[];
}

/** Informer keeps a cache of one resource in sync by list + watch, and re-lists after errors. */
export interface Informer<T extends KObject> {
  readonly lister: Lister<T>;
  addEventHandler(h: EventHandler<T>): void;
  /** addIndex registers an index function before start (e.g. pods by spec.nodeName). */
  addIndex(name: string, fn: (obj: T) => string[]): void;
  start(): Promise<void>;
  /** hasSynced is true once the first list has been applied. */
  hasSynced(): boolean;
  stop(): void;
}
