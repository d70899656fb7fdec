/**
 * Host runs many actors on one thread: a run queue, routing to peer hosts, asks, timers and
 * monitors. It is thread-agnostic — it only sees {@link Link}s — so the same code runs inside a
 * worker (runHost) and as several "virtual" hosts on one thread (inline mode).
 *
 *   tell(to) ─index[to]─┬─ this host ─▶ run queue ─(setImmediate drain, budget)─▶ receive()
 *                       └─ peer host ─▶ links[peer] ─(one flat batch per tick)─▶ peer.deliver()
 *
 * The run queue (run-queue.ts) is a ring of tagged slots like a Batch, so a local tell
 * allocates nothing and a batch is copied in slot by slot.
 */
import { clearTimers, makeContext, type Cell, type HostOps } from './actor-context.js';
import { ASK, ERROR, FAULT, REPLY, TELL, type Batch, type PeerDownReason } from './envelope.js';
import { ActorNotFoundError, AskTimeoutError, InvariantError, WorkerDiedError, deserializeError, serializeError, type SerializedError } from './errors.js';
import { MonitorTable } from './monitors.js';
import { SeededRng } from './rng.js';
import { RunQueue } from './run-queue.js';
import type { Link } from './transport.js';
import type { ActorId, ActorRegistry, ActorSpec, AskOptions, Clock, DownReason, Logger, Rng, TimerHandle } from './types.js';

export type { Link } from './transport.js';

/** HostOptions configures a Host. */
export interface HostOptions {
  name: string;
  actors: ActorSpec[];
  /** routes maps every actor id of the system to its host name: the same table, in the same order, on every host. */
  routes: ReadonlyMap<ActorId, string>;
  registry: ActorRegistry;
  clock: Clock;
  /** rng: a SeededRng is forked per actor (deterministic mode); any other Rng is shared. */
  rng: Rng;
  log: Logger;
  /** onCrash is called once when an actor crashes the host (tell throw, InvariantError). */
  onCrash(err: unknown): void;
  /** budget is how many queue items one drain turn may dispatch before yielding to I/O (1024). */
  budget?: number;
  /**
   * scheduler runs a drain turn "soon" (setImmediate unless set). The deterministic simulator
   * passes its own, so it decides the order in which hosts drain.
   */
  scheduler?: (fn: () => void) => void;
  /** tracer sees every message dispatched to a local actor (simulation traces); off when unset. */
  tracer?: (host: string, to: ActorId, msg: unknown) => void;
}

/**
 * LinkFault is chaos on a host's inbound links: every batch arriving is held `delayMs` (FIFO is
 * kept: one delay for all), and each tell or ask in it is dropped with probability `dropRate`.
 */
export interface LinkFault {
  delayMs?: number;
  dropRate?: number;
}

/** HostStats is a snapshot of a host's counters. */
export interface HostStats {
  host: string;
  actors: number;
  mailboxDepth: number;
  /** msgsIn: queue items handled (tells, asks, replies, downs; local and remote). */
  msgsIn: number;
  /** msgsOut: envelopes handed to links (remote only). */
  msgsOut: number;
  deadLetters: number;
  pendingAsks: number;
}

interface PendingAsk {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: TimerHandle;
  target: ActorId;
  host: string;
}

/** DOWN is a host-internal queue item: DOWN, watcher, target, reason, 0. */
const DOWN = 9;
const DEFAULT_BUDGET = 1024;

/** Host: see the module comment. One instance per incarnation; after crash/teardown it is dead. */
export class Host implements HostOps {
  readonly name: string;
  private readonly routes: ReadonlyMap<ActorId, string>;
  /** index: actor id → position in the routing table; ids/hostOf/cellAt are indexed by it. */
  private readonly index = new Map<ActorId, number>();
  private readonly ids: ActorId[] = [];
  private readonly hostOf: string[] = [];
  private readonly cellAt: (Cell | undefined)[] = [];
  /** linkAt: the link to each actor's host, or undefined (local, or its host is down). */
  private readonly linkAt: (Link | undefined)[] = [];
  private readonly cells: Cell[] = [];
  private readonly links = new Map<string, Link>();
  private readonly asks = new Map<number, PendingAsk>();
  private readonly monitors = new MonitorTable();
  private readonly rq = new RunQueue();
  private scheduled = false;
  private draining = false;
  private lastTo: ActorId | undefined;
  private lastIdx = 0;
  private running = false;
  private dead = false;
  private askSeq = 0;
  /** tracer: opts.tracer in a field, so an untraced dispatch pays one field check. */
  private readonly tracer: HostOptions['tracer'];
  /** fault: inbound chaos (see LinkFault); undefined in normal runs, so deliver() pays one check. */
  private fault: LinkFault | undefined;
  private readonly budget: number;
  private msgsIn = 0;
  private msgsOut = 0;
  private deadLetters = 0;

