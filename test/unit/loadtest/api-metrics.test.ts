import { describe, expect, it } from 'vitest';
import { PODS, DEPLOYMENTS, NODES } from '../../../src/api/resources.js';
import { ApiMetrics, isApiMetricsRequest, requestKey } from '../../../src/apiserver/metrics.js';
import type { ApiRequest } from '../../../src/apiserver/protocol.js';
import { makePod, newTestServer } from '../apiserver/helpers.js';

describe('loadtest - apiserver request metrics', () => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
  it.each<[ApiRequest, string]>([
    [{ type: 'create', res: PODS, namespace: 'd', object: obj }, 'POST pods'],
    [{ type: 'createSub', res: PODS, namespace: 'd', name: 'p', subresource: 'binding', object: obj }, 'POST pods/binding'],
    [{ type: 'get', res: NODES, name: 'n' }, 'GET nodes'],
    [{ type: 'list', res: PODS }, 'LIST pods'],
    [{ type: 'update', res: PODS, namespace: 'd', name: 'p', object: obj, subresource: 'status' }, 'PUT pods/status'],
    [{ type: 'patch', res: DEPLOYMENTS, namespace: 'd', name: 'x', patchType: 'merge', patch: {}, subresource: 'scale' }, 'PATCH deployments/scale'],
    [{ type: 'patch', res: DEPLOYMENTS, namespace: 'd', name: 'x', patchType: 'apply', patch: {} }, 'APPLY deployments'],
    [{ type: 'delete', res: PODS, namespace: 'd', name: 'p' }, 'DELETE pods'],
    [{ type: 'deleteCollection', res: PODS }, 'DELETECOLLECTION pods'],
  ])('keys %j as "%s"', (req, key) => {
    expect(requestKey(req)).toBe(key);
  });

  it('computes percentiles per key from the injected clock and counts errors', () => {
    let now = 0;
    const m = new ApiMetrics(() => now);
    for (let i = 1; i <= 100; i++) {
      const done = m.start({ type: 'list', res: PODS });
      now += i; // i ms
      done(i !== 100);
    }
    const s = m.snapshot()['LIST pods']!;
    expect(s.count).toBe(100);
    expect(s.errors).toBe(1);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    m.reset();
    expect(m.snapshot()).toEqual({});
  });

  it('tells its ask from other messages', () => {
    expect(isApiMetricsRequest({ type: 'apiMetrics' })).toBe(true);
    expect(isApiMetricsRequest({ type: 'list' })).toBe(false);
    expect(isApiMetricsRequest(null)).toBe(false);
  });

  it('is fed by the registry for HTTP and actor-protocol requests alike, failures included', async () => {
    const t = await newTestServer();
    await t.create('/api/v1/namespaces/default/pods', makePod('web').obj());
    await t.server.handle({ type: 'get', res: PODS, namespace: 'default', name: 'web' });
    await expect(t.server.handle({ type: 'get', res: PODS, namespace: 'default', name: 'missing' })).rejects.toThrow();
    const snap = t.server.registry.metrics.snapshot();
    expect(snap['POST pods']?.count).toBe(1);
    expect(snap['GET pods']).toMatchObject({ count: 2, errors: 1 });
  });
});
