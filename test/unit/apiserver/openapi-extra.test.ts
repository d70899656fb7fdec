import { describe, expect, test } from 'vitest';
import { RESOURCES, lookupResource, lookupResourceVersion } from '../../../src/api/resources.js';
import { gvPath, openApiV3Doc } from '../../../src/apiserver/openapi/index.js';
import { kindSchema, unknownFields } from '../../../src/apiserver/openapi/schemas.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('openapi - the added kinds', () => {
  test('openapi - every group-version document has the item path of each of its resources, tagged with its GVK', () => {
    for (const info of RESOURCES.filter((r) => r.group !== 'apiextensions.k8s.io')) {
      const doc = openApiV3Doc(gvPath(info)) as Any;
      const base = `/${gvPath(info)}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}/{name}`;
      expect(doc.paths[base], base).toBeDefined();
      expect(doc.paths[base].patch['x-kubernetes-group-version-kind']).toEqual({ group: info.group, version: info.version, kind: info.kind });
    }
  });

  test('openapi - autoscaling/v1 and v2 HPAs and core/events.k8s.io Events have their own schemas', () => {
    const v1 = kindSchema(lookupResourceVersion('autoscaling', 'v1', 'horizontalpodautoscalers')!)!;
    const v2 = kindSchema(lookupResource('autoscaling', 'horizontalpodautoscalers')!)!;
    expect(unknownFields(v1, { spec: { targetCPUUtilizationPercentage: 50, metrics: [] } })).toEqual(['spec.metrics']);
    expect(unknownFields(v2, { spec: { targetCPUUtilizationPercentage: 50, metrics: [] } })).toEqual(['spec.targetCPUUtilizationPercentage']);
    expect(unknownFields(kindSchema(lookupResource('events.k8s.io', 'events')!)!, { note: 'x', message: 'y' })).toEqual(['message']);
    expect(unknownFields(kindSchema(lookupResource('', 'events')!)!, { note: 'x', message: 'y' })).toEqual(['note']);
  });

  test.each([
    ['apps', 'statefulsets', { spec: { replicaz: 1, volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModez: [] } }] } }, ['spec.replicaz', 'spec.volumeClaimTemplates[0].spec.accessModez']],
    ['batch', 'cronjobs', { spec: { schedule: 'x', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', imagez: 'i' }] } } } } } }, ['spec.jobTemplate.spec.template.spec.containers[0].imagez']],
    ['', 'secrets', { data: {}, stringData: {}, typo: 1 }, ['typo']],
    ['rbac.authorization.k8s.io', 'roles', { rules: [{ verbs: ['get'], resourcez: [] }] }, ['rules[0].resourcez']],
    ['networking.k8s.io', 'ingresses', { spec: { rules: [{ host: 'a', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { numbr: 1 } } } }] } }] } }, ['spec.rules[0].http.paths[0].backend.service.port.numbr']],
  ])('openapi - unknown fields of %s/%s are found at their paths', (group, resource, obj, want) => {
    expect(unknownFields(kindSchema(lookupResource(group, resource)!)!, obj)).toEqual(want);
  });
});
