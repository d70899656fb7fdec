import { describe, expect, it } from 'vitest';
import { ENDPOINTS, PODS, SERVICES } from '../../../src/api/resources.js';
import type { Endpoints, Pod, Service } from '../../../src/api/types.js';
import { computeSubsets, endpointsController, findPort } from '../../../src/controllers/endpoints.js';
import { harness, makePod } from './harness.js';

const svc = (ports: Service['spec']['ports'], extra: Partial<Service['spec']> = {}): Service => ({ metadata: { name: 'web', namespace: 'default', labels: { tier: 'fe' } }, spec: { selector: { app: 'web' }, ports, ...extra } });

function pod(name: string, ip: string | undefined, ready: boolean, o: { labels?: Record<string, string>; ports?: { name: string; containerPort: number }[]; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: o.ports ?? [] }] },
    status: { phase: 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('controllers/endpoints', () => {
  it.each([
    ['number targetPort', { port: 80, targetPort: 8080 }, 8080],
    ['defaulted to port', { port: 80 }, 80],
    ['named port', { port: 80, targetPort: 'http' }, 9000],
    ['named port missing', { port: 80, targetPort: 'grpc' }, undefined],
  ])('controllers/endpoints - findPort: %s', (_n, sp, want) => {
    expect(findPort(pod('a', '1.1.1.1', true, { ports: [{ name: 'http', containerPort: 9000 }] }), sp)).toBe(want);
  });

  it('controllers/endpoints - ready pods in addresses, not-ready in notReadyAddresses, no IP or terminating left out', () => {
    const subsets = computeSubsets(svc([{ name: 'http', port: 80, targetPort: 8080 }]), [
      pod('b', '10.0.0.2', true),
      pod('a', '10.0.0.1', true),
      pod('c', '10.0.0.3', false),
      pod('d', undefined, true),
      pod('e', '10.0.0.5', true, { deleting: true }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
          { ip: '10.0.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
        ],
        notReadyAddresses: [{ ip: '10.0.0.3', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('controllers/endpoints - pods resolving a named port differently land in different subsets', () => {
    const subsets = computeSubsets(svc([{ port: 80, targetPort: 'http' }]), [
      pod('a', '10.0.0.1', true, { ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('b', '10.0.0.2', true, { ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('c', '10.0.0.3', true),
    ]);
    expect(subsets.map((s) => [s.ports?.[0].port, s.addresses?.map((a) => a.ip)])).toEqual([
      [8080, ['10.0.0.1']],
      [9090, ['10.0.0.2']],
    ]);
  });

  it('controllers/endpoints - keeps the Endpoints object in sync with pods and deletes it with the service', async () => {
    const h = harness();
    await h.fake.create(SERVICES, svc([{ port: 80, targetPort: 8080 }]));
    await h.fake.create(SERVICES, { metadata: { name: 'noselector', namespace: 'default' }, spec: { ports: [{ port: 1 }] } });
    await h.start(endpointsController());
    await h.settle();
    expect(h.fake.peek<Endpoints>(ENDPOINTS, 'default', 'web')).toMatchObject({ metadata: { labels: { tier: 'fe' } }, subsets: [] });
    expect(h.fake.peek(ENDPOINTS, 'default', 'noselector')).toBeUndefined();
    const p = await h.fake.create(PODS, makePod('p1', { app: 'web' }, { nodeName: 'node-1' }));
    await h.fake.updateStatus(PODS, { ...p, status: { phase: 'Running', podIP: '10.1.0.1', conditions: [{ type: 'Ready', status: 'False' }] } });
    await h.settle();
    expect(h.fake.peek<Endpoints>(ENDPOINTS, 'default', 'web')!.subsets).toEqual([
      { notReadyAddresses: [{ ip: '10.1.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1', uid: p.metadata.uid } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    const p2 = h.fake.peek<Pod>(PODS, 'default', 'p1')!;
    await h.fake.updateStatus(PODS, { ...p2, status: { ...p2.status, conditions: [{ type: 'Ready', status: 'True' }] } });
    await h.settle();
    expect(h.fake.peek<Endpoints>(ENDPOINTS, 'default', 'web')!.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['10.1.0.1']);
    // relabel: the pod leaves the service
    await h.fake.patch(PODS, 'default', 'p1', 'merge', { metadata: { labels: { app: 'other' } } });
    await h.settle();
    expect(h.fake.peek<Endpoints>(ENDPOINTS, 'default', 'web')!.subsets).toEqual([]);
    const writes = h.fake.countActions('update', 'endpoints');
    await h.settle();
    expect(h.fake.countActions('update', 'endpoints')).toBe(writes);
    await h.fake.delete(SERVICES, 'default', 'web');
    await h.settle();
    expect(h.fake.peek(ENDPOINTS, 'default', 'web')).toBeUndefined();
  });
});