  constructor(private readonly opts: HostOptions) {
    this.name = opts.name;
    this.routes = opts.routes;
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    this.tracer = opts.tracer;
    for (const [id, host] of opts.routes) {
      this.index.set(id, this.ids.length);
      this.ids.push(id);
      this.hostOf.push(host);
    }
    // Filled, not holey: reading a hole walks the prototype chain on every tell.
    for (let i = 0; i < this.ids.length; i++) {
      this.cellAt.push(undefined);
      this.linkAt.push(undefined);
    }
  }

  /** start builds every actor from the registry and runs started() in spec order; rejects on failure. */
  async start(): Promise<void> {
    const seeded = this.opts.rng instanceof SeededRng ? this.opts.rng : undefined;
    for (const spec of this.opts.actors) {
      const factory = this.opts.registry[spec.kind];
      if (!factory) throw new InvariantError(`host ${this.name}: no factory for kind ${spec.kind} (actor ${spec.id})`);
      const idx = this.index.get(spec.id);
      if (idx === undefined || this.hostOf[idx] !== this.name) throw new InvariantError(`host ${this.name}: actor ${spec.id} is not routed here`);
      if (this.cellAt[idx]) throw new InvariantError(`host ${this.name}: duplicate actor ${spec.id}`);
      const cell: Cell = { id: spec.id, idx, behavior: factory(spec.params, spec), ctx: undefined as never, timers: new Map() };
      cell.ctx = makeContext(cell, this, this.opts.clock, seeded ? seeded.fork() : this.opts.rng, this.opts.log.child({ actor: spec.id }));
      this.cells.push(cell);
      this.cellAt[idx] = cell;
    }
    // The host runs its queue while started() hooks are pending, so a hook may ask other actors
    // (the apiserver lists the store before it serves): replies and already-started actors are
    // served at once, and messages for an actor still starting wait in its cell until it is up.
    for (const cell of this.cells) cell.pending = [];
    this.running = true;
    this.schedule();
    await Promise.all(
      this.cells.map(async (cell) => {
        await cell.behavior.started?.(cell.ctx);
        const pending = cell.pending ?? [];
        cell.pending = undefined;
        if (this.dead) return;
        for (const p of pending) {
          if (p.replyHost === undefined) this.dispatchTell(cell.idx, p.msg);
          else this.dispatchAsk(cell.idx, p.msg, p.id!, p.replyHost);
        }
      }),
    );
  }

  /** addLink makes a peer host reachable (peer-up) and fires monitors deferred while it was down. */
  addLink(peer: string, link: Link): void {
    this.links.get(peer)?.close();
    this.links.set(peer, link);
    this.setLinkAt(peer, link);
    for (const d of this.monitors.hostUp(peer)) this.down(d.watcher, d.target, 'not-found');
  }

  /**
   * removeLink handles peer-down: asks in flight to that host reject with WorkerDiedError,
   * monitors of its actors fire, and the link (with its codec state) is dropped.
   */
  removeLink(peer: string, reason: PeerDownReason): void {
    const link = this.links.get(peer);
    if (!link) return;
    link.close();
    this.links.delete(peer);
    this.setLinkAt(peer, undefined);
    for (const [id, p] of this.asks) {
      if (p.host !== peer) continue;
      this.asks.delete(id);
      this.opts.clock.clearTimeout(p.timer);
      p.reject(new WorkerDiedError(p.target, peer));
    }
    for (const d of this.monitors.hostDown(peer, (t) => this.routes.get(t))) this.down(d.watcher, d.target, reason);
  }

  private setLinkAt(peer: string, link: Link | undefined): void {
    for (let i = 0; i < this.hostOf.length; i++) if (this.hostOf[i] === peer) this.linkAt[i] = link;
  }

  /** hasLink reports whether a peer host is currently up from this host's point of view. */
  hasLink(peer: string): boolean {
    return this.links.has(peer);
  }

  /** setFault turns inbound chaos on (or off with undefined) for batches delivered from now on. */
  setFault(fault: LinkFault | undefined): void {
    const on = fault && ((fault.delayMs ?? 0) > 0 || (fault.dropRate ?? 0) > 0);
    this.fault = on ? { ...fault } : undefined;
  }

