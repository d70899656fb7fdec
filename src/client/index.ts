/**
 * The client-go analogue: ApiClient over actor asks, Watcher, informers with listers and
 * indexes, a rate-limited work queue, selectors, and an in-memory fake for tests.
 */
export type { ApiClient, EventHandler, Informer, Lister, Watcher, WatchSink } from './types.js';
export { createApiClient, DEFAULT_API_TIMEOUT_MS, type ApiClientOptions } from './api-client.js';
export { createWatcher, type ActorWatcher } from './watcher.js';
export { createInformer, type InformerDeps, type InformerHandle, type InformerOptions } from './informer.js';
export { Indexer, NAMESPACE_INDEX, type IndexFunc } from './indexer.js';
export { ItemExponentialRateLimiter, WorkQueue, type RateLimiter, type WorkQueueOptions } from './workqueue.js';
export { createEventRecorder, NOOP_RECORDER, SPAM_BURST, SPAM_REFILL_MS, type EventRecorder, type EventType } from './events.js';
export { SharedInformerFactory } from './shared-informer-factory.js';
export * from './selectors.js';
export { FakeApiClient, type DropFilter, type FakeAction, type FakeApiClientOptions, type FakeReactor } from './fake/fake-api-client.js';
export { FakeWatcher } from './fake/fake-watcher.js';
