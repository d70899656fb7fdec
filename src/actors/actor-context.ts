/**
 * The per-actor state a host keeps (Cell) and the ActorContext it hands to behaviours.
 */
import type { ActorContext, ActorId, AskOptions, Behavior, Clock, Logger, Rng, TimerHandle } from './types.js';

/** Cell is one actor inside a host: behaviour, context, routing-table index and live timers. */
export interface Cell {
  id: ActorId;
  idx: number;
  behavior: Behavior<unknown>;
  ctx: ActorContext;
  timers: Map<string, TimerHandle>;
  /**
   * pending buffers the tells and asks that arrive while started() is still running (in arrival
   * order); they are dispatched as soon as it resolves. Undefined once the actor is started.
   */
  pending?: PendingMsg[];
}

/** PendingMsg is a tell (id undefined) or an ask held back until its actor has started. */
export interface PendingMsg {
  msg: unknown;
  id?: number;
  replyHost?: string;
}

/** HostOps is what a context needs from its host. */
export interface HostOps {
  tell(to: ActorId, msg: unknown): void;
  ask<R>(to: ActorId, msg: unknown, opts: AskOptions): Promise<R>;
  /** selfTell queues msg for the actor at idx (timer fire). */
  selfTell(idx: number, msg: unknown): void;
  monitor(watcher: ActorId, target: ActorId): void;
  demonitor(watcher: ActorId, target: ActorId): void;
}

/** makeContext builds the ActorContext of a cell. Timers live in cell.timers and die with it. */
export function makeContext(cell: Cell, host: HostOps, clock: Clock, rng: Rng, log: Logger): ActorContext {
  return {
    self: cell.id,
    clock,
    rng,
    log,
    tell: (to, msg) => host.tell(to, msg),
    ask: (to, msg, opts) => host.ask(to, msg, opts),
    setTimer(key, delayMs, msg, opts) {
      const old = cell.timers.get(key);
      if (old !== undefined) clock.clearTimeout(old);
      const fire = (): void => {
        if (opts?.repeat) cell.timers.set(key, clock.setTimeout(fire, delayMs));
        else cell.timers.delete(key);
        host.selfTell(cell.idx, msg);
      };
      cell.timers.set(key, clock.setTimeout(fire, delayMs));
    },
    cancelTimer(key) {
      const t = cell.timers.get(key);
      if (t === undefined) return;
      clock.clearTimeout(t);
      cell.timers.delete(key);
    },
    monitor: (target) => host.monitor(cell.id, target),
    demonitor: (target) => host.demonitor(cell.id, target),
  };
}

/** clearTimers cancels every timer of a cell. */
export function clearTimers(cell: Cell, clock: Clock): void {
  for (const t of cell.timers.values()) clock.clearTimeout(t);
  cell.timers.clear();
}
