/**
 * Mvcc is one shard's multi-version key-value store in etcd's model (pure: no actors, no I/O).
 *
 * - The shard revision `main` grows by one per transaction that writes; `sub` numbers the writes
 *   inside it. A txn that writes nothing (failed compares, reads, deletes of absent keys) leaves
 *   the revision alone.
 * - Per key: createRevision, modRevision, version. A delete leaves a tombstone; a later put starts a
 *   new generation (version 1, createRevision = that put's revision).
 * - History is kept (per key for reads at an older revision, and as an event log for watches from
 *   a revision) until compact(rev) drops what lies below rev.
 * - txn() is synchronous on purpose: compares, then ops, with nothing interleaving.
 */
import { CompactedError, FutureRevisionError, LeaseNotFoundError } from './errors.js';
import { KeyIndex } from './key-index.js';
import type { KeyEntry } from './key-index.js';
import { LeaseTable } from './lease.js';
import type { Compare, KeyValue, Op, OpResult, RangeOptions, RangeResult, StoreWatchEvent, TxnRequest, TxnResult } from './types.js';

/** Change is one write of a committed txn as the WAL records it; value undefined = delete. */
export interface Change {
  key: string;
  value?: Uint8Array;
  lease?: number;
}

/**
 * WalRecord is what a shard persists: a committed txn's changes, a compaction, a lease grant or
 * a lease revoke (the revoke's key deletions are a txn record of their own, just before it).
 */
export type WalRecord =
  | { t: 'txn'; rev: number; changes: Change[] }
  | { t: 'compact'; rev: number }
  | { t: 'lease'; id: number; ttl: number }
  | { t: 'revoke'; id: number };

/**
 * MvccState is everything a snapshot holds: the revisions, the leases, and every key's history
 * at or below `revision` (from which the watch event log is rebuilt).
 */
export interface MvccState {
  revision: number;
  compactRevision: number;
  leaseMaxId: number;
  leases: [id: number, ttl: number][];
  keys: [key: string, entries: KeyEntry[]][];
}

/** RevisionEvents are the watch events of one committed revision, in sub-revision order. */
export interface RevisionEvents {
  revision: number;
  events: StoreWatchEvent[];
}

/** TxnOutcome is a txn's reply plus, when it wrote, what to persist and publish. */
export interface TxnOutcome {
  result: TxnResult;
  committed?: { record: WalRecord & { t: 'txn' }; events: RevisionEvents };
}

const EMPTY = new Uint8Array(0);

/**
 * MvccOptions: nextRevision hands out the revision of each write instead of head + 1 — a split
 * group's shared counter (sequence.ts). Revisions then have gaps (the other members' writes), and
 * replay accepts them.
 */
export interface MvccOptions {
  nextRevision?: () => number;
}

/** Mvcc is the in-memory store; see the module comment for the model. */
export class Mvcc {
  private readonly index = new KeyIndex();
  private readonly nextRevision: (() => number) | undefined;
  /** log holds every committed revision's events ≥ compactRev, oldest first. */
  private log: RevisionEvents[] = [];
  private rev = 1;
  private compactRev = 0;
  /** leases holds the granted leases and their keys; lease ids are chosen by the shard. */
  readonly leases = new LeaseTable();

  constructor(opts: MvccOptions = {}) {
    this.nextRevision = opts.nextRevision;
  }

  /** revision is the latest committed revision (1 for an empty store, as in etcd). */
  get revision(): number {
    return this.rev;
  }

  /** compactRevision is the revision of the last compaction (0 = never compacted). */
  get compactRevision(): number {
    return this.compactRev;
  }

  /** keyCount is the number of keys with history (live or tombstoned but not yet compacted). */
  get keyCount(): number {
    return this.index.size;
  }

  /**
   * range reads `key` (or every key with that prefix) at opts.revision, or at `visible` when none
   * is given. `visible` lets the shard hide writes that are not durable yet: a revision above it
   * is a FutureRevisionError, below the compacted revision a CompactedError.
   */
  range(key: string, opts: RangeOptions = {}, visible = this.rev): RangeResult {
    const at = opts.revision && opts.revision > 0 ? opts.revision : visible;
    if (at > visible) throw new FutureRevisionError(at, visible);
    if (at < this.compactRev) throw new CompactedError(at, this.compactRev);
    return this.rangeAt(key, opts, at);
  }

  /** txn evaluates compares at the head, then runs the success or failure ops atomically. */
  txn(req: TxnRequest): TxnOutcome {
    const succeeded = req.compare.every((c) => this.compare(c));
    const ops = succeeded ? req.success : req.failure;
    // etcd refuses the whole txn when a put names a lease that does not exist.
    for (const op of ops) if (op.type === 'put' && op.lease && !this.leases.get(op.lease)) throw new LeaseNotFoundError(op.lease);
    // A split group's counter is shared: take a revision only when the branch may write.
    const main = this.nextRevision && ops.some((op) => op.type !== 'range') ? this.nextRevision() : this.rev + 1;
    const changes: Change[] = [];
    const events: StoreWatchEvent[] = [];
    const results: OpResult[] = [];
    for (const op of ops) results.push(this.applyOp(op, main, changes, events));
    if (events.length === 0) return { result: { succeeded, revision: this.rev, results } };
    this.rev = main;
    const revEvents = { revision: main, events };
    this.log.push(revEvents);
    return {
      result: { succeeded, revision: main, results },
      committed: { record: { t: 'txn', rev: main, changes }, events: revEvents },
    };
  }

