import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { isConflict, isNotFound, isAlreadyExists } from '../../../src/api/errors.js';
import { DEPLOYMENTS, NAMESPACES, PODS } from '../../../src/api/resources.js';
import type { Deployment, Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';

const pod = (name: string, extra: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c' }], ...extra } });
const deploy = (name: string, replicas = 1): Deployment => ({
  metadata: { name, namespace: 'ns' },
  spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } } },
});

describe('client/fake-api-client', () => {
  it('client/fake-api-client - create fills uid, resourceVersion, generation, kind; duplicates are AlreadyExists', async () => {
    const f = new FakeApiClient();
    const p = await f.create(PODS, pod('a'));
    expect(p).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { generation: 1, resourceVersion: '2' }, status: { phase: 'Pending' } });
    expect(p.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    await expect(f.create(PODS, pod('a'))).rejects.toSatisfy(isAlreadyExists);
    const g = await f.create<Pod>(PODS, { metadata: { generateName: 'web-', namespace: 'ns' }, spec: { containers: [] } });
    expect(g.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    const ns = await f.create(NAMESPACES, { metadata: { name: 'x' } });
    expect(ns).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  });

  it('client/fake-api-client - update checks resourceVersion, bumps generation on spec change only, ignores status', async () => {
    const f = new FakeApiClient();
    const d = await f.create(DEPLOYMENTS, deploy('d'));
    const stale = structuredClone(d);
    d.spec.replicas = 3;
    d.status = { replicas: 99 };
    const d2 = await f.update(DEPLOYMENTS, d);
    expect(d2.metadata.generation).toBe(2);
    expect(d2.status).toBeUndefined();
    await expect(f.update(DEPLOYMENTS, stale)).rejects.toSatisfy(isConflict);
    const d3 = await f.updateStatus(DEPLOYMENTS, { ...d2, spec: { ...d2.spec, replicas: 7 }, status: { replicas: 3 } });
    expect(d3.spec.replicas).toBe(3);
    expect(d3.status?.replicas).toBe(3);
    expect(d3.metadata.generation).toBe(2);
    const d4 = await f.patch<Deployment>(DEPLOYMENTS, 'ns', 'd', 'merge', { metadata: { labels: { x: '1' } } });
    expect(d4.metadata.generation).toBe(2);
    const same = await f.update(DEPLOYMENTS, d4);
    expect(same.metadata.resourceVersion).toBe(d4.metadata.resourceVersion);
  });

  it.each([
    ['unbound pod is removed at once', pod('p'), {}, false],
    ['bound pod is deleted gracefully', pod('p', { nodeName: 'n' }), {}, true],
    ['bound pod with grace 0 is removed', pod('p', { nodeName: 'n' }), { gracePeriodSeconds: 0 }, false],
  ])('client/fake-api-client - delete: %s', async (_n, p, opts, stays) => {
    const f = new FakeApiClient();
    await f.create(PODS, p);
    await f.delete(PODS, 'ns', 'p', opts);
    const after = f.peek<Pod>(PODS, 'ns', 'p');
    expect(!!after).toBe(stays);
    if (after) {
      expect(after.metadata.deletionTimestamp).toBeDefined();
      await f.delete(PODS, 'ns', 'p', { gracePeriodSeconds: 0 });
      expect(f.peek(PODS, 'ns', 'p')).toBeUndefined();
    }
  });

  it.each([
    ['Foreground', 'foregroundDeletion'],
    ['Orphan', 'orphan'],
  ] as const)('client/fake-api-client - delete with %s propagation keeps the object with finalizer %s until it is removed', async (policy, fin) => {
    const f = new FakeApiClient();
    await f.create(DEPLOYMENTS, deploy('d'));
    await f.delete(DEPLOYMENTS, 'ns', 'd', { propagationPolicy: policy });
    const d = f.peek<Deployment>(DEPLOYMENTS, 'ns', 'd')!;
    expect(d.metadata.finalizers).toEqual([fin]);
    expect(d.metadata.deletionTimestamp).toBeDefined();
    await f.update(DEPLOYMENTS, { ...d, metadata: { ...d.metadata, finalizers: [] } });
    expect(f.peek(DEPLOYMENTS, 'ns', 'd')).toBeUndefined();
    await expect(f.get(DEPLOYMENTS, 'ns', 'd')).rejects.toSatisfy(isNotFound);
  });

  it('client/fake-api-client - bind sets nodeName once and PodScheduled; list filters by field selector and nodeNames', async () => {
    const f = new FakeApiClient({ clock: new SimClock() });
    await f.create(PODS, pod('a'));
    await f.create(PODS, pod('b'));
    await f.bind('ns', 'a', 'n1');
    await expect(f.bind('ns', 'a', 'n2')).rejects.toSatisfy(isConflict);
    const a = f.peek<Pod>(PODS, 'ns', 'a')!;
    expect(a.spec.nodeName).toBe('n1');
    expect(a.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    expect((await f.list(PODS, { fieldSelector: 'spec.nodeName=n1' })).items.map((p) => p.metadata.name)).toEqual(['a']);
    expect((await f.list(PODS, { fieldSelector: 'spec.nodeName=' })).items.map((p) => p.metadata.name)).toEqual(['b']);
    expect((await f.list(PODS, { nodeNames: ['n1', 'n9'] })).items).toHaveLength(1);
    const page1 = await f.list(PODS, { limit: 1 });
    expect(page1.items).toHaveLength(1);
    const page2 = await f.list(PODS, { limit: 1, continue: page1.metadata.continue });
    expect(page2.items.map((p) => p.metadata.name)).toEqual(['b']);
    expect(page2.metadata.continue).toBeUndefined();
  });

  it('client/fake-api-client - a watch from a compacted resourceVersion gets 410 Gone; from a recent one it replays', async () => {
    const f = new FakeApiClient();
    await f.create(PODS, pod('a'));
    const rv = f.resourceVersion;
    await f.create(PODS, pod('b'));
    const got: string[] = [];
    await f.watcher.watch(PODS, { resourceVersion: rv }, { events: (e) => got.push(...e.map((x) => `${x.type} ${x.object.metadata.name}`)), ended: () => {} });
    expect(got).toEqual(['ADDED b']);
    f.compact();
    await f.watcher.watch(PODS, { resourceVersion: rv }, { events: (e) => got.push(...e.map((x) => `${x.type} ${x.object.metadata.name ?? (x.object as unknown as { code: number }).code}`)), ended: () => {} });
    expect(got.at(-1)).toBe('ERROR 410');
  });
});
