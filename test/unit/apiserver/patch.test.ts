import { describe, expect, it } from 'vitest';
import { DEPLOYMENTS, NODES, PODS } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';
import { StatusError } from '../../../src/api/errors.js';
import { applyPatch } from '../../../src/apiserver/patch/index.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function deployment(): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'default', labels: { app: 'x' }, annotations: { keep: 'me' }, resourceVersion: '10' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'x' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], imagePullPolicy: 'IfNotPresent' },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          restartPolicy: 'Always',
        },
      },
    },
    status: { replicas: 2 },
  };
}
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sp = (o: KObject) => (o as Any).spec;
const containers = (o: KObject) => sp(o).template.spec.containers as Any[];

function statusErr(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('patch - kubectl client-side apply three-way SMP', () => {
  it('applies the exact patch kubectl 1.32 sends for an edited Deployment', () => {
    const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"x"},"name":"x","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"image":"nginx:1.27","name":"web","ports":[{"containerPort":80}]}]}}}}\n';
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      spec: { replicas: 3, template: { spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.27', name: 'web' }] } } },
    };
    const cur = deployment();
    const out = applyPatch(DEPLOYMENTS, cur, 'strategic', JSON.parse(JSON.stringify(patch)), { fieldManager: 'kubectl-client-side-apply', now: NOW });
    expect(sp(out).replicas).toBe(3);
    expect(out.metadata.annotations).toEqual({ keep: 'me', 'kubectl.kubernetes.io/last-applied-configuration': lastApplied });
    // web merged by name (ports, env kept), sidecar kept after it (server-only element)
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([['web', 'nginx:1.27'], ['sidecar', 'envoy:1']]);
    expect(containers(out)[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(containers(out)[0].env).toHaveLength(2);
    expect(sp(cur).replicas).toBe(2); // current not mutated
  });
  it('deletes a container with $patch: delete and reorders with $setElementOrder', () => {
    const out = applyPatch(
      DEPLOYMENTS,
      deployment(),
      'strategic',
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'new' }, { name: 'web' }], containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'new', image: 'busybox' }] } } } },
      { now: NOW },
    );
    expect(containers(out).map((c) => c.name)).toEqual(['new', 'web']);
  });
  it('merges env by name, ports by containerPort and deletes with null', () => {
    const out = applyPatch(
      DEPLOYMENTS,
      deployment(),
      'strategic',
      { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 443 }], imagePullPolicy: null }] } } } },
      { now: NOW },
    );
    const web = containers(out)[0];
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(web.ports.map((p: Any) => p.containerPort)).toEqual([80, 443]);
    expect(web.imagePullPolicy).toBeUndefined();
  });
  it('$retainKeys drops rollingUpdate when switching to Recreate', () => {
    const out = applyPatch(DEPLOYMENTS, deployment(), 'strategic', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, { now: NOW });
    expect(sp(out).strategy).toEqual({ type: 'Recreate' });
  });
  it('$patch: replace on a map and on a list', () => {
    const out = applyPatch(DEPLOYMENTS, deployment(), 'strategic', { metadata: { labels: { $patch: 'replace', only: 'this' } }, spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'solo', image: 'i' }] } } } }, { now: NOW });
    expect(out.metadata.labels).toEqual({ only: 'this' });
    expect(containers(out)).toEqual([{ name: 'solo', image: 'i' }]);
  });
  it('$deleteFromPrimitiveList and primitive-list union on finalizers', () => {
    const cur = deployment();
    cur.metadata.finalizers = ['a', 'b'];
    const out = applyPatch(DEPLOYMENTS, cur, 'strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'] } }, { now: NOW });
    expect(out.metadata.finalizers).toEqual(['b', 'c']);
  });
  it('replaces atomic lists (container args) and merges ownerReferences by uid', () => {
    const pod: KObject = { metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'a', uid: '1' }] }, spec: { containers: [{ name: 'c', args: ['a', 'b'] }] } };
    const out = applyPatch(PODS, pod, 'strategic', { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Y', name: 'b', uid: '2' }] }, spec: { containers: [{ name: 'c', args: ['z'] }] } }, { now: NOW });
    expect((out as Any).spec.containers[0].args).toEqual(['z']);
    expect(out.metadata.ownerReferences?.map((r) => r.uid)).toEqual(['1', '2']);
  });
  it('cordon and uncordon', () => {
    const node: KObject = { metadata: { name: 'node1' }, spec: { podCIDR: '10.0.0.0/24' } };
    const cordoned = applyPatch(NODES, node, 'strategic', { spec: { unschedulable: true } }, { now: NOW });
    expect((cordoned as Any).spec).toEqual({ podCIDR: '10.0.0.0/24', unschedulable: true });
    const un = applyPatch(NODES, cordoned, 'strategic', { spec: { unschedulable: null } }, { now: NOW });
    expect((un as Any).spec).toEqual({ podCIDR: '10.0.0.0/24' });
  });
  it('rejects a list element without its merge key with 400', () => {
    expect(statusErr(() => applyPatch(DEPLOYMENTS, deployment(), 'strategic', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, { now: NOW })).code).toBe(400);
  });
});

