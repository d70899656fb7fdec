import { describe, expect, it } from 'vitest';
import { resourcePrefix, shardRouter } from '../../../src/store/client.js';
import { registryPrefix } from '../../../src/store/backend.js';
import { planCluster } from '../../../src/cluster/topology.js';
import { parseTopology } from '../../../src/cluster/config.js';

describe('store router', () => {
  it.each([
    { key: '/registry/pods/default/web-1', prefix: '/registry/pods/' },
    { key: '/registry/pods/', prefix: '/registry/pods/' },
    { key: '/registry/apps/deployments/default/web', prefix: '/registry/apps/deployments/' },
    { key: '/registry/apps/deployments/', prefix: '/registry/apps/deployments/' },
    { key: '/registry/coordination.k8s.io/leases/kube-node-lease/n1', prefix: '/registry/coordination.k8s.io/leases/' },
    { key: '/registry/nodes/n1', prefix: '/registry/nodes/' },
    { key: '/registry/pods/apps/x', prefix: '/registry/pods/' }, // a namespace named like a group
    { key: '/other/thing', prefix: '/other/thing' },
  ])('store router - resource prefix of $key', ({ key, prefix }) => {
    expect(resourcePrefix(key)).toBe(prefix);
  });

  it('store router - one resource always lands on one shard', () => {
    const route = shardRouter({ shards: 4 });
    const keys = ['/registry/pods/', '/registry/pods/a/x', '/registry/pods/b/y', '/registry/pods/kube-system/z'];
    expect(new Set(keys.map(route)).size).toBe(1);
    const all = ['pods', 'nodes', 'events', 'services', 'apps/deployments', 'apps/replicasets', 'coordination.k8s.io/leases'].map((r) => route(`/registry/${r}/ns/n`));
    expect(all.every((id) => /^store\/[0-3]$/.test(id))).toBe(true);
    expect(new Set(all).size).toBeGreaterThan(1); // resources spread over shards
  });

  it('store router - byPrefix overrides, longest prefix first', () => {
    const route = shardRouter({ shards: 3, byPrefix: { '/registry/': 0, '/registry/pods/': 2, '/registry/events/': 1 } });
    expect([route('/registry/pods/a/b'), route('/registry/events/a/b'), route('/registry/nodes/n')]).toEqual(['store/2', 'store/1', 'store/0']);
    expect(shardRouter({ shards: 1 })('/registry/anything')).toBe('store/0');
    expect(() => shardRouter({ shards: 2, byPrefix: { '/x': 2 } })).toThrow(RangeError);
  });

  it('store router - a split resource spreads its objects over the members; the rest hash over the other shards', () => {
    const route = shardRouter({ shards: 5, split: { '/registry/pods/': [2, 3, 4] } });
    const pods = Array.from({ length: 60 }, (_, i) => route(`/registry/pods/ns${i % 4}/p${i}`));
    expect(new Set(pods)).toEqual(new Set(['store/2', 'store/3', 'store/4']));
    expect(route('/registry/pods/ns1/p7')).toBe(route('/registry/pods/ns1/p7')); // stable
    const others = ['nodes', 'events', 'services', 'apps/deployments', 'configmaps', 'secrets'].map((r) => route(`/registry/${r}/ns/n`));
    expect(others.every((id) => id === 'store/0' || id === 'store/1')).toBe(true);
    expect(() => shardRouter({ shards: 2, split: { '/registry/pods/': [1, 2] } })).toThrow(RangeError);
  });

  it('store router - topology names resources; the store routes key prefixes', () => {
    expect(['pods', 'apps/deployments', '/registry/example.com/widgets', '/registry/x/'].map(registryPrefix)).toEqual([
      '/registry/pods/',
      '/registry/apps/deployments/',
      '/registry/example.com/widgets/',
      '/registry/x/',
    ]);
  });

  it('store router - a topology with split pods plans member shards with one shared counter, each on its own worker', () => {
    const t = parseTopology(
      { apiVersion: 'kubeactor.io/v1alpha1', kind: 'ClusterTopology', metadata: { name: 't' }, spec: { store: { shards: 2, split: { pods: 3 } }, nodePools: [{ name: 'w', count: 2 }] } },
      't.yaml',
    );
    const plan = planCluster(t, { dataDir: '/tmp/x', port: 0 });
    const specs = plan.hosts.flatMap((h) => h.actors.map((a) => ({ host: h.name, ...a })));
    const shards = specs.filter((a) => a.kind === 'store-shard');
    expect(shards.map((a) => a.id)).toEqual(['store/0', 'store/1', 'store/2', 'store/3', 'store/4']);
    expect(new Set(shards.map((a) => a.host)).size).toBe(5);
    const groups = shards.map((a) => (a.params as { group?: { sequence: SharedArrayBuffer; member: number } }).group);
    expect(groups.slice(0, 2)).toEqual([undefined, undefined]);
    expect(groups.slice(2).map((g) => g?.member)).toEqual([0, 1, 2]);
    expect(new Set(groups.slice(2).map((g) => g?.sequence)).size).toBe(1);
    const api = specs.find((a) => a.id === 'apiserver')!.params as { storeSplit: { prefix: string; shards: string[]; sequence: SharedArrayBuffer }[] };
    expect(api.storeSplit).toEqual([{ prefix: 'pods', shards: ['store/2', 'store/3', 'store/4'], sequence: groups[2]!.sequence }]);
  });
});
