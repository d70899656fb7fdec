import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../../src/api/meta.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from '../../../src/api/resources.js';
import type { Node, Pod, Taint } from '../../../src/api/types.js';
import { daemonSetController } from '../../../src/controllers/daemonset.js';
import { nodeNameOfDaemonPod } from '../../../src/controllers/daemonset-rollout.js';
import { DAEMON_TOLERATIONS, nodeShouldRunDaemonPod, type DaemonSet } from '../../../src/controllers/daemonset-util.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../../../src/controllers/history.js';
import { finishTerminating, harness, type Harness } from './harness.js';

function makeDs(name: string, extra: Partial<DaemonSet['spec']> = {}, tmpl: Partial<Pod['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...tmpl } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      ...extra,
    },
  };
}

function makeNode(name: string, labels: Record<string, string> = {}, taints: Taint[] = [], unschedulable = false): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints, ...(unschedulable ? { unschedulable } : {}) } };
}

const live = (h: Harness): Pod[] => h.fake.all<Pod>(PODS).filter((p) => !p.metadata.deletionTimestamp);
const nodesWithPods = (h: Harness): string[] => live(h).map((p) => String(nodeNameOfDaemonPod(p))).sort();
const ds = (h: Harness, name = 'agent'): DaemonSet => h.fake.peek<DaemonSet>(DAEMONSETS, 'default', name)!;

/** kubelet binds pods to the node their affinity pins them to and makes them Running+Ready. */
async function kubelet(h: Harness): Promise<void> {
  for (const p of h.fake.all<Pod>(PODS)) {
    if (p.metadata.deletionTimestamp) continue;
    if (!p.spec.nodeName) await h.fake.bind(String(p.metadata.namespace), String(p.metadata.name), String(nodeNameOfDaemonPod(p)));
    const cur = h.fake.peek<Pod>(PODS, p.metadata.namespace, String(p.metadata.name))!;
    if (cur.status?.phase === 'Running' || cur.status?.phase === 'Failed') continue;
    await h.fake.updateStatus(PODS, { ...cur, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(h.clock.now()) }] } });
  }
  await finishTerminating(h.fake);
  await h.settle();
}

async function setup(nodes: Node[], d: DaemonSet): Promise<Harness> {
  const h = harness();
  for (const n of nodes) await h.fake.create(NODES, n);
  await h.fake.create(DAEMONSETS, d);
  await h.start(daemonSetController());
  await h.settle();
  return h;
}

