/**
 * The kube-proxy actor (kind 'kube-proxy', id `kube-proxy/<node>`): holds the host's shared
 * ServiceTable by reference and answers lookups. There is no per-node state beyond that
 * reference and the node's count of local endpoints (for debug), so 5,000 proxies cost 5,000
 * pointers, not 5,000 tables.
 */
import type { Behavior } from '../actors/types.js';
import { ServiceTable, type Endpoint } from './table.js';

/** KubeProxyParams name the node and the host that feeds tables. */
export interface KubeProxyParams {
  nodeName: string;
  hostId?: string;
}

/** KubeProxyMsg: `table` from the host; `lookup` and `stats` are asks. */
export type KubeProxyMsg =
  | { type: 'table'; table: ServiceTable }
  | { type: 'lookup'; clusterIP: string; port: number; protocol?: string }
  | { type: 'stats' };

/** KubeProxyStats is the reply to `stats`. */
export interface KubeProxyStats {
  proxyRules: number;
  servicePorts: number;
  tableVersion: number;
  /** localEndpoints counts endpoints on this node (externalTrafficPolicy Local would use them). */
  localEndpoints: number;
}

/** createKubeProxyBehavior builds one node's kube-proxy. */
export function createKubeProxyBehavior(params: KubeProxyParams): Behavior<KubeProxyMsg> {
  let table = ServiceTable.EMPTY;
  return {
    started(ctx) {
      if (params.hostId) ctx.tell(params.hostId, { type: 'proxyStarted', nodeName: params.nodeName });
    },
    receive(_ctx, msg) {
      switch (msg.type) {
        case 'table':
          // Tables only move forward: a late message from before a rebuild is ignored.
          if (msg.table.version >= table.version) table = msg.table;
          return;
        case 'lookup': {
          const rule = table.lookup(msg.clusterIP, msg.port, msg.protocol);
          return rule ? { service: rule.service, endpoints: rule.endpoints as Endpoint[] } : undefined;
        }
        case 'stats': {
          let local = 0;
          for (const r of table.all()) for (const e of r.endpoints) if (e.nodeName === params.nodeName) local++;
          return { proxyRules: table.proxyRules, servicePorts: table.size, tableVersion: table.version, localEndpoints: local } satisfies KubeProxyStats;
        }
        default:
          return assertNever(msg);
      }
    },
  };
}

function assertNever(x: never): never {
  throw new Error(`unexpected kube-proxy message ${JSON.stringify(x)}`);
}
