import { describe, expect, it } from 'vitest';
import { NODES, PODS, SERVICES, ENDPOINTS } from '../../../src/api/resources.js';
import type { Node, Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/index.js';
import { nodeHostActors, nodeRegistry, type KubeProxyStats } from '../../../src/kubelet/index.js';
import { schedulerActors, schedulerRegistry } from '../../../src/scheduler/index.js';
import { fakeApiServer } from './fake-apiserver-actor.js';
import { TestSystem } from './harness.js';
import { nodeSpec } from './fixtures.js';

describe('kubelet - whole node pipeline through the real ApiClient and Watcher', () => {
  it('registers nodes, schedules, runs, serves and deletes pods using only actor messages', async () => {
    const sys = new TestSystem();
    const api = new FakeApiClient({ clock: sys.clock });
    await sys.spawn('apiserver', fakeApiServer(api));
    const registry = { ...schedulerRegistry, ...nodeRegistry };
    for (const s of [...nodeHostActors(0, [nodeSpec(1), nodeSpec(2)]), ...schedulerActors()]) await sys.spawn(s.id, registry[s.kind](s.params, s));
    await sys.advance(200);
    expect(api.all<Node>(NODES).map((n) => n.metadata.name).sort()).toEqual(['node-1', 'node-2']);

    for (let i = 0; i < 6; i++) await api.create(PODS, { metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '500m' } } }] } } as Pod);
    await sys.advance(500);
    const pods = api.all<Pod>(PODS, 'default');
    expect(pods.map((p) => p.status?.phase)).toEqual(Array(6).fill('Running'));
    // Spread 3/3 by LeastAllocated, IPs from each node's podCIDR.
    expect(pods.filter((p) => p.spec.nodeName === 'node-1')).toHaveLength(3);
    for (const p of pods) expect(p.status?.podIP?.startsWith(p.spec.nodeName === 'node-1' ? '10.244.1.' : '10.244.2.')).toBe(true);

    await api.create(SERVICES, { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.50', selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await api.create(ENDPOINTS, { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: pods.map((p) => ({ ip: String(p.status?.podIP), nodeName: p.spec.nodeName })), ports: [{ port: 80 }] }] });
    await sys.settle();
    expect(await sys.ask<KubeProxyStats>('kube-proxy/node-2', { type: 'stats' })).toMatchObject({ proxyRules: 7, localEndpoints: 3 });

    await api.delete(PODS, 'default', 'web-0');
    await sys.advance(300);
    expect(api.peek(PODS, 'default', 'web-0')).toBeUndefined();
    expect(sys.logs.filter((l) => l.level === 'crash')).toEqual([]);
  });
});