  /**
   * replay re-applies a record read back from the WAL. Revisions must continue the current one
   * exactly; a gap means a lost frame, which the caller treats as corruption.
   */
  replay(record: WalRecord): RevisionEvents | undefined {
    // Records a snapshot already covers (it may be taken while they were still unflushed) are skipped.
    switch (record.t) {
      case 'compact':
        if (record.rev > this.compactRev) this.compact(record.rev);
        return undefined;
      case 'lease':
        this.leases.grant(record.id, record.ttl);
        return undefined;
      case 'revoke':
        this.leases.remove(record.id);
        return undefined;
      case 'txn':
        break;
    }
    if (record.rev <= this.rev) return undefined;
    if (record.rev !== this.rev + 1 && !this.nextRevision) throw new RangeError(`replay expected revision ${this.rev + 1}, got ${record.rev}`);
    const events: StoreWatchEvent[] = [];
    const sink: Change[] = [];
    for (const c of record.changes) {
      const op: Op = c.value === undefined ? { type: 'delete', key: c.key } : { type: 'put', key: c.key, value: c.value, lease: c.lease };
      this.applyOp(op, record.rev, sink, events);
    }
    this.rev = record.rev;
    const revEvents = { revision: record.rev, events };
    this.log.push(revEvents);
    return revEvents;
  }

  /** leaseGrant creates lease id (chosen by the shard) and returns the record to persist. */
  leaseGrant(id: number, ttl: number): WalRecord {
    this.leases.grant(id, ttl);
    return { t: 'lease', id, ttl };
  }

  /**
   * leaseRevoke removes a lease and deletes its keys in one txn (one revision, like etcd's
   * revoke); `deletion` is undefined when no key was attached. Throws LeaseNotFoundError.
   */
  leaseRevoke(id: number): { deletion: TxnOutcome['committed']; record: WalRecord; revision: number } {
    if (!this.leases.get(id)) throw new LeaseNotFoundError(id);
    const keys = this.leases.remove(id);
    const { committed } = this.txn({ compare: [], success: keys.map((key) => ({ type: 'delete', key })), failure: [] });
    return { deletion: committed, record: { t: 'revoke', id }, revision: this.rev };
  }

  /** exportState captures the state at revision `at` (≤ head) for a snapshot; later writes are left out. */
  exportState(at: number): MvccState {
    const keys: [string, KeyEntry[]][] = [];
    for (const [key, h] of this.index.entries()) {
      let n = h.length;
      while (n > 0 && h[n - 1].main > at) n--;
      // Always a copy: the shard encodes the snapshot after an await, and txns or a compaction
      // received meanwhile push to and splice the live history arrays.
      if (n > 0) keys.push([key, h.slice(0, n)]);
    }
    const leases: [number, number][] = [...this.leases.all()].map((l) => [l.id, l.ttl]);
    return { revision: at, compactRevision: this.compactRev, leaseMaxId: this.leases.maxId, leases, keys };
  }

  /**
   * restore builds an Mvcc from a snapshot: key histories, lease attachments from the head
   * values, and the watch event log from the histories (every entry at or above the compacted
   * revision is one event; its prevKv is the entry before it in the same key's history).
   */
  static restore(state: MvccState, opts: MvccOptions = {}): Mvcc {
    const m = new Mvcc(opts);
    m.rev = state.revision;
    m.compactRev = state.compactRevision;
    m.leases.maxId = state.leaseMaxId;
    for (const [id, ttl] of state.leases) m.leases.grant(id, ttl);
    const events: { main: number; sub: number; ev: StoreWatchEvent }[] = [];
    // Sorted first: KeyIndex inserts each new key into its sorted array, cheap only at the end.
    const keys = [...state.keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [key, h] of keys) {
      for (let i = 0; i < h.length; i++) {
        const e = h[i];
        m.index.append(key, e);
        if (e.main < state.compactRevision) continue;
        const prev = i > 0 ? h[i - 1].kv : undefined;
        const ev: StoreWatchEvent = e.kv
          ? prev
            ? { type: 'put', kv: e.kv, prevKv: prev }
            : { type: 'put', kv: e.kv }
          : { type: 'delete', kv: { key, value: EMPTY, createRevision: 0, modRevision: e.main, version: 0 }, prevKv: prev };
        events.push({ main: e.main, sub: e.sub, ev });
      }
      const head = h[h.length - 1].kv;
      if (head?.lease) m.leases.attach(head.lease, key);
    }
    events.sort((a, b) => a.main - b.main || a.sub - b.sub);
    for (const e of events) {
      const last = m.log[m.log.length - 1];
      if (last && last.revision === e.main) last.events.push(e.ev);
      else m.log.push({ revision: e.main, events: [e.ev] });
    }
    return m;
  }

