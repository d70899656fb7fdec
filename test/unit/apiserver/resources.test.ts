import { describe, expect, test } from 'vitest';
import { RESOURCES, apiVersionOf, lookupResource } from '../../../src/api/resources.js';
import type { KObject, Status } from '../../../src/api/types.js';
import { newTestServer } from './helpers.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tmpl = (labels: Record<string, string>, restartPolicy?: string) => ({ metadata: { labels }, spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'busybox' }] } });
const sel = { matchLabels: { app: 'x' } };

/** One valid object per new kind, with a default the strategy must fill. */
const VALID: [string, string, KObject, (o: Any) => void][] = [
  ['/api/v1/namespaces/default/configmaps', 'cm', { metadata: { name: 'cm' }, data: { a: 'b' } } as KObject, (o) => expect(o.data).toEqual({ a: 'b' })],
  ['/api/v1/namespaces/default/secrets', 's', { metadata: { name: 's' }, data: { a: 'Yg==' }, stringData: { c: 'd' } } as KObject, (o) => {
    expect(o.type).toBe('Opaque');
    expect(o.data).toEqual({ a: 'Yg==', c: 'ZA==' });
    expect(o.stringData).toBeUndefined();
  }],
  ['/api/v1/namespaces/default/serviceaccounts', 'sa', { metadata: { name: 'sa' } } as KObject, (o) => expect(o.kind).toBe('ServiceAccount')],
  ['/api/v1/persistentvolumes', 'pv', { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp' } } } as KObject, (o) => {
    expect(o.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(o.status.phase).toBe('Pending');
  }],
  ['/api/v1/namespaces/default/persistentvolumeclaims', 'pvc', { metadata: { name: 'pvc' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as KObject, (o) => {
    expect(o.spec.volumeMode).toBe('Filesystem');
    expect(o.status.phase).toBe('Pending');
  }],
  ['/api/v1/namespaces/default/limitranges', 'lr', { metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] } } as KObject, (o) => expect(o.spec.limits).toHaveLength(1)],
  ['/api/v1/namespaces/default/resourcequotas', 'q', { metadata: { name: 'q' }, spec: { hard: { pods: '10' } }, status: { used: { pods: '99' } } } as KObject, (o) => expect(o.status).toBeUndefined()],
  ['/apis/apps/v1/namespaces/default/statefulsets', 'web', { metadata: { name: 'web' }, spec: { selector: sel, serviceName: 'web', template: tmpl({ app: 'x' }) } } as KObject, (o) => {
    expect(o.spec).toMatchObject({ replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10 });
  }],
  ['/apis/apps/v1/namespaces/default/daemonsets', 'ds', { metadata: { name: 'ds' }, spec: { selector: sel, template: tmpl({ app: 'x' }) } } as KObject, (o) => {
    expect(o.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  }],
  ['/apis/apps/v1/namespaces/default/controllerrevisions', 'cr', { metadata: { name: 'cr' }, data: { x: 1 }, revision: 1 } as KObject, (o) => expect(o.revision).toBe(1)],
  ['/apis/batch/v1/namespaces/default/jobs', 'j', { metadata: { name: 'j' }, spec: { template: tmpl({}, 'Never') } } as KObject, (o) => {
    expect(o.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
    expect(o.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(o.metadata.uid);
    expect(o.spec.template.metadata.labels['job-name']).toBe('j');
  }],
  ['/apis/batch/v1/namespaces/default/cronjobs', 'cj', { metadata: { name: 'cj' }, spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: tmpl({}, 'OnFailure') } } } } as KObject, (o) => {
    expect(o.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  }],
  ['/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', 'h', { metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' }, maxReplicas: 5 } } as KObject, (o) => {
    expect(o.spec.minReplicas).toBe(1);
    expect(o.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } });
  }],
  ['/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', 'es', { metadata: { name: 'es' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] } as KObject, (o) => expect(o.ports[0]).toEqual({ port: 80, protocol: 'TCP', name: '' })],
  ['/apis/policy/v1/namespaces/default/poddisruptionbudgets', 'pdb', { metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: sel } } as KObject, (o) => expect(o.spec.minAvailable).toBe(1)],
  ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', 'r', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } as KObject, (o) => expect(o.rules).toHaveLength(1)],
  ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', 'rb', { metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] } as KObject, (o) => {
    expect(o.subjects[0].apiGroup).toBe('rbac.authorization.k8s.io');
  }],
  ['/apis/rbac.authorization.k8s.io/v1/clusterroles', 'cr1', { metadata: { name: 'cr1' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] } as KObject, (o) => expect(o.kind).toBe('ClusterRole')],
  ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'crb', { metadata: { name: 'crb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr1' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'default' }] } as KObject, (o) => expect(o.subjects[0].apiGroup).toBeUndefined()],
  ['/apis/storage.k8s.io/v1/storageclasses', 'sc', { metadata: { name: 'sc' }, provisioner: 'x.io/p' } as KObject, (o) => expect(o).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' })],
  ['/apis/networking.k8s.io/v1/namespaces/default/ingresses', 'ing', { metadata: { name: 'ing' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } } as KObject, (o) => expect(o.spec.rules).toHaveLength(1)],
  ['/apis/networking.k8s.io/v1/namespaces/default/networkpolicies', 'np', { metadata: { name: 'np' }, spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } } as KObject, (o) => {
    expect(o.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(o.spec.egress[0].ports[0].protocol).toBe('TCP');
  }],
  ['/apis/scheduling.k8s.io/v1/priorityclasses', 'high', { metadata: { name: 'high' }, value: 1000 } as KObject, (o) => expect(o.preemptionPolicy).toBe('PreemptLowerPriority')],
];

