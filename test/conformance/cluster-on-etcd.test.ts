/**
 * The whole cluster on a real etcd: the topology's `spec.store: { backend: etcd, endpoints }`
 * starts no shard actors and the apiserver stores everything in etcd. Real kubectl creates a
 * Deployment; the controllers and kubelets make its pods Running; the objects are in etcd under
 * /registry/ exactly where kube-apiserver puts them. Skipped only without /usr/bin/etcd outside CI
 * (.ci/run installs it).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/actors/clock.js';
import { EVENTS } from '../../src/api/resources.js';
import type { KObject } from '../../src/api/types.js';
import { APISERVER } from '../../src/apiserver/protocol.js';
import { SeededRng } from '../../src/actors/rng.js';
import { loadTopology } from '../../src/cluster/config.js';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { writeKubeconfig } from '../../src/cluster/kubeconfig.js';
import { createEtcdStoreClient } from '../../src/store/etcd/etcd-client.js';
import { ROOT, eventually, kubectlOk, tempDir } from '../e2e/helpers.js';
import { etcdAvailable, startEtcd, type RunningEtcd } from './etcd-server.js';

const event = (name: string): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'x' },
    reason: 'Test',
    message: 'ttl check',
    type: 'Normal',
  }) as unknown as KObject;

describe.skipIf(!etcdAvailable() && !process.env.CI)('store backend etcd - a cluster', () => {
  let etcd: RunningEtcd;
  let cluster: Cluster;
  let kubeconfig: string;
  beforeAll(async () => {
    etcd = await startEtcd();
    const t = loadTopology(join(ROOT, 'test/e2e/fixtures/e2e.yaml'));
    t.spec.store = { ...t.spec.store, backend: 'etcd', endpoints: [etcd.endpoint] };
    const dir = tempDir();
    cluster = await startCluster(t, { dataDir: join(dir, 'data'), port: 0 });
    await cluster.waitReady({ timeoutMs: 120_000 });
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, 'e2e', cluster.server);
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  it('store backend etcd - kubectl drives a cluster whose objects live in etcd', async () => {
    expect(cluster.runtime.hosts().some((h) => h.name.startsWith('store-'))).toBe(false);
    await kubectlOk(kubeconfig, ['create', 'deployment', 'on-etcd', '--image=busybox', '--replicas=2']);
    await eventually(async () => {
      const out = await kubectlOk(kubeconfig, ['get', 'pods', '-l', 'app=on-etcd', '-o', 'jsonpath={.items[*].status.phase}']);
      return out.split(' ').filter((p) => p === 'Running').length === 2;
    }, 90_000);
    const direct = createEtcdStoreClient({ endpoints: [etcd.endpoint], clock: new RealClock(), rng: new SeededRng(1), compactIntervalMs: 0 });
    try {
      const dep = await direct.range('/registry/apps/deployments/default/on-etcd');
      expect(dep.count).toBe(1);
      const rv = await kubectlOk(kubeconfig, ['get', 'deployment', 'on-etcd', '-o', 'jsonpath={.metadata.resourceVersion}']);
      expect(Number(rv)).toBe(dep.kvs[0].modRevision); // resourceVersion is etcd's mod revision
      expect((await direct.range('/registry/pods/default/', { prefix: true, countOnly: true })).count).toBeGreaterThanOrEqual(2);
      // Events get kube-apiserver's 1 h TTL through an etcd lease (granted for 1 h + 60 s reuse).
      await cluster.runtime.ask(APISERVER, { type: 'create', res: EVENTS, namespace: 'default', object: event('ttl-check') }, { timeoutMs: 5_000 });
      const ev = await direct.range('/registry/events/default/ttl-check');
      expect(ev.kvs[0].lease).toBeGreaterThan(0);
      const ttl = await direct.leaseTimeToLive(ev.kvs[0].lease!);
      expect(ttl.grantedTtl).toBe(3660);
    } finally {
      await direct.close();
    }
  }, 120_000);
});
