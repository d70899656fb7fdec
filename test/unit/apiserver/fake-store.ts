/**
 * FakeStore is an in-memory StoreClient with etcd semantics close enough for apiserver tests:
 * one global revision, per-key create/mod revision and version, transactions, prefix watches
 * from a revision (history kept until compact), and events published synchronously before the
 * write is acknowledged (as the real shard does). Tests can cancel every watch (a shard restart)
 * and drop the next events (to prove re-list repairs).
 */
import type {
  Compare,
  KeyValue,
  Op,
  OpResult,
  RangeOptions,
  RangeResult,
  StoreClient,
  StoreWatchEvent,
  StoreWatchOptions,
  StoreWatchSink,
  TxnRequest,
  TxnResult,
} from '../../../src/store/types.js';

interface FakeWatch {
  opts: StoreWatchOptions;
  sink: StoreWatchSink;
  active: boolean;
}

/** FakeStore: see the file comment. */
export class FakeStore implements StoreClient {
  revision = 0;
  compacted = 0;
  private readonly kvs = new Map<string, KeyValue>();
  private readonly log: { rev: number; ev: StoreWatchEvent }[] = [];
  private readonly watches = new Set<FakeWatch>();
  /** dropEvents: while > 0, published events are lost (decremented per event). */
  dropEvents = 0;
  /** failNext: the next range/txn rejects with this error (a shard that is down). */
  failNext: Error | undefined;
  /** ops counts calls by kind. */
  readonly ops = { range: 0, txn: 0, watch: 0 };

  private check(): void {
    const e = this.failNext;
    if (e) {
      this.failNext = undefined;
      throw e;
    }
  }

  async range(key: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.ops.range++;
    this.check();
    return this.rangeSync(key, opts);
  }

  private rangeSync(key: string, opts: RangeOptions = {}): RangeResult {
    let kvs = opts.prefix ? [...this.kvs.values()].filter((kv) => kv.key.startsWith(key)) : this.kvs.has(key) ? [this.kvs.get(key)!] : [];
    kvs.sort((a, b) => (a.key < b.key ? -1 : 1));
    const count = kvs.length;
    if (opts.limit) kvs = kvs.slice(0, opts.limit);
    return { kvs: kvs.map((kv) => ({ ...kv })), revision: this.revision, more: kvs.length < count, count };
  }

  private compare(c: Compare): boolean {
    const kv = this.kvs.get(c.key);
    if (c.target === 'value') {
      const v = kv?.value ?? new Uint8Array();
      const eq = Buffer.compare(Buffer.from(v), Buffer.from(c.value)) === 0;
      return c.op === '=' ? eq : !eq;
    }
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

  async txn(req: TxnRequest): Promise<TxnResult> {
    this.ops.txn++;
    this.check();
    const succeeded = req.compare.every((c) => this.compare(c));
    const ops = succeeded ? req.success : req.failure;
    const writes = ops.some((o) => o.type !== 'range');
    const rev = writes ? this.revision + 1 : this.revision;
    const events: StoreWatchEvent[] = [];
    const results: OpResult[] = ops.map((op) => this.apply(op, rev, events));
    if (events.length > 0) {
      this.revision = rev;
      this.publish(events);
    }
    return { succeeded, revision: this.revision, results };
  }

  private apply(op: Op, rev: number, events: StoreWatchEvent[]): OpResult {
    switch (op.type) {
      case 'range':
        return { type: 'range', result: this.rangeSync(op.key, op.opts) };
      case 'put': {
        const prev = this.kvs.get(op.key);
        const kv: KeyValue = { key: op.key, value: op.value, createRevision: prev?.createRevision ?? rev, modRevision: rev, version: (prev?.version ?? 0) + 1 };
        this.kvs.set(op.key, kv);
        events.push({ type: 'put', kv, prevKv: prev });
        return { type: 'put', prevKv: prev };
      }
      case 'delete': {
        const keys = op.prefix ? [...this.kvs.keys()].filter((k) => k.startsWith(op.key)) : this.kvs.has(op.key) ? [op.key] : [];
        const prevKvs: KeyValue[] = [];
        for (const k of keys) {
          const prev = this.kvs.get(k)!;
          this.kvs.delete(k);
          prevKvs.push(prev);
          events.push({ type: 'delete', kv: { key: k, value: new Uint8Array(), createRevision: 0, modRevision: rev, version: 0 }, prevKv: prev });
        }
        return { type: 'delete', deleted: keys.length, prevKvs };
      }
    }
  }

  private publish(events: StoreWatchEvent[]): void {
    for (const ev of events) this.log.push({ rev: ev.kv.modRevision, ev });
    const delivered = events.filter(() => {
      if (this.dropEvents <= 0) return true;
      this.dropEvents--;
      return false;
    });
    for (const w of [...this.watches]) {
      if (!w.active) continue;
      const mine = delivered.filter((e) => (w.opts.prefix ? e.kv.key.startsWith(w.opts.key) : e.kv.key === w.opts.key));
      if (mine.length > 0) w.sink.events(mine, this.revision);
    }
  }

  async watch(opts: StoreWatchOptions, sink: StoreWatchSink): Promise<{ cancel(): void }> {
    this.ops.watch++;
    this.check();
    const w: FakeWatch = { opts, sink, active: true };
    const start = opts.startRevision ?? 0;
    if (start > 0 && start <= this.compacted) {
      sink.canceled(new Error(`required revision ${start} has been compacted`));
      return { cancel() {} };
    }
    if (start > 0) {
      const past = this.log.filter((l) => l.rev >= start && (opts.prefix ? l.ev.kv.key.startsWith(opts.key) : l.ev.kv.key === opts.key)).map((l) => l.ev);
      if (past.length > 0) sink.events(past, this.revision);
    }
    this.watches.add(w);
    return {
      cancel: () => {
        w.active = false;
        this.watches.delete(w);
      },
    };
  }

  async compact(_keyPrefix: string, revision: number): Promise<void> {
    this.compacted = Math.max(this.compacted, revision);
  }

  /** cancelAllWatches ends every watch as a restarting shard would. */
  cancelAllWatches(reason = 'shard restarted'): void {
    for (const w of [...this.watches]) {
      w.active = false;
      this.watches.delete(w);
      w.sink.canceled(new Error(reason));
    }
  }

  /** watchCount is the number of open watches. */
  get watchCount(): number {
    return this.watches.size;
  }
}
