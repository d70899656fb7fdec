/**
 * The controller loop: N async workers take keys from the work queue and reconcile them.
 *
 *   informer handlers ──key──▶ WorkQueue ──get()──▶ worker × N ──▶ reconcile(key)
 *                                 ▲                                  │
 *                                 ├── addAfter(requeueAfterMs) ◀──── Result
 *                                 └── addRateLimited(key) ◀──────── throw (not TerminalError)
 *
 * startController wires a ControllerDefinition to a client and watcher; it does not care
 * whether they talk to a real apiserver actor or to the FakeApiClient.
 */
import type { Clock, Logger, Rng } from '../../actors/types.js';
import { isConflict } from '../../api/errors.js';
import { splitKey } from '../../api/meta.js';
import { createEventRecorder } from '../../client/events.js';
import { SharedInformerFactory } from '../../client/shared-informer-factory.js';
import type { ApiClient, Watcher } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { TerminalError } from './errors.js';
import type { ControllerDefinition, ControllerEnv, ReconcileContext, Reconciler } from './types.js';

/** ControllerStats are counters of one controller. */
export interface ControllerStats {
  name: string;
  synced: boolean;
  reconciles: number;
  errors: number;
  inFlight: number;
  queued: number;
  waiting: number;
}

/** ControllerHandle is a running controller. */
export interface ControllerHandle {
  readonly env: ControllerEnv;
  readonly reconciler: Reconciler;
  /** synced resolves once every informer has listed and the workers run. */
  readonly synced: Promise<void>;
  stats(): ControllerStats;
  /** idle: nothing queued (ready) and nothing in flight. Delayed keys do not count. */
  idle(): boolean;
  stop(): void;
}

/** ControllerDeps are the transport-side inputs of startController. */
export interface ControllerDeps {
  client: ApiClient;
  watcher: Watcher;
  clock: Clock;
  rng: Rng;
  log: Logger;
}

/** DEFAULT_WORKERS is the reconcile concurrency when a definition does not say. */
export const DEFAULT_WORKERS = 5;

/** startController runs setup, starts the informers and, once they synced, the workers. */
export function startController(def: ControllerDefinition, deps: ControllerDeps): ControllerHandle {
  const log = deps.log.child({ controller: def.name });
  const queue = new WorkQueue<string>({ clock: deps.clock, name: def.name });
  const informers = new SharedInformerFactory({ client: deps.client, watcher: deps.watcher, clock: deps.clock, log, rng: deps.rng });
  const events = createEventRecorder({ client: deps.client, clock: deps.clock, log, component: def.component ?? `${def.name}-controller` });
  const env: ControllerEnv = { name: def.name, client: deps.client, informers, queue, events, clock: deps.clock, rng: deps.rng, log };
  const reconciler = def.setup(env);
  const rctx: ReconcileContext = { clock: deps.clock, rng: deps.rng, log };
  let reconciles = 0;
  let errors = 0;
  let inFlight = 0;
  let synced = false;

  async function processOne(key: string): Promise<void> {
    inFlight++;
    try {
      const { namespace, name } = splitKey(key);
      const res = await reconciler.reconcile(rctx, { key, namespace, name });
      queue.forget(key);
      if (res && res.requeueAfterMs !== undefined && res.requeueAfterMs > 0) queue.addAfter(key, res.requeueAfterMs);
    } catch (err) {
      errors++;
      if (err instanceof TerminalError) {
        log.error('reconcile failed permanently', { key, error: err.message });
        queue.forget(key);
      } else {
        // A Conflict only means our cache was behind our own last write: routine, retried at once-ish.
        const level = isConflict(err) ? 'debug' : 'warn';
        log[level]('reconcile failed, will retry', { key, retries: queue.numRequeues(key), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        queue.addRateLimited(key);
      }
    } finally {
      reconciles++;
      inFlight--;
      queue.done(key);
    }
  }

  async function worker(): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      await processOne(key);
    }
  }

  const syncedPromise = informers.start().then(() => {
    if (queue.shuttingDown()) return;
    synced = true;
    log.info('caches synced, starting workers', { workers: def.workers ?? DEFAULT_WORKERS });
    for (let i = 0; i < (def.workers ?? DEFAULT_WORKERS); i++) void worker();
  });

  return {
    env,
    reconciler,
    synced: syncedPromise,
    stats: () => ({ name: def.name, synced, reconciles, errors, inFlight, queued: queue.len(), waiting: queue.waitingLen() }),
    idle: () => queue.len() === 0 && inFlight === 0,
    stop(): void {
      queue.shutDown();
      informers.stop();
    },
  };
}
