import { describe, expect, test } from 'vitest';
import type { KList, KObject, Status } from '../../../src/api/types.js';
import { makeDeployment, makePod, newTestServer, type TestServer } from './helpers.js';

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const PODS = '/api/v1/namespaces/default/pods';

async function snapshot(t: TestServer): Promise<string> {
  const d = await t.get<KList>(DEPLOY);
  const p = await t.get<KList>(PODS);
  return JSON.stringify([d.items, p.items]);
}

const withSpec = (f: (spec: Record<string, unknown>) => void): KObject => makeDeployment('bad').with((d) => f(d.spec as Record<string, unknown>)).obj();

describe('apiserver - invalid input is a 4xx Status and nothing is written', () => {
  test.each([
    ['malformed JSON', DEPLOY, 'application/json', '{"apiVersion":', 400, 'could not be decoded as JSON'],
    ['malformed YAML', DEPLOY, 'application/yaml', 'a: [1,\n b', 400, 'could not be decoded as YAML'],
    ['a JSON array', DEPLOY, 'application/json', '[1,2]', 400, 'must be a JSON or YAML object'],
    ['a JSON string', DEPLOY, 'application/json', '"x"', 400, 'must be a JSON or YAML object'],
    ['malformed protobuf', DEPLOY, 'application/vnd.kubernetes.protobuf', 'k8s\u0000\u000a\u00ff', 400, 'could not be decoded as protobuf'],
    ['protobuf without the magic', DEPLOY, 'application/vnd.kubernetes.protobuf', '{"a":1}', 400, 'k8s'],
    ['an unknown media type', DEPLOY, 'text/plain', 'x', 415, 'unknown format'],
    ['replicas as a string', DEPLOY, 'application/json', JSON.stringify(withSpec((s) => (s.replicas = 'three'))), 400, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['replicas as a fraction', DEPLOY, 'application/json', JSON.stringify(withSpec((s) => (s.replicas = 1.5))), 400, 'cannot unmarshal number into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['containers as an object', DEPLOY, 'application/json', JSON.stringify(withSpec((s) => ((s.template as { spec: { containers: unknown } }).spec.containers = { a: 1 }))), 400, 'cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers'],
    ['a numeric label value', DEPLOY, 'application/json', JSON.stringify(makeDeployment('bad').labels({ a: 1 as unknown as string }).obj()), 400, 'cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    ['metadata as a string', DEPLOY, 'application/json', JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: 'x' }), 400, 'cannot unmarshal string into Go struct field Deployment.metadata of type v1.ObjectMeta'],
    ['an unknown field under Strict', `${DEPLOY}?fieldValidation=Strict`, 'application/json', JSON.stringify(withSpec((s) => (s.replicaz = 1))), 400, 'strict decoding error: unknown field "spec.replicaz"'],
    ['a bad fieldValidation', `${DEPLOY}?fieldValidation=Loose`, 'application/json', JSON.stringify(makeDeployment('bad').obj()), 400, 'fieldValidation must be one of'],
    ['a pod container port as a string', PODS, 'application/json', JSON.stringify(makePod('bad').with((p) => ((p.spec as { containers: { ports?: unknown }[] }).containers[0].ports = [{ containerPort: '80' }])).obj()), 400, 'spec.containers.ports.containerPort'],
    ['another kind than the URL', PODS, 'application/json', JSON.stringify(makeDeployment('bad').obj()), 400, 'does not match the expected'],
  ])('apiserver - POST with %s', async (_what, url, ct, body, code, message) => {
    const t = await newTestServer();
    const before = await snapshot(t);
    const res = await t.inject({ method: 'POST', url, headers: { 'content-type': ct }, payload: body });
    expect(res.statusCode).toBe(code);
    const st = res.json<Status>();
    expect(st).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code });
    expect(st.message).toContain(message);
    expect(await snapshot(t)).toBe(before);
  });

  test('apiserver - an oversized body is 413 and nothing is written', async () => {
    const t = await newTestServer();
    const before = await snapshot(t);
    const big = JSON.stringify(makeDeployment('big').with((d) => (d.metadata.annotations = { x: 'y'.repeat(4 * 1024 * 1024) })).obj());
    const res = await t.inject({ method: 'POST', url: DEPLOY, headers: { 'content-type': 'application/json' }, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json<Status>()).toMatchObject({ reason: 'RequestEntityTooLarge' });
    expect(await snapshot(t)).toBe(before);
  });

  test.each([
    ['merge', 'application/merge-patch+json', { spec: { replicas: 'many' } }],
    ['strategic', 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: 'x' } } } }],
    ['json', 'application/json-patch+json', [{ op: 'add', path: '/spec/paused', value: 'yes' }]],
  ])('apiserver - a %s patch that makes a field the wrong type is 400 and the object is unchanged', async (_kind, ct, patch) => {
    const t = await newTestServer();
    const created = await t.create(DEPLOY, makeDeployment('web').obj());
    const res = await t.inject({ method: 'PATCH', url: `${DEPLOY}/web`, headers: { 'content-type': ct }, payload: JSON.stringify(patch) });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<Status>().message).toContain('cannot unmarshal');
    const after = await t.get<KObject>(`${DEPLOY}/web`);
    expect(after.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  test('apiserver - a PUT with a wrong type is 400 and the object is unchanged', async () => {
    const t = await newTestServer();
    const created = await t.create(DEPLOY, makeDeployment('web').obj());
    const next = structuredClone(created);
    (next.spec as { replicas: unknown }).replicas = { n: 2 };
    const res = await t.inject({ method: 'PUT', url: `${DEPLOY}/web`, payload: next });
    expect(res.statusCode).toBe(400);
    expect((await t.get<KObject>(`${DEPLOY}/web`)).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });
});
