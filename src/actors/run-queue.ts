/**
 * RunQueue is a host's mailbox: one FIFO ring of slots shared by all its actors, holding tagged
 * items like a Batch (TELL 3 slots, ASK 5, REPLY/ERROR 3, DOWN 6). Power-of-two capacity, grows
 * when full, never shrinks. A local tell writes three slots and allocates nothing; a growing JS
 * array with a moving head was ~5× slower per tell (copying, large-object GC).
 *
 *   buf: [ … | TELL 7 msg | ASK 3 msg 12 "w1" | … ]     slot of item k = (head + k) & mask
 *             ^head                      tail^
 *
 * Fields are public on purpose: the host's drain loop reads them directly (the hot path).
 */

const INITIAL_RING = 4096;

/** RunQueue: see the module comment. */
export class RunQueue {
  buf: unknown[] = new Array<unknown>(INITIAL_RING).fill(undefined);
  mask = INITIAL_RING - 1;
  /** head/tail count slots; positions are `& mask`. Kept small by rebase(). */
  head = 0;
  tail = 0;

  /** size is the number of occupied slots. */
  get size(): number {
    return this.tail - this.head;
  }

  put3(a: unknown, b: unknown, c: unknown): void {
    if (this.tail - this.head + 3 > this.buf.length) this.grow(3);
    const buf = this.buf;
    const m = this.mask;
    const t = this.tail;
    buf[t & m] = a;
    buf[(t + 1) & m] = b;
    buf[(t + 2) & m] = c;
    this.tail = t + 3;
  }

  put5(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown): void {
    if (this.tail - this.head + 5 > this.buf.length) this.grow(5);
    const buf = this.buf;
    const m = this.mask;
    const t = this.tail;
    buf[t & m] = a;
    buf[(t + 1) & m] = b;
    buf[(t + 2) & m] = c;
    buf[(t + 3) & m] = d;
    buf[(t + 4) & m] = e;
    this.tail = t + 5;
  }

  /** rebase resets the counters when empty, or subtracts a lap, so they stay small integers. */
  rebase(): void {
    if (this.head === this.tail) this.head = this.tail = 0;
    else if (this.head >= this.buf.length) {
      this.head -= this.buf.length;
      this.tail -= this.buf.length;
    }
  }

  /** clear drops every item (and the references they hold). */
  clear(): void {
    this.buf = new Array<unknown>(INITIAL_RING).fill(undefined);
    this.mask = INITIAL_RING - 1;
    this.head = this.tail = 0;
  }

  /** grow doubles the ring until `extra` more slots fit, keeping the items in order. */
  private grow(extra: number): void {
    const size = this.tail - this.head;
    let cap = Math.max(INITIAL_RING, this.buf.length * 2);
    while (cap < size + extra) cap *= 2;
    const next = new Array<unknown>(cap).fill(undefined);
    for (let i = 0; i < size; i++) next[i] = this.buf[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = cap - 1;
    this.head = 0;
    this.tail = size;
  }
}
