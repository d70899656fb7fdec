import { describe, expect, it } from 'vitest';
import { ENDPOINTS, SERVICES } from '../../../src/api/resources.js';
import type { Endpoints, Service } from '../../../src/api/types.js';
import type { KubeProxyStats } from '../../../src/proxy/kube-proxy.js';
import { buildServiceTable, ServiceTable } from '../../../src/proxy/table.js';
import { nodeSpec, startHost } from '../kubelet/fixtures.js';

function svc(name: string, clusterIP: string, ports: Service['spec']['ports'], extra: Partial<Service['spec']> = {}): Service {
  return { metadata: { name, namespace: 'default' }, spec: { clusterIP, ports, ...extra } };
}
function eps(name: string, subsets: Endpoints['subsets']): Endpoints {
  return { metadata: { name, namespace: 'default' }, subsets };
}

describe('proxy - service table', () => {
  const services = [
    svc('web', '10.96.0.20', [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }]),
    svc('dns', '10.96.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]),
    svc('headless', 'None', [{ port: 80 }]),
    svc('empty', '10.96.0.30', [{ port: 80 }]),
  ];
  const endpoints = new Map<string, Endpoints>([
    ['web', eps('web', [{ addresses: [{ ip: '10.244.1.2', nodeName: 'node-1' }, { ip: '10.244.2.2', nodeName: 'node-2' }], notReadyAddresses: [{ ip: '10.244.3.2' }], ports: [{ name: 'http', port: 8080 }, { name: 'https', port: 8443 }] }])],
    ['dns', eps('dns', [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }])],
  ]);
  const table = buildServiceTable(services, (_ns, name) => endpoints.get(name), 1);

  it.each([
    ['10.96.0.20', 80, 'TCP', 'default/web', ['10.244.1.2:8080', '10.244.2.2:8080']],
    ['10.96.0.20', 443, 'TCP', 'default/web', ['10.244.1.2:8443', '10.244.2.2:8443']],
    ['10.96.0.10', 53, 'UDP', 'default/dns', ['10.244.1.5:53']],
    ['10.96.0.10', 53, 'TCP', 'default/dns', ['10.244.1.5:53']],
    ['10.96.0.30', 80, 'TCP', 'default/empty', []],
  ])('%s:%d/%s → %s %j', (ip, port, proto, service, want) => {
    const rule = table.lookup(ip, port, proto);
    expect(rule?.service).toBe(service);
    expect(rule?.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(want);
  });

  it('has no rules for headless services or unknown ports', () => {
    expect(table.lookup('None', 80)).toBeUndefined();
    expect(table.lookup('10.96.0.20', 8080)).toBeUndefined();
  });

  it('counts proxyRules as one per service port plus one per endpoint', () => {
    // web: 2 ports × (1 + 2) = 6; dns: 2 × (1 + 1) = 4; empty: 1 → 11
    expect(table.proxyRules).toBe(11);
    expect(table.size).toBe(5);
    expect(ServiceTable.EMPTY.proxyRules).toBe(0);
  });
});

describe('proxy - kube-proxy actors share the host table', () => {
  it('receives one table per change from the node host and answers lookups', async () => {
    const { sys, api } = await startHost([nodeSpec(1), nodeSpec(2)]);
    await api.create(SERVICES, svc('web', '10.96.0.20', [{ port: 80 }]));
    await api.create(ENDPOINTS, eps('web', [{ addresses: [{ ip: '10.244.1.2', nodeName: 'node-1' }], ports: [{ port: 8080 }] }]));
    await sys.settle();
    const hit = await sys.ask<{ service: string; endpoints: { ip: string; port: number }[] }>('kube-proxy/node-2', { type: 'lookup', clusterIP: '10.96.0.20', port: 80 });
    expect(hit).toEqual({ service: 'default/web', endpoints: [{ ip: '10.244.1.2', port: 8080, nodeName: 'node-1' }] });
    const s1 = await sys.ask<KubeProxyStats>('kube-proxy/node-1', { type: 'stats' });
    const s2 = await sys.ask<KubeProxyStats>('kube-proxy/node-2', { type: 'stats' });
    expect(s1).toMatchObject({ proxyRules: 2, servicePorts: 1, localEndpoints: 1 });
    expect(s2).toMatchObject({ proxyRules: 2, localEndpoints: 0, tableVersion: s1.tableVersion });
    // Endpoint removal propagates.
    await api.update(ENDPOINTS, { ...(api.peek<Endpoints>(ENDPOINTS, 'default', 'web') as Endpoints), subsets: [] });
    await sys.settle();
    expect((await sys.ask<KubeProxyStats>('kube-proxy/node-1', { type: 'stats' })).proxyRules).toBe(1);
    expect(api.actions.filter((a) => a.verb === 'watch' && a.resource === 'services')).toHaveLength(1);
  });

  it('a restarted kube-proxy gets the current table from its host', async () => {
    const { sys, api, registry, specs } = await startHost([nodeSpec(1)]);
    await api.create(SERVICES, svc('web', '10.96.0.20', [{ port: 80 }]));
    await sys.settle();
    sys.kill('kube-proxy/node-1');
    const spec = specs.find((s) => s.id === 'kube-proxy/node-1');
    if (!spec) throw new Error('no spec');
    await sys.spawn(spec.id, registry['kube-proxy'](spec.params, spec));
    await sys.settle();
    expect((await sys.ask<KubeProxyStats>('kube-proxy/node-1', { type: 'stats' })).proxyRules).toBe(1);
  });
});
