import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTopology } from '../../../src/cluster/config.js';
import { controlPlaneActors } from '../../../src/cluster/topology.js';
import { openStoreBackend, type OwnedStore } from '../../../src/store/backend.js';
import { isStoreWatchMsg } from '../../../src/store/protocol.js';
import { createShardBehavior } from '../../../src/store/shard.js';
import type { TxnRequest } from '../../../src/store/types.js';
import { World } from './harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const put = (key: string): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value: enc('v') }], failure: [] });

const topo = (store: Record<string, unknown>) =>
  parseTopology({ apiVersion: 'kubeactor.io/v1alpha1', kind: 'ClusterTopology', metadata: { name: 't' }, spec: { store, nodePools: [{ name: 'w', count: 1 }] } }, 'x.yaml');

describe('store backend', () => {
  it.each([
    { name: 'embedded', store: { shards: 2 }, shardActors: 2, backend: 'embedded', endpoints: [] as string[] },
    { name: 'etcd', store: { backend: 'etcd', endpoints: ['http://127.0.0.1:2379'] }, shardActors: 0, backend: 'etcd', endpoints: ['http://127.0.0.1:2379'] },
  ])('store backend - topology $name: shard actors and apiserver params follow spec.store', ({ store, shardActors, backend, endpoints }) => {
    const actors = controlPlaneActors(topo(store), { port: 1, dataDir: '/tmp/x' });
    expect(actors.filter((a) => a.kind === 'store-shard')).toHaveLength(shardActors);
    const api = actors.find((a) => a.kind === 'apiserver')!;
    expect(api.params).toMatchObject({ storeBackend: backend, storeEndpoints: endpoints });
  });

  describe('store backend - embedded with the Event TTL', () => {
    let dir: string;
    let world: World;
    let owned: OwnedStore;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kubeactor-backend-'));
      world = new World();
      await world.spawn('store/0', createShardBehavior({ shardId: 0, dataDir: dir, durability: 'fsync', leaseTickMs: 1000 }));
      let o: OwnedStore | undefined;
      const ctx = await world.spawn('apiserver', {
        receive: (_ctx, msg: { type: string }) => {
          if (isStoreWatchMsg(msg)) o!.deliver(msg);
        },
      });
      o = await openStoreBackend(ctx, { shards: 1, eventTtlSeconds: 3600 });
      owned = o;
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
    });

    it('store backend - Events get one reused lease and vanish after the TTL; other keys stay', async () => {
      await owned.client.txn(put('/registry/events/default/e1'));
      world.clock.advance(30_000);
      await owned.client.txn(put('/registry/events/default/e2'));
      await owned.client.txn(put('/registry/pods/default/p'));
      const evs = await owned.client.range('/registry/events/', { prefix: true });
      const leases = new Set(evs.kvs.map((kv) => kv.lease));
      expect(leases.size).toBe(1); // reused within 60 s, like kube-apiserver's leaseManager
      expect([...leases][0]).toBeGreaterThan(0);
      expect((await owned.client.range('/registry/pods/default/p')).kvs[0].lease).toBeUndefined();
      world.clock.advance(3600_000 - 30_000 - 1000);
      await world.settle(50);
      expect((await owned.client.range('/registry/events/', { prefix: true })).count).toBe(2); // not before ttl
      world.clock.advance(61_000 + 1000);
      // The expiry is a revoke through the shard's group commit (real fsync): poll for it.
      for (let i = 0; i < 5000 && (await owned.client.range('/registry/events/', { prefix: true })).count > 0; i++) await world.settle(20);
      expect((await owned.client.range('/registry/events/', { prefix: true })).count).toBe(0);
      expect((await owned.client.range('/registry/pods/', { prefix: true })).count).toBe(1);
      await owned.client.txn(put('/registry/events/default/e3')); // a fresh lease after the old one expired
      expect((await owned.client.range('/registry/events/', { prefix: true })).count).toBe(1);
    });
  });
});
