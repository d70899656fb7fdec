/**
 * ServiceTable: what kube-proxy programs into iptables, as data. One entry per
 * (ClusterIP, port, protocol) with the ready endpoints behind it.
 *
 *   "10.96.0.10:53/UDP" → { service: "kube-system/kube-dns", endpoints: [{ip: "10.244.1.5", port: 53}, …] }
 *
 * A table is immutable once built: a node host builds it once per change and every kube-proxy
 * on the host holds the same reference (no per-node copies).
 */
import type { Endpoints, Service } from '../api/types.js';

/** Endpoint is one backend of a service port. */
export interface Endpoint {
  ip: string;
  port: number;
  nodeName?: string;
}

/** ServicePortRule is one service port with its endpoints. */
export interface ServicePortRule {
  /** service is "namespace/name". */
  service: string;
  portName: string;
  protocol: string;
  clusterIP: string;
  port: number;
  endpoints: readonly Endpoint[];
}

const ruleKey = (ip: string, port: number, protocol: string): string => `${ip}:${port}/${protocol}`;

/** ServiceTable is an immutable lookup of service ports; see the module comment. */
export class ServiceTable {
  /** proxyRules counts rules as iptables would: one per service port plus one per endpoint. */
  readonly proxyRules: number;
  private readonly rules: ReadonlyMap<string, ServicePortRule>;

  constructor(
    rules: ServicePortRule[],
    /** version increases with every rebuild on a host. */
    readonly version: number,
  ) {
    const m = new Map<string, ServicePortRule>();
    let n = 0;
    for (const r of rules) {
      m.set(ruleKey(r.clusterIP, r.port, r.protocol), r);
      n += 1 + r.endpoints.length;
    }
    this.rules = m;
    this.proxyRules = n;
  }

  /** EMPTY is the table before the first sync. */
  static readonly EMPTY = new ServiceTable([], 0);

  /** lookup returns the rule for clusterIP:port (protocol default TCP), or undefined. */
  lookup(clusterIP: string, port: number, protocol = 'TCP'): ServicePortRule | undefined {
    return this.rules.get(ruleKey(clusterIP, port, protocol));
  }

  /** size is the number of service ports. */
  get size(): number {
    return this.rules.size;
  }

  /** all lists every rule (debug). */
  all(): ServicePortRule[] {
    return [...this.rules.values()];
  }
}

/**
 * buildServiceTable joins Services with their Endpoints (same namespace/name). A service port
 * matches the endpoint port of the same name (the only port when unnamed); headless services
 * (clusterIP None) and ExternalName services get no rules. Only ready addresses are used.
 */
export function buildServiceTable(services: readonly Service[], endpointsOf: (namespace: string, name: string) => Endpoints | undefined, version: number): ServiceTable {
  const rules: ServicePortRule[] = [];
  for (const svc of services) {
    const ip = svc.spec.clusterIP;
    if (!ip || ip === 'None' || svc.spec.type === 'ExternalName') continue;
    const ns = svc.metadata.namespace ?? 'default';
    const name = String(svc.metadata.name);
    const ep = endpointsOf(ns, name);
    for (const sp of svc.spec.ports ?? []) {
      const protocol = sp.protocol ?? 'TCP';
      const portName = sp.name ?? '';
      const endpoints: Endpoint[] = [];
      for (const subset of ep?.subsets ?? []) {
        const port = (subset.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
        if (!port) continue;
        for (const a of subset.addresses ?? []) endpoints.push({ ip: a.ip, port: port.port, ...(a.nodeName ? { nodeName: a.nodeName } : {}) });
      }
      const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : [ip];
      for (const clusterIP of ips) rules.push({ service: `${ns}/${name}`, portName, protocol, clusterIP, port: sp.port, endpoints });
    }
  }
  return new ServiceTable(rules, version);
}
