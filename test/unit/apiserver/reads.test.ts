import { describe, expect, test } from 'vitest';
import type { KList, KObject, Status } from '../../../src/api/types.js';
import { makePod, newTestServer } from './helpers.js';

const CMS = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({ metadata: { name, labels }, data }) as KObject;

describe('apiserver - reads: pagination over one snapshot', () => {
  test('apiserver - continue pages show the list as of the first page (later writes are invisible)', async () => {
    const t = await newTestServer();
    for (const n of ['a', 'b', 'c', 'd']) await t.create(CMS, cm(n));
    const p1 = await t.get<KList>(`${CMS}?limit=2`);
    expect(p1.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(p1.metadata.remainingItemCount).toBe(2);
    // Changes after the first page: c deleted, e added, d modified.
    await t.inject({ method: 'DELETE', url: `${CMS}/c` });
    await t.create(CMS, cm('e'));
    await t.inject({ method: 'PATCH', url: `${CMS}/d`, headers: { 'content-type': 'application/merge-patch+json' }, payload: { data: { x: 'y' } } });
    const p2 = await t.get<KList>(`${CMS}?limit=2&continue=${encodeURIComponent(p1.metadata.continue!)}`);
    expect(p2.items.map((i) => i.metadata.name)).toEqual(['c', 'd']);
    expect((p2.items[1] as KObject & { data?: object }).data).toEqual({});
    expect(p2.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
    expect(p2.metadata.continue).toBeUndefined();
    const fresh = await t.get<KList>(CMS);
    expect(fresh.items.map((i) => i.metadata.name)).toEqual(['a', 'b', 'd', 'e']);
  });

  test('apiserver - a continue token older than the history is 410 Expired with an inconsistent continue token', async () => {
    const t = await newTestServer({ historySize: 2 });
    for (const n of ['a', 'b', 'c']) await t.create(CMS, cm(n));
    const p1 = await t.get<KList>(`${CMS}?limit=1`);
    for (let i = 0; i < 8; i++) await t.create(CMS, cm(`z${i}`));
    const res = await t.inject({ method: 'GET', url: `${CMS}?limit=1&continue=${encodeURIComponent(p1.metadata.continue!)}` });
    expect(res.statusCode).toBe(410);
    const st = res.json<Status & { metadata: { continue?: string } }>();
    expect(st.reason).toBe('Expired');
    expect(st.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
    const next = await t.get<KList>(`${CMS}?limit=1&continue=${encodeURIComponent(st.metadata.continue!)}`);
    expect(next.items.map((i) => i.metadata.name)).toEqual(['b']);
  });

  test('apiserver - a garbage continue token is 400', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'GET', url: `${CMS}?limit=1&continue=garbage` });
    expect(res.statusCode).toBe(400);
  });
});

