import { describe, expect, test } from 'vitest';
import type { KList, KObject, Status } from '../../../src/api/types.js';
import { makeNamespace, newTestServer, TEST_DEPS, type TestServer } from './helpers.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { createApiServer } from '../../../src/apiserver/server-core.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';

function widgetCrd(over: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'blue' },
                  replicas: { type: 'integer', default: 1 },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
            },
          },
        },
      }],
      ...over,
    },
  };
}

function widget(name: string, spec: Record<string, unknown> = { size: 3 }): KObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec };
}

async function withCrd(): Promise<TestServer> {
  const t = await newTestServer();
  await t.create(CRDS, widgetCrd());
  await t.server.registry.crds.idle();
  return t;
}

describe('apiserver - CustomResourceDefinitions', () => {
  test('apiserver - a created CRD is Established with a cleanup finalizer and accepted names', async () => {
    const t = await withCrd();
    const crd = await t.get<KObject>(`${CRDS}/widgets.example.com`);
    expect(crd.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    const status = crd.status as { conditions: { type: string; status: string }[]; acceptedNames: { kind: string }; storedVersions: string[] };
    expect(status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['NamesAccepted=True', 'Established=True']);
    expect(status.acceptedNames.kind).toBe('Widget');
    expect(status.storedVersions).toEqual(['v1']);
    expect((crd.spec as { names: { listKind: string } }).names.listKind).toBe('WidgetList');
  });

  test('apiserver - a CRD shows in aggregated and legacy discovery', async () => {
    const t = await withCrd();
    const agg = (await t.inject({ method: 'GET', url: '/apis', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } })).json<{ items: { metadata: { name: string }; versions: { resources: { resource: string; shortNames?: string[]; subresources: { subresource: string }[] }[] }[] }[] }>();
    const group = agg.items.find((i) => i.metadata.name === 'example.com');
    expect(group?.versions[0].resources[0]).toMatchObject({ resource: 'widgets', shortNames: ['wd'] });
    expect(group?.versions[0].resources[0].subresources.map((s) => s.subresource)).toEqual(['status', 'scale']);
    const legacy = await t.get<{ resources: { name: string }[] }>('/apis/example.com/v1');
    expect(legacy.resources.map((r) => r.name)).toEqual(['widgets', 'widgets/status', 'widgets/scale']);
    expect((await t.get<{ kind: string }>('/apis/example.com')).kind).toBe('APIGroup');
  });

  test('apiserver - a custom resource is created with schema defaults and unknown fields pruned', async () => {
    const t = await withCrd();
    const w = await t.create(WIDGETS, widget('w1', { size: 3, colour: 'x', extra: { any: { thing: 1 } } }));
    expect(w.spec).toEqual({ size: 3, color: 'blue', replicas: 1, extra: { any: { thing: 1 } } });
    expect(w.metadata).toMatchObject({ name: 'w1', namespace: 'default', generation: 1 });
    const list = await t.get<KList>(WIDGETS);
    expect(list).toMatchObject({ kind: 'WidgetList', apiVersion: 'example.com/v1' });
    expect(list.items.map((i) => i.metadata.name)).toEqual(['w1']);
  });

  test.each([
    ['a wrong type', { size: 'big' }, 422, 'spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"'],
    ['a missing required field', { color: 'red' }, 422, 'spec.size: Required value'],
    ['a value outside the enum', { size: 1, color: 'pink' }, 422, 'spec.color: Unsupported value: "pink": supported values: "red", "blue"'],
    ['a value below the minimum', { size: 0 }, 422, 'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1'],
  ])('apiserver - a custom resource with %s is %d', async (_what, spec, code, message) => {
    const t = await withCrd();
    const res = await t.inject({ method: 'POST', url: WIDGETS, payload: widget('bad', spec) });
    expect(res.statusCode).toBe(code);
    const st = res.json<Status>();
    expect(st.message).toContain('Widget.example.com "bad" is invalid');
    expect(st.message).toContain(message);
    expect((await t.get<KList>(WIDGETS)).items).toEqual([]);
  });

  test('apiserver - fieldValidation=Strict rejects unknown fields of a custom resource', async () => {
    const t = await withCrd();
    const res = await t.inject({ method: 'POST', url: `${WIDGETS}?fieldValidation=Strict`, payload: widget('s', { size: 1, colour: 'red' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toContain('unknown field "spec.colour"');
  });

  test('apiserver - the status subresource: spec writes keep status, status writes keep spec', async () => {
    const t = await withCrd();
    const w = await t.create(WIDGETS, widget('w1'));
    const st = await t.inject({ method: 'PUT', url: `${WIDGETS}/w1/status`, payload: { ...w, spec: { size: 99 }, status: { replicas: 2 } } });
    expect(st.statusCode, st.body).toBe(200);
    expect(st.json<KObject>()).toMatchObject({ spec: { size: 3 }, status: { replicas: 2 } });
    const cur = st.json<KObject>();
    const put = await t.inject({ method: 'PUT', url: `${WIDGETS}/w1`, payload: { ...cur, spec: { size: 4 }, status: { replicas: 7 } } });
    expect(put.json<KObject>()).toMatchObject({ spec: { size: 4, color: 'blue' }, status: { replicas: 2 } });
    expect(put.json<KObject>().metadata.generation).toBe(2);
  });

  test('apiserver - the scale subresource reads and writes the CRD paths', async () => {
    const t = await withCrd();
    const w = await t.create(WIDGETS, widget('w1', { size: 1, replicas: 2 }));
    await t.inject({ method: 'PATCH', url: `${WIDGETS}/w1/status`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ status: { replicas: 2, selector: 'app=w' } }) });
    const scale = await t.get<KObject>(`${WIDGETS}/w1/scale`);
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=w' } });
    const res = await t.inject({ method: 'PATCH', url: `${WIDGETS}/w1/scale`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ spec: { replicas: 5 } }) });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t.get<KObject>(`${WIDGETS}/w1`)).spec).toMatchObject({ replicas: 5, size: 1 });
    expect(w.metadata.uid).toBe(res.json<KObject>().metadata.uid);
  });

  test('apiserver - OpenAPI v3 serves the CRD group-version with a GVK-tagged patch and schema', async () => {
    const t = await withCrd();
    const index = await t.get<{ paths: Record<string, { serverRelativeURL: string }> }>('/openapi/v3');
    const url = index.paths['apis/example.com/v1']?.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/example.com\/v1\?hash=[0-9A-F]+$/);
    const doc = await t.get<{ paths: Record<string, { patch?: { 'x-kubernetes-group-version-kind': object; parameters: { name: string }[] } }>; components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: object; properties?: Record<string, unknown> }> } }>(url!);
    const patch = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch!;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'example.com', version: 'v1', kind: 'Widget' });
    expect(patch.parameters.map((p) => p.name)).toContain('fieldValidation');
    const schema = doc.components.schemas['com.example.v1.Widget'];
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['spec', 'status', 'metadata', 'apiVersion', 'kind']));
  });

  test('apiserver - a cluster-scoped CRD serves objects without a namespace', async () => {
    const t = await newTestServer();
    const crd = widgetCrd({ scope: 'Cluster' });
    await t.create(CRDS, crd);
    await t.server.registry.crds.idle();
    const w = await t.create('/apis/example.com/v1/widgets', widget('c1'));
    expect(w.metadata.namespace).toBeUndefined();
  });

  test('apiserver - deleting a CRD deletes its custom resources and stops serving them', async () => {
    const t = await withCrd();
    await t.create(WIDGETS, widget('w1'));
    await t.create('/api/v1/namespaces', makeNamespace('other'));
    await t.create('/apis/example.com/v1/namespaces/other/widgets', widget('w2'));
    const del = await t.inject({ method: 'DELETE', url: `${CRDS}/widgets.example.com` });
    expect(del.statusCode).toBe(200);
    for (let i = 0; i < 5; i++) await t.server.registry.crds.idle();
    expect((await t.inject({ method: 'GET', url: `${CRDS}/widgets.example.com` })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: WIDGETS })).statusCode).toBe(404);
    const again = await t.create(CRDS, widgetCrd());
    expect(again.metadata.name).toBe('widgets.example.com');
    await t.server.registry.crds.idle();
    expect((await t.get<KList>(WIDGETS)).items).toEqual([]);
  });

  test.each([
    ['a name that is not plural.group', { metadata: { name: 'wrong.example.com' } }, 'metadata.name: Invalid value: "wrong.example.com": must be spec.names.plural+"."+spec.group'],
    ['no storage version', { spec: { versions: [{ name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } }] } }, 'must have exactly one version marked as storage version'],
    ['no schema', { spec: { versions: [{ name: 'v1', served: true, storage: true }] } }, 'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'],
    ['a bad scope', { spec: { scope: 'Global' } }, 'spec.scope: Unsupported value: "Global"'],
    ['a group without a dot', { metadata: { name: 'widgets.example' }, spec: { group: 'example' } }, 'spec.group: Invalid value: "example": should be a domain with at least one dot'],
  ])('apiserver - a CRD with %s is 422', async (_what, over, message) => {
    const t = await newTestServer();
    const base = widgetCrd();
    const crd = { ...base, metadata: { ...base.metadata, ...(over as { metadata?: object }).metadata }, spec: { ...(base.spec as object), ...(over as { spec?: object }).spec } };
    const res = await t.inject({ method: 'POST', url: CRDS, payload: crd });
    expect(res.statusCode).toBe(422);
    expect(res.json<Status>().message).toContain(message);
  });

  test('apiserver - a CR watch sees ADDED and MODIFIED events', async () => {
    const t = await withCrd();
    const chunks: string[] = [];
    const ac = new AbortController();
    const done = t.inject({ method: 'GET', url: `${WIDGETS}?watch=true`, onChunk: (c) => chunks.push(c), signal: ac.signal });
    await new Promise((r) => setImmediate(r));
    await t.create(WIDGETS, widget('w1'));
    await t.inject({ method: 'PATCH', url: `${WIDGETS}/w1`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ spec: { size: 9 } }) });
    ac.abort();
    await done;
    const types = chunks.join('').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['ADDED', 'MODIFIED']);
  });

  test.each([
    ['its printer columns', [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }, { name: 'Color', type: 'string', jsonPath: '.spec.color' }], ['Name', 'Size', 'Color'], ['w1', 3, 'blue']],
    ['Age when it has none', undefined, ['Name', 'Age'], ['w1', '2026-01-01T00:00:00Z']],
  ])('apiserver - a custom resource Table shows %s', async (_what, columns, names, cells) => {
    const t = await newTestServer();
    const crd = widgetCrd();
    const v = (crd.spec as { versions: Record<string, unknown>[] }).versions[0];
    if (columns) v.additionalPrinterColumns = columns;
    await t.create(CRDS, crd);
    await t.server.registry.crds.idle();
    await t.create(WIDGETS, widget('w1'));
    const res = await t.inject({ method: 'GET', url: WIDGETS, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = res.json<{ kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] }>();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(names);
    expect(table.rows[0].cells).toEqual(cells);
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  test('apiserver - a restarted apiserver serves the stored CRDs and their objects again', async () => {
    const t = await withCrd();
    await t.create(WIDGETS, widget('w1'));
    await t.server.close();
    // A second server over the same store, as after an apiserver restart.
    const again = createApiServer({ store: t.store, clock: t.clock, rng: new SeededRng(7), deps: TEST_DEPS });
    await again.start();
    const res = await again.inject({ method: 'GET', url: WIDGETS });
    expect(res.statusCode).toBe(200);
    const list = res.json<KList>();
    expect(list.items.map((i) => i.metadata.name)).toEqual(['w1']);
  });

  test('apiserver - an updated CRD schema applies to the next writes; its scope is immutable', async () => {
    const t = await withCrd();
    const crd = await t.get<KObject>(`${CRDS}/widgets.example.com`);
    const spec = crd.spec as { scope: string; versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: { color: { enum: string[] } } } } } } }[] };
    spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.color.enum.push('pink');
    const put = await t.inject({ method: 'PUT', url: `${CRDS}/widgets.example.com`, payload: crd });
    expect(put.statusCode, put.body).toBe(200);
    await t.server.registry.crds.idle();
    expect((await t.inject({ method: 'POST', url: WIDGETS, payload: widget('p', { size: 1, color: 'pink' }) })).statusCode).toBe(201);
    const again = put.json<KObject>();
    (again.spec as { scope: string }).scope = 'Cluster';
    const res = await t.inject({ method: 'PUT', url: `${CRDS}/widgets.example.com`, payload: again });
    expect(res.statusCode).toBe(422);
    expect(res.json<Status>().message).toContain('spec.scope: Invalid value: "Cluster": field is immutable');
  });

  test('apiserver - every served version is served; objects are stored once and read at the version asked', async () => {
    const t = await newTestServer();
    const crd = widgetCrd();
    const versions = (crd.spec as { versions: Record<string, unknown>[] }).versions;
    const v1 = versions[0];
    versions.unshift({ ...structuredClone(v1), name: 'v1beta1', storage: false });
    await t.create(CRDS, crd);
    await t.server.registry.crds.idle();
    const beta = '/apis/example.com/v1beta1/namespaces/default/widgets';
    const created = await t.create(beta, { ...widget('w1'), apiVersion: 'example.com/v1beta1' });
    expect(created.apiVersion).toBe('example.com/v1beta1');
    expect((await t.get<KObject>(`${WIDGETS}/w1`)).apiVersion).toBe('example.com/v1');
    expect((await t.get<KList>(beta)).items.map((i) => i.apiVersion)).toEqual(['example.com/v1beta1']);
    const patched = await t.inject({ method: 'PATCH', url: `${WIDGETS}/w1`, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ spec: { size: 7 } }) });
    expect(patched.json<KObject>()).toMatchObject({ apiVersion: 'example.com/v1', spec: { size: 7 } });
    expect((await t.get<KObject>(`${beta}/w1`)).spec).toMatchObject({ size: 7 });
    const group = await t.get<{ preferredVersion: { version: string }; versions: { version: string }[] }>('/apis/example.com');
    expect(group.preferredVersion.version).toBe('v1');
    expect(group.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    const index = await t.get<{ paths: Record<string, unknown> }>('/openapi/v3');
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['apis/example.com/v1', 'apis/example.com/v1beta1']));
    const stored = await t.get<KObject>(`${CRDS}/widgets.example.com`);
    expect((stored.status as { storedVersions: string[] }).storedVersions).toEqual(['v1']);
  });
});
