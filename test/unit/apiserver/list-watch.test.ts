import { describe, expect, test } from 'vitest';
import type { KList, KObject, Status } from '../../../src/api/types.js';
import { lines, makePod, newTestServer, type TestServer } from './helpers.js';

const PODS = '/api/v1/namespaces/default/pods';

async function seed(t: TestServer): Promise<void> {
  await t.create(PODS, makePod('a').labels({ app: 'web', tier: 'fe' }).node('n1').obj());
  await t.create(PODS, makePod('b').labels({ app: 'web', tier: 'be' }).node('n2').obj());
  await t.create(PODS, makePod('c').labels({ app: 'db' }).obj());
  await t.create('/api/v1/namespaces/kube-system/pods', makePod('k', 'kube-system').labels({ app: 'web' }).node('n1').obj());
}

const names = (l: KList): string[] => l.items.map((o) => String(o.metadata.name));

describe('apiserver - list', () => {
  test.each([
    ['labelSelector=app%3Dweb', ['a', 'b']],
    ['labelSelector=tier%20in%20(fe%2Cx)', ['a']],
    ['labelSelector=!tier', ['c']],
    ['labelSelector=app%3Dweb%2Ctier!%3Dfe', ['b']],
    ['fieldSelector=spec.nodeName%3Dn1', ['a']],
    ['fieldSelector=spec.nodeName%3D', ['c']],
    ['fieldSelector=metadata.name%3Db', ['b']],
    ['fieldSelector=status.phase%3DPending', ['a', 'b', 'c']],
  ])('apiserver - list with %s', async (query, want) => {
    const t = await newTestServer();
    await seed(t);
    const l = await t.get<KList>(`${PODS}?${query}`);
    expect(names(l)).toEqual(want);
  });

  test('apiserver - all-namespaces list and list resourceVersion = store revision', async () => {
    const t = await newTestServer();
    await seed(t);
    const l = await t.get<KList>('/api/v1/pods');
    expect(names(l)).toEqual(['a', 'b', 'c', 'k']);
    expect(l.metadata.resourceVersion).toBe(String(t.store.revision));
    expect(l.kind).toBe('PodList');
  });

  test('apiserver - unsupported field selector is 400', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'GET', url: `${PODS}?fieldSelector=spec.foo%3Dx` });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toBe('field label not supported: spec.foo');
  });

  test('apiserver - events are selectable by involvedObject fields', async () => {
    const t = await newTestServer();
    const ev = (name: string, pod: string): KObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', namespace: 'default', name: pod, uid: `u-${pod}` }, reason: 'Scheduled', message: 'x' });
    await t.create('/api/v1/namespaces/default/events', ev('e1', 'y'));
    await t.create('/api/v1/namespaces/default/events', ev('e2', 'z'));
    const l = await t.get<KList>('/api/v1/namespaces/default/events?fieldSelector=involvedObject.namespace%3Ddefault%2CinvolvedObject.uid%3Du-y%2CinvolvedObject.name%3Dy&limit=500');
    expect(names(l)).toEqual(['e1']);
  });

  test('apiserver - limit and continue page through a list', async () => {
    const t = await newTestServer();
    await seed(t);
    const p1 = await t.get<KList>('/api/v1/pods?limit=3');
    expect(names(p1)).toEqual(['a', 'b', 'c']);
    expect(p1.metadata.remainingItemCount).toBe(1);
    const p2 = await t.get<KList>(`/api/v1/pods?limit=3&continue=${encodeURIComponent(String(p1.metadata.continue))}`);
    expect(names(p2)).toEqual(['k']);
    expect(p2.metadata.continue).toBeUndefined();
    const bad = await t.inject({ method: 'GET', url: '/api/v1/pods?continue=garbage' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('apiserver - watch', () => {
  test('apiserver - watch from a list resourceVersion sends only later changes, no duplicates', async () => {
    const t = await newTestServer();
    await seed(t);
    const list = await t.get<KList>(PODS);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=true&resourceVersion=${list.metadata.resourceVersion}`, signal: ac.signal });
    await t.create(PODS, makePod('d').obj());
    await t.inject({ method: 'DELETE', url: `${PODS}/c` });
    ac.abort();
    const res = await p;
    expect(res.statusCode).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const evs = lines(res.body);
    expect(evs.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:d', 'DELETED:c']);
    expect(Number(evs[1].object.metadata.resourceVersion)).toBe(t.store.revision);
  });

  test('apiserver - watch without resourceVersion starts with synthetic ADDED events', async () => {
    const t = await newTestServer();
    await seed(t);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=1&labelSelector=app%3Dweb`, signal: ac.signal });
    ac.abort();
    expect(lines((await p).body).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:a', 'ADDED:b']);
  });

  test('apiserver - watch from an old resourceVersion replays history', async () => {
    const t = await newTestServer();
    const rv = t.store.revision;
    await seed(t);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `/api/v1/pods?watch=true&resourceVersion=${rv}`, signal: ac.signal });
    ac.abort();
    expect(lines((await p).body).map((e) => e.object.metadata.name)).toEqual(['a', 'b', 'c', 'k']);
  });

  test('apiserver - watch below the history is an ERROR event with 410 Expired', async () => {
    const t = await newTestServer({ historySize: 2 });
    await seed(t);
    const res = await t.inject({ method: 'GET', url: `${PODS}?watch=true&resourceVersion=1` });
    expect(res.statusCode).toBe(200);
    const [ev] = lines<{ type: string; object: Status }>(res.body);
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(ev.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  test('apiserver - a filtered watch sees objects leaving the selector as DELETED', async () => {
    const t = await newTestServer();
    await seed(t);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=true&resourceVersion=${t.store.revision}&labelSelector=app%3Dweb`, signal: ac.signal });
    const patch = (name: string, labels: Record<string, string | null>) =>
      t.inject({ method: 'PATCH', url: `${PODS}/${name}`, headers: { 'content-type': 'application/merge-patch+json' }, payload: { metadata: { labels } } });
    await patch('a', { app: 'other' });
    await patch('c', { app: 'web' });
    await patch('b', { x: '1' });
    ac.abort();
    expect(lines((await p).body).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['DELETED:a', 'ADDED:c', 'MODIFIED:b']);
  });

  test('apiserver - node-indexed watchers only see their nodes (binding moves a pod in)', async () => {
    const t = await newTestServer();
    await seed(t);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `/api/v1/pods?watch=true&resourceVersion=${t.store.revision}&fieldSelector=spec.nodeName%3Dn2`, signal: ac.signal });
    await t.create(PODS, makePod('on1').node('n1').obj());
    await t.create(PODS, makePod('on2').node('n2').obj());
    const bind = await t.inject({ method: 'POST', url: `${PODS}/c/binding`, payload: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'c' }, target: { kind: 'Node', name: 'n2' } } });
    expect(bind.statusCode).toBe(201);
    ac.abort();
    expect(lines((await p).body).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:on2', 'ADDED:c']);
    expect(t.server.registry.cache(t.server.registry.resolve({ group: '', resource: 'pods' })).watcherCount).toBe(0);
  });

  test('apiserver - timeoutSeconds ends the stream on the clock', async () => {
    const t = await newTestServer();
    let ended = false;
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=true&timeoutSeconds=30` }).then((r) => {
      ended = true;
      return r;
    });
    await Promise.resolve();
    t.clock.advance(29_000);
    await Promise.resolve();
    expect(ended).toBe(false);
    t.clock.advance(1_000);
    const res = await p;
    expect(res.statusCode).toBe(200);
    expect(ended).toBe(true);
  });

  test('apiserver - allowWatchBookmarks sends a BOOKMARK with the current resourceVersion every minute', async () => {
    const t = await newTestServer();
    await seed(t);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=true&allowWatchBookmarks=true&resourceVersion=${t.store.revision}`, signal: ac.signal });
    await t.create(PODS, makePod('d').obj());
    t.clock.advance(60_000);
    ac.abort();
    const evs = lines((await p).body);
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(evs[1].object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(t.store.revision) } });
  });

  test('apiserver - a canceled store watch re-lists and repairs missed changes', async () => {
    const t = await newTestServer();
    await seed(t);
    const ac = new AbortController();
    const p = t.inject({ method: 'GET', url: `${PODS}?watch=true&resourceVersion=${t.store.revision}`, signal: ac.signal });
    const podsCache = t.server.registry.cache(t.server.registry.resolve({ group: '', resource: 'pods' }));
    const cWatch = t.store.ops.watch;
    t.store.dropEvents = 2;
    // Each write waits up to 3 s (clock time) for its lost event to reach the cache.
    const create = t.create(PODS, makePod('lost').obj());
    await new Promise((r) => setTimeout(r, 5));
    t.clock.advance(3000);
    await create;
    const del = t.inject({ method: 'DELETE', url: `${PODS}/c` });
    await new Promise((r) => setTimeout(r, 5));
    t.clock.advance(3000);
    await del;
    expect(podsCache.get('default/lost')).toBeUndefined();
    t.store.cancelAllWatches();
    t.clock.advance(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(t.store.ops.watch).toBeGreaterThan(cWatch);
    expect(podsCache.get('default/lost')).toBeDefined();
    expect(podsCache.get('default/c')).toBeUndefined();
    ac.abort();
    const evs = lines((await p).body).map((e) => `${e.type}:${e.object.metadata.name}`);
    expect(evs).toEqual(['ADDED:lost', 'DELETED:c']);
  });
});