describe('apiserver - resources: create with defaults', () => {
  test.each(VALID)('apiserver - POST %s creates %s with its defaults', async (url, name, obj, check) => {
    const t = await newTestServer();
    const created = await t.create<Any>(url, obj);
    expect(created.metadata.name).toBe(name);
    check(created);
    check(await t.get<Any>(`${url}/${name}`));
  });

  test('apiserver - resources: every catalogue entry is served with a list and the right apiVersion', async () => {
    const t = await newTestServer();
    for (const info of RESOURCES) {
      const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
      const list = await t.get<Any>(`${base}/${info.resource}`);
      expect(list, info.resource).toMatchObject({ kind: info.listKind, apiVersion: apiVersionOf(info) });
    }
  });
});

const INVALID: [string, KObject, string, string][] = [
  ['/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' }, data: { 'a b': 'c' } } as KObject, 'data', "Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'"],
  ['/api/v1/namespaces/default/secrets', { metadata: { name: 'x' }, type: 'kubernetes.io/tls', data: {} } as KObject, 'data[tls.crt]', 'Required value'],
  ['/api/v1/persistentvolumes', { metadata: { name: 'x' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } } as KObject, 'spec', 'Required value: must specify a volume type'],
  ['/api/v1/namespaces/default/persistentvolumeclaims', { metadata: { name: 'x' }, spec: { resources: { requests: { storage: '1Gi' } } } } as KObject, 'spec.accessModes', 'Required value'],
  ['/apis/apps/v1/namespaces/default/statefulsets', { metadata: { name: 'x' }, spec: { selector: sel, template: tmpl({ app: 'y' }) } } as KObject, 'spec.template.metadata.labels', '`selector` does not match template `labels`'],
  ['/apis/batch/v1/namespaces/default/jobs', { metadata: { name: 'x' }, spec: { template: tmpl({}) } } as KObject, 'spec.template.spec.restartPolicy', 'Unsupported value: "Always": supported values: "Never", "OnFailure"'],
  ['/apis/batch/v1/namespaces/default/cronjobs', { metadata: { name: 'x' }, spec: { schedule: 'not a cron', jobTemplate: { spec: { template: tmpl({}, 'Never') } } } } as KObject, 'spec.schedule', 'Invalid value: "not a cron": unparseable cron expression'],
  ['/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', { metadata: { name: 'x' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: 3, maxReplicas: 2 } } as KObject, 'spec.maxReplicas', 'Invalid value: 2: must be greater than or equal to `minReplicas`'],
  ['/apis/policy/v1/namespaces/default/poddisruptionbudgets', { metadata: { name: 'x' }, spec: { minAvailable: 1, maxUnavailable: 1 } } as KObject, 'spec', 'minAvailable and maxUnavailable cannot be both set'],
  ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { metadata: { name: 'x' }, rules: [{ resources: ['pods'], verbs: ['get'] }] } as KObject, 'rules[0].apiGroups', 'Required value: resource rules must supply at least one api group'],
  ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { metadata: { name: 'x' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Foo', name: 'r' } } as KObject, 'roleRef.kind', 'Unsupported value: "Foo"'],
  ['/apis/storage.k8s.io/v1/storageclasses', { metadata: { name: 'x' } } as KObject, 'provisioner', 'Required value'],
  ['/apis/networking.k8s.io/v1/namespaces/default/ingresses', { metadata: { name: 'x' }, spec: { rules: [{ http: { paths: [{ path: 'x', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } } as KObject, 'spec.rules[0].http.paths[0].path', 'must be an absolute path'],
  ['/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'x' }, value: 2000000000 } as KObject, 'value', 'Forbidden: maximum allowed value of a user defined priority is 1000000000'],
  ['/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'system-x' }, value: 1 } as KObject, 'metadata.name', "priority class names with 'system-' prefix are reserved"],
  ['/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', { metadata: { name: 'x' }, addressType: 'IPv5' } as KObject, 'addressType', 'Unsupported value: "IPv5"'],
];

describe('apiserver - resources: validation', () => {
  test.each(INVALID)('apiserver - POST %s invalid → 422 with a cause', async (url, obj, field, message) => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url, payload: obj });
    expect(res.statusCode, res.body).toBe(422);
    const st = res.json<Status>();
    expect(st.reason).toBe('Invalid');
    const cause = st.details?.causes?.find((c) => c.field === field);
    expect(cause, JSON.stringify(st.details?.causes)).toBeDefined();
    expect(cause!.message).toContain(message);
  });

  test('apiserver - secret data that is not base64 is a 400 decoding error and nothing is stored', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: '/api/v1/namespaces/default/secrets', payload: { metadata: { name: 's' }, data: { a: 'not base64!' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toContain('illegal base64 data at input byte');
    expect((await t.inject({ method: 'GET', url: '/api/v1/namespaces/default/secrets/s' })).statusCode).toBe(404);
  });
});

describe('apiserver - resources: immutable fields', () => {
  const cases: [string, KObject, (o: Any) => void, string, string][] = [
    ['/api/v1/namespaces/default/configmaps', { metadata: { name: 'im' }, data: { a: 'b' }, immutable: true } as KObject, (o) => (o.data.a = 'c'), 'data', 'field is immutable when `immutable` is set'],
    ['/api/v1/namespaces/default/secrets', { metadata: { name: 'im' }, data: {} } as KObject, (o) => (o.type = 'other'), 'type', 'field is immutable'],
    ['/apis/storage.k8s.io/v1/storageclasses', { metadata: { name: 'im' }, provisioner: 'a', parameters: { x: '1' } } as KObject, (o) => (o.parameters.x = '2'), 'parameters', 'updates to parameters are forbidden.'],
    ['/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'im' }, value: 5 } as KObject, (o) => (o.value = 6), 'value', 'may not be changed in an update.'],
    ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { metadata: { name: 'im' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' } } as KObject, (o) => (o.roleRef.name = 'b'), 'roleRef', 'cannot change roleRef'],
    ['/apis/apps/v1/namespaces/default/statefulsets', { metadata: { name: 'im' }, spec: { selector: sel, serviceName: 'a', template: tmpl({ app: 'x' }) } } as KObject, (o) => (o.spec.serviceName = 'b'), 'spec', "updates to statefulset spec for fields other than 'replicas'"],
    ['/apis/batch/v1/namespaces/default/jobs', { metadata: { name: 'im' }, spec: { template: tmpl({}, 'Never') } } as KObject, (o) => (o.spec.template.spec.containers[0].image = 'other'), 'spec.template', 'field is immutable'],
    ['/api/v1/namespaces/default/persistentvolumeclaims', { metadata: { name: 'im' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as KObject, (o) => (o.spec.accessModes = ['ReadWriteMany']), 'spec', 'spec is immutable after creation'],
  ];
  test.each(cases)('apiserver - PUT %s changing an immutable field → 422', async (url, obj, mutate, field, message) => {
    const t = await newTestServer();
    const created = await t.create<Any>(url, obj);
    mutate(created);
    const res = await t.inject({ method: 'PUT', url: `${url}/im`, payload: created });
    expect(res.statusCode, res.body).toBe(422);
    const cause = res.json<Status>().details?.causes?.find((c) => c.field === field);
    expect(cause?.message).toContain(message);
  });
});

describe('apiserver - resources: events.k8s.io shares storage with core events', () => {
  test('apiserver - an events.k8s.io/v1 Event reads back as a core Event and vice versa', async () => {
    const t = await newTestServer();
    expect(lookupResource('events.k8s.io', 'events')?.kind).toBe('Event');
    const ev = {
      metadata: { name: 'e1' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'ctl',
      reportingInstance: 'ctl-1',
      action: 'Scale',
      reason: 'Scaled',
      note: 'scaled up',
      type: 'Normal',
      regarding: { kind: 'Deployment', name: 'd', namespace: 'default' },
    } as KObject;
    await t.create('/apis/events.k8s.io/v1/namespaces/default/events', ev);
    const core = await t.get<Any>('/api/v1/namespaces/default/events/e1');
    expect(core).toMatchObject({ apiVersion: 'v1', kind: 'Event', message: 'scaled up', reportingComponent: 'ctl', involvedObject: { kind: 'Deployment', name: 'd' } });
    expect(core.note).toBeUndefined();
    const back = await t.get<Any>('/apis/events.k8s.io/v1/namespaces/default/events/e1');
    expect(back).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'scaled up', regarding: { name: 'd' }, reportingController: 'ctl' });
    expect(back.message).toBeUndefined();
    const list = await t.get<Any>('/apis/events.k8s.io/v1/namespaces/default/events');
    expect(list.items.map((i: Any) => i.metadata.name)).toEqual(['e1']);
  });

  test('apiserver - an events.k8s.io/v1 Event without eventTime is 422', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: '/apis/events.k8s.io/v1/namespaces/default/events', payload: { metadata: { name: 'e' }, type: 'Normal' } });
    expect(res.statusCode).toBe(422);
    expect(res.json<Status>().details?.causes?.map((c) => c.field)).toEqual(expect.arrayContaining(['eventTime', 'reportingController', 'action', 'reason']));
  });
});

describe('apiserver - resources: Priority admission', () => {
  const PODS_URL = '/api/v1/namespaces/default/pods';
  const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';
  const pod = (name: string, spec: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } }) as KObject;

  test('apiserver - priorityClassName resolves to priority and preemptionPolicy', async () => {
    const t = await newTestServer();
    await t.create(PCS, { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' } as KObject);
    const p = await t.create<Any>(PODS_URL, pod('a', { priorityClassName: 'high' }));
    expect(p.spec).toMatchObject({ priority: 1000, preemptionPolicy: 'Never' });
  });

  test('apiserver - a globalDefault class applies to pods without a class; none means priority 0', async () => {
    const t = await newTestServer();
    expect((await t.create<Any>(PODS_URL, pod('a'))).spec.priority).toBe(0);
    await t.create(PCS, { metadata: { name: 'dflt' }, value: 7, globalDefault: true } as KObject);
    expect((await t.create<Any>(PODS_URL, pod('b'))).spec).toMatchObject({ priority: 7, priorityClassName: 'dflt' });
  });

  test.each([
    [{ priorityClassName: 'nope' }, 'pods "x" is forbidden: no PriorityClass with name nope was found'],
    [{ priorityClassName: 'high', priority: 5 }, 'the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'],
  ])('apiserver - pod %j is 403', async (spec, message) => {
    const t = await newTestServer();
    await t.create(PCS, { metadata: { name: 'high' }, value: 1000 } as KObject);
    const res = await t.inject({ method: 'POST', url: PODS_URL, payload: pod('x', spec) });
    expect(res.statusCode).toBe(403);
    expect(res.json<Status>().message).toContain(message);
  });
});

describe('apiserver - resources: autoscaling/v1 and v2 share storage', () => {
  const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
  const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
  test('apiserver - a v1 HPA reads back as v2 with the CPU metric, and v2-only metrics survive a v1 update', async () => {
    const t = await newTestServer();
    await t.create(V1, { metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 4, targetCPUUtilizationPercentage: 50 } } as KObject);
    const v2 = await t.get<Any>(`${V2}/h`);
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    v2.spec.metrics.push({ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } });
    expect((await t.inject({ method: 'PUT', url: `${V2}/h`, payload: v2 })).statusCode).toBe(200);
    const v1 = await t.get<Any>(`${V1}/h`);
    expect(v1.spec.targetCPUUtilizationPercentage).toBe(50);
    expect(v1.spec.metrics).toBeUndefined();
    v1.spec.maxReplicas = 6;
    expect((await t.inject({ method: 'PUT', url: `${V1}/h`, payload: v1 })).statusCode).toBe(200);
    const after = await t.get<Any>(`${V2}/h`);
    expect(after.spec.maxReplicas).toBe(6);
    expect(after.spec.metrics.map((m: Any) => m.type)).toEqual(['Resource', 'Pods']);
    expect(after.metadata.annotations).toBeUndefined();
  });

  test('apiserver - a v1 HPA without a CPU target gets the 80 % default', async () => {
    const t = await newTestServer();
    await t.create(V1, { metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 4 } } as KObject);
    expect((await t.get<Any>(`${V1}/h`)).spec.targetCPUUtilizationPercentage).toBe(80);
    expect((await t.get<Any>(`${V2}/h`)).spec.metrics[0].resource.target.averageUtilization).toBe(80);
  });
});

describe('apiserver - resources: subresources and generation of the added kinds', () => {
  const STS = '/apis/apps/v1/namespaces/default/statefulsets';
  const JOBS = '/apis/batch/v1/namespaces/default/jobs';
  const sts = { metadata: { name: 'web' }, spec: { selector: sel, serviceName: 'web', template: tmpl({ app: 'x' }) } } as KObject;

  test('apiserver - statefulsets/scale reads and writes spec.replicas through an autoscaling/v1 Scale', async () => {
    const t = await newTestServer();
    await t.create(STS, sts);
    const scale = await t.get<Any>(`${STS}/web/scale`);
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=x' } });
    const res = await t.inject({ method: 'PATCH', url: `${STS}/web/scale`, headers: { 'content-type': 'application/merge-patch+json' }, payload: { spec: { replicas: 3 } } });
    expect(res.statusCode).toBe(200);
    const after = await t.get<Any>(`${STS}/web`);
    expect(after.spec.replicas).toBe(3);
    expect(after.metadata.generation).toBe(2);
  });

  test('apiserver - jobs/status writes only status; a main-resource write keeps it and bumps generation on spec changes', async () => {
    const t = await newTestServer();
    const job = await t.create<Any>(JOBS, { metadata: { name: 'j' }, spec: { template: tmpl({}, 'Never') } } as KObject);
    job.status = { active: 1 };
    job.spec.parallelism = 5;
    const st = await t.inject({ method: 'PUT', url: `${JOBS}/j/status`, payload: job });
    expect(st.statusCode).toBe(200);
    expect(st.json<Any>()).toMatchObject({ status: { active: 1 }, spec: { parallelism: 1 }, metadata: { generation: 1 } });
    const cur = st.json<Any>();
    cur.spec.parallelism = 2;
    delete cur.status;
    const up = await t.inject({ method: 'PUT', url: `${JOBS}/j`, payload: cur });
    expect(up.json<Any>()).toMatchObject({ status: { active: 1 }, spec: { parallelism: 2 }, metadata: { generation: 2 } });
  });
});

describe('apiserver - resources: which kinds track generation', () => {
  test.each([
    ['/api/v1/namespaces/default/configmaps', { metadata: { name: 'g' }, data: { a: 'b' } }, (o: Any) => (o.data.a = 'c'), undefined],
    ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { metadata: { name: 'g' }, rules: [] }, (o: Any) => (o.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), undefined],
    ['/apis/policy/v1/namespaces/default/poddisruptionbudgets', { metadata: { name: 'g' }, spec: { minAvailable: 1 } }, (o: Any) => (o.spec.minAvailable = 2), 2],
    ['/apis/networking.k8s.io/v1/namespaces/default/networkpolicies', { metadata: { name: 'g' }, spec: { podSelector: {} } }, (o: Any) => (o.spec.policyTypes = ['Egress']), 2],
  ])('apiserver - %s: generation after a spec change is %s', async (url, obj, mutate, want) => {
    const t = await newTestServer();
    const created = await t.create<Any>(url, obj as KObject);
    expect(created.metadata.generation).toBe(want === undefined ? undefined : 1);
    mutate(created);
    const res = await t.inject({ method: 'PUT', url: `${url}/g`, payload: created });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Any>().metadata.generation).toBe(want);
  });
});
