/** Fixtures for node-agent tests: a FakeApiClient-backed host of virtual nodes on a TestSystem. */
import { PODS } from '../../../src/api/resources.js';
import type { Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/index.js';
import { createNodeRegistry, nodeHostActors, type VirtualNodeSpec } from '../../../src/kubelet/index.js';
import { TestSystem } from './harness.js';

/** nodeSpec builds a VirtualNodeSpec for node i. */
export function nodeSpec(i: number, over: Partial<VirtualNodeSpec> = {}): VirtualNodeSpec {
  return {
    nodeName: `node-${i}`,
    capacity: { cpu: '4', memory: '8Gi', pods: 110 },
    labels: { zone: `z${i % 2}` },
    podCIDR: `10.244.${i}.0/24`,
    nodeIP: `172.18.0.${10 + i}`,
    ...over,
  };
}

/** startHost spawns nodeHostActors(0, nodes) against a FakeApiClient and settles. */
export async function startHost(nodes: VirtualNodeSpec[], sys = new TestSystem(), api = new FakeApiClient({ clock: sys.clock })) {
  const registry = createNodeRegistry({ client: () => api, watcher: () => api.newWatcher() });
  const specs = nodeHostActors(0, nodes);
  for (const s of specs) await sys.spawn(s.id, registry[s.kind](s.params, s));
  await sys.settle();
  return { sys, api, registry, specs };
}

/** createBoundPod creates a pod already bound to nodeName (as after the scheduler's bind). */
export async function createBoundPod(api: FakeApiClient, name: string, nodeName: string, extra: Partial<Pod['spec']> = {}): Promise<Pod> {
  const pod: Pod = { metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...extra } };
  const created = await api.create(PODS, pod);
  await api.bind('default', name, nodeName, created.metadata.uid);
  return created;
}
