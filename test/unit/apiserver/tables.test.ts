import { describe, expect, it } from 'vitest';
import { DEPLOYMENTS, ENDPOINTS, EVENTS, LEASES, NAMESPACES, NODES, PODS, REPLICASETS, SERVICES, lookupResource } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';
import { humanDuration, tableColumns, toTable } from '../../../src/apiserver/tables/index.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(5 * M + 2 * S), ...extra });
const cells = (info: Parameters<typeof toTable>[0], obj: KObject) => toTable(info, [obj], { listMeta: {}, now: NOW }).rows[0].cells;

describe('tables - humanDuration', () => {
  it.each([
    [-5 * S, '<invalid>'],
    [-500, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [5 * M + 2 * S, '5m2s'],
    [5 * M, '5m'],
    [15 * M + 30 * S, '15m'],
    [179 * M, '179m'],
    [3 * H + 20 * M, '3h20m'],
    [3 * H, '3h'],
    [10 * H + 5 * M, '10h'],
    [3 * D + 4 * H, '3d4h'],
    [3 * D, '3d'],
    [20 * D, '20d'],
    [800 * D, '2y70d'],
    [365 * 9 * D, '9y'],
  ])('%d ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('tables - pods', () => {
  const base = { apiVersion: 'v1', kind: 'Pod', spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'nginx' }] } };
  it.each([
    ['pending, unscheduled', { ...base, spec: { containers: [{ name: 'app' }] }, metadata: meta('p'), status: { phase: 'Pending' } }, ['p', '0/1', 'Pending', '0', '5m2s', '<none>', '<none>', '<none>', '<none>']],
    [
      'container creating',
      { ...base, metadata: meta('p'), status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] } },
      ['p', '0/1', 'ContainerCreating', '0', '5m2s', '<none>', 'node1', '<none>', '<none>'],
    ],
    [
      'running with restarts',
      {
        ...base,
        metadata: meta('p'),
        status: { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 2, image: 'nginx', imageID: '', state: { running: { startedAt: ago(M) } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(90 * S) } } }] },
      },
      ['p', '1/1', 'Running', '2 (90s ago)', '5m2s', '10.244.1.5', 'node1', '<none>', '<none>'],
    ],
    [
      'terminating',
      { ...base, metadata: meta('p', { deletionTimestamp: ago(0) }), status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: { startedAt: ago(M) } } }] } },
      ['p', '1/1', 'Terminating', '0', '5m2s', '<none>', 'node1', '<none>', '<none>'],
    ],
    [
      'completed',
      { ...base, metadata: meta('p'), status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } },
      ['p', '0/1', 'Completed', '0', '5m2s', '<none>', 'node1', '<none>', '<none>'],
    ],
    [
      'init waiting',
      { ...base, spec: { ...base.spec, initContainers: [{ name: 'init', image: 'busybox' }] }, metadata: meta('p'), status: { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, image: 'b', imageID: '', state: { running: { startedAt: ago(S) } } }] } },
      ['p', '0/1', 'Init:0/1', '0', '5m2s', '<none>', 'node1', '<none>', '<none>'],
    ],
    [
      'evicted',
      { ...base, metadata: meta('p'), status: { phase: 'Failed', reason: 'Evicted' } },
      ['p', '0/1', 'Evicted', '0', '5m2s', '<none>', 'node1', '<none>', '<none>'],
    ],
  ])('%s', (_name, pod, want) => {
    expect(cells(PODS, pod as KObject)).toEqual(want);
  });
  it('marks terminal pods with the Completed row condition', () => {
    const t = toTable(PODS, [{ metadata: meta('p'), spec: { containers: [] }, status: { phase: 'Succeeded' } }], { listMeta: {}, now: NOW });
    expect(t.rows[0].conditions?.[0]).toMatchObject({ type: 'Completed', status: 'True', reason: 'Succeeded' });
  });
  it('has NAME READY STATUS RESTARTS AGE and 4 wide columns', () => {
    expect(tableColumns(PODS).map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
    expect(tableColumns(PODS)[0].format).toBe('name');
  });
});