  /**
   * compact discards history below rev: reads and watches at revisions < rev throw
   * CompactedError afterwards; rev itself stays readable. Compacting at or below the current
   * compacted revision throws CompactedError, above the head FutureRevisionError (as etcd).
   */
  compact(rev: number): void {
    if (rev <= this.compactRev) throw new CompactedError(rev, this.compactRev);
    if (rev > this.rev) throw new FutureRevisionError(rev, this.rev);
    this.index.compact(rev);
    const keepFrom = firstLogIndexAtOrAbove(this.log, rev);
    if (keepFrom > 0) this.log = this.log.slice(keepFrom);
    this.compactRev = rev;
  }

  /**
   * logSince returns the committed revisions in [from, to], whole revisions only, stopping once
   * at least maxEvents events were taken; `through` is the last revision covered (to when the
   * scan reached it). Throws CompactedError when from is below the compacted revision.
   */
  logSince(from: number, to: number, maxEvents: number): { entries: RevisionEvents[]; through: number } {
    if (from < this.compactRev) throw new CompactedError(from, this.compactRev);
    const entries: RevisionEvents[] = [];
    let taken = 0;
    for (let i = firstLogIndexAtOrAbove(this.log, from); i < this.log.length; i++) {
      const e = this.log[i];
      if (e.revision > to) break;
      entries.push(e);
      taken += e.events.length;
      if (taken >= maxEvents && e.revision < to) return { entries, through: e.revision };
    }
    return { entries, through: to };
  }

  private rangeAt(key: string, opts: RangeOptions, at: number): RangeResult {
    const kvs: KeyValue[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
    let count = 0;
    const take = (kv: KeyValue | undefined): void => {
      if (!kv) return;
      count++;
      if (opts.countOnly || kvs.length >= limit) return;
      kvs.push(opts.keysOnly ? { ...kv, value: EMPTY } : kv);
    };
    if (opts.prefix) for (const k of this.index.keysWithPrefix(key)) take(this.index.at(k, at));
    else take(this.index.at(key, at));
    return { kvs, revision: at, more: count > kvs.length && !opts.countOnly, count };
  }

  private compare(c: Compare): boolean {
    const kv = this.index.at(c.key, this.rev);
    if (c.target === 'value') {
      // etcd: a value compare against an absent key always fails.
      if (!kv) return false;
      const eq = bytesEqual(kv.value, c.value);
      return c.op === '=' ? eq : !eq;
    }
    // Other targets compare an absent key as zero, as etcd does (version = 0 means "absent").
    const actual = kv ? kv[c.target] : 0;
    switch (c.op) {
      case '=':
        return actual === c.value;
      case '!=':
        return actual !== c.value;
      case '<':
        return actual < c.value;
      case '>':
        return actual > c.value;
    }
  }

  /** applyOp runs one op of a txn at revision main; reads inside the txn see its earlier writes. */
  private applyOp(op: Op, main: number, changes: Change[], events: StoreWatchEvent[]): OpResult {
    switch (op.type) {
      case 'range':
        return { type: 'range', result: this.range(op.key, op.opts, op.opts?.revision ? this.rev : main) };
      case 'put': {
        const prev = this.index.at(op.key, main);
        const kv: KeyValue = {
          key: op.key,
          value: op.value,
          createRevision: prev ? prev.createRevision : main,
          modRevision: main,
          version: prev ? prev.version + 1 : 1,
        };
        if (op.lease) kv.lease = op.lease;
        if (prev?.lease && prev.lease !== op.lease) this.leases.detach(prev.lease, op.key);
        if (op.lease) this.leases.attach(op.lease, op.key);
        this.index.append(op.key, { main, sub: changes.length, kv });
        changes.push(op.lease ? { key: op.key, value: op.value, lease: op.lease } : { key: op.key, value: op.value });
        events.push(prev ? { type: 'put', kv, prevKv: prev } : { type: 'put', kv });
        return op.prevKv && prev ? { type: 'put', prevKv: prev } : { type: 'put' };
      }
      case 'delete': {
        const keys = op.prefix ? [...this.index.keysWithPrefix(op.key)] : [op.key];
        const prevKvs: KeyValue[] = [];
        for (const key of keys) {
          const prev = this.index.at(key, main);
          if (!prev) continue;
          if (prev.lease) this.leases.detach(prev.lease, key);
          this.index.append(key, { main, sub: changes.length, kv: undefined });
          changes.push({ key });
          // etcd's delete event: the key and the delete's revision, zero create/version.
          const tomb: KeyValue = { key, value: EMPTY, createRevision: 0, modRevision: main, version: 0 };
          events.push({ type: 'delete', kv: tomb, prevKv: prev });
          prevKvs.push(prev);
        }
        return op.prevKv ? { type: 'delete', deleted: prevKvs.length, prevKvs } : { type: 'delete', deleted: prevKvs.length };
      }
    }
  }
}

/** firstLogIndexAtOrAbove is the first log index whose revision is ≥ rev. */
function firstLogIndexAtOrAbove(log: RevisionEvents[], rev: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].revision < rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** bytesEqual compares two byte arrays by content. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
