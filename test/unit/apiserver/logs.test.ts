import { describe, expect, test } from 'vitest';
import type { Status } from '../../../src/api/types.js';
import type { LogSink, PodLogRequest, PodLogSource } from '../../../src/apiserver/logs.js';
import { makePod, newTestServer } from './helpers.js';

const PODS = '/api/v1/namespaces/default/pods';

/** FakeLogs records requests; follow keeps the sink so a test can push lines. */
class FakeLogs implements PodLogSource {
  readonly fetched: { node: string; req: PodLogRequest }[] = [];
  sink?: LogSink;
  cancelled = 0;
  async fetch(node: string, req: PodLogRequest): Promise<string> {
    this.fetched.push({ node, req });
    return req.tailLines === 0 ? '' : 'line 1\nline 2\n';
  }
  follow(_node: string, _req: PodLogRequest, sink: LogSink): () => void {
    this.sink = sink;
    return () => this.cancelled++;
  }
}

async function server(containers = [{ name: 'app', image: 'nginx' }], node: string | null = 'n1') {
  const logs = new FakeLogs();
  const t = await newTestServer({ podLogs: logs });
  await t.create(PODS, makePod('p').with((p) => {
    (p.spec as { containers: object[] }).containers = containers;
    if (node) (p.spec as { nodeName?: string }).nodeName = node;
  }).obj());
  return { t, logs };
}

describe('apiserver - pods/log', () => {
  test('apiserver - logs asks the pod\'s node and answers text/plain', async () => {
    const { t, logs } = await server();
    const res = await t.inject({ method: 'GET', url: `${PODS}/p/log?container=app&tailLines=2&timestamps=true&limitBytes=100&sinceSeconds=5` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body).toBe('line 1\nline 2\n');
    expect(logs.fetched[0].node).toBe('n1');
    expect(logs.fetched[0].req).toMatchObject({ namespace: 'default', pod: 'p', container: 'app', tailLines: 2, timestamps: true, limitBytes: 100, sinceSeconds: 5 });
    expect(logs.fetched[0].req.uid).toBeTruthy();
  });

  test('apiserver - logs of a one-container pod need no container parameter', async () => {
    const { t, logs } = await server();
    expect((await t.inject({ method: 'GET', url: `${PODS}/p/log` })).statusCode).toBe(200);
    expect(logs.fetched[0].req.container).toBe('app');
  });

  test.each([
    ['no container of two', '', 400, 'a container name must be specified for pod p, choose one of: [a b]'],
    ['an unknown container', '?container=zz', 400, 'container zz is not valid for pod p'],
    ['a negative tailLines', '?container=a&tailLines=-1', 422, 'tailLines'],
    ['limitBytes=0', '?container=a&limitBytes=0', 422, 'limitBytes'],
    ['a non-integer tailLines', '?container=a&tailLines=x', 400, 'invalid tailLines'],
    ['sinceSeconds and sinceTime', '?container=a&sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z', 422, 'at most one of `sinceTime` or `sinceSeconds` may be specified'],
  ])('apiserver - logs with %s (query %s) is %d', async (_what, query, code, message) => {
    const { t } = await server([{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }]);
    const res = await t.inject({ method: 'GET', url: `${PODS}/p/log${query}` });
    expect(res.statusCode).toBe(code);
    expect(res.json<Status>().message).toContain(message);
  });

  test('apiserver - logs of a pod without a node are empty (no log location yet)', async () => {
    const { t, logs } = await server(undefined, null);
    const res = await t.inject({ method: 'GET', url: `${PODS}/p/log` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(logs.fetched).toEqual([]);
  });

  test('apiserver - logs of a missing pod are 404', async () => {
    const { t } = await server();
    expect((await t.inject({ method: 'GET', url: `${PODS}/nope/log` })).statusCode).toBe(404);
  });

  test('apiserver - follow streams what the kubelet pushes and cancels when the client goes', async () => {
    const { t, logs } = await server();
    const chunks: string[] = [];
    const ac = new AbortController();
    const done = t.inject({ method: 'GET', url: `${PODS}/p/log?follow=true`, onChunk: (c) => chunks.push(c), signal: ac.signal });
    await new Promise((r) => setImmediate(r));
    expect(logs.sink).toBeDefined();
    logs.sink!.data('a\n');
    logs.sink!.data('b\n');
    expect(chunks).toEqual(['a\n', 'b\n']);
    ac.abort();
    const res = await done;
    expect(res.statusCode).toBe(200);
    expect(logs.cancelled).toBe(1);
  });

  test('apiserver - a follow the kubelet ends completes the response', async () => {
    const { t, logs } = await server();
    const done = t.inject({ method: 'GET', url: `${PODS}/p/log?follow=true` });
    await new Promise((r) => setImmediate(r));
    logs.sink!.data('x\n');
    logs.sink!.end();
    const res = await done;
    expect(res.body).toBe('x\n');
    expect(logs.cancelled).toBe(0);
  });

  test('apiserver - logs without a kubelet connection are 503', async () => {
    const t = await newTestServer();
    await t.create(PODS, makePod('p').node('n1').obj());
    const res = await t.inject({ method: 'GET', url: `${PODS}/p/log` });
    expect(res.statusCode).toBe(503);
  });
});
