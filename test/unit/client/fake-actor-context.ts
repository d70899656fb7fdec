/**
 * A one-thread ActorContext for client and controller tests: asks go to a handler function,
 * tells are recorded, monitors are recorded. Not a runtime: no mailbox, no workers.
 */
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { ActorContext, Logger, TimerHandle } from '../../../src/actors/types.js';

export const silentLog: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLog;
  },
};

export interface TestContext extends ActorContext {
  clock: SimClock;
  asks: { to: string; msg: unknown; timeoutMs: number }[];
  tells: { to: string; msg: unknown }[];
  monitors: string[];
  timers: Map<string, { delayMs: number; msg: unknown; repeat: boolean }>;
  /** onTimer, when set, receives timer messages when they fire on ctx.clock (wire it to behavior.receive). */
  onTimer?: (msg: unknown) => void;
}

export function testContext(self: string, onAsk: (to: string, msg: unknown) => unknown = () => undefined): TestContext {
  const handles = new Map<string, TimerHandle>();
  const ctx: TestContext = {
    self,
    clock: new SimClock(),
    rng: new SeededRng(7),
    log: silentLog,
    asks: [],
    tells: [],
    monitors: [],
    timers: new Map(),
    tell(to, msg) {
      ctx.tells.push({ to, msg });
    },
    async ask<R>(to: string, msg: unknown, opts: { timeoutMs: number }): Promise<R> {
      ctx.asks.push({ to, msg, timeoutMs: opts.timeoutMs });
      return (await onAsk(to, msg)) as R;
    },
    setTimer(key, delayMs, msg, opts) {
      const old = handles.get(key);
      if (old !== undefined) ctx.clock.clearTimeout(old);
      ctx.timers.set(key, { delayMs, msg, repeat: !!opts?.repeat });
      const fire = (): void => {
        if (opts?.repeat) handles.set(key, ctx.clock.setTimeout(fire, delayMs));
        else {
          handles.delete(key);
          ctx.timers.delete(key);
        }
        ctx.onTimer?.(msg);
      };
      handles.set(key, ctx.clock.setTimeout(fire, delayMs));
    },
    cancelTimer(key) {
      const h = handles.get(key);
      if (h !== undefined) ctx.clock.clearTimeout(h);
      handles.delete(key);
      ctx.timers.delete(key);
    },
    monitor(target) {
      ctx.monitors.push(target);
    },
    demonitor() {},
  };
  return ctx;
}
