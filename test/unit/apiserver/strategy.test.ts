import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS, SERVICES, EVENTS, LEASES } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';
import { getStrategy } from '../../../src/apiserver/strategy/index.js';

const ctx = { clock: new SimClock(0), rng: new SeededRng(1) };

function pod(extra: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx' }] }, ...extra };
}
function deploy(): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
  };
}
const fields = (causes: { field?: string; message?: string }[]) => causes.map((c) => `${c.field}: ${c.message}`);

describe('strategy - pod defaults', () => {
  it('applies spec, container, admission defaults and a Pending status', () => {
    const p = pod({ status: { phase: 'Running' } });
    getStrategy(PODS).prepareForCreate(p, ctx);
    const spec = p.spec as Record<string, unknown>;
    expect(spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, serviceAccountName: 'default', enableServiceLinks: true, priority: 0 });
    expect((spec.containers as Record<string, unknown>[])[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
    expect(spec.tolerations).toHaveLength(2);
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/nginx:1', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('imagePullPolicy for %s is %s', (image, want) => {
    const p = pod();
    (p.spec as { containers: { image: string }[] }).containers[0].image = image;
    getStrategy(PODS).prepareForCreate(p, ctx);
    expect((p.spec as { containers: { imagePullPolicy: string }[] }).containers[0].imagePullPolicy).toBe(want);
  });
  it.each([
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1Gi' } }, 'Guaranteed'],
    [{ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, 'Burstable'],
  ])('QoS of %j is %s', (resources, want) => {
    const p = pod();
    (p.spec as { containers: Record<string, unknown>[] }).containers[0].resources = resources;
    getStrategy(PODS).prepareForCreate(p, ctx);
    expect((p.status as { qosClass: string }).qosClass).toBe(want);
  });
});

describe('strategy - pod validation', () => {
  it.each([
    ['missing image', { containers: [{ name: 'app' }] }, 'spec.containers[0].image: Required value'],
    ['no containers', { containers: [] }, 'spec.containers: Required value'],
    ['bad port', { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }, 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ['dup names', { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }, 'spec.containers[1].name: Duplicate value: "a"'],
    ['bad restartPolicy', { restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'x' }] }, 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'],
    ['missing volume', { containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] }, 'spec.containers[0].volumeMounts[0].name: Not found: "v"'],
  ])('%s', (_n, spec, want) => {
    expect(fields(getStrategy(PODS).validate(pod({ spec })))).toContain(want);
  });
  it('validates metadata.name as a DNS subdomain', () => {
    const p = pod();
    p.metadata.name = 'Bad_Name';
    expect(fields(getStrategy(PODS).validate(p))[0]).toMatch(/^metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });
  it('requires name or generateName', () => {
    const p = pod();
    delete p.metadata.name;
    expect(fields(getStrategy(PODS).validate(p))).toContain('metadata.name: Required value: name or generateName is required');
  });
  it('allows image changes on update but not other spec fields', () => {
    const s = getStrategy(PODS);
    const old = pod();
    s.prepareForCreate(old, ctx);
    const ok = structuredClone(old);
    (ok.spec as { containers: { image: string }[] }).containers[0].image = 'nginx:2';
    expect(s.validateUpdate(ok, old)).toEqual([]);
    const bad = structuredClone(old);
    (bad.spec as Record<string, unknown>).restartPolicy = 'Never';
    expect(fields(s.validateUpdate(bad, old))[0]).toMatch(/^spec: Forbidden: pod updates may not change fields other than/);
  });
  it('reports unknown fields with list indexes', () => {
    const p = pod();
    (p.spec as { containers: Record<string, unknown>[] }).containers[0].imagez = 'x';
    (p.spec as Record<string, unknown>).foo = 1;
    expect(getStrategy(PODS).unknownFields(p).sort()).toEqual(['spec.containers[0].imagez', 'spec.foo']);
  });
  it('modelled subtrees (affinity, probes) are checked; free-form ones are not', () => {
    const p = pod();
    (p.spec as Record<string, unknown>).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }] } } };
    (p.spec as Record<string, unknown>).os = { name: 'linux', anything: 1 };
    (p.spec as { containers: Record<string, unknown>[] }).containers[0].livenessProbe = { httpGet: { path: '/', port: 80 }, periodSeconds: 3 };
    p.metadata.labels = { a: 'b' };
    expect(getStrategy(PODS).unknownFields(p)).toEqual([]);
    (p.spec as { affinity: Record<string, unknown> }).affinity.nodeAfinity = {};
    expect(getStrategy(PODS).unknownFields(p)).toEqual(['spec.affinity.nodeAfinity']);
  });
});

