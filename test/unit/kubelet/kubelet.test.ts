import { describe, expect, it } from 'vitest';
import { LEASES, NODES, PODS } from '../../../src/api/resources.js';
import type { Lease, Node, Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/index.js';
import type { KubeletStats } from '../../../src/kubelet/index.js';
import { TestSystem } from './harness.js';
import { createBoundPod, nodeSpec, startHost } from './fixtures.js';

const statusWrites = (api: FakeApiClient): number => api.actions.filter((a) => a.resource === 'pods' && (a.verb === 'patch' || a.verb === 'updateStatus')).length;

describe('kubelet - registration and lease', () => {
  it('registers its Node with labels, capacity, conditions, addresses, nodeInfo, podCIDR and taints', async () => {
    const { api } = await startHost([nodeSpec(1, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })]);
    const node = api.peek<Node>(NODES, undefined, 'node-1') as Node;
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'kubeactor.virtual', zone: 'z1' });
    expect(node.status?.capacity).toMatchObject({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(node.status?.allocatable).toMatchObject({ cpu: '4', memory: '8Gi', pods: '110' });
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(node.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    expect(node.status?.addresses).toEqual([
      { type: 'InternalIP', address: '172.18.0.11' },
      { type: 'Hostname', address: 'node-1' },
    ]);
    expect(node.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', containerRuntimeVersion: 'kubeactor://0.1', operatingSystem: 'linux', architecture: 'amd64' });
    expect(node.spec).toMatchObject({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
  });

  it('creates its Lease in kube-node-lease and renews it about every 10 s, with jitter across nodes', async () => {
    const { sys, api } = await startHost([nodeSpec(1), nodeSpec(2)]);
    const lease = api.peek<Lease>(LEASES, 'kube-node-lease', 'node-1') as Lease;
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'node-1' });
    const t0 = Date.parse(String(lease.spec.renewTime));
    await sys.advance(35_000, 250);
    const stats = await sys.ask<KubeletStats>('kubelet/node-1', { type: 'stats' });
    // 1 create + renewals every 9–11 s over 35 s → 3 or 4 more.
    expect(stats.leaseRenewals).toBeGreaterThanOrEqual(4);
    expect(stats.leaseRenewals).toBeLessThanOrEqual(5);
    const l1 = api.peek<Lease>(LEASES, 'kube-node-lease', 'node-1') as Lease;
    const l2 = api.peek<Lease>(LEASES, 'kube-node-lease', 'node-2') as Lease;
    expect(Date.parse(String(l1.spec.renewTime))).toBeGreaterThan(t0 + 25_000);
    expect(l1.spec.renewTime).not.toBe(l2.spec.renewTime);
  });

  it('updates (not re-creates) a Node that already exists after a restart, keeping user labels', async () => {
    const sys = new TestSystem();
    const api = new FakeApiClient({ clock: sys.clock });
    await api.create(NODES, { metadata: { name: 'node-1', labels: { team: 'a' } }, spec: {} } as Node);
    await startHost([nodeSpec(1)], sys, api);
    expect(api.countActions('create', 'nodes')).toBe(1);
    const node = api.peek<Node>(NODES, undefined, 'node-1') as Node;
    expect(node.metadata.labels).toMatchObject({ team: 'a', 'kubernetes.io/hostname': 'node-1' });
    expect(node.spec.podCIDR).toBe('10.244.1.0/24');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('posts a NodeStatus heartbeat about every 60 s', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    const before = api.countActions('patch', 'nodes');
    await sys.advance(130_000, 1_000);
    expect(api.countActions('patch', 'nodes') - before).toBe(2);
  });
});

describe('kubelet - pod lifecycle', () => {
  it('takes a bound pod from Pending to Running with one status write', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    const before = statusWrites(api);
    await createBoundPod(api, 'web-1', 'node-1');
    await sys.advance(300);
    const pod = api.peek<Pod>(PODS, 'default', 'web-1') as Pod;
    expect(pod.status?.phase).toBe('Running');
    expect(statusWrites(api) - before).toBe(1);
    expect(pod.status).toMatchObject({ hostIP: '172.18.0.11', podIP: '10.244.1.2', podIPs: [{ ip: '10.244.1.2' }], qosClass: 'BestEffort' });
    expect(pod.status?.startTime).toBeDefined();
    expect(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort()).toEqual(['ContainersReady=True', 'Initialized=True', 'PodReadyToStartContainers=True', 'PodScheduled=True', 'Ready=True']);
    const cs = pod.status?.containerStatuses?.[0];
    expect(cs).toMatchObject({ name: 'web', ready: true, started: true, image: 'docker.io/library/nginx:1.27' });
    expect(cs?.containerID).toMatch(/^kubeactor:\/\/[0-9a-f]{64}$/);
    expect(cs?.imageID).toMatch(/@sha256:/);
    expect(cs?.state.running?.startedAt).toBeDefined();
  });

  it('ignores pods bound to other nodes and only watches pods once per host', async () => {
    const { sys, api } = await startHost([nodeSpec(1), nodeSpec(2), nodeSpec(3)]);
    await createBoundPod(api, 'a', 'node-2');
    await createBoundPod(api, 'elsewhere', 'node-9');
    await sys.advance(300);
    expect(api.peek<Pod>(PODS, 'default', 'a')?.status?.podIP).toBe('10.244.2.2');
    expect(api.peek<Pod>(PODS, 'default', 'elsewhere')?.status?.phase).toBe('Pending');
    expect(api.actions.filter((a) => a.verb === 'watch' && a.resource === 'pods')).toHaveLength(1);
    const s1 = await sys.ask<KubeletStats>('kubelet/node-1', { type: 'stats' });
    expect(s1.pods.running).toBe(0);
  });

  it('honours graceful deletion: stops containers, then deletes with grace 0 and a uid precondition, releasing the IP', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    const created = await createBoundPod(api, 'web-1', 'node-1', { terminationGracePeriodSeconds: 30 });
    await sys.advance(300);
    await api.delete(PODS, 'default', 'web-1');
    // Graceful: still there, Terminating.
    expect(api.peek<Pod>(PODS, 'default', 'web-1')?.metadata.deletionTimestamp).toBeDefined();
    await sys.advance(200);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')).toBeUndefined();
    const del = api.actions.filter((a) => a.verb === 'delete');
    expect(del).toHaveLength(2);
    const stats = await sys.ask<KubeletStats>('kubelet/node-1', { type: 'stats' });
    expect(stats).toMatchObject({ ipsAllocated: 0, pods: { starting: 0, running: 0, terminating: 0 } });
    void created;
  });

  it('does not delete a new pod that took the name of the one it is stopping (uid precondition)', async () => {
    const { sys, api } = await startHost([nodeSpec(1, { timing: { stopLatencyMs: 1_000 } })]);
    await createBoundPod(api, 'web-1', 'node-1');
    await sys.advance(300);
    await api.delete(PODS, 'default', 'web-1');
    await sys.settle();
    // Someone force-deletes it and creates a new pod of the same name before the kubelet is done;
    // the kubelet misses the DELETED event, so it still tries to delete "web-1".
    const undo = api.dropEvents((ev) => ev.type === 'DELETED');
    await api.delete(PODS, 'default', 'web-1', { gracePeriodSeconds: 0 });
    undo();
    const replacement = await api.create(PODS, { metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as Pod);
    const deletesBefore = api.countActions('delete', 'pods');
    await sys.advance(2_000);
    expect(api.countActions('delete', 'pods')).toBe(deletesBefore + 1);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')?.metadata.uid).toBe(replacement.metadata.uid);
  });

  it('ignores stale Pending events after its write but rewrites when the status is really lost', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    const created = await createBoundPod(api, 'web-1', 'node-1');
    await sys.advance(300);
    const writes = statusWrites(api);
    const stale = { ...created, spec: { ...created.spec, nodeName: 'node-1' } };
    sys.tell('kubelet/node-1', { type: 'podUpsert', pod: stale });
    await sys.settle();
    expect(statusWrites(api)).toBe(writes);
    // Someone (an apiserver restored from an old snapshot, say) puts it back to Pending.
    const cur = api.peek<Pod>(PODS, 'default', 'web-1') as Pod;
    await api.updateStatus(PODS, { ...cur, status: { phase: 'Pending' } });
    await sys.settle();
    expect(statusWrites(api)).toBe(writes + 2);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')?.status?.phase).toBe('Running');
  });

  it('forgets a pod force-deleted from the API and releases its IP', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'web-1', 'node-1');
    await sys.advance(300);
    expect((await sys.ask<KubeletStats>('kubelet/node-1', { type: 'stats' })).ipsAllocated).toBe(1);
    await api.delete(PODS, 'default', 'web-1', { gracePeriodSeconds: 0 });
    await sys.settle();
    expect(await sys.ask<KubeletStats>('kubelet/node-1', { type: 'stats' })).toMatchObject({ ipsAllocated: 0, pods: { running: 0 } });
  });

  it('waits no longer than the grace period when it is shorter than the stop time', async () => {
    const { sys, api } = await startHost([nodeSpec(1, { timing: { stopLatencyMs: 60_000 } })]);
    await createBoundPod(api, 'web-1', 'node-1', { terminationGracePeriodSeconds: 2 });
    await sys.advance(300);
    await api.delete(PODS, 'default', 'web-1');
    await sys.advance(1_500);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')).toBeDefined();
    await sys.advance(600);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')).toBeUndefined();
  });

  it('retries the Running status write after a failure', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    let fails = 1;
    api.reactors.push((a) => {
      if (a.verb === 'patch' && a.resource === 'pods' && fails-- > 0) throw new Error('apiserver restarting');
    });
    await createBoundPod(api, 'web-1', 'node-1');
    await sys.advance(300);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')?.status?.phase).toBe('Pending');
    await sys.advance(1_500);
    expect(api.peek<Pod>(PODS, 'default', 'web-1')?.status?.phase).toBe('Running');
  });
});

