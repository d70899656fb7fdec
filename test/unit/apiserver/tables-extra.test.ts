import { describe, expect, test } from 'vitest';
import { lookupResource, lookupResourceVersion } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';
import { toTable } from '../../../src/apiserver/tables/index.js';

const NOW = Date.UTC(2026, 0, 1, 1, 0, 0);
const CREATED = '2026-01-01T00:00:00Z';
const meta = (name: string, extra: object = {}) => ({ name, namespace: 'default', creationTimestamp: CREATED, ...extra });

function table(group: string, resource: string, obj: KObject, version?: string) {
  const info = version ? lookupResourceVersion(group, version, resource)! : lookupResource(group, resource)!;
  const t = toTable(info, [obj], { listMeta: {}, now: NOW });
  return { columns: t.columnDefinitions.map((c) => c.name), cells: t.rows[0].cells };
}

const CASES: [string, string, KObject, string[], unknown[], string?][] = [
  ['', 'configmaps', { metadata: meta('c'), data: { a: '1' }, binaryData: { b: 'AA==' } } as KObject, ['Name', 'Data', 'Age'], ['c', 2, '60m']],
  ['', 'secrets', { metadata: meta('s'), type: 'Opaque', data: { a: 'YQ==' } } as KObject, ['Name', 'Type', 'Data', 'Age'], ['s', 'Opaque', 1, '60m']],
  ['', 'persistentvolumes', { metadata: meta('pv'), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'c' }, storageClassName: 'sc', volumeMode: 'Filesystem' }, status: { phase: 'Bound' } } as KObject,
    ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode'], ['pv', '1Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/c', 'sc', '<unset>', '', '60m', 'Filesystem']],
  ['', 'resourcequotas', { metadata: meta('q'), spec: { hard: { pods: '10', 'limits.cpu': '2' } }, status: { used: { pods: '3' } } } as KObject, ['Name', 'Age', 'Request', 'Limit'], ['q', '60m', 'pods: 3/10', 'limits.cpu: 0/2']],
  ['apps', 'statefulsets', { metadata: meta('web'), spec: { replicas: 3, template: { spec: { containers: [{ name: 'n', image: 'nginx' }] } } }, status: { readyReplicas: 2 } } as KObject, ['Name', 'Ready', 'Age', 'Containers', 'Images'], ['web', '2/3', '60m', 'n', 'nginx']],
  ['apps', 'controllerrevisions', { metadata: meta('web-1', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }), revision: 1 } as KObject, ['Name', 'Controller', 'Revision', 'Age'], ['web-1', 'statefulset.apps/web', 1, '60m']],
  ['batch', 'jobs', { metadata: meta('j'), spec: { completions: 3, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { succeeded: 3, startTime: '2026-01-01T00:00:00Z', completionTime: '2026-01-01T00:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] } } as KObject,
    ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector'], ['j', 'Complete', '3/3', '42s', '60m', 'c', 'i', 'a=b']],
  ['batch', 'cronjobs', { metadata: meta('cj'), spec: { schedule: '*/5 * * * *', suspend: true, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } } }, status: { active: [{}], lastScheduleTime: '2026-01-01T00:55:00Z' } } as KObject,
    ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector'], ['cj', '*/5 * * * *', '<none>', 'True', 1, '5m', '60m', 'c', 'i', '<none>']],
  ['autoscaling', 'horizontalpodautoscalers', { metadata: meta('h'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] }, status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] } } as KObject,
    ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'], ['h', 'Deployment/d', 'cpu: 12%/80%', 1, 5, 2, '60m']],
  ['autoscaling', 'horizontalpodautoscalers', { metadata: meta('h1'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 5, targetCPUUtilizationPercentage: 70 } } as KObject,
    ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'], ['h1', 'Deployment/d', 'cpu: <unknown>/70%', '<unset>', 5, 0, '60m'], 'v1'],
  ['discovery.k8s.io', 'endpointslices', { metadata: meta('es'), addressType: 'IPv4', ports: [{ port: 80 }, { port: 443 }], endpoints: [1, 2, 3, 4].map((i) => ({ addresses: [`10.0.0.${i}`] })) } as KObject,
    ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'], ['es', 'IPv4', '80,443', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60m']],
  ['policy', 'poddisruptionbudgets', { metadata: meta('p'), spec: { maxUnavailable: '25%' }, status: { disruptionsAllowed: 1 } } as KObject, ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age'], ['p', 'N/A', '25%', 1, '60m']],
  ['rbac.authorization.k8s.io', 'rolebindings', { metadata: meta('rb'), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'a' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] } as KObject,
    ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts'], ['rb', 'ClusterRole/view', '60m', 'a', '', 'ns/sa']],
  ['storage.k8s.io', 'storageclasses', { metadata: meta('sc', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'p', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' } as KObject,
    ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age'], ['sc (default)', 'p', 'Delete', 'Immediate', 'false', '60m']],
  ['networking.k8s.io', 'ingresses', { metadata: meta('i'), spec: { tls: [{}], rules: [{ host: 'a.com' }, { host: 'b.com' }] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } } as KObject,
    ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'], ['i', '<none>', 'a.com,b.com', '1.2.3.4', '80, 443', '60m']],
  ['networking.k8s.io', 'networkpolicies', { metadata: meta('np'), spec: { podSelector: { matchLabels: { app: 'x' } } } } as KObject, ['Name', 'Pod-Selector', 'Age'], ['np', 'app=x', '60m']],
  ['scheduling.k8s.io', 'priorityclasses', { metadata: meta('pc'), value: 10, preemptionPolicy: 'Never' } as KObject, ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy'], ['pc', 10, false, '60m', 'Never']],
];

describe('tables - printers of the added kinds', () => {
  test.each(CASES)('tables - %s/%s prints the upstream columns', (group, resource, obj, columns, cells, version) => {
    const t = table(group, resource, obj, version);
    expect(t.columns).toEqual(columns);
    expect(t.cells).toEqual(cells);
  });

  test('tables - events.k8s.io events print with the core event columns', () => {
    const ev = { metadata: meta('e'), eventTime: '2026-01-01T00:59:00.000000Z', reason: 'R', note: 'hello', type: 'Normal', regarding: { kind: 'Pod', name: 'p' }, reportingController: 'c', reportingInstance: 'i' } as KObject;
    const t = table('events.k8s.io', 'events', ev);
    expect(t.columns[0]).toBe('Last Seen');
    expect(t.cells).toEqual(['60s', 'Normal', 'R', 'pod/p', '', 'c, i', 'hello', '60s', 1, 'e']);
  });
});
