/**
 * Test actors for the runtime's own tests and examples (compiled, so real workers can import
 * them). Nothing here is Kubernetes.
 */
import { InvariantError, registerErrorCodec } from './errors.js';
import type { ActorContext, ActorId, ActorRegistry, Behavior, DownReason } from './types.js';

/** TestMsg is the protocol of the test actors. */
export type TestMsg =
  | { type: 'echo'; value: unknown }
  | { type: 'record'; value: unknown }
  | { type: 'log' }
  | { type: 'fail'; message: string }
  | { type: 'fail-teapot'; message: string }
  | { type: 'invariant' }
  | { type: 'crash' }
  | { type: 'never' }
  | { type: 'send'; to: ActorId; count: number }
  | { type: 'forward'; to: ActorId; msg: unknown }
  | { type: 'ask'; to: ActorId; msg: unknown; timeoutMs: number }
  | { type: 'monitor'; target: ActorId }
  | { type: 'downs' }
  | { type: 'starts' }
  | { type: 'rand' }
  | { type: 'timer'; key: string; delayMs: number; repeat?: boolean; value: unknown }
  | { type: 'cancel'; key: string }
  | { type: 'spin' };

/** TeapotError is a registered error class used to test that classes survive a thread hop. */
export class TeapotError extends Error {
  override readonly name = 'TeapotError';
  constructor(
    message: string,
    readonly code = 418,
    readonly pot = 'earl grey',
  ) {
    super(message);
  }
}
registerErrorCodec<TeapotError>({
  name: 'TeapotError',
  toData: (e) => ({ code: e.code, pot: e.pot }),
  fromData: (d, m) => new TeapotError(m, (d as TeapotError).code, (d as TeapotError).pot),
});

/** starts counts started() calls per actor id in this thread (restart tests). */
const starts = new Map<ActorId, number>();

/** probe is a do-everything actor driven by TestMsg; it records what it receives. */
export function probe(params: unknown): Behavior<TestMsg> {
  const p = (params ?? {}) as { failStart?: boolean };
  const seen: unknown[] = [];
  const downs: { target: ActorId; reason: DownReason }[] = [];
  return {
    started(ctx: ActorContext) {
      if (p.failStart) throw new Error(`${ctx.self} refuses to start`);
      starts.set(ctx.self, (starts.get(ctx.self) ?? 0) + 1);
    },
    receive(ctx, msg) {
      switch (msg.type) {
        case 'echo':
          return msg.value;
        case 'record':
          seen.push(msg.value);
          return undefined;
        case 'log':
          return seen;
        case 'fail':
          throw new Error(msg.message);
        case 'fail-teapot':
          throw new TeapotError(msg.message);
        case 'invariant':
          throw new InvariantError('probe invariant broken');
        case 'crash':
          throw new Error('probe crash');
        case 'never':
          return new Promise(() => {});
        case 'send':
          for (let i = 0; i < msg.count; i++) ctx.tell(msg.to, { type: 'record', value: `${ctx.self}:${i}` });
          return msg.count;
        case 'forward':
          ctx.tell(msg.to, msg.msg);
          return undefined;
        case 'ask':
          return ctx.ask(msg.to, msg.msg, { timeoutMs: msg.timeoutMs });
        case 'monitor':
          ctx.monitor(msg.target);
          return undefined;
        case 'downs':
          return downs;
        case 'starts':
          return starts.get(ctx.self) ?? 0;
        case 'rand':
          return ctx.rng.next();
        case 'timer':
          ctx.setTimer(msg.key, msg.delayMs, { type: 'record', value: msg.value }, { repeat: msg.repeat });
          return undefined;
        case 'cancel':
          ctx.cancelTimer(msg.key);
          return undefined;
        case 'spin':
          for (;;); // wedge the thread: only a heartbeat can tell

        default:
          return assertNever(msg);
      }
    },
    onDown(_ctx, target, reason) {
      downs.push({ target, reason });
    },
  };
}

function assertNever(x: never): never {
  throw new InvariantError(`unexpected message ${JSON.stringify(x)}`);
}

/** registry exports the test actors for hosts: kind 'probe'. */
export const registry: ActorRegistry = { probe };
