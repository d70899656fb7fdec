/**
 * SchedulingQueue (scheduling_queue.go): pending pods wait in one of three places.
 *
 *   activeQ        heap: higher spec.priority first, then older first  → pop()
 *   backoffQ       heap by backoff expiry (1 s · 2^(attempts−1), max 10 s) → activeQ on flush()
 *   unschedulable  map: retried when the cluster changes (moveAllToActiveOrBackoff) or after 5 min
 *
 * Entries are never removed from heaps in place: a map of current entries makes stale heap
 * items (deleted, updated, moved) skip themselves on pop (lazy deletion).
 */
import type { Pod } from '../../api/types.js';
import { newPodInfo, type PodInfo } from '../framework/node-info.js';
import { Heap } from './heap.js';

/** INITIAL_BACKOFF_MS / MAX_BACKOFF_MS are upstream's podInitialBackoffSeconds / podMaxBackoffSeconds. */
export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
/** UNSCHEDULABLE_MAX_MS is podMaxInUnschedulablePodsDuration (5 min). */
export const UNSCHEDULABLE_MAX_MS = 300_000;

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight';

/** QueuedPodInfo is a pod with its queueing history. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** timestamp is when the pod (re)entered the queue; orders pods of equal priority. */
  timestamp: number;
  attempts: number;
  /** cycle is the scheduling cycle in which the pod was last popped. */
  cycle: number;
  where: Where;
  /** lastAttempt is when the pod was last popped; backoff counts from there. */
  lastAttempt: number;
  backoffExpiry: number;
}

function priority(q: QueuedPodInfo): number {
  return q.podInfo.pod.spec.priority ?? 0;
}

/** SchedulingQueue holds pending pods; see the module comment. Single-threaded, not re-entrant. */
export class SchedulingQueue {
  private readonly entries = new Map<string, QueuedPodInfo>();
  private readonly activeQ = new Heap<QueuedPodInfo>((a, b) => priority(a) > priority(b) || (priority(a) === priority(b) && a.timestamp < b.timestamp));
  private readonly backoffQ = new Heap<QueuedPodInfo>((a, b) => a.backoffExpiry < b.backoffExpiry);
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;

  constructor(private readonly now: () => number) {}

  /** add enqueues a new pending pod (or updates it if known). */
  add(pod: Pod): void {
    const pi = newPodInfo(pod);
    const cur = this.entries.get(pi.key);
    if (cur) return this.update(pod);
    const q: QueuedPodInfo = { podInfo: pi, timestamp: this.now(), attempts: 0, cycle: 0, where: 'active', lastAttempt: 0, backoffExpiry: 0 };
    this.entries.set(pi.key, q);
    this.activeQ.push(q);
  }

  /** update replaces the pod object; an unschedulable pod is retried since the change may help. */
  update(pod: Pod): void {
    const pi = newPodInfo(pod);
    const cur = this.entries.get(pi.key);
    if (!cur) return this.add(pod);
    cur.podInfo = pi;
    if (cur.where === 'unschedulable') {
      this.unschedulable.delete(pi.key);
      this.requeue(cur);
    }
  }

  /** delete forgets the pod wherever it is (stale heap items skip themselves). */
  delete(key: string): void {
    const cur = this.entries.get(key);
    if (!cur) return;
    this.entries.delete(key);
    this.unschedulable.delete(key);
  }

  /** has reports whether the queue knows the pod (in any sub-queue or in flight). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** pop takes the next active pod and marks it in flight. */
  pop(): QueuedPodInfo | undefined {
    for (;;) {
      const q = this.activeQ.pop();
      if (!q) return undefined;
      if (this.entries.get(q.podInfo.key) !== q || q.where !== 'active') continue;
      q.where = 'inflight';
      q.attempts++;
      q.cycle = ++this.schedulingCycle;
      q.lastAttempt = this.now();
      return q;
    }
  }

  /** done removes an in-flight pod that was scheduled (bound) for good. */
  done(key: string): void {
    const cur = this.entries.get(key);
    if (cur && cur.where === 'inflight') this.entries.delete(key);
  }

  /**
   * addUnschedulable parks a pod that fit nowhere. If the cluster changed while it was being
   * scheduled (a move request during its cycle), it goes to backoff instead: the change may help.
   */
  addUnschedulable(q: QueuedPodInfo): void {
    if (this.entries.get(q.podInfo.key) !== q) return;
    if (this.moveRequestCycle >= q.cycle) return this.toBackoff(q);
    q.where = 'unschedulable';
    q.timestamp = this.now();
    this.unschedulable.set(q.podInfo.key, q);
  }

  /** addBackoff retries a pod after its backoff (errors, failed binds). */
  addBackoff(q: QueuedPodInfo): void {
    if (this.entries.get(q.podInfo.key) !== q) return;
    this.toBackoff(q);
  }

  /** moveAllToActiveOrBackoff retries every unschedulable pod (a node or pod changed). */
  moveAllToActiveOrBackoff(): void {
    for (const q of this.unschedulable.values()) this.requeue(q);
    this.unschedulable.clear();
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** flush moves finished backoffs to activeQ and pods unschedulable for too long back to retry. */
  flush(): void {
    const now = this.now();
    for (;;) {
      const q = this.backoffQ.peek();
      if (!q || q.backoffExpiry > now) break;
      this.backoffQ.pop();
      if (this.entries.get(q.podInfo.key) !== q || q.where !== 'backoff') continue;
      q.where = 'active';
      this.activeQ.push(q);
    }
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestamp >= UNSCHEDULABLE_MAX_MS) {
        this.unschedulable.delete(key);
        this.requeue(q);
      }
    }
  }

  /** hasActive is a cheap check for poppable pods (may be true for stale entries only: pop() then returns undefined). */
  hasActive(): boolean {
    return this.activeQ.size > 0;
  }

  /** counts returns the sizes of each sub-queue (stale heap items excluded). */
  counts(): { active: number; backoff: number; unschedulable: number; inflight: number } {
    const c = { active: 0, backoff: 0, unschedulable: 0, inflight: 0 };
    for (const q of this.entries.values()) c[q.where]++;
    return c;
  }

  /** backoffDurationMs is 1 s · 2^(attempts−1), capped at 10 s. */
  static backoffDurationMs(attempts: number): number {
    return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
  }

  private toBackoff(q: QueuedPodInfo): void {
    q.where = 'backoff';
    q.backoffExpiry = q.lastAttempt + SchedulingQueue.backoffDurationMs(q.attempts);
    this.backoffQ.push(q);
  }

  private requeue(q: QueuedPodInfo): void {
    if (q.attempts > 0 && q.lastAttempt + SchedulingQueue.backoffDurationMs(q.attempts) > this.now()) return this.toBackoff(q);
    q.where = 'active';
    this.activeQ.push(q);
  }
}

