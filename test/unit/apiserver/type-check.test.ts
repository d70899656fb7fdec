import { describe, expect, it } from 'vitest';
import { CONFIGMAPS, DEPLOYMENTS, PODS } from '../../../src/api/resources.js';
import { kindSchema } from '../../../src/apiserver/openapi/schemas.js';
import { findTypeMismatch, typeMismatchError } from '../../../src/apiserver/openapi/type-check.js';

const deployment = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { a: 'b' } }, spec });
const template = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] } };

describe('apiserver - decoding-time type checks', () => {
  it.each([
    { name: 'a valid Deployment', info: DEPLOYMENTS, obj: deployment({ replicas: 3, selector: { matchLabels: { a: 'b' } }, template, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }), want: undefined },
    { name: 'nulls anywhere', info: DEPLOYMENTS, obj: deployment({ replicas: null, selector: null, template: { metadata: null, spec: null } }), want: undefined },
    { name: 'replicas as a string', info: DEPLOYMENTS, obj: deployment({ replicas: 'three' }), want: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
    { name: 'replicas as a fraction', info: DEPLOYMENTS, obj: deployment({ replicas: 1.5 }), want: 'json: cannot unmarshal number into Go struct field DeploymentSpec.spec.replicas of type int32' },
    { name: 'spec as a list', info: DEPLOYMENTS, obj: { ...deployment({}), spec: [] }, want: 'json: cannot unmarshal array into Go struct field Deployment.spec of type struct' },
    { name: 'a label value as a number', info: CONFIGMAPS, obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 1 } } }, want: 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string' },
    { name: 'configmap data as a number', info: CONFIGMAPS, obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } }, want: 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string' },
    { name: 'a container image as a bool', info: PODS, obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: true }] } }, want: 'json: cannot unmarshal bool into Go struct field Container.spec.containers.image of type string' },
  ])('apiserver - type check: $name', ({ info, obj, want }) => {
    const schema = kindSchema(info)!;
    const m = findTypeMismatch(schema, obj, info.kind);
    if (want === undefined) {
      expect(m).toBeUndefined();
      return;
    }
    const err = typeMismatchError(info.kind, info.version, m!);
    expect(err.status.code).toBe(400);
    expect(err.status.message).toBe(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${want}`);
  });
});
