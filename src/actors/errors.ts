/**
 * Named errors of the actor runtime, and how any error crosses a thread.
 *
 * Errors are serialized on purpose as {name, message, reason, code, data} and rebuilt on the
 * other side as the registered class of that name (see registerErrorClass), so `instanceof`
 * works for callers whether the actor that threw ran inline or on another worker.
 */

/** AskTimeoutError: no reply within the ask's timeout. */
export class AskTimeoutError extends Error {
  override readonly name = 'AskTimeoutError';
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`ask to ${target} timed out after ${timeoutMs} ms`);
  }
}

/** WorkerDiedError: the host of the asked actor died (or was killed) before replying. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
  constructor(
    readonly target: string,
    readonly worker: string,
  ) {
    super(`worker ${worker} hosting ${target} died before replying`);
  }
}

/** ActorNotFoundError: no actor with this id exists, or its host is not up right now. */
export class ActorNotFoundError extends Error {
  override readonly name = 'ActorNotFoundError';
  constructor(readonly target: string) {
    super(`no actor ${target} is running`);
  }
}

/**
 * InvariantError: something that must never happen did. Thrown inside an actor it crashes the
 * host; the supervisor restarts it and state comes back from the store or a re-list.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** StartupError: a host or actor failed before it reported ready. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** SerializedError is the wire form of any error. */
export interface SerializedError {
  name: string;
  message: string;
  reason?: string;
  code?: number;
  /** data carries a registered class's own fields (see ErrorClass.fromData). */
  data?: unknown;
  stack?: string;
}

/** ErrorClass lets a domain module make its errors survive a thread hop. */
export interface ErrorCodec<E extends Error = Error> {
  name: string;
  toData(err: E): unknown;
  fromData(data: unknown, message: string): E;
}

const codecs = new Map<string, ErrorCodec<any>>();

/** registerErrorCodec makes errors named codec.name round-trip as their class. */
export function registerErrorCodec<E extends Error>(codec: ErrorCodec<E>): void {
  codecs.set(codec.name, codec);
}

registerErrorCodec<AskTimeoutError>({
  name: 'AskTimeoutError',
  toData: (e) => ({ target: e.target, timeoutMs: e.timeoutMs }),
  fromData: (d) => {
    const x = d as { target: string; timeoutMs: number };
    return new AskTimeoutError(x.target, x.timeoutMs);
  },
});
registerErrorCodec<WorkerDiedError>({
  name: 'WorkerDiedError',
  toData: (e) => ({ target: e.target, worker: e.worker }),
  fromData: (d) => {
    const x = d as { target: string; worker: string };
    return new WorkerDiedError(x.target, x.worker);
  },
});
registerErrorCodec<ActorNotFoundError>({
  name: 'ActorNotFoundError',
  toData: (e) => ({ target: e.target }),
  fromData: (d) => new ActorNotFoundError((d as { target: string }).target),
});
registerErrorCodec<InvariantError>({
  name: 'InvariantError',
  toData: () => null,
  fromData: (_d, m) => new InvariantError(m),
});

/** serializeError turns any thrown value into its wire form. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const codec = codecs.get(err.name);
    const e = err as Error & { reason?: unknown; code?: unknown };
    return {
      name: err.name,
      message: err.message,
      reason: typeof e.reason === 'string' ? e.reason : undefined,
      code: typeof e.code === 'number' ? e.code : undefined,
      data: codec ? codec.toData(err) : undefined,
      stack: err.stack,
    };
  }
  return { name: 'Error', message: String(err) };
}

/** RemoteError is what an unregistered error becomes after a thread hop. */
export class RemoteError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly reason?: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** deserializeError rebuilds the registered class, or a RemoteError keeping name and message. */
export function deserializeError(s: SerializedError): Error {
  const codec = codecs.get(s.name);
  const err = codec ? codec.fromData(s.data, s.message) : new RemoteError(s.name, s.message, s.reason, s.code);
  if (s.stack) err.stack = s.stack;
  return err;
}
