/**
 * The `apiserver` actor: builds the server over a store client of the `store/<n>` shards, fills
 * the watch caches, listens on its port, and serves the actor protocol (ApiRequest asks) through
 * the same registry as HTTP.
 *
 * Watches are pushed: each cache batch for a watcher becomes one WatchEventsMsg told to the
 * subscriber. Subscribers are monitored; a subscriber that goes away loses its watches. A store
 * shard going down cancels the caches' store watches; they re-list when it is back.
 */
import type { ActorContext, ActorId, Behavior, DownReason } from '../actors/types.js';
import { StatusError } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import { openStoreBackend, type OwnedStore, type StoreBackendKind } from '../store/backend.js';
import { isStoreWatchMsg, type StoreWatchMsg } from '../store/protocol.js';
import type { VersionInfo } from './discovery.js';
import { BOOKMARK_INTERVAL_MS } from './http-watch.js';
import type { ApiRequest, ResourceRef, WatchEventsMsg, WatchStarted } from './protocol.js';
import { build, type ApiServer } from './server.js';
import { ensureDefaultStorageClass, ensureSystemNamespaces, ensureSystemPriorityClasses, retryWhileStorageUnavailable } from './bootstrap.js';
import type { CacheWatch } from './watch-cache.js';
import { isLogStreamMsg, kubeletActorId, type LogSink, type LogStreamMsg, type PodLogSource, type PodLogsReply } from './logs.js';
import type { ApiMetricsRequest } from './metrics.js';
import type { SplitGroupConfig } from '../store/client.js';

/** APISERVER_KIND is the actor kind registered for the apiserver. */
export const APISERVER_KIND = 'apiserver';

/** ApiServerParams are the actor's spec params. */
export interface ApiServerParams {
  port: number;
  host?: string;
  storeShards: number;
  storeByPrefix?: Record<string, number>;
  /** storeSplit: split groups (spec.store.split): members and the shared revision counter of each. */
  storeSplit?: SplitGroupConfig[];
  /** storeBackend: 'embedded' shards (default) or a real 'etcd' at storeEndpoints (spec.store). */
  storeBackend?: StoreBackendKind;
  storeEndpoints?: string[];
  serviceCIDR?: string;
  expectedNodes: number;
  version?: Partial<VersionInfo>;
  /** listen: false serves only the actor protocol, no HTTP (deterministic simulation: no real I/O). */
  listen?: boolean;
}

/** TimerMsg is the actor's own timers: send the buffered watch events; send bookmarks; run post-start hooks. */
type TimerMsg = { type: '$flushWatches' } | { type: '$bookmarks' } | { type: '$bootstrap' };

const BOOTSTRAP_TIMER = 'post-start-hooks';

/** ApiServerMsg is everything the actor receives: the protocol, store watch pushes, its own timers. */
export type ApiServerMsg = ApiRequest | StoreWatchMsg | TimerMsg | ApiMetricsRequest | LogStreamMsg;

const FLUSH_TIMER = 'flush-watches';
/** LOG_ASK_TIMEOUT_MS bounds a pods/log read from a kubelet. */
const LOG_ASK_TIMEOUT_MS = 10_000;

interface ActorWatch {
  subscriber: ActorId;
  watch: CacheWatch;
  res: ResourceRef;
  bookmarks: boolean;
}

/** parseApiServerParams checks the spec params. */
export function parseApiServerParams(params: unknown): ApiServerParams {
  const p = (params ?? {}) as Partial<ApiServerParams>;
  if (typeof p.port !== 'number' || !Number.isInteger(p.port) || p.port < 0) throw new TypeError('apiserver params: port must be an integer ≥ 0');
  return { ...p, port: p.port, storeShards: p.storeShards ?? 1, expectedNodes: p.expectedNodes ?? 0 };
}

