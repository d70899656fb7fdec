import { describe, expect, it } from 'vitest';
import { notFound } from '../../../src/api/errors.js';
import { StatusError } from '../../../src/api/errors.js';
import { PODS, DEPLOYMENTS } from '../../../src/api/resources.js';
import type { ApiRequest, WatchEventsMsg } from '../../../src/apiserver/protocol.js';
import { createApiClient } from '../../../src/client/api-client.js';
import { createWatcher } from '../../../src/client/watcher.js';
import { testContext } from './fake-actor-context.js';

describe('client/api-client', () => {
  it.each<[string, (c: ReturnType<typeof createApiClient>) => Promise<unknown>, Partial<ApiRequest>]>([
    ['create', (c) => c.create(PODS, { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [] } }), { type: 'create', namespace: 'ns' }],
    ['get', (c) => c.get(PODS, 'ns', 'p'), { type: 'get', namespace: 'ns', name: 'p' }],
    ['list', (c) => c.list(PODS, { namespace: 'ns' }), { type: 'list', opts: { namespace: 'ns' } }],
    ['update', (c) => c.update(PODS, { metadata: { name: 'p', namespace: 'ns' } }), { type: 'update', name: 'p' }],
    ['updateStatus', (c) => c.updateStatus(PODS, { metadata: { name: 'p', namespace: 'ns' } }), { type: 'update', subresource: 'status' }],
    ['patch scale', (c) => c.patch(DEPLOYMENTS, 'ns', 'd', 'merge', { spec: { replicas: 2 } }, { subresource: 'scale' }), { type: 'patch', patchType: 'merge', subresource: 'scale' }],
    ['delete', (c) => c.delete(PODS, 'ns', 'p', { gracePeriodSeconds: 0 }), { type: 'delete', options: { gracePeriodSeconds: 0 } }],
    ['bind', (c) => c.bind('ns', 'p', 'node-1'), { type: 'createSub', subresource: 'binding', name: 'p' }],
  ])('client/api-client - %s asks the apiserver with the protocol message', async (_n, call, want) => {
    const ctx = testContext('controller/x', () => ({ metadata: {}, items: [] }));
    await call(createApiClient(ctx, { timeoutMs: 1234 }));
    expect(ctx.asks).toHaveLength(1);
    expect(ctx.asks[0].to).toBe('apiserver');
    expect(ctx.asks[0].timeoutMs).toBe(1234);
    expect(ctx.asks[0].msg).toMatchObject(want);
  });

  it('client/api-client - errors of the apiserver reach the caller as StatusError', async () => {
    const ctx = testContext('x', () => {
      throw notFound({ group: '', resource: 'pods' }, 'p');
    });
    await expect(createApiClient(ctx).get(PODS, 'ns', 'p')).rejects.toBeInstanceOf(StatusError);
    expect(ctx.asks[0].timeoutMs).toBe(10_000);
  });
});

describe('client/watcher', () => {
  it('client/watcher - routes watchEvents by watchId, drops a watch after ERROR, ends all on apiserverDown', async () => {
    const ctx = testContext('controller/x', () => ({ resourceVersion: '5' }));
    const w = createWatcher(ctx);
    expect(ctx.monitors).toEqual(['apiserver']);
    const got: string[] = [];
    const ended: string[] = [];
    const a = await w.watch(PODS, { resourceVersion: '5' }, { events: (e) => got.push(...e.map((x) => `a:${x.type}`)), ended: (r) => ended.push(`a:${r}`) });
    const b = await w.watch(PODS, {}, { events: (e) => got.push(...e.map((x) => `b:${x.type}`)), ended: (r) => ended.push(`b:${r}`) });
    expect(a.watchId).not.toBe(b.watchId);
    expect(ctx.asks[0].msg).toMatchObject({ type: 'watch', subscriber: 'controller/x', watchId: a.watchId });
    const msg = (id: string, type: 'ADDED' | 'ERROR'): WatchEventsMsg => ({ type: 'watchEvents', watchId: id, events: [{ type, object: { metadata: {} } }] });
    w.deliver(msg(a.watchId, 'ADDED'));
    w.deliver(msg(b.watchId, 'ERROR'));
    w.deliver(msg(b.watchId, 'ADDED')); // closed: ignored
    w.deliver(msg('unknown', 'ADDED'));
    expect(got).toEqual(['a:ADDED', 'b:ERROR']);
    expect(w.openWatches).toBe(1);
    w.apiserverDown();
    expect(ended).toEqual(['a:apiserver down']);
    await w.watch(PODS, {}, { events: () => {}, ended: () => {} });
    expect(ctx.monitors).toEqual(['apiserver', 'apiserver']);
  });

  it('client/watcher - unwatch tells the apiserver and stops delivery', async () => {
    const ctx = testContext('x', () => ({ resourceVersion: '1' }));
    const w = createWatcher(ctx);
    const got: number[] = [];
    const { watchId } = await w.watch(PODS, {}, { events: (e) => got.push(e.length), ended: () => {} });
    w.unwatch(watchId);
    w.deliver({ type: 'watchEvents', watchId, events: [{ type: 'ADDED', object: { metadata: {} } }] });
    expect(got).toEqual([]);
    expect(ctx.asks.at(-1)?.msg).toEqual({ type: 'unwatch', watchId });
  });
});
