import { describe, expect, it } from 'vitest';
import { resourcePrefix, shardRouter } from '../../../src/store/client.js';

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
});