describe('apiserver - reads: resourceVersion semantics', () => {
  test('apiserver - resourceVersionMatch=Exact lists the snapshot at that revision', async () => {
    const t = await newTestServer();
    await t.create(CMS, cm('a'));
    const rv = (await t.get<KList>(CMS)).metadata.resourceVersion!;
    await t.create(CMS, cm('b'));
    await t.inject({ method: 'DELETE', url: `${CMS}/a` });
    const exact = await t.get<KList>(`${CMS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact.items.map((i) => i.metadata.name)).toEqual(['a']);
    expect(exact.metadata.resourceVersion).toBe(rv);
    const notOlder = await t.get<KList>(`${CMS}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    expect(notOlder.items.map((i) => i.metadata.name)).toEqual(['b']);
    const any = await t.get<KList>(`${CMS}?resourceVersion=0`);
    expect(any.items.map((i) => i.metadata.name)).toEqual(['b']);
  });

  test('apiserver - Exact below the history is 410 too old resource version', async () => {
    const t = await newTestServer({ historySize: 2 });
    await t.create(CMS, cm('a'));
    for (let i = 0; i < 8; i++) await t.create(CMS, cm(`z${i}`));
    const res = await t.inject({ method: 'GET', url: `${CMS}?resourceVersion=1&resourceVersionMatch=Exact` });
    expect(res.statusCode).toBe(410);
    expect(res.json<Status>().message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  test('apiserver - a resourceVersion the cache never reaches is 504 Too large resource version', async () => {
    const t = await newTestServer();
    const pending = t.inject({ method: 'GET', url: `${CMS}?resourceVersion=999999` });
    // Let the request reach the cache's wait before moving the clock.
    for (let i = 0; i < 10 && t.clock.pending === 0; i++) await new Promise((r) => setImmediate(r));
    t.clock.advance(3_100);
    const res = await pending;
    expect(res.statusCode).toBe(504);
    expect(res.json<Status>()).toMatchObject({ reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } });
  });

  test.each([
    ['resourceVersionMatch=Exact', 'resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['resourceVersion=0&resourceVersionMatch=Exact', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    ['resourceVersion=abc', 'invalid resource version: abc'],
  ])('apiserver - list with %s is 400', async (query, message) => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'GET', url: `${CMS}?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toContain(message);
  });

  test('apiserver - set-based label selectors and per-resource field selectors filter lists', async () => {
    const t = await newTestServer();
    await t.create(CMS, cm('a', { tier: 'web', env: 'prod' }));
    await t.create(CMS, cm('b', { tier: 'db' }));
    await t.create(CMS, cm('c', {}));
    const names = async (q: string) => (await t.get<KList>(`${CMS}?${q}`)).items.map((i) => i.metadata.name);
    expect(await names(`labelSelector=${encodeURIComponent('tier in (web,db),!env')}`)).toEqual(['b']);
    expect(await names(`labelSelector=${encodeURIComponent('tier notin (web)')}`)).toEqual(['b', 'c']);
    expect(await names('fieldSelector=metadata.name%3Dc')).toEqual(['c']);
    await t.create('/api/v1/namespaces/default/pods', makePod('p').obj());
    expect((await t.get<KList>('/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DPending')).items).toHaveLength(1);
    const bad = await t.inject({ method: 'GET', url: `${CMS}?fieldSelector=data.x%3D1` });
    expect(bad.statusCode).toBe(400);
  });
});

describe('apiserver - reads: fieldValidation', () => {
  const body = { metadata: { name: 'f' }, data: { a: 'b' }, datta: { x: 'y' } };
  test('apiserver - Strict rejects an unknown field with the decoder text and stores nothing', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: `${CMS}?fieldValidation=Strict`, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"');
    expect((await t.inject({ method: 'GET', url: `${CMS}/f` })).statusCode).toBe(404);
  });

  test.each([['?fieldValidation=Warn'], ['']])('apiserver - Warn (%s) drops the field and sends a 299 Warning header', async (q) => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: `${CMS}${q}`, payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.headers.warning).toBe('299 - "unknown field \\"datta\\""');
    expect(res.json<Record<string, unknown>>().datta).toBeUndefined();
  });

  test('apiserver - Ignore drops the field silently', async () => {
    const t = await newTestServer();
    const res = await t.inject({ method: 'POST', url: `${CMS}?fieldValidation=Ignore`, payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.headers.warning).toBeUndefined();
    expect(res.json<Record<string, unknown>>().datta).toBeUndefined();
  });

  test('apiserver - a nested unknown field on update is reported with its path', async () => {
    const t = await newTestServer();
    await t.create('/api/v1/namespaces/default/pods', makePod('p').obj());
    const pod = await t.get<KObject & { spec: { containers: Record<string, unknown>[] } }>('/api/v1/namespaces/default/pods/p');
    pod.spec.containers[0].imagez = 'x';
    const res = await t.inject({ method: 'PUT', url: '/api/v1/namespaces/default/pods/p?fieldValidation=Strict', payload: pod });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagez"');
    const warn = await t.inject({ method: 'PUT', url: '/api/v1/namespaces/default/pods/p', payload: pod });
    expect(warn.statusCode).toBe(200);
    expect(warn.headers.warning).toContain('spec.containers[0].imagez');
    expect(warn.json<{ spec: { containers: Record<string, unknown>[] } }>().spec.containers[0].imagez).toBeUndefined();
  });
});

describe('apiserver - reads: field selectors of the added kinds', () => {
  test.each([
    ['/api/v1/namespaces/default/secrets', 'type=kubernetes.io/tls', { metadata: { name: 't' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, { metadata: { name: 'o' } }],
    ['/apis/batch/v1/namespaces/default/jobs', 'status.successful=0', { metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } }, undefined],
    ['/apis/events.k8s.io/v1/namespaces/default/events', 'regarding.name=p,reportingController=ctl', { metadata: { name: 'e' }, eventTime: '2026-01-01T00:00:00.000000Z', reportingController: 'ctl', reportingInstance: 'i', action: 'a', reason: 'r', type: 'Normal', regarding: { kind: 'Pod', name: 'p' } }, undefined],
  ])('apiserver - %s?fieldSelector=%s selects', async (url, selector, match, other) => {
    const t = await newTestServer();
    await t.create(url, match as KObject);
    if (other) await t.create(url, other as KObject);
    const list = await t.get<KList>(`${url}?fieldSelector=${encodeURIComponent(selector)}`);
    expect(list.items.map((i) => i.metadata.name)).toEqual([(match as KObject).metadata.name]);
  });
});
