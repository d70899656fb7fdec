/**
 * Fabric is main's view of which hosts are up and how they are linked. Every host gets a link
 * to every other live host and to `$main`:
 *
 *   inline mode:  InlineLinks between hosts on the one thread
 *   worker mode:  a MessageChannel per pair of workers (worker → worker traffic never hops
 *                 through main), created when the later of the two starts; both ends get their
 *                 port in a PEER_UP control message. Main ⇄ worker data uses the worker's own port.
 *
 * detach() is peer-down: every other host rejects asks in flight to it, fires monitors and
 * drops the link with its codec state.
 */
import { MessageChannel } from 'node:worker_threads';
import { C_PEER_DOWN, C_PEER_UP, MAIN_HOST, type ControlMessage, type PeerDownReason } from './envelope.js';
import type { Host } from './host.js';
import { InlineLink, type PortLink } from './transport.js';
import type { HostProcessStats } from './control.js';
import type { Child } from './supervisor.js';

/** HostChild is a supervised host (a worker or an inline host) that can report stats. */
export interface HostChild extends Child {
  stats(): Promise<HostProcessStats>;
}

/** ControlPort is how main sends control messages to a worker (Worker.postMessage). */
export interface ControlPort {
  postMessage(msg: ControlMessage, transfer?: readonly Transferable[]): void;
}

type Transferable = import('node:worker_threads').TransferListItem;

/** Fabric: see the module comment. */
export class Fabric {
  private readonly inline = new Map<string, Host>();
  private readonly workers = new Map<string, ControlPort>();

  constructor(readonly main: Host) {}

  /** attachInline links an inline host with main and every live inline host. */
  attachInline(name: string, host: Host): void {
    this.detach(name, 'worker-exit');
    for (const [other, h] of this.inline) {
      h.addLink(name, new InlineLink(host));
      host.addLink(other, new InlineLink(h));
    }
    this.main.addLink(name, new InlineLink(host));
    host.addLink(MAIN_HOST, new InlineLink(this.main));
    this.inline.set(name, host);
  }

  /** attachWorker links a new worker with main (through mainLink) and with every live worker. */
  attachWorker(name: string, worker: ControlPort, mainLink: PortLink): void {
    this.detach(name, 'worker-exit');
    for (const [other, w] of this.workers) {
      const { port1, port2 } = new MessageChannel();
      w.postMessage([C_PEER_UP, name, port1], [port1]);
      worker.postMessage([C_PEER_UP, other, port2], [port2]);
    }
    this.main.addLink(name, mainLink);
    this.workers.set(name, worker);
  }

  /** detach is peer-down for `name`; idempotent. */
  detach(name: string, reason: PeerDownReason): void {
    const wasInline = this.inline.delete(name);
    const wasWorker = this.workers.delete(name);
    if (!wasInline && !wasWorker) return;
    this.main.removeLink(name, reason);
    for (const h of this.inline.values()) h.removeLink(name, reason);
    for (const w of this.workers.values()) w.postMessage([C_PEER_DOWN, name, reason]);
  }

  /** isUp reports whether a host is attached. */
  isUp(name: string): boolean {
    return this.inline.has(name) || this.workers.has(name);
  }
}
