/**
 * Links between hosts. Every link batches the envelopes sent during one tick into one flat
 * Batch (see envelope.ts) and hands it over in one go: one postMessage per destination per
 * tick for ports, one deliver() call for inline links.
 *
 * PortLink encodes a batch with msgpackr records in `sequential` mode: each record shape is
 * defined once per channel direction and then referenced by a small id. That state lives in the
 * link; a new channel gets a new link, so codec state is reset together with the channel.
 * The packed bytes are copied to an exact-size Uint8Array: posting pack()'s view would clone
 * msgpackr's whole scratch slab (reference/worker-messaging.md, pitfall 1).
 */
import { Packr, Unpackr } from 'msgpackr';
import { ASK, ERROR, FAULT, REPLY, TELL, type ActorIndex, type Batch } from './envelope.js';
import { InvariantError, type SerializedError } from './errors.js';

/** Link carries envelopes to one peer host, FIFO. Implementations batch per tick. */
export interface Link {
  tell(to: ActorIndex, msg: unknown): void;
  ask(to: ActorIndex, msg: unknown, askId: number, replyHost: string): void;
  reply(askId: number, value: unknown): void;
  error(askId: number, err: SerializedError): void;
  /** flush hands the pending batch over now (before a crash, so last replies get out). */
  flush(): void;
  /** fault sends a FAULT batch (chaos: set or lift the peer's inbound link fault) after what is pending. */
  fault(f: unknown): void;
  /** close drops the link and its codec state; later sends are ignored. */
  close(): void;
}

/** BatchSink is the receiving side of a link (a Host). */
export interface BatchSink {
  deliver(batch: Batch): void;
}

/** BatchingLink collects one tick's envelopes in a flat batch and flushes it on a microtask. */
abstract class BatchingLink implements Link {
  private out: Batch = [];
  private flushing = false;
  protected closed = false;
  /** groupAt: slot of the open TELL group's header in `out` (-1: none); groupTo: its receiver. */
  private groupAt = -1;
  private groupTo = -1;

  tell(to: ActorIndex, msg: unknown): void {
    if (this.closed) return;
    const out = this.out;
    if (to === this.groupTo && this.groupAt >= 0) {
      // Same receiver as the previous envelope: extend its group (one slot per message).
      out.push(msg);
      (out[this.groupAt + 2] as number)++;
    } else {
      this.groupAt = out.length;
      this.groupTo = to;
      out.push(TELL, to, 1, msg);
    }
    this.arm();
  }
  ask(to: ActorIndex, msg: unknown, askId: number, replyHost: string): void {
    if (this.closed) return;
    this.groupAt = -1; // order: later tells must not join a group that precedes this ask
    this.out.push(ASK, to, msg, askId, replyHost);
    this.arm();
  }
  reply(askId: number, value: unknown): void {
    if (this.closed) return;
    this.groupAt = -1;
    this.out.push(REPLY, askId, value);
    this.arm();
  }
  error(askId: number, err: SerializedError): void {
    if (this.closed) return;
    this.groupAt = -1;
    this.out.push(ERROR, askId, err);
    this.arm();
  }

  fault(f: unknown): void {
    if (this.closed) return;
    this.flush();
    this.ship([FAULT, f ?? null]);
  }

  private arm(): void {
    if (this.flushing) return;
    this.flushing = true;
    // A microtask runs after the current macrotask (e.g. a whole drain turn of the sender's run
    // queue), so everything sent in that turn leaves as one batch.
    queueMicrotask(this.flush);
  }

  readonly flush = (): void => {
    this.flushing = false;
    if (this.closed || this.out.length === 0) return;
    const batch = this.out;
    this.out = [];
    this.groupAt = -1;
    this.ship(batch);
  };

  close(): void {
    this.closed = true;
    this.out = [];
  }

  protected abstract ship(batch: Batch): void;
}

/** PortLike is the part of a MessagePort / Worker / parentPort that a PortLink needs. */
export interface PortLike {
  postMessage(value: unknown, transferList?: readonly unknown[]): void;
}

/**
 * channelCodecOptions are the msgpackr options of every data channel (both ends must agree).
 * A fresh object each time: msgpackr stores its structures array INTO the options object, so a
 * shared options constant would make every channel share (and corrupt) one codec state.
 */
export function channelCodecOptions(): { useRecords: true; sequential: true; copyBuffers: true } {
  // copyBuffers: decoded byte strings (store values) get their own memory instead of being views
  // into the whole received batch, which a long-lived store would otherwise keep alive.
  return { useRecords: true, sequential: true, copyBuffers: true };
}

/**
 * PortLink sends batches over a port. The owner of the port feeds incoming Uint8Arrays to
 * receive(); anything else on that port is control and not the link's business.
 */
export class PortLink extends BatchingLink {
  private readonly packr = new Packr(channelCodecOptions());
  private readonly unpackr = new Unpackr(channelCodecOptions());

  constructor(
    private readonly port: PortLike,
    private readonly sink: BatchSink,
  ) {
    super();
  }

  /** receive decodes one batch from the peer and delivers it. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    this.sink.deliver(this.unpackr.unpack(bytes) as Batch);
  }

  protected ship(batch: Batch): void {
    let packed: Uint8Array;
    try {
      packed = this.packr.pack(batch);
    } catch (err) {
      // An unencodable message (symbol, cycle, huge bigint) is a bug, and the channel's
      // sequential codec state may now be out of step with the peer: the link cannot go on.
      this.close();
      throw new InvariantError(`cannot encode a message batch: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.port.postMessage(new Uint8Array(packed));
  }
}

/**
 * InlineLink connects two hosts on the same thread: no codec, the batch of one tick is handed
 * to the peer's deliver(). Messages are not copied, so inline actors must not mutate what they
 * sent (the worker mode would not share it either).
 */
export class InlineLink extends BatchingLink {
  constructor(private readonly peer: BatchSink & { readonly isDead: boolean }) {
    super();
  }

  protected ship(batch: Batch): void {
    if (!this.peer.isDead) this.peer.deliver(batch);
  }
}
