/**
 * RevisionSequence is the one revision counter of a **split group**: several shards that hold
 * one resource's keys between them (`spec.store.split`, e.g. pods over 3 shards) and must still
 * give that resource a single, monotonic resourceVersion sequence, as Kubernetes requires.
 *
 * It lives in a SharedArrayBuffer that the topology creates once and passes to every shard of the
 * group and to the store clients (actor params reach workers by structured clone, which shares
 * the buffer instead of copying it). A shard takes each write's revision with one atomic add: no
 * message, no round trip, no leader. The buffer belongs to the process, so it outlives a killed
 * shard worker; a restarted shard finds it already past its own revisions.
 *
 *   [0] BigInt64  last revision handed out (1 = an empty group, as an empty etcd)
 *   [8] Int32     bit i set: group member i has recovered and raised the counter to its head
 *
 * A fresh process starts the counter at 1, so no member may hand out a revision before every
 * member has raised it past its recovered head (ready()): otherwise a fast member would reuse
 * revisions a slower one already holds. After that, ready() is immediate for ever, also for a
 * restarted member.
 *
 * Revisions of one member therefore have gaps (the others' revisions), and a revision can be
 * handed out and never published (a txn that wrote nothing, or a write lost with its worker
 * before it was durable): readers never rely on density, only on order.
 */

/** waitAsync is Atomics.waitAsync (Node ≥ 16; typed in TypeScript's ES2024 lib, beyond our ES2023). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, timeoutMs: number): { value: Promise<string> | string } }).waitAsync;

/** SEQUENCE_BYTES is the size of the SharedArrayBuffer a group needs. */
export const SEQUENCE_BYTES = 16;

/** MAX_GROUP_MEMBERS bounds a group (one bit per member in the ready mask). */
export const MAX_GROUP_MEMBERS = 31;

/** newSequenceBuffer allocates the shared state of one split group. */
export function newSequenceBuffer(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(SEQUENCE_BYTES);
  new BigInt64Array(sab, 0, 1)[0] = 1n;
  return sab;
}

/** RevisionSequence: see the module comment. */
export class RevisionSequence {
  private readonly counter: BigInt64Array;
  private readonly mask: Int32Array;
  private readonly all: number;

  constructor(
    sab: SharedArrayBuffer,
    /** members is the group's size (the ready mask needs every bit). */
    readonly members: number,
  ) {
    if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < SEQUENCE_BYTES) throw new TypeError('RevisionSequence needs the SharedArrayBuffer of newSequenceBuffer()');
    if (!Number.isInteger(members) || members < 1 || members > MAX_GROUP_MEMBERS) throw new RangeError(`a split group has 1..${MAX_GROUP_MEMBERS} members, got ${members}`);
    this.counter = new BigInt64Array(sab, 0, 1);
    this.mask = new Int32Array(sab, 8, 1);
    this.all = members === 31 ? 0x7fffffff : (1 << members) - 1;
  }

  /** current is the last revision handed out by any member. */
  current(): number {
    return Number(Atomics.load(this.counter, 0));
  }

  /** next hands out a fresh revision, above every revision handed out before (by any member). */
  next(): number {
    return Number(Atomics.add(this.counter, 0, 1n)) + 1;
  }

  /** join raises the counter to at least `head` (member's recovered head) and marks the member ready. */
  join(member: number, head: number): void {
    if (!Number.isInteger(member) || member < 0 || member >= this.members) throw new RangeError(`split group member ${member} is not in [0, ${this.members})`);
    const target = BigInt(head);
    for (;;) {
      const cur = Atomics.load(this.counter, 0);
      if (cur >= target || Atomics.compareExchange(this.counter, 0, cur, target) === cur) break;
    }
    Atomics.or(this.mask, 0, 1 << member);
    Atomics.notify(this.mask, 0);
  }

  /** isReady: every member has joined since the buffer was created. */
  isReady(): boolean {
    return (Atomics.load(this.mask, 0) & this.all) === this.all;
  }

  /** ready resolves once every member has joined (at once after the first time). */
  async ready(): Promise<void> {
    while (!this.isReady()) {
      const seen = Atomics.load(this.mask, 0);
      if ((seen & this.all) === this.all) return;
      // waitAsync does not block the event loop; the timeout re-checks in case a notify raced.
      await waitAsync(this.mask, 0, seen, 100).value;
    }
  }
}
