/**
 * The reconciler contract (controller-runtime style) and what a controller definition declares.
 *
 * A reconcile reads current state from listers, is level-based and idempotent, and is safe to
 * run again: return `{ requeueAfterMs }` to look again later, nothing when done, throw to retry
 * with rate-limited backoff, throw TerminalError to give up on this key until its next event.
 */
import type { Clock, Logger, Rng } from '../../actors/types.js';
import type { EventRecorder } from '../../client/events.js';
import type { ApiClient } from '../../client/types.js';
import type { SharedInformerFactory } from '../../client/shared-informer-factory.js';
import type { WorkQueue } from '../../client/workqueue.js';

/** Request names the object to reconcile: key is "namespace/name" (or "name"). */
export interface Request {
  key: string;
  namespace: string | undefined;
  name: string;
}

/** Result of a reconcile: requeueAfterMs > 0 looks at the key again after that delay. */
export interface Result {
  requeueAfterMs?: number;
}

/** ReconcileContext is what a reconcile may use besides its own deps. */
export interface ReconcileContext {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: Logger;
}

/**
 * Reconciler drives one object toward its spec. Contract: one key is never reconciled twice at
 * once (the work queue guarantees it), different keys run concurrently (up to the controller's
 * workers) and interleave at their await points.
 */
export interface Reconciler {
  reconcile(ctx: ReconcileContext, req: Request): Promise<Result | void> | Result | void;
}

/** ControllerEnv is what a controller's setup gets: client, informers, its queue, time. */
export interface ControllerEnv {
  readonly name: string;
  readonly client: ApiClient;
  readonly informers: SharedInformerFactory;
  readonly queue: WorkQueue<string>;
  /** events records core/v1 Events as the definition's component. */
  readonly events: EventRecorder;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: Logger;
}

/**
 * ControllerDefinition is one controller: setup creates its informers (env.informers), wires
 * their handlers to env.queue (handlers only enqueue keys) and returns the reconciler. Workers
 * start once every informer has synced.
 */
export interface ControllerDefinition {
  /** name, e.g. 'replicaset' (logs, stats). */
  name: string;
  /** workers is the number of concurrent reconciles (kube-controller-manager's --concurrent-*-syncs). */
  workers?: number;
  /** component is the Events' source (default `<name>-controller`). */
  component?: string;
  setup(env: ControllerEnv): Reconciler;
}