/** createApiServerBehavior builds the apiserver actor from its params. */
export function createApiServerBehavior(rawParams: unknown): Behavior<ApiServerMsg> {
  const params = parseApiServerParams(rawParams);
  let store: OwnedStore | undefined;
  let server: ApiServer | undefined;
  const watches = new Map<string, ActorWatch>();
  const monitored = new Set<ActorId>();
  // Watch events are buffered per watch and told once per tick: one message per watcher carries
  // every store batch that arrived in between.
  const pending = new Map<string, { subscriber: ActorId; events: WatchEventsMsg['events'] }>();
  let flushScheduled = false;
  // pods/log follow streams: the kubelet pushes LogStreamMsg for each; keyed by stream id.
  const logStreams = new Map<string, { node: string; sink: LogSink }>();
  let nextLogStream = 0;
  const podLogs = (ctx: ActorContext): PodLogSource => ({
    fetch: async (node, req) => (await ctx.ask<PodLogsReply>(kubeletActorId(node), { type: 'podLogs', ...req }, { timeoutMs: LOG_ASK_TIMEOUT_MS })).text,
    follow: (node, req, sink) => {
      const streamId = `log-${++nextLogStream}`;
      logStreams.set(streamId, { node, sink });
      ctx.monitor(kubeletActorId(node));
      ctx.tell(kubeletActorId(node), { type: 'followLogs', streamId, subscriber: ctx.self, ...req });
      return () => {
        if (logStreams.delete(streamId)) ctx.tell(kubeletActorId(node), { type: 'unfollowLogs', streamId });
      };
    },
  });

  const enqueue = (ctx: ActorContext, watchId: string, subscriber: ActorId, events: WatchEventsMsg['events']): void => {
    const p = pending.get(watchId);
    if (p) p.events.push(...events);
    else pending.set(watchId, { subscriber, events: [...events] });
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.setTimer(FLUSH_TIMER, 0, { type: '$flushWatches' } satisfies TimerMsg);
    }
  };

  const flush = (ctx: ActorContext): void => {
    flushScheduled = false;
    for (const [watchId, p] of pending) ctx.tell(p.subscriber, { type: 'watchEvents', watchId, events: p.events } satisfies WatchEventsMsg);
    pending.clear();
  };

  const stopWatch = (watchId: string): void => {
    const w = watches.get(watchId);
    if (!w) return;
    watches.delete(watchId);
    w.watch.stop();
    // An ERROR event stays queued (the subscriber must see it); anything else is unwanted now.
    const p = pending.get(watchId);
    if (p && !p.events.some((e) => e.type === 'ERROR')) pending.delete(watchId);
  };

  const openWatch = (ctx: ActorContext, req: Extract<ApiRequest, { type: 'watch' }>): WatchStarted => {
    if (!server) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: 'apiserver is starting' });
    stopWatch(req.watchId);
    const { watchId, subscriber } = req;
    const send = (events: WatchEventsMsg['events']): void => enqueue(ctx, watchId, subscriber, events);
    const state = { stopped: false };
    const watch = server.registry.openWatch(req.res, req.opts ?? {}, {
      events: (events) => {
        if (!state.stopped) send(events);
      },
      error: (err) => {
        if (state.stopped) return;
        send([{ type: 'ERROR', object: err.status as unknown as KObject }]);
        stopWatch(watchId);
      },
    });
    watches.set(watchId, {
      subscriber,
      res: req.res,
      bookmarks: req.opts?.allowBookmarks === true,
      watch: {
        stop: () => {
          state.stopped = true;
          watch.stop();
        },
      },
    });
    if (!monitored.has(subscriber)) {
      monitored.add(subscriber);
      ctx.monitor(subscriber);
    }
    return { resourceVersion: String(watch.startRv) };
  };

  return {
    async started(ctx) {
      store = await openStoreBackend(ctx, { backend: params.storeBackend, endpoints: params.storeEndpoints, shards: params.storeShards, byPrefix: params.storeByPrefix, split: params.storeSplit });
      // Like kube-apiserver waiting for etcd: a store shard that is itself restarting is not a
      // reason to fail start-up (and be restarted in a loop); each attempt builds afresh.
      server = await retryWhileStorageUnavailable(ctx.clock, async (n) => {
        const s = build({
          store: store!.client,
          clock: ctx.clock,
          rng: ctx.rng,
          log: ctx.log,
          serviceCIDR: params.serviceCIDR,
          expectedNodes: params.expectedNodes,
          version: params.version,
          podLogs: podLogs(ctx),
        });
        try {
          await s.start();
          return s;
        } catch (err) {
          if (n === 1 || n % 20 === 0) ctx.log.warn('storage not available yet; retrying', { attempt: n, err: String(err) });
          await s.close();
          throw err;
        }
      });
      if (params.listen !== false) {
        const port = await server.listen(params.port, params.host ?? '127.0.0.1');
        ctx.log.info('apiserver listening', { port, host: params.host ?? '127.0.0.1' });
      }
      ctx.setTimer('bookmarks', BOOKMARK_INTERVAL_MS, { type: '$bookmarks' } satisfies TimerMsg, { repeat: true });
      // Post-start hooks (system namespaces and priority classes) run as messages, not inside
      // started(): a write waits for its own watch event, which this actor only receives once
      // started() has returned.
      ctx.setTimer(BOOTSTRAP_TIMER, 0, { type: '$bootstrap' } satisfies TimerMsg);
    },
    receive(ctx, msg) {
      if (isStoreWatchMsg(msg)) {
        store?.deliver(msg);
        return undefined;
      }
      if (isLogStreamMsg(msg)) {
        const stream = logStreams.get(msg.streamId);
        if (msg.type === 'logLines') stream?.sink.data(msg.text);
        else if (stream) {
          logStreams.delete(msg.streamId);
          stream.sink.end(msg.error);
        }
        return undefined;
      }
      switch (msg.type) {
        case '$flushWatches':
          flush(ctx);
          return undefined;
        case '$bootstrap': {
          const s = server;
          if (!s) return undefined;
          const handle = (req: ApiRequest): Promise<unknown> => s.handle(req);
          return ensureSystemNamespaces(handle)
            .then(() => ensureSystemPriorityClasses(handle))
            .then(() => ensureDefaultStorageClass(handle))
            .catch((err: unknown) => {
              // Storage may be restarting: try again shortly (readiness waits for kube-system anyway).
              ctx.log.warn('post-start hook failed; retrying', { err: String(err) });
              ctx.setTimer(BOOTSTRAP_TIMER, 1_000, { type: '$bootstrap' } satisfies TimerMsg);
            });
        }
        case '$bookmarks':
          for (const [watchId, w] of watches) {
            if (w.bookmarks && server) enqueue(ctx, watchId, w.subscriber, [{ type: 'BOOKMARK', object: server.registry.bookmark(w.res) }]);
          }
          return undefined;
        case 'apiMetrics': {
          // Read by `kubeactor bench density`; empty while the server is still starting.
          const snapshot = server?.registry.metrics.snapshot() ?? {};
          if (msg.reset) server?.registry.metrics.reset();
          return snapshot;
        }
        case 'watch':
          return openWatch(ctx, msg);
        case 'unwatch':
          stopWatch(msg.watchId);
          return undefined;
        case 'create':
        case 'createSub':
        case 'get':
        case 'list':
        case 'update':
        case 'patch':
        case 'delete':
        case 'deleteCollection':
          if (!server) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: 'apiserver is starting' });
          return server.handle(msg);
        default:
          return assertNever(msg);
      }
    },
    onDown(_ctx, target: ActorId, _reason: DownReason) {
      if (target.startsWith('store/')) {
        store?.shardDown(target);
        return;
      }
      // A kubelet that went away ends the log streams it was feeding.
      for (const [id, s] of [...logStreams]) {
        if (kubeletActorId(s.node) !== target) continue;
        logStreams.delete(id);
        s.sink.end('the kubelet went away');
      }
      monitored.delete(target);
      for (const [id, w] of [...watches]) if (w.subscriber === target) stopWatch(id);
    },
    async stopped(ctx) {
      for (const id of [...watches.keys()]) stopWatch(id);
      flush(ctx);
      await server?.close();
      await store?.close();
    },
  };
}

function assertNever(x: never): never {
  throw new Error(`apiserver: unexpected message ${JSON.stringify(x)}`);
}