describe('tables - table shape and includeObject', () => {
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: meta('p', { labels: { a: 'b' } }), spec: { containers: [] } };
  it('defaults to PartialObjectMetadata rows and copies list metadata', () => {
    const t = toTable(PODS, [pod], { listMeta: { resourceVersion: '42', continue: 'c' }, now: NOW });
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '42', continue: 'c' } });
    expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
  });
  it.each([
    ['None', null],
    ['Object', pod],
  ] as const)('includeObject=%s', (inc, want) => {
    expect(toTable(PODS, [pod], { listMeta: {}, now: NOW, includeObject: inc }).rows[0].object).toEqual(want);
  });
  it('every row has one cell per column for every kind', () => {
    for (const info of [PODS, NODES, DEPLOYMENTS, REPLICASETS, SERVICES, ENDPOINTS, NAMESPACES, EVENTS, LEASES]) {
      const t = toTable(info, [{ metadata: { name: 'x' } }], { listMeta: {}, now: NOW });
      expect(t.rows[0].cells.length, info.resource).toBe(t.columnDefinitions.length);
    }
  });
  it('unknown resources get Name and Created At', () => {
    const info = { group: 'x.io', resource: 'widgets' };
    expect(tableColumns(info).map((c) => c.name)).toEqual(['Name', 'Created At']);
    expect(lookupResource('x.io', 'widgets')).toBeUndefined();
  });
});

describe('tables - other kinds', () => {
  it('nodes: status, roles, version, addresses', () => {
    const node: KObject = {
      metadata: { name: 'node1', creationTimestamp: ago(25 * H), labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'kubeactor', kernelVersion: '6.1', containerRuntimeVersion: 'sim://1.0' } },
    };
    expect(cells(NODES, node)).toEqual(['node1', 'Ready,SchedulingDisabled', 'control-plane,worker', '25h', 'v1.32.4', '10.0.0.1', '<none>', 'kubeactor', '6.1', 'sim://1.0']);
    expect(cells(NODES, { metadata: { name: 'n' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }).slice(0, 3)).toEqual(['n', 'NotReady', '<none>']);
  });
  it('deployments: READY UP-TO-DATE AVAILABLE + wide', () => {
    const d: KObject = {
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    expect(cells(DEPLOYMENTS, d)).toEqual(['web', '2/3', 3, 2, '5m2s', 'a,b', 'nginx:1,busybox', 'app=web']);
  });
  it('replicasets: DESIRED CURRENT READY', () => {
    const rs: KObject = { metadata: meta('web-1'), spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'a', image: 'i' }] } } }, status: { replicas: 2 } };
    expect(cells(REPLICASETS, rs)).toEqual(['web-1', 2, 2, 0, '5m2s', 'a', 'i', 'app=web']);
  });
  it.each([
    [{ type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] }, ['ClusterIP', '10.96.0.1', '<none>', '443/TCP']],
    [{ type: 'NodePort', clusterIP: '10.96.0.2', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }, ['NodePort', '10.96.0.2', '<none>', '80:30080/TCP,53/UDP']],
    [{ type: 'LoadBalancer', clusterIP: '10.96.0.3', ports: [] }, ['LoadBalancer', '10.96.0.3', '<pending>', '<none>']],
    [{ type: 'ExternalName', externalName: 'example.com' }, ['ExternalName', '<none>', 'example.com', '<none>']],
  ])('services %j', (spec, want) => {
    expect(cells(SERVICES, { metadata: meta('s'), spec: { selector: { b: '2', a: '1' }, ...spec } }).slice(1, 5)).toEqual(want);
    expect(cells(SERVICES, { metadata: meta('s'), spec }).at(-1)).toBe('<none>');
  });
  it('endpoints: up to 3 host:port then "+ N more..."', () => {
    const ep: KObject = { metadata: meta('e'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }] };
    expect(cells(ENDPOINTS, ep)[1]).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
    expect(cells(ENDPOINTS, { metadata: meta('e') })[1]).toBe('<none>');
  });
  it('namespaces and leases', () => {
    expect(cells(NAMESPACES, { metadata: meta('default'), status: { phase: 'Active' } })).toEqual(['default', 'Active', '5m2s']);
    expect(cells(LEASES, { metadata: meta('node1'), spec: { holderIdentity: 'node1' } })).toEqual(['node1', 'node1', '5m2s']);
  });
  it('events: LAST SEEN TYPE REASON OBJECT … MESSAGE', () => {
    const ev: KObject = {
      metadata: meta('y.1'),
      involvedObject: { kind: 'Pod', name: 'y', namespace: 'default' },
      reason: 'Scheduled',
      type: 'Normal',
      message: 'Successfully assigned default/y to node1 ',
      source: { component: 'default-scheduler' },
      firstTimestamp: ago(10 * M),
      lastTimestamp: ago(30 * S),
    };
    expect(cells(EVENTS, ev)).toEqual(['30s', 'Normal', 'Scheduled', 'pod/y', '', 'default-scheduler', 'Successfully assigned default/y to node1', '10m', 1, 'y.1']);
  });
});