describe('kubelet - restart recovery', () => {
  it('keeps Running pods Running with their IPs after a kubelet restart, without writes', async () => {
    const { sys, api, registry, specs } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'a', 'node-1');
    await createBoundPod(api, 'b', 'node-1');
    await sys.advance(300);
    const ipsBefore = ['a', 'b'].map((n) => api.peek<Pod>(PODS, 'default', n)?.status?.podIP);
    const idsBefore = ['a', 'b'].map((n) => api.peek<Pod>(PODS, 'default', n)?.status?.containerStatuses?.[0].containerID);
    const writes = statusWrites(api);

    sys.kill('kubelet/node-1');
    const spec = specs.find((s) => s.id === 'kubelet/node-1');
    if (!spec) throw new Error('no kubelet spec');
    await sys.spawn(spec.id, registry.kubelet(spec.params, spec));
    await sys.advance(300);

    expect(['a', 'b'].map((n) => api.peek<Pod>(PODS, 'default', n)?.status?.podIP)).toEqual(ipsBefore);
    expect(['a', 'b'].map((n) => api.peek<Pod>(PODS, 'default', n)?.status?.containerStatuses?.[0].containerID)).toEqual(idsBefore);
    expect(statusWrites(api)).toBe(writes);
    const stats = await sys.ask<KubeletStats>('kubelet/node-1', { type: 'stats' });
    expect(stats).toMatchObject({ pods: { running: 2 }, ipsAllocated: 2 });
    // A new pod does not collide with the restored IPs.
    await createBoundPod(api, 'c', 'node-1');
    await sys.advance(300);
    const ipC = api.peek<Pod>(PODS, 'default', 'c')?.status?.podIP;
    expect(ipC).toBeDefined();
    expect(ipsBefore).not.toContain(ipC);
  });

  it('starts pods that were bound while the kubelet was down', async () => {
    const { sys, api, registry, specs } = await startHost([nodeSpec(1)]);
    sys.kill('kubelet/node-1');
    await createBoundPod(api, 'late', 'node-1');
    await sys.settle();
    const spec = specs.find((s) => s.id === 'kubelet/node-1');
    if (!spec) throw new Error('no kubelet spec');
    await sys.spawn(spec.id, registry.kubelet(spec.params, spec));
    await sys.advance(300);
    expect(api.peek<Pod>(PODS, 'default', 'late')?.status?.phase).toBe('Running');
  });

  it('finishes a deletion that a restart interrupted', async () => {
    const { sys, api, registry, specs } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'a', 'node-1');
    await sys.advance(300);
    sys.kill('kubelet/node-1');
    await api.delete(PODS, 'default', 'a');
    const spec = specs.find((s) => s.id === 'kubelet/node-1');
    if (!spec) throw new Error('no kubelet spec');
    await sys.spawn(spec.id, registry.kubelet(spec.params, spec));
    await sys.advance(300);
    expect(api.peek<Pod>(PODS, 'default', 'a')).toBeUndefined();
  });
});
