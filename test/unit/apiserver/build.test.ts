import { describe, expect, test } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { KObject } from '../../../src/api/types.js';
import { build } from '../../../src/apiserver/server.js';
import { FakeStore } from './fake-store.js';
import { makeDeployment, makeNamespace, makeNode } from './helpers.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

async function built() {
  const s = build({ store: new FakeStore(), clock: new SimClock(Date.UTC(2026, 0, 1)), rng: new SeededRng(7) });
  await s.inject({ method: 'POST', url: '/api/v1/namespaces', payload: makeNamespace('default') });
  return s;
}

describe('apiserver - build() with the real strategy, tables, patch and openapi modules', () => {
  test('apiserver - kubectl client-side apply: strategic merge patch with $setElementOrder bumps generation', async () => {
    const s = await built();
    const created = await s.inject({ method: 'POST', url: `${DEPLOYS}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, payload: makeDeployment('web', 2).obj() });
    expect(created.statusCode).toBe(201);
    const patch = { spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.28', name: 'web' }] } } } };
    const res = await s.inject({ method: 'PATCH', url: `${DEPLOYS}/web?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, headers: { 'content-type': 'application/strategic-merge-patch+json' }, payload: patch });
    expect(res.statusCode).toBe(200);
    const d = res.json<KObject>();
    const tmpl = (d.spec as { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } });
    expect(tmpl.replicas).toBe(3);
    expect(tmpl.template.spec.containers).toEqual([expect.objectContaining({ name: 'web', image: 'nginx:1.28' })]);
    expect(d.metadata.generation).toBe(2);
  });

  test('apiserver - server-side apply creates (201) then updates (200)', async () => {
    const s = await built();
    const url = `${DEPLOYS}/ssa?fieldManager=kubectl&fieldValidation=Strict&force=false`;
    const headers = { 'content-type': 'application/apply-patch+yaml' };
    const first = await s.inject({ method: 'PATCH', url, headers, payload: JSON.stringify(makeDeployment('ssa', 1).obj()) });
    expect(first.statusCode).toBe(201);
    const second = await s.inject({ method: 'PATCH', url, headers, payload: JSON.stringify(makeDeployment('ssa', 4).obj()) });
    expect(second.statusCode).toBe(200);
    expect((second.json<KObject>().spec as { replicas: number }).replicas).toBe(4);
    expect(second.json<KObject>().metadata.managedFields).toBeDefined();
  });

  test('apiserver - real Table for nodes and the openapi index', async () => {
    const s = await built();
    await s.inject({ method: 'POST', url: '/api/v1/nodes', payload: makeNode('n1').obj() });
    const res = await s.inject({ method: 'GET', url: '/api/v1/nodes?limit=500', headers: { accept: TABLE } });
    const table = res.json<{ kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toContain('Status');
    expect(table.rows[0].cells[0]).toBe('n1');
    const idx = await s.inject({ method: 'GET', url: '/openapi/v3' });
    expect(idx.statusCode).toBe(200);
    expect(idx.json<{ paths: Record<string, unknown> }>().paths).toHaveProperty('apis/apps/v1');
  });
});
