/**
 * withKeyTtl makes some keys expire, as kube-apiserver does for Events (`--event-ttl`, 1 h): a
 * put to a key under a TTL prefix that names no lease gets one, and etcd deletes the key when
 * the lease runs out. Like kube-apiserver's storage/etcd3 leaseManager, one lease is reused for
 * every put within `reuseSeconds` (default 60 s): it is granted for ttl + reuseSeconds, so every
 * key it holds lives at least its ttl and at most ttl + reuseSeconds, and a burst of events costs
 * one grant instead of one per event.
 */
import type { Clock } from '../actors/types.js';
import { LeaseNotFoundError } from './errors.js';
import type { LeasingStoreClient, Op, StoreClient, TxnRequest, TxnResult } from './types.js';

/** KeyTtlRule: keys starting with prefix live ttlSeconds. */
export interface KeyTtlRule {
  prefix: string;
  ttlSeconds: number;
}

/** EVENT_TTL_RULES is kube-apiserver's default: Events expire after one hour. */
export const EVENT_TTL_RULES: readonly KeyTtlRule[] = [{ prefix: '/registry/events/', ttlSeconds: 3600 }];

/** KeyTtlOptions tune lease reuse. */
export interface KeyTtlOptions {
  /** reuseSeconds: how long one lease is handed to new puts (kube-apiserver's leaseReuseDurationSeconds, 60). */
  reuseSeconds?: number;
}

interface Cached {
  id: number;
  /** expiresAt: when the lease runs out (ms on the clock) if never kept alive. */
  expiresAt: number;
}

/** withKeyTtl wraps store so puts under the rules' prefixes carry a (reused) lease; see the module comment. */
export function withKeyTtl(store: LeasingStoreClient, rules: readonly KeyTtlRule[], clock: Clock, opts: KeyTtlOptions = {}): StoreClient {
  const reuseMs = (opts.reuseSeconds ?? 60) * 1000;
  const cache = new Map<string, Cached>();
  const granting = new Map<string, Promise<number>>();

  const ruleOf = (key: string): KeyTtlRule | undefined => rules.find((r) => key.startsWith(r.prefix));

  const leaseFor = async (rule: KeyTtlRule): Promise<number> => {
    const now = clock.now();
    const c = cache.get(rule.prefix);
    // Reusable while a key put now would still live its full ttl under it.
    if (c && now + rule.ttlSeconds * 1000 <= c.expiresAt) return c.id;
    let p = granting.get(rule.prefix);
    if (!p) {
      p = store
        .leaseGrant(rule.prefix, rule.ttlSeconds + reuseMs / 1000)
        .then((g) => {
          cache.set(rule.prefix, { id: g.id, expiresAt: now + g.ttl * 1000 });
          return g.id;
        })
        .finally(() => granting.delete(rule.prefix));
      granting.set(rule.prefix, p);
    }
    return p;
  };

  const withLeases = async (req: TxnRequest): Promise<{ req: TxnRequest; used: Set<string> }> => {
    const used = new Set<string>();
    const fix = async (ops: Op[]): Promise<Op[]> =>
      Promise.all(
        ops.map(async (op) => {
          if (op.type !== 'put' || op.lease) return op;
          const rule = ruleOf(op.key);
          if (!rule) return op;
          used.add(rule.prefix);
          return { ...op, lease: await leaseFor(rule) };
        }),
      );
    return { req: { compare: req.compare, success: await fix(req.success), failure: await fix(req.failure) }, used };
  };

  return {
    range: (key, o) => store.range(key, o),
    watch: (o, sink) => store.watch(o, sink),
    compact: (prefix, rev) => store.compact(prefix, rev),
    async txn(req: TxnRequest): Promise<TxnResult> {
      const first = await withLeases(req);
      try {
        return await store.txn(first.req);
      } catch (err) {
        // The cached lease was revoked or expired meanwhile: forget it and grant a new one, once.
        if (!(err instanceof LeaseNotFoundError) || first.used.size === 0) throw err;
        for (const prefix of first.used) cache.delete(prefix);
        return store.txn((await withLeases(req)).req);
      }
    },
  };
}
