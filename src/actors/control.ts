/**
 * Control RPC main → host over comlink, on its own MessageChannel (never the data path:
 * comlink costs a postMessage and a wake-up per call, fine for stats and test hooks only).
 */
import * as Comlink from 'comlink';
import type { HostStats } from './host.js';

/** HostProcessStats adds the thread's memory and CPU to a host's counters. */
export interface HostProcessStats extends HostStats {
  /** rssBytes is the whole process's RSS (shared by all threads). */
  rssBytes: number;
  /** heapUsedBytes is this thread's V8 heap. */
  heapUsedBytes: number;
  /** cpuUserMicros/cpuSystemMicros: process-wide CPU (Node 20 has no per-thread counter). */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  /** eventLoopUtilization over the host's lifetime, in [0, 1]. */
  eventLoopUtilization: number;
}

/** HostControl is the API a worker host exposes to main through comlink. */
export interface HostControl {
  stats(): HostProcessStats;
  /** ping resolves when the host's event loop answered; for readiness probes and tests. */
  ping(): string;
}

/** NodePortLike is the part of a node MessagePort comlink needs. */
export interface NodePortLike {
  postMessage(value: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', fn: (data: unknown) => void): unknown;
  off(event: 'message', fn: (data: unknown) => void): unknown;
  start?(): void;
}

type ComlinkEndpoint = Parameters<typeof Comlink.wrap>[0];
type Handler = ((ev: { data: unknown }) => void) | { handleEvent(ev: { data: unknown }): void };

/** nodeEndpoint adapts a node MessagePort to comlink's DOM-style Endpoint (comlink's node-adapter has no NodeNext types). */
export function nodeEndpoint(port: NodePortLike): ComlinkEndpoint {
  const listeners = new Map<Handler, (data: unknown) => void>();
  const ep = {
    postMessage: (m: unknown, t?: readonly unknown[]) => port.postMessage(m, t),
    addEventListener(_type: string, h: Handler) {
      const l = (data: unknown): void => (typeof h === 'function' ? h({ data }) : h.handleEvent({ data }));
      listeners.set(h, l);
      port.on('message', l);
    },
    removeEventListener(_type: string, h: Handler) {
      const l = listeners.get(h);
      if (!l) return;
      port.off('message', l);
      listeners.delete(h);
    },
    start: port.start ? () => port.start!() : undefined,
  };
  return ep as unknown as ComlinkEndpoint;
}

/** exposeControl serves a HostControl on a port (worker side). */
export function exposeControl(control: HostControl, port: NodePortLike): void {
  Comlink.expose(control, nodeEndpoint(port));
}

/** wrapControl returns a proxy to a worker's HostControl (main side). */
export function wrapControl(port: NodePortLike): Comlink.Remote<HostControl> {
  return Comlink.wrap<HostControl>(nodeEndpoint(port));
}
