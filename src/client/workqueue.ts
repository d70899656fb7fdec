/**
 * WorkQueue with client-go semantics (workqueue.RateLimitingInterface):
 *
 *   add(k) ──▶ dirty ∪ queue ──get()──▶ processing ──done(k)──▶ (re-queued if dirty again)
 *
 * - a key is in the queue at most once (dirty set), and never handed to two workers at once
 *   (processing set): an add while k is processing marks it dirty and re-delivers it once after
 *   done(k);
 * - addAfter(k, ms) delays on the injected clock (earliest deadline wins for a waiting key);
 * - addRateLimited(k) delays by the per-item exponential backoff (5 ms · 2^n, capped at 1000 s)
 *   until forget(k).
 */
import type { Clock, TimerHandle } from '../actors/types.js';

/** RateLimiter decides how long an item waits before it is retried. */
export interface RateLimiter<K> {
  /** when returns the delay for the next retry of item (and counts the retry). */
  when(item: K): number;
  /** forget resets item's retry history (after a success). */
  forget(item: K): void;
  /** numRequeues is how many retries item has had since the last forget. */
  numRequeues(item: K): number;
}

/** ItemExponentialRateLimiter: base·2^n per item, capped (client-go: 5 ms → 1000 s). */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}
  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 62));
  }
  forget(item: K): void {
    this.failures.delete(item);
  }
  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** WorkQueueOptions configure a WorkQueue. */
export interface WorkQueueOptions<K> {
  clock: Clock;
  rateLimiter?: RateLimiter<K>;
  name?: string;
}

/** WorkQueue is a rate-limited, delaying, de-duplicating queue of keys; see the file comment. */
export class WorkQueue<K = string> {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  readonly name: string;
  private queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { at: number; handle: TimerHandle }>();
  private readonly getters: ((k: K | undefined) => void)[] = [];
  private shutdown = false;

  constructor(opts: WorkQueueOptions<K>) {
    this.clock = opts.clock;
    this.limiter = opts.rateLimiter ?? new ItemExponentialRateLimiter<K>();
    this.name = opts.name ?? 'queue';
  }

  /** add queues item unless it is already queued; while it is processing it is re-queued after done. */
  add(item: K): void {
    if (this.shutdown || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(item);
      this.processing.add(item);
      getter(item);
      return;
    }
    this.queue.push(item);
  }

  /** addAfter adds item after delayMs of clock time; a sooner deadline replaces a later one. */
  addAfter(item: K, delayMs: number): void {
    if (this.shutdown) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const at = this.clock.now() + delayMs;
    const prev = this.waiting.get(item);
    if (prev && prev.at <= at) return;
    if (prev) this.clock.clearTimeout(prev.handle);
    const handle = this.clock.setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { at, handle });
  }

  /** addRateLimited re-adds item after its rate limiter's backoff (a failed reconcile). */
  addRateLimited(item: K): void {
    this.addAfter(item, this.limiter.when(item));
  }

  /** forget clears item's backoff history (a successful reconcile). It does not dequeue. */
  forget(item: K): void {
    this.limiter.forget(item);
  }

  /** numRequeues is item's number of rate-limited retries since the last forget. */
  numRequeues(item: K): number {
    return this.limiter.numRequeues(item);
  }

  /** tryGet takes the next item without waiting; undefined when empty. Call done(item) after. */
  tryGet(): K | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  /** get resolves with the next item, or undefined once the queue is shut down. Call done(item) after. */
  get(): Promise<K | undefined> {
    const item = this.tryGet();
    if (item !== undefined) return Promise.resolve(item);
    if (this.shutdown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** done marks item processed; if it was added meanwhile it is queued again (once). */
  done(item: K): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.dirty.delete(item);
      this.add(item);
    }
  }

  /** len is the number of items ready to be taken (not processing, not waiting). */
  len(): number {
    return this.queue.length - this.head;
  }

  /** waitingLen is the number of items waiting for a delay. */
  waitingLen(): number {
    return this.waiting.size;
  }

  /** isProcessing: item was handed out and done() was not called yet. */
  isProcessing(item: K): boolean {
    return this.processing.has(item);
  }

  /** shutDown stops accepting adds, cancels delays and releases blocked get() calls with undefined. */
  shutDown(): void {
    this.shutdown = true;
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.handle);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  /** shuttingDown reports whether shutDown was called. */
  shuttingDown(): boolean {
    return this.shutdown;
  }
}