describe('controllers/daemonset', () => {
  it.each([
    { name: 'runs everywhere by default', nodes: [makeNode('a'), makeNode('b'), makeNode('c')], tmpl: {}, want: ['a', 'b', 'c'] },
    { name: 'nodeSelector picks labelled nodes', nodes: [makeNode('a', { disk: 'ssd' }), makeNode('b')], tmpl: { nodeSelector: { disk: 'ssd' } }, want: ['a'] },
    {
      name: 'required node affinity',
      nodes: [makeNode('a', { zone: 'z1' }), makeNode('b', { zone: 'z2' })],
      tmpl: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }] } } } },
      want: ['b'],
    },
    { name: 'untolerated NoSchedule taint excludes the node', nodes: [makeNode('a', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]), makeNode('b')], tmpl: {}, want: ['b'] },
    { name: 'tolerated taint is fine', nodes: [makeNode('a', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }])], tmpl: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }, want: ['a'] },
    { name: 'cordoned and not-ready nodes still run daemons', nodes: [makeNode('a', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], true), makeNode('b', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])], tmpl: {}, want: ['a', 'b'] },
  ])('controllers/daemonset - placement: $name', async ({ nodes, tmpl, want }) => {
    const h = await setup(nodes, makeDs('agent', {}, tmpl as Partial<Pod['spec']>));
    expect(nodesWithPods(h)).toEqual(want);
    const pod = live(h)[0];
    expect(pod.spec.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeNameOfDaemonPod(pod)] }] }] } } });
    for (const t of DAEMON_TOLERATIONS) expect(pod.spec.tolerations).toContainEqual(t);
    await kubelet(h);
    expect(ds(h).status).toMatchObject({ desiredNumberScheduled: want.length, currentNumberScheduled: want.length, numberReady: want.length, numberAvailable: want.length, updatedNumberScheduled: want.length, numberMisscheduled: 0, observedGeneration: 1 });
    h.stop();
  });

  it('controllers/daemonset - new nodes get a pod, deleted nodes lose theirs, label changes move it', async () => {
    const h = await setup([makeNode('a', { role: 'x' })], makeDs('agent', {}, { nodeSelector: { role: 'x' } }));
    await kubelet(h);
    await h.fake.create(NODES, makeNode('b', { role: 'x' }));
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['a', 'b']);
    await h.fake.delete(NODES, undefined, 'a');
    await h.settle();
    await kubelet(h);
    expect(nodesWithPods(h)).toEqual(['b']);
    const b = h.fake.peek<Node>(NODES, undefined, 'b')!;
    await h.fake.update(NODES, { ...b, metadata: { ...b.metadata, labels: { role: 'y' } } });
    await h.settle();
    await kubelet(h);
    expect(nodesWithPods(h)).toEqual([]);
    expect(ds(h).status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });
    h.stop();
  });

  it('controllers/daemonset - a NoExecute taint evicts, a NoSchedule taint keeps the running pod', async () => {
    const h = await setup([makeNode('a'), makeNode('b')], makeDs('agent'));
    await kubelet(h);
    for (const [n, effect] of [['a', 'NoSchedule'], ['b', 'NoExecute']] as const) {
      const node = h.fake.peek<Node>(NODES, undefined, n)!;
      await h.fake.update(NODES, { ...node, spec: { taints: [{ key: 'k', effect }] } });
    }
    await h.settle();
    await kubelet(h);
    expect(nodesWithPods(h)).toEqual(['a']);
    expect(ds(h).status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
    h.stop();
  });

  it('controllers/daemonset - failed pods are replaced', async () => {
    const h = await setup([makeNode('a')], makeDs('agent'));
    await kubelet(h);
    const p = live(h)[0];
    await h.fake.updateStatus(PODS, { ...p, status: { phase: 'Failed' } });
    await h.settle();
    await kubelet(h);
    await h.settle();
    const now = live(h);
    expect(now).toHaveLength(1);
    expect(now[0].metadata.uid).not.toBe(p.metadata.uid);
    h.stop();
  });

  it('controllers/daemonset - RollingUpdate maxUnavailable 1 replaces one node at a time', async () => {
    const h = await setup([makeNode('a'), makeNode('b'), makeNode('c')], makeDs('agent'));
    await kubelet(h);
    const d = ds(h);
    await h.fake.update(DAEMONSETS, { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await h.settle();
    let maxTerminating = 0;
    for (let i = 0; i < 10; i++) {
      maxTerminating = Math.max(maxTerminating, h.fake.all<Pod>(PODS).filter((p) => p.metadata.deletionTimestamp).length);
      await kubelet(h);
    }
    expect(maxTerminating).toBe(1);
    expect(live(h).map((p) => p.spec.containers[0].image)).toEqual(['agent:2', 'agent:2', 'agent:2']);
    const hash = live(h)[0].metadata.labels![CONTROLLER_REVISION_HASH_LABEL];
    const revs = h.fake.all(CONTROLLERREVISIONS);
    expect(revs).toHaveLength(2);
    expect(revs.some((r) => r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash)).toBe(true);
    expect(ds(h).status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    h.stop();
  });

  it('controllers/daemonset - RollingUpdate maxSurge starts the new pod before deleting the old one', async () => {
    const h = await setup([makeNode('a'), makeNode('b')], makeDs('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
    await kubelet(h);
    const d = ds(h);
    await h.fake.update(DAEMONSETS, { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await h.settle();
    expect(live(h)).toHaveLength(3);
    for (let i = 0; i < 8; i++) {
      expect(live(h).filter((p) => p.status?.phase === 'Running').length).toBeGreaterThanOrEqual(2);
      await kubelet(h);
    }
    expect(live(h).map((p) => p.spec.containers[0].image)).toEqual(['agent:2', 'agent:2']);
    h.stop();
  });

  it('controllers/daemonset - OnDelete keeps old pods', async () => {
    const h = await setup([makeNode('a')], makeDs('agent', { updateStrategy: { type: 'OnDelete' } }));
    await kubelet(h);
    const d = ds(h);
    await h.fake.update(DAEMONSETS, { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    for (let i = 0; i < 3; i++) await kubelet(h);
    expect(live(h)[0].spec.containers[0].image).toBe('agent:1');
    expect(ds(h).status).toMatchObject({ updatedNumberScheduled: 0, currentNumberScheduled: 1 });
    h.stop();
  });

  it('controllers/daemonset - creates on many nodes are pipelined, not one round trip at a time', async () => {
    const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${i}`));
    const h = harness();
    for (const n of nodes) await h.fake.create(NODES, n);
    const batches: number[] = [];
    let cur = 0;
    h.fake.reactors.push((a) => {
      if (a.verb !== 'create' || a.resource !== 'pods') return;
      // creates issued in the same synchronous run form one batch in flight
      if (cur++ === 0)
        queueMicrotask(() => {
          batches.push(cur);
          cur = 0;
        });
    });
    await h.fake.create(DAEMONSETS, makeDs('agent'));
    await h.start(daemonSetController());
    await h.settle();
    expect(h.fake.count(PODS)).toBe(300);
    expect(batches).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 45]);
    h.stop();
  });

  it('controllers/daemonset - nodeShouldRunDaemonPod honours the template nodeName', () => {
    const d = makeDs('x', {}, { nodeName: 'a' });
    expect(nodeShouldRunDaemonPod(d, makeNode('a')).shouldRun).toBe(true);
    expect(nodeShouldRunDaemonPod(d, makeNode('b'))).toEqual({ shouldRun: false, shouldContinueRunning: false });
  });
});