describe('strategy - deployments and replicasets', () => {
  it('defaults replicas, strategy, history and deadline', () => {
    const d = deploy();
    getStrategy(DEPLOYMENTS).prepareForCreate(d, ctx);
    expect(d.spec).toMatchObject({ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    expect((d.spec as { template: { spec: Record<string, unknown> } }).template.spec.restartPolicy).toBe('Always');
    expect(getStrategy(DEPLOYMENTS).validate(d)).toEqual([]);
  });
  it('rejects a selector that does not match the template', () => {
    const d = deploy();
    (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = { app: 'y' };
    expect(fields(getStrategy(DEPLOYMENTS).validate(d))).toContain('spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`');
  });
  it('requires a selector and template image, replicas >= 0', () => {
    const d = deploy();
    const spec = d.spec as Record<string, unknown>;
    delete spec.selector;
    spec.replicas = -1;
    (spec.template as { spec: { containers: Record<string, unknown>[] } }).spec.containers[0].image = '';
    expect(fields(getStrategy(DEPLOYMENTS).validate(d))).toEqual(
      expect.arrayContaining(['spec.selector: Required value', 'spec.replicas: Invalid value: -1: must be greater than or equal to 0', 'spec.template.spec.containers[0].image: Required value']),
    );
  });
  it('makes the selector immutable on update', () => {
    const old = deploy();
    const n = deploy();
    (n.spec as { selector: unknown }).selector = { matchLabels: { app: 'x', v: '2' } };
    (n.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = { app: 'x', v: '2' };
    expect(fields(getStrategy(DEPLOYMENTS).validateUpdate(n, old))[0]).toMatch(/^spec.selector: Invalid value: &v1.LabelSelector\{MatchLabels:map\[string\]string\{"app":"x", "v":"2"\}.*: field is immutable$/);
  });
  it('keeps status on spec updates and spec on status updates', () => {
    const s = getStrategy(REPLICASETS);
    const old: KObject = { metadata: { name: 'r', namespace: 'd', labels: { a: '1' } }, spec: { replicas: 2 }, status: { replicas: 2 } };
    const spec: KObject = { metadata: { name: 'r', namespace: 'd' }, spec: { replicas: 3 }, status: { replicas: 9 } };
    s.resetFieldsForSpecUpdate(spec, old);
    expect(spec).toMatchObject({ spec: { replicas: 3 }, status: { replicas: 2 } });
    const st: KObject = { metadata: { name: 'r', namespace: 'd', labels: { b: '2' } }, spec: { replicas: 7 }, status: { replicas: 5 } };
    s.resetFieldsForStatusUpdate(st, old);
    expect(st).toMatchObject({ spec: { replicas: 2 }, status: { replicas: 5 }, metadata: { labels: { a: '1' } } });
  });
  it('defaults replicaset replicas to 1', () => {
    const rs: KObject = { metadata: { name: 'r', namespace: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    getStrategy(REPLICASETS).prepareForCreate(rs, ctx);
    expect((rs.spec as { replicas: number }).replicas).toBe(1);
    expect(getStrategy(REPLICASETS).validate(rs)).toEqual([]);
  });
});

describe('strategy - services, namespaces, nodes, events, leases', () => {
  it('service defaults type, affinity, protocol and targetPort', () => {
    const svc: KObject = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } };
    getStrategy(SERVICES).prepareForCreate(svc, ctx);
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
    expect(getStrategy(SERVICES).validate(svc)).toEqual([]);
  });
  it('service keeps its clusterIP when an update omits it, and rejects a change', () => {
    const s = getStrategy(SERVICES);
    const old: KObject = { metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] } };
    const n: KObject = { metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 81 }] } };
    s.prepareForUpdate(n, old);
    expect((n.spec as { clusterIP: string }).clusterIP).toBe('10.96.0.10');
    (n.spec as { clusterIP: string }).clusterIP = '10.96.0.11';
    expect(fields(s.validateUpdate(n, old))).toContain('spec.clusterIPs[0]: Invalid value: "10.96.0.11": may not change once set');
  });
  it('service names are DNS-1035 labels and ports need names when several', () => {
    const svc: KObject = { metadata: { name: '1web', namespace: 'default' }, spec: { ports: [{ port: 80 }, { port: 0, name: 'b' }] } };
    const f = fields(getStrategy(SERVICES).validate(svc));
    expect(f).toEqual(expect.arrayContaining(['spec.ports[0].name: Required value', 'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive']));
    expect(f.some((x) => x.startsWith('metadata.name: Invalid value: "1web": a DNS-1035 label'))).toBe(true);
  });
  it('namespaces get the kubernetes finalizer and phase Active; names are labels', () => {
    const ns: KObject = { metadata: { name: 'team-a' } };
    getStrategy(NAMESPACES).prepareForCreate(ns, ctx);
    expect(ns).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    expect(fields(getStrategy(NAMESPACES).validate({ metadata: { name: 'a.b' } }))[0]).toMatch(/RFC 1123 label/);
  });
  it('nodes keep their status on create', () => {
    const n: KObject = { metadata: { name: 'node1' }, spec: {}, status: { capacity: { cpu: '4' } } };
    getStrategy(NODES).prepareForCreate(n, ctx);
    expect(n.status).toEqual({ capacity: { cpu: '4' } });
  });
  it('events need a matching involvedObject namespace', () => {
    const ev: KObject = { metadata: { name: 'y.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'y', namespace: 'other' } };
    expect(fields(getStrategy(EVENTS).validate(ev))).toContain('involvedObject.namespace: Invalid value: "other": does not match event.namespace');
  });
  it('leases need a positive duration', () => {
    const l: KObject = { metadata: { name: 'node1', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0 } };
    expect(fields(getStrategy(LEASES).validate(l))).toContain('spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0');
  });
  it('cluster-scoped kinds reject a namespace; namespaced need one', () => {
    expect(fields(getStrategy(NODES).validate({ metadata: { name: 'n', namespace: 'x' } }))).toContain('metadata.namespace: Forbidden: not allowed on this type');
    const p = pod();
    delete p.metadata.namespace;
    expect(fields(getStrategy(PODS).validate(p))).toContain('metadata.namespace: Required value');
  });
});

describe('strategy - namespace finalizers on update', () => {
  const s = getStrategy(NAMESPACES);
  const active: KObject = { metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  it('an update cannot drop the kubernetes finalizer of an active namespace', () => {
    const n: KObject = { metadata: { name: 'team' }, spec: { finalizers: [] } };
    s.prepareForUpdate(n, active);
    expect((n.spec as { finalizers: string[] }).finalizers).toEqual(['kubernetes']);
  });
  it('a terminating namespace may have finalizers removed but not added', () => {
    const terminating: KObject = { ...structuredClone(active), metadata: { name: 'team', deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const n: KObject = { metadata: { name: 'team' }, spec: { finalizers: ['other'] } };
    s.prepareForUpdate(n, terminating);
    expect((n.spec as { finalizers?: string[] }).finalizers).toEqual([]);
  });
});

describe('strategy - unknown fields per kind', () => {
  it.each([
    [SERVICES, { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPrt: 8080 }], tpye: 'ClusterIP' } }, ['spec.ports[0].targetPrt', 'spec.tpye']],
    [DEPLOYMENTS, { metadata: { name: 'd', labelz: {} }, spec: { replicaz: 1, template: { spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'a', valu: 'b' }] }] } } } }, ['metadata.labelz', 'spec.replicaz', 'spec.template.spec.containers[0].env[0].valu']],
    [NODES, { metadata: { name: 'n' }, spec: { unschedulable: true }, status: { capacity: { cpu: '1' }, nodeInfo: { kubeletVersion: 'v1' } } }, []],
    [EVENTS, { metadata: { name: 'e' }, involvedObject: { kind: 'Pod' }, reason: 'x', source: { component: 'c' }, count: 1, bogus: 1 }, ['bogus']],
    [LEASES, { metadata: { name: 'l' }, spec: { holderIdentity: 'h', renewTime: '2026-01-01T00:00:00.000000Z' } }, []],
  ] as const)('%o', (info, obj, want) => {
    expect(getStrategy(info).unknownFields(obj as unknown as KObject).sort()).toEqual([...want].sort());
  });
});

describe('strategy - pod status writes', () => {
  it('keep spec and qosClass when the kubelet omits them', () => {
    const s = getStrategy(PODS);
    const old = pod();
    s.prepareForCreate(old, ctx);
    const next: KObject = { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] }, status: { phase: 'Running' } };
    s.resetFieldsForStatusUpdate(next, old);
    expect(next.spec).toEqual(old.spec);
    expect(next.status).toEqual({ phase: 'Running', qosClass: 'BestEffort' });
    expect(s.validateUpdate(next, old)).toEqual([]);
  });
});
