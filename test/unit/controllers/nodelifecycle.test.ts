import { describe, expect, it } from 'vitest';
import { microTime } from '../../../src/controllers/leader-lease.js';
import { rfc3339 } from '../../../src/api/meta.js';
import { EVENTS, LEASES, NAMESPACES, NODES, PODS } from '../../../src/api/resources.js';
import type { KEvent, Lease, Node, Pod, Toleration } from '../../../src/api/types.js';
import { nodeLifecycleController } from '../../../src/controllers/nodelifecycle.js';
import { tolerationSecondsFor, TAINT_UNREACHABLE } from '../../../src/controllers/taints.js';
import { harness, type Harness } from './harness.js';

async function setup(): Promise<Harness> {
  const h = harness();
  await h.fake.create(NAMESPACES, { metadata: { name: 'kube-node-lease' } });
  const now = rfc3339(h.clock.now());
  await h.fake.create<Node>(NODES, { metadata: { name: 'n1' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }, { type: 'MemoryPressure', status: 'False' }] } });
  await h.fake.create<Lease>(LEASES, { metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: microTime(h.clock.now()) } });
  return h;
}

async function renew(h: Harness): Promise<void> {
  const l = h.fake.peek<Lease>(LEASES, 'kube-node-lease', 'n1')!;
  await h.fake.update(LEASES, { ...l, spec: { ...l.spec, renewTime: microTime(h.clock.now()) } });
}

const node = (h: Harness) => h.fake.peek<Node>(NODES, undefined, 'n1')!;
const ready = (h: Harness) => node(h).status?.conditions?.find((c) => c.type === 'Ready');

function pod(name: string, tolerations?: Toleration[]): Pod {
  return { metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }], ...(tolerations ? { tolerations } : {}) }, status: { phase: 'Running' } };
}

describe('controllers/nodelifecycle', () => {
  it('controllers/nodelifecycle - a node that keeps renewing its lease stays Ready and untainted', async () => {
    const h = await setup();
    await h.start(nodeLifecycleController());
    for (let i = 0; i < 12; i++) {
      await h.advance(10_000, 5_000);
      await renew(h);
    }
    expect(ready(h)?.status).toBe('True');
    expect(node(h).spec.taints ?? []).toEqual([]);
    expect(h.fake.countActions('list', 'pods')).toBe(0);
  });

  it('controllers/nodelifecycle - a node is announced once with a RegisteredNode event', async () => {
    const h = await setup();
    await h.start(nodeLifecycleController());
    for (let i = 0; i < 3; i++) {
      await h.advance(10_000, 5_000);
      await renew(h);
    }
    const evs = h.fake.all<KEvent>(EVENTS).filter((e) => e.reason === 'RegisteredNode');
    expect(evs.map((e) => e.message)).toEqual(['Node n1 event: Registered Node n1 in Controller']);
    expect(evs[0].involvedObject).toMatchObject({ kind: 'Node', name: 'n1' });
  });

  it('controllers/nodelifecycle - a stale lease marks the node Unknown, taints it unreachable, evicts per tolerationSeconds, and recovers', async () => {
    const h = await setup();
    await h.fake.create(NAMESPACES, { metadata: { name: 'default' } });
    await h.fake.create(PODS, pod('plain'));
    await h.fake.create(PODS, pod('short', [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]));
    await h.fake.create(PODS, pod('forever', [{ operator: 'Exists' }]));
    await h.start(nodeLifecycleController());
    await h.advance(40_000, 5_000);
    expect(ready(h)?.status).toBe('True');
    await h.advance(10_000, 5_000); // 50 s without renewal > 40 s grace (+ monitor period)
    expect(ready(h)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(node(h).status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(node(h).spec.taints?.map((t) => `${t.key}:${t.effect}`).sort()).toEqual([`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
    const tainted = Date.parse(node(h).spec.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!);
    const gone = (name: string) => !!h.fake.peek<Pod>(PODS, 'default', name)?.metadata.deletionTimestamp;
    await h.advance(tainted + 29_000 - h.clock.now(), 1_000);
    expect(gone('short')).toBe(false);
    await h.advance(2_000, 1_000);
    expect(gone('short')).toBe(true);
    expect(gone('plain')).toBe(false);
    await h.advance(tainted + 301_000 - h.clock.now(), 5_000);
    expect(gone('plain')).toBe(true);
    expect(gone('forever')).toBe(false);
    // the kubelet comes back
    await renew(h);
    await h.settle();
    expect(ready(h)).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(node(h).spec.taints ?? []).toEqual([]);
  });

  it.each([
    ['no toleration: default 300 s for unreachable', undefined, 300],
    ['exists everything: forever', [{ operator: 'Exists' as const }], Infinity],
    ['key match with seconds', [{ key: TAINT_UNREACHABLE, operator: 'Exists' as const, tolerationSeconds: 5 }], 5],
    ['wrong effect does not match → default', [{ key: TAINT_UNREACHABLE, operator: 'Exists' as const, effect: 'NoSchedule' as const, tolerationSeconds: 5 }], 300],
  ])('controllers/nodelifecycle - toleration seconds: %s', (_n, tols, want) => {
    expect(tolerationSecondsFor(tols, [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }], 300)).toBe(want);
  });

  it('controllers/nodelifecycle - an untolerated custom NoExecute taint evicts at once', () => {
    expect(tolerationSecondsFor([], [{ key: 'dedicated', effect: 'NoExecute' }], 300)).toBe(0);
  });
});

describe('controllers/nodelifecycle - pod gc', () => {
  it('controllers/nodelifecycle - pods of a deleted node are force-deleted', async () => {
    const h = await setup();
    await h.fake.create(NAMESPACES, { metadata: { name: 'default' } });
    await h.fake.create(PODS, pod('on-n1'));
    await h.fake.create(PODS, { ...pod('elsewhere'), spec: { nodeName: 'n2', containers: [{ name: 'c' }] } });
    await h.fake.delete(PODS, 'default', 'on-n1'); // graceful: stays Terminating without a kubelet
    await h.start(nodeLifecycleController());
    await h.settle();
    expect(h.fake.peek(PODS, 'default', 'on-n1')).toBeDefined();
    await h.fake.delete(NODES, undefined, 'n1');
    await h.settle();
    expect(h.fake.peek(PODS, 'default', 'on-n1')).toBeUndefined();
    expect(h.fake.peek(PODS, 'default', 'elsewhere')).toBeDefined();
  });
});