describe('patch - merge and json patches', () => {
  it('merge patch replaces lists and deletes with null', () => {
    const out = applyPatch(DEPLOYMENTS, deployment(), 'merge', { spec: { replicas: 5, template: { spec: { containers: [{ name: 'only', image: 'i' }] } } }, metadata: { annotations: null } }, { now: NOW });
    expect(sp(out).replicas).toBe(5);
    expect(containers(out)).toEqual([{ name: 'only', image: 'i' }]);
    expect(out.metadata.annotations).toBeUndefined();
  });
  it('json patch replace / add / remove', () => {
    const out = applyPatch(
      DEPLOYMENTS,
      deployment(),
      'json',
      [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/metadata/labels/tier', value: 'web' },
        { op: 'remove', path: '/spec/template/spec/containers/1' },
      ],
      { now: NOW },
    );
    expect(sp(out).replicas).toBe(3);
    expect(out.metadata.labels).toEqual({ app: 'x', tier: 'web' });
    expect(containers(out)).toHaveLength(1);
  });
  it('json patch test op: success applies, failure is 422', () => {
    const ok = applyPatch(DEPLOYMENTS, deployment(), 'json', [{ op: 'test', path: '/metadata/resourceVersion', value: '10' }, { op: 'replace', path: '/spec/replicas', value: 9 }], { now: NOW });
    expect(sp(ok).replicas).toBe(9);
    const err = statusErr(() => applyPatch(DEPLOYMENTS, deployment(), 'json', [{ op: 'test', path: '/metadata/resourceVersion', value: '11' }], { now: NOW }));
    expect(err.code).toBe(422);
    expect(err.message).toBe('testing value /metadata/resourceVersion failed: test failed');
  });
  it.each([
    ['not a list', { op: 'add' }, 400],
    ['unknown op', [{ op: 'frob', path: '/a' }], 400],
    ['missing path', [{ op: 'replace', path: '/spec/nope/deeper', value: 1 }], 422],
  ])('json patch error: %s → %d', (_n, patch, code) => {
    expect(statusErr(() => applyPatch(DEPLOYMENTS, deployment(), 'json', patch, { now: NOW })).code).toBe(code);
  });
  it('records an Update managedFields entry for the field manager', () => {
    const out = applyPatch(DEPLOYMENTS, deployment(), 'merge', { spec: { replicas: 4 } }, { fieldManager: 'kubectl-scale', now: NOW });
    expect(out.metadata.managedFields).toEqual([
      { manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: '2026-11-25T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ]);
  });
});

describe('patch - server-side apply (approximation)', () => {
  const applied = (replicas: number, image = 'nginx:1.25') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'web', image }] } } },
  });
  it('creates managedFields with an Apply entry and merges into the live object', () => {
    const out = applyPatch(DEPLOYMENTS, deployment(), 'apply', applied(3), { fieldManager: 'kubectl', now: NOW });
    expect(sp(out).replicas).toBe(3);
    expect(containers(out).map((c) => c.name)).toEqual(['web', 'sidecar']);
    const mf = out.metadata.managedFields as Any[];
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(mf[0].fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']).toEqual({ '.': {}, 'f:image': {}, 'f:name': {} });
    expect(mf[0].fieldsV1['f:spec']['f:replicas']).toEqual({});
  });
  it('conflicts with another manager that set a different value, unless forced', () => {
    const first = applyPatch(DEPLOYMENTS, deployment(), 'apply', applied(3), { fieldManager: 'alice', now: NOW });
    const err = statusErr(() => applyPatch(DEPLOYMENTS, first, 'apply', applied(5), { fieldManager: 'bob', now: NOW }));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.replicas');
    expect(err.status.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "alice" using apps/v1', field: '.spec.replicas' }]);
    const forced = applyPatch(DEPLOYMENTS, first, 'apply', applied(5), { fieldManager: 'bob', force: true, now: NOW });
    expect(sp(forced).replicas).toBe(5);
    const alice = (forced.metadata.managedFields as Any[]).find((e) => e.manager === 'alice');
    expect(alice.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });
  it('same value is shared ownership, not a conflict', () => {
    const first = applyPatch(DEPLOYMENTS, deployment(), 'apply', applied(3), { fieldManager: 'alice', now: NOW });
    const second = applyPatch(DEPLOYMENTS, first, 'apply', applied(3, 'nginx:1.25'), { fieldManager: 'bob', now: NOW });
    expect((second.metadata.managedFields as Any[]).map((e) => e.manager)).toEqual(['alice', 'bob']);
  });
  it('conflicts with an Update manager (client-side apply) and reports the field path with keys', () => {
    const csa = applyPatch(DEPLOYMENTS, deployment(), 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } } }, { fieldManager: 'kubectl-client-side-apply', now: NOW });
    const err = statusErr(() => applyPatch(DEPLOYMENTS, csa, 'apply', applied(2, 'nginx:1.27'), { fieldManager: 'kubectl', now: NOW }));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="web"].image');
  });
  it('removes fields the manager stopped applying', () => {
    const withLabel = { ...applied(3), metadata: { name: 'x', namespace: 'default', labels: { extra: 'y' } } };
    const first = applyPatch(DEPLOYMENTS, deployment(), 'apply', withLabel, { fieldManager: 'alice', now: NOW });
    expect(first.metadata.labels).toEqual({ app: 'x', extra: 'y' });
    const second = applyPatch(DEPLOYMENTS, first, 'apply', applied(3), { fieldManager: 'alice', now: NOW });
    expect(second.metadata.labels).toEqual({ app: 'x' });
  });
  it('requires a fieldManager', () => {
    expect(statusErr(() => applyPatch(DEPLOYMENTS, deployment(), 'apply', applied(1), { now: NOW })).code).toBe(400);
  });
  it('keeps managedFields a client set explicitly (CSA→SSA migration json patch)', () => {
    const csa = applyPatch(DEPLOYMENTS, deployment(), 'merge', { spec: { replicas: 4 } }, { fieldManager: 'kubectl-client-side-apply', now: NOW });
    const migrated = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-11-25T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const out = applyPatch(DEPLOYMENTS, csa, 'json', [{ op: 'replace', path: '/metadata/managedFields', value: migrated }, { op: 'replace', path: '/metadata/resourceVersion', value: '10' }], { fieldManager: 'kubectl', now: NOW });
    expect(out.metadata.managedFields).toEqual(migrated);
    const applied2 = applyPatch(DEPLOYMENTS, out, 'apply', applied(6), { fieldManager: 'kubectl', now: NOW });
    expect(sp(applied2).replicas).toBe(6);
  });
});

