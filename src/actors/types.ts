/**
 * Public contracts of the actor runtime. Nothing here knows about Kubernetes.
 *
 * An actor is a {@link Behavior} addressed by an {@link ActorId}. Actors live in hosts (one host
 * per worker thread, or several "virtual" hosts on one thread in inline mode); the runtime routes
 * messages between hosts and never exposes which thread an actor is on.
 */

/**
 * ActorId names an actor cluster-wide, e.g. `apiserver`, `store/0`, `kubelet/node-17`.
 * The part before the first `/` is the actor's role; placement uses the whole id.
 */
export type ActorId = string;

/** Clock is the only source of time in domain code. A simulated clock only moves forward. */
export interface Clock {
  /** now returns milliseconds since the Unix epoch (real or simulated). */
  now(): number;
  /** setTimeout schedules fn after delayMs of this clock's time; returns a handle for clearTimeout. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  /** clearTimeout cancels a handle returned by setTimeout; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** TimerHandle is opaque: only the clock that made it understands it. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/** Rng is the only source of randomness in domain code (seeded in simulation). */
export interface Rng {
  /** next returns a float in [0, 1). */
  next(): number;
  /** int returns an integer in [0, n). */
  int(n: number): number;
}

/** LogLevel orders log records. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Logger writes structured records: a message and an object of fields (object refs as 'ns/name'). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** child returns a logger that adds fields to every record. */
  child(fields: Record<string, unknown>): Logger;
}

/** AskOptions: every ask has a deadline; there is no default on purpose. */
export interface AskOptions {
  timeoutMs: number;
}

/** DownReason says why a monitored actor went away. */
export type DownReason = 'worker-exit' | 'stopped' | 'not-found';

/**
 * ActorContext is what a behaviour may do. It is passed to every callback and stays valid for
 * the actor's lifetime (a restarted actor gets a new one).
 */
export interface ActorContext {
  /** self is this actor's id. */
  readonly self: ActorId;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: Logger;
  /**
   * tell sends msg to `to` without waiting. Messages from one sender to one receiver arrive in
   * the order they were sent. A tell to an actor whose host is down is dropped (counted as a
   * dead letter), as in OTP.
   */
  tell(to: ActorId, msg: unknown): void;
  /**
   * ask sends msg and resolves with the receiver's reply (the value its receive returned).
   * Rejects with AskTimeoutError after timeoutMs, with WorkerDiedError if the receiver's host
   * dies first, with ActorNotFoundError if no such actor exists, or with the error the receiver
   * threw (rebuilt as its known class when it crossed a thread).
   */
  ask<R = unknown>(to: ActorId, msg: unknown, opts: AskOptions): Promise<R>;
  /**
   * setTimer delivers msg to self after delayMs (every delayMs with repeat). A timer with the
   * same key replaces the previous one. Timers die with the actor.
   */
  setTimer(key: string, delayMs: number, msg: unknown, opts?: { repeat?: boolean }): void;
  /** cancelTimer cancels the timer with this key, if any. */
  cancelTimer(key: string): void;
  /**
   * monitor asks the runtime to call behavior.onDown(target) once when target's host dies or
   * target stops. Use it to re-attach watches after a peer restarts.
   */
  monitor(target: ActorId): void;
  /** demonitor removes a monitor set with monitor(); idempotent. */
  demonitor(target: ActorId): void;
}

/**
 * Behavior is an actor's code. receive is called once per message, in arrival order; when it
 * returns a promise the next message is NOT held back (an async receive may interleave at its
 * await points: serialize explicitly where needed). For an ask, the settled value of receive is
 * the reply, and a throw is sent back as the error. A throw from a tell is a crash: the runtime
 * logs it and the host dies, so its supervisor restarts it (let it crash).
 */
export interface Behavior<M = unknown> {
  /** started runs once before the first message. A throw (or rejection) is a start-up failure. */
  started?(ctx: ActorContext): void | Promise<void>;
  /** receive handles one message; see the type's comment for ordering and replies. */
  receive(ctx: ActorContext, msg: M): unknown;
  /** onDown is called for a monitored actor that went away. */
  onDown?(ctx: ActorContext, target: ActorId, reason: DownReason): void;
  /** stopped runs when the actor stops cleanly (not when its worker is killed). */
  stopped?(ctx: ActorContext): void | Promise<void>;
}

/**
 * ActorSpec is how an actor is described in a topology: a kind (registered factory) and plain,
 * serializable params. Hosts build behaviours from specs, so the same spec runs inline or on a
 * worker.
 */
export interface ActorSpec {
  id: ActorId;
  kind: string;
  params?: unknown;
}

/** BehaviorFactory builds a fresh behaviour from its spec's params (also on every restart). */
export type BehaviorFactory = (params: unknown, spec: ActorSpec) => Behavior<any>;

/** ActorRegistry maps a spec kind to its factory. */
export type ActorRegistry = Readonly<Record<string, BehaviorFactory>>;
