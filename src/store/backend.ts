/**
 * openStoreBackend gives the apiserver its storage, chosen by the topology's `spec.store`:
 * `backend: embedded` (default) — the `store/<n>` shard actors through the actor store client —
 * or `backend: etcd` — a real etcd v3 cluster at `endpoints`, through npm `etcd3` (loaded only
 * then, so embedded clusters never pay for gRPC). Either way Events get kube-apiserver's TTL
 * (withKeyTtl, 1 h by default) through leases.
 */
import type { ActorContext, ActorId } from '../actors/types.js';
import { createStoreClient, shardRouter, type SplitGroupConfig } from './client.js';
import { EVENT_TTL_RULES, withKeyTtl } from './key-ttl.js';
import type { KeyTtlRule } from './key-ttl.js';
import type { StoreWatchMsg } from './protocol.js';
import type { StoreClient } from './types.js';

/** StoreBackendKind: which storage the apiserver runs on. */
export type StoreBackendKind = 'embedded' | 'etcd';

/** StoreBackendConfig is the apiserver's view of `spec.store`. */
export interface StoreBackendConfig {
  backend?: StoreBackendKind;
  /** endpoints: etcd client URLs (backend etcd), e.g. ['http://127.0.0.1:2379']. */
  endpoints?: string[];
  shards: number;
  /** byPrefix pins a resource ("pods", "apps/deployments") or a key prefix ("/registry/…/") to a shard. */
  byPrefix?: Record<string, number>;
  /** split: resources spread over several shards with one revision counter (see SplitGroupConfig). */
  split?: SplitGroupConfig[];
  /** eventTtlSeconds: kube-apiserver's --event-ttl (default 3600; 0 = Events never expire). */
  eventTtlSeconds?: number;
  timeoutMs?: number;
}

/** OwnedStore is the storage an actor owns: the client plus the hooks its behaviour must call. */
export interface OwnedStore {
  kind: StoreBackendKind;
  /** client is what the server uses (with the Event TTL applied). */
  client: StoreClient;
  /** deliver: forward every StoreWatchMsg the owner receives (embedded; a no-op for etcd). */
  deliver(msg: StoreWatchMsg): void;
  /** shardDown: call from onDown for `store/*` targets (embedded; a no-op for etcd). */
  shardDown(shard: ActorId): void;
  /** close releases connections (etcd). */
  close(): Promise<void>;
}

/** openStoreBackend builds the owner's storage; see the module comment. */
export async function openStoreBackend(ctx: ActorContext, cfg: StoreBackendConfig): Promise<OwnedStore> {
  const ttlSeconds = cfg.eventTtlSeconds ?? 3600;
  const rules: readonly KeyTtlRule[] = ttlSeconds > 0 ? EVENT_TTL_RULES.map((r) => ({ ...r, ttlSeconds })) : [];
  if ((cfg.backend ?? 'embedded') === 'etcd') {
    if (!cfg.endpoints?.length) throw new TypeError('store backend etcd needs spec.store.endpoints');
    const { createEtcdStoreClient } = await import('./etcd/etcd-client.js');
    const etcd = createEtcdStoreClient({ endpoints: cfg.endpoints, clock: ctx.clock, rng: ctx.rng, timeoutMs: cfg.timeoutMs });
    return {
      kind: 'etcd',
      client: rules.length ? withKeyTtl(etcd, rules, ctx.clock) : etcd,
      deliver: () => {},
      shardDown: () => {},
      close: () => etcd.close(),
    };
  }
  const byPrefix = Object.fromEntries(Object.entries(cfg.byPrefix ?? {}).map(([r, n]) => [registryPrefix(r), n]));
  const split = (cfg.split ?? []).map((g) => ({ ...g, prefix: registryPrefix(g.prefix) }));
  const splitRoutes = Object.fromEntries(split.map((g) => [g.prefix, g.shards.map(shardIndex)]));
  const route = shardRouter({ shards: cfg.shards + split.reduce((n, g) => n + g.shards.length, 0), byPrefix, split: splitRoutes });
  const embedded = createStoreClient(ctx, route, { timeoutMs: cfg.timeoutMs, groups: split });
  return {
    kind: 'embedded',
    client: rules.length ? withKeyTtl(embedded, rules, ctx.clock) : embedded,
    deliver: (msg) => embedded.deliver(msg),
    shardDown: (shard) => embedded.shardDown(shard),
    close: async () => {},
  };
}

/**
 * registryPrefix turns a resource as the topology names it — "pods", "apps/deployments", a CRD's
 * "example.com/widgets" — into its key prefix ("/registry/pods/", "/registry/apps/deployments/");
 * a key prefix ("/registry/…") is kept as it is.
 */
export function registryPrefix(resource: string): string {
  if (resource.startsWith('/')) return resource.endsWith('/') ? resource : resource + '/';
  return `/registry/${resource.replace(/^\/+|\/+$/g, '')}/`;
}

function shardIndex(id: ActorId): number {
  const n = Number(id.slice(id.indexOf('/') + 1));
  if (!id.startsWith('store/') || !Number.isInteger(n)) throw new RangeError(`split group member ${id} is not a store/<n> shard`);
  return n;
}