describe('patch - managedFields for non-apply writes', () => {
  it('an Update takes over fields it changes and removed fields leave every set', async () => {
    const { recordUpdate } = await import('../../../src/apiserver/patch/index.js');
    const base = deployment();
    const applied = applyPatch(DEPLOYMENTS, base, 'apply', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { team: 'a' } }, spec: { replicas: 2, paused: true } }, { fieldManager: 'alice', now: NOW });
    const next = structuredClone(applied);
    (next.spec as Any).replicas = 7;
    delete (next.spec as Any).paused;
    recordUpdate(DEPLOYMENTS, applied, next, 'hpa', NOW);
    const mf = next.metadata.managedFields as Any[];
    expect(mf.map((e) => `${e.manager}/${e.operation}`)).toEqual(['alice/Apply', 'hpa/Update']);
    expect(mf[0].fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } } });
    expect(mf[1].fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });
  it('a create records every field for the manager; an unchanged write records nothing new', async () => {
    const { recordUpdate } = await import('../../../src/apiserver/patch/index.js');
    const obj: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    recordUpdate(PODS, undefined, obj, 'kubectl-run', NOW);
    expect((obj.metadata.managedFields as Any[])[0].fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    });
    const again = structuredClone(obj);
    recordUpdate(PODS, obj, again, 'other', NOW);
    expect((again.metadata.managedFields as Any[]).map((e) => e.manager)).toEqual(['kubectl-run']);
  });
});

describe('patch - server-side apply keys list-map elements with schema defaults', () => {
  it('an applied port without protocol is the stored TCP port (no spurious conflict, nothing dropped)', async () => {
    const { recordUpdate } = await import('../../../src/apiserver/patch/index.js');
    const live = deployment();
    containers(live)[0].ports[0].name = 'http';
    const created = structuredClone(live);
    delete created.metadata.managedFields;
    recordUpdate(DEPLOYMENTS, undefined, created, 'kubectl-client-side-apply', NOW);
    const csaSet = JSON.stringify(created.metadata.managedFields);
    expect(csaSet).toContain('k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}');
    const applied = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } } },
    };
    // kubectl's CSA→SSA migration hands the client-side-apply field set to the `kubectl` Apply manager.
    const migrated = structuredClone(created);
    Object.assign((migrated.metadata.managedFields as Any[])[0], { manager: 'kubectl', operation: 'Apply' });
    const first = applyPatch(DEPLOYMENTS, migrated, 'apply', applied, { fieldManager: 'kubectl', now: NOW });
    // protocol (no longer applied) may go; the strategy's defaulting restores it. The key must stay.
    expect(containers(first)[0].ports).toHaveLength(1);
    expect(containers(first)[0].ports[0].containerPort).toBe(80);
    const other = { ...applied, spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'web2' }] }] } } } };
    expect(statusErr(() => applyPatch(DEPLOYMENTS, created, 'apply', other, { fieldManager: 'other', now: NOW })).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].name',
    );
    const second = applyPatch(DEPLOYMENTS, first, 'apply', applied, { fieldManager: 'kubectl', now: NOW });
    expect(containers(second)[0].ports[0].containerPort).toBe(80);
  });
});
