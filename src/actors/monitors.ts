/**
 * MonitorTable keeps a host's monitors: live ones (target's host is up) and deferred ones (the
 * watcher monitored while the target's host was down; reported as 'not-found' when it is back).
 */
import type { ActorId } from './types.js';

/** Down is one onDown notification to deliver: watcher learns that target went away. */
export interface Down {
  watcher: ActorId;
  target: ActorId;
}

/** MonitorTable: see the module comment. */
export class MonitorTable {
  /** live: target → watchers. */
  private readonly live = new Map<ActorId, Set<ActorId>>();
  /** deferred: down host → target → watchers. */
  private readonly deferred = new Map<string, Map<ActorId, Set<ActorId>>>();

  /** add registers a live monitor. */
  add(watcher: ActorId, target: ActorId): void {
    let set = this.live.get(target);
    if (!set) this.live.set(target, (set = new Set()));
    set.add(watcher);
  }

  /** defer registers a monitor on a target whose host is down right now. */
  defer(host: string, watcher: ActorId, target: ActorId): void {
    let byTarget = this.deferred.get(host);
    if (!byTarget) this.deferred.set(host, (byTarget = new Map()));
    let set = byTarget.get(target);
    if (!set) byTarget.set(target, (set = new Set()));
    set.add(watcher);
  }

  /** remove drops a monitor, live or deferred; idempotent. */
  remove(watcher: ActorId, target: ActorId, host: string | undefined): void {
    this.live.get(target)?.delete(watcher);
    if (host !== undefined) this.deferred.get(host)?.get(target)?.delete(watcher);
  }

  /** hostUp returns (and forgets) the monitors deferred on that host. */
  hostUp(host: string): Down[] {
    const waiting = this.deferred.get(host);
    if (!waiting) return [];
    this.deferred.delete(host);
    const out: Down[] = [];
    for (const [target, watchers] of waiting) for (const watcher of watchers) out.push({ watcher, target });
    return out;
  }

  /** hostDown returns (and forgets) the live monitors of targets on that host. */
  hostDown(host: string, hostOf: (target: ActorId) => string | undefined): Down[] {
    const out: Down[] = [];
    for (const [target, watchers] of this.live) {
      if (hostOf(target) !== host) continue;
      this.live.delete(target);
      for (const watcher of watchers) out.push({ watcher, target });
    }
    return out;
  }
}
