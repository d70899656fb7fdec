import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../../src/api/resources.js';
import { gvPath, openApiV3Doc, openApiV3Index } from '../../../src/apiserver/openapi/index.js';
import { DEFINITIONS, definitionKeyOf, resolve } from '../../../src/apiserver/openapi/schemas.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('openapi - index', () => {
  it('lists every served group-version with a hashed serverRelativeURL', () => {
    const idx = openApiV3Index();
    expect(Object.keys(idx.paths)).toEqual([...new Set(RESOURCES.map(gvPath))].sort());
    for (const [gv, { serverRelativeURL }] of Object.entries(idx.paths)) {
      expect(serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
    }
  });
  it('is stable across calls (hash is a content hash)', () => {
    expect(openApiV3Index()).toEqual(openApiV3Index());
  });
  it('serves documents by index key, tolerating a leading slash and query', () => {
    expect(openApiV3Doc('apis/apps/v1')).toBeDefined();
    expect(openApiV3Doc('/openapi/v3/apis/apps/v1?hash=x')).toBe(openApiV3Doc('apis/apps/v1'));
    expect(openApiV3Doc('apis/batch/v2')).toBeUndefined();
  });
});

describe('openapi - documents kubectl apply relies on', () => {
  it.each(RESOURCES.map((r) => [r.kind, r] as const))('%s item path has a GVK-tagged patch with fieldValidation', (_k, info) => {
    const doc = openApiV3Doc(gvPath(info)) as Any;
    const base = `/${gvPath(info)}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}/{name}`;
    const patch = doc.paths[base]?.patch;
    expect(patch, base).toBeDefined();
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: info.group, version: info.version, kind: info.kind });
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
    expect(Object.keys(patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
  });
  it('has the real document header and resolvable refs', () => {
    const doc = openApiV3Doc('apis/apps/v1') as Any;
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.info.title).toBe('Kubernetes');
    const schemas = doc.components.schemas as Record<string, unknown>;
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z0-9.]+/g) ?? [];
    for (const r of new Set(refs)) expect(schemas[r.slice('#/components/schemas/'.length)], r).toBeDefined();
  });
  it('carries strategic-merge metadata on component schemas', () => {
    const schemas = (openApiV3Doc('apis/apps/v1') as Any).components.schemas;
    const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toBe('merge');
    expect(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
  });
  it('documents status and scale subresources', () => {
    const paths = (openApiV3Doc('apis/apps/v1') as Any).paths;
    expect(paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']).toBeDefined();
    expect(paths['/apis/apps/v1/deployments'].get.operationId).toBe('listAppsV1DeploymentForAllNamespaces');
  });
});

describe('openapi - schema definitions', () => {
  it('every ref resolves', () => {
    const visit = (s: unknown): void => {
      if (!s || typeof s !== 'object') return;
      const node = s as Any;
      if (node.kind === 'ref') expect(() => resolve(node as never), node.ref).not.toThrow();
      for (const v of Object.values(node)) visit(v);
    };
    for (const d of Object.values(DEFINITIONS)) visit(d.schema);
  });
  it('every served kind has a definition', () => {
    for (const r of RESOURCES.filter((x) => x.group !== 'apiextensions.k8s.io')) expect(definitionKeyOf(r), `${r.group}/${r.version} ${r.kind}`).toBeDefined();
  });
});