  /** sendFault tells a peer host to set (or lift, with undefined) its inbound link fault. */
  sendFault(peer: string, fault: LinkFault | undefined): boolean {
    const link = this.links.get(peer);
    if (!link) return false;
    link.fault(fault ?? null);
    return true;
  }

  /** deliver takes a batch from a link and queues it; replies settle in queue order too. */
  deliver(b: Batch): void {
    if (this.dead) return;
    // A FAULT batch is control and travels alone: it is never itself delayed or dropped.
    if (b[0] === FAULT) return this.setFault((b[1] as LinkFault | null) ?? undefined);
    if (this.fault) {
      const f = this.fault;
      const batch = (f.dropRate ?? 0) > 0 ? this.dropSome(b, f.dropRate!) : b;
      if ((f.delayMs ?? 0) > 0) {
        // Batches are delivered in arrival order: one delay for all, and the clock fires equal
        // delays in creation order. Bypass the fault on redelivery.
        this.opts.clock.setTimeout(() => this.deliverNow(batch), f.delayMs!);
        return;
      }
      return this.deliverNow(batch);
    }
    this.deliverNow(b);
  }

  /** dropSome copies a batch without the tells/asks that the dice drop (replies always pass). */
  private dropSome(b: Batch, rate: number): Batch {
    const out: Batch = [];
    const rng = this.opts.rng;
    for (let i = 0; i < b.length; ) {
      const tag = b[i];
      if (tag === TELL) {
        const to = b[i + 1];
        const end = i + 3 + (b[i + 2] as number);
        const kept: unknown[] = [];
        for (let k = i + 3; k < end; k++) if (rng.next() >= rate) kept.push(b[k]);
        if (kept.length > 0) out.push(TELL, to, kept.length, ...kept);
        i = end;
      } else if (tag === ASK) {
        if (rng.next() >= rate) out.push(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4]);
        i += 5;
      } else {
        out.push(b[i], b[i + 1], b[i + 2]);
        i += 3;
      }
    }
    return out;
  }

  private deliverNow(b: Batch): void {
    if (this.dead) return;
    const rq = this.rq;
    for (let i = 0; i < b.length; ) {
      switch (b[i]) {
        case TELL: {
          // A TELL group becomes one 3-slot queue item per message.
          const to = b[i + 1];
          const end = i + 3 + (b[i + 2] as number);
          for (let k = i + 3; k < end; k++) rq.put3(TELL, to, b[k]);
          i = end;
          break;
        }
        case ASK:
          rq.put5(ASK, b[i + 1], b[i + 2], b[i + 3], b[i + 4]);
          i += 5;
          break;
        case REPLY:
        case ERROR:
          rq.put3(b[i], b[i + 1], b[i + 2]);
          i += 3;
          break;
        default:
          this.crash(new InvariantError(`host ${this.name}: corrupt batch, tag ${String(b[i])} at ${i}`), this.name);
          return;
      }
    }
    // Run now rather than a setImmediate later: a batch from a port arrives in its own
    // macrotask, and dispatching at once lets the replies and credits it causes leave sooner.
    if (this.running && !this.draining) this.drain();
    else this.schedule();
  }

  /** tell sends msg to `to` (FIFO per sender); undeliverable tells count as dead letters. */
  tell(to: ActorId, msg: unknown): void {
    // Bursts go to one target: remember the last lookup (a string compare beats a map lookup).
    let idx: number | undefined;
    if (to === this.lastTo) idx = this.lastIdx;
    else {
      idx = this.index.get(to);
      if (idx === undefined) {
        this.deadLetters++;
        return;
      }
      this.lastTo = to;
      this.lastIdx = idx;
    }
    const link = this.linkAt[idx];
    if (link) {
      this.msgsOut++;
      link.tell(idx, msg);
    } else if (this.hostOf[idx] === this.name) {
      if (this.dead) return; // e.g. an async receive still sending after its host was killed
      this.rq.put3(TELL, idx, msg);
      this.schedule();
    } else this.deadLetters++;
  }

  /** selfTell queues msg for the local actor at idx (timers). */
  selfTell(idx: number, msg: unknown): void {
    if (this.dead) return;
    this.rq.put3(TELL, idx, msg);
    this.schedule();
  }

  /** ask sends msg to `to` and resolves with its reply; see ActorContext.ask for the rejections. */
  ask<R>(to: ActorId, msg: unknown, opts: AskOptions): Promise<R> {
    if (this.dead) return Promise.reject(new WorkerDiedError(to, this.name));
    const idx = this.index.get(to);
    if (idx === undefined) return Promise.reject(new ActorNotFoundError(to));
    const h = this.hostOf[idx];
    const local = h === this.name;
    const link = local ? undefined : this.links.get(h);
    if (local ? !this.cellAt[idx] : !link) return Promise.reject(new ActorNotFoundError(to));
    const id = ++this.askSeq;
    const promise = new Promise<R>((resolve, reject) => {
      const timer = this.opts.clock.setTimeout(() => {
        if (this.asks.delete(id)) reject(new AskTimeoutError(to, opts.timeoutMs));
      }, opts.timeoutMs);
      this.asks.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, target: to, host: h });
      if (link) {
        this.msgsOut++;
        link.ask(idx, msg, id, this.name);
      } else {
        this.rq.put5(ASK, idx, msg, id, this.name);
        this.schedule();
      }
    });
    return promise;
  }

  /** stats returns this host's counters. */
  stats(): HostStats {
    return {
      host: this.name,
      actors: this.cells.length,
      mailboxDepth: this.rq.size,
      msgsIn: this.msgsIn,
      msgsOut: this.msgsOut,
      deadLetters: this.deadLetters,
      pendingAsks: this.asks.size,
    };
  }

  /** stop runs every actor's stopped() hook (reverse start order), then tears down. */
  async stop(): Promise<void> {
    if (this.dead) return;
    this.running = false;
    for (const cell of [...this.cells].reverse()) {
      clearTimers(cell, this.opts.clock);
      try {
        await cell.behavior.stopped?.(cell.ctx);
      } catch (err) {
        this.opts.log.error('actor stopped() failed', { actor: cell.id, err });
      }
    }
    this.teardown();
  }

  /** teardown kills the host without stopped() hooks (the inline analogue of worker.terminate()). */
  teardown(): void {
    if (this.dead) return;
    this.dead = true;
    this.running = false;
    for (const cell of this.cells) clearTimers(cell, this.opts.clock);
    // Asks still waiting here fail like asks to a dead worker (e.g. main's asks during stop()).
    const waiting = [...this.asks.values()];
    this.asks.clear();
    for (const p of waiting) {
      this.opts.clock.clearTimeout(p.timer);
      p.reject(new WorkerDiedError(p.target, this.name));
    }
    for (const l of this.links.values()) l.close();
    this.links.clear();
    this.linkAt.fill(undefined);
    this.rq.clear();
  }

  /** isDead reports whether the host crashed or was torn down. */
  get isDead(): boolean {
    return this.dead;
  }

  private down(watcher: ActorId, target: ActorId, reason: DownReason): void {
    if (this.dead) return;
    this.rq.put5(DOWN, watcher, target, reason, 0); // DOWN takes 5 slots (the last is padding)
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || !this.running) return;
    this.scheduled = true;
    if (this.opts.scheduler) this.opts.scheduler(this.drain);
    else setImmediate(this.drain);
  }

  /** drain dispatches up to `budget` queued items, then yields so I/O and timers can run. */
  private readonly drain = (): void => {
    this.scheduled = false;
    this.draining = true;
    let n = 0;
    // buf/mask are re-read per item: a receive may grow the ring (or a crash tear it down).
    const rq = this.rq;
    for (; n < this.budget && rq.head < rq.tail && this.running; n++) {
      const buf = rq.buf;
      const m = rq.mask;
      const i = rq.head;
      const a = buf[(i + 1) & m];
      const b = buf[(i + 2) & m];
      buf[(i + 2) & m] = undefined; // release the message for GC
      switch (buf[i & m]) {
        case TELL:
          rq.head = i + 3;
          this.dispatchTell(a as number, b);
          break;
        case ASK:
          rq.head = i + 5;
          this.dispatchAsk(a as number, b, buf[(i + 3) & m] as number, buf[(i + 4) & m] as string);
          break;
        case REPLY:
          rq.head = i + 3;
          this.settle(a as number, true, b);
          break;
        case ERROR:
          rq.head = i + 3;
          this.settle(a as number, false, deserializeError(b as SerializedError));
          break;
        case DOWN:
          rq.head = i + 5;
          this.dispatchDown(a as ActorId, b as ActorId, buf[(i + 3) & m] as DownReason);
          break;
        default:
          this.crash(new InvariantError(`host ${this.name}: corrupt run queue, tag ${String(buf[i & m])}`), this.name);
      }
    }
    this.draining = false;
    this.msgsIn += n;
    if (this.dead) return;
    rq.rebase();
    if (rq.size > 0) this.schedule();
  };

  private dispatchTell(idx: number, msg: unknown): void {
    const cell = this.cellAt[idx];
    if (!cell) {
      this.deadLetters++;
      return;
    }
    if (cell.pending) {
      cell.pending.push({ msg });
      return;
    }
    if (this.tracer) this.tracer(this.name, cell.id, msg);
    let r: unknown;
    try {
      r = cell.behavior.receive(cell.ctx, msg);
    } catch (err) {
      this.crash(err, cell.id);
      return;
    }
    if (isThenable(r)) r.then(undefined, (err) => this.crash(err, cell.id));
  }

  private dispatchAsk(idx: number, msg: unknown, id: number, replyHost: string): void {
    const cell = this.cellAt[idx];
    if (!cell) {
      this.replyError(replyHost, id, new ActorNotFoundError(this.ids[idx] ?? `#${idx}`), this.name);
      return;
    }
    if (cell.pending) {
      cell.pending.push({ msg, id, replyHost });
      return;
    }
    if (this.tracer) this.tracer(this.name, cell.id, msg);
    let r: unknown;
    try {
      r = cell.behavior.receive(cell.ctx, msg);
    } catch (err) {
      this.replyError(replyHost, id, err, cell.id);
      return;
    }
    if (isThenable(r)) {
      r.then(
        (v) => this.replyValue(replyHost, id, v),
        (err) => this.replyError(replyHost, id, err, cell.id),
      );
    } else this.replyValue(replyHost, id, r);
  }

  private dispatchDown(watcher: ActorId, target: ActorId, reason: DownReason): void {
    const idx = this.index.get(watcher);
    const cell = idx === undefined ? undefined : this.cellAt[idx];
    if (!cell?.behavior.onDown) return;
    try {
      cell.behavior.onDown(cell.ctx, target, reason);
    } catch (err) {
      this.crash(err, cell.id);
    }
  }

  private replyValue(replyHost: string, id: number, value: unknown): void {
    if (this.dead) return;
    if (replyHost === this.name) return this.settle(id, true, value);
    const link = this.links.get(replyHost);
    if (!link) {
      this.deadLetters++; // the asker's host is gone: nobody is waiting any more
      return;
    }
    this.msgsOut++;
    link.reply(id, value);
  }

  private replyError(replyHost: string, id: number, err: unknown, actor: ActorId): void {
    if (this.dead) return;
    // A local asker gets the very error object; a remote one gets it rebuilt from the wire form.
    if (replyHost === this.name) this.settle(id, false, err);
    else {
      const link = this.links.get(replyHost);
      if (link) {
        this.msgsOut++;
        link.error(id, serializeError(err));
      } else this.deadLetters++;
    }
    if (err instanceof InvariantError) this.crash(err, actor);
  }

  private settle(id: number, ok: boolean, value: unknown): void {
    const p = this.asks.get(id);
    if (!p) return; // timed out already, or the host was torn down
    this.asks.delete(id);
    this.opts.clock.clearTimeout(p.timer);
    if (ok) p.resolve(value);
    else p.reject(value);
  }

  private crash(err: unknown, actor: ActorId): void {
    if (this.dead) return;
    this.opts.log.error('actor crashed its host', { host: this.name, actor, err });
    // Best effort: what the host already said (e.g. the error reply to the ask that broke an
    // invariant) should reach its peers before they hear that the host is gone.
    for (const l of this.links.values()) l.flush();
    this.teardown();
    this.opts.onCrash(err);
  }

  /** monitor: see ActorContext.monitor; a target on a down host is reported when it is back. */
  monitor(watcher: ActorId, target: ActorId): void {
    const idx = this.index.get(target);
    const h = idx === undefined ? undefined : this.hostOf[idx];
    if (h === undefined || (h === this.name && !this.cellAt[idx!])) {
      this.down(watcher, target, 'not-found');
      return;
    }
    if (h !== this.name && !this.links.has(h)) {
      // Down right now: tell the watcher when the host is back, so it can re-attach.
      this.monitors.defer(h, watcher, target);
      return;
    }
    this.monitors.add(watcher, target);
  }

  /** demonitor removes a monitor (live or deferred); idempotent. */
  demonitor(watcher: ActorId, target: ActorId): void {
    this.monitors.remove(watcher, target, this.routes.get(target));
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
