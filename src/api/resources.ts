/**
 * The resource catalogue: every resource the API server serves, with the facts discovery, routing,
 * storage keys and clients need. One entry per resource; adding a resource starts here.
 */

/** SubresourceName lists the subresources kubeactor serves. */
export type SubresourceName = 'status' | 'scale' | 'binding' | 'eviction' | 'log';

/** ResourceInfo describes one served resource. */
export interface ResourceInfo {
  /** group is '' for core. */
  group: string;
  version: string;
  /** resource is the plural, lower-case name used in URLs (e.g. 'replicasets'). */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: SubresourceName[];
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(group: string, version: string, resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    subresources: [],
    verbs: ALL_VERBS,
    ...extra,
  };
}

/** RESOURCES is the catalogue, in discovery order. */
export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: ['status'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
  r('', 'v1', 'pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'eviction', 'log'] }),
  r('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  r('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  r('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  r('apps', 'v1', 'deployments', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
];

const byResource = new Map<string, ResourceInfo>();
const byKind = new Map<string, ResourceInfo>();
for (const info of RESOURCES) {
  byResource.set(`${info.group}/${info.resource}`, info);
  byKind.set(`${info.group}/${info.kind}`, info);
}

/** apiVersionOf returns 'v1' for core and 'group/version' otherwise. */
export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** lookupResource finds a resource by group and plural name. */
export function lookupResource(group: string, resource: string): ResourceInfo | undefined {
  return byResource.get(`${group}/${resource}`);
}

/** lookupKind finds a resource by group and Kind. */
export function lookupKind(group: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${group}/${kind}`);
}

/** mustResource is lookupResource for names known at compile time. */
export function mustResource(group: string, resource: string): ResourceInfo {
  const info = lookupResource(group, resource);
  if (!info) throw new Error(`unknown resource ${group}/${resource}`);
  return info;
}

/** Well-known resources, for components that name them in code. */
export const PODS = mustResource('', 'pods');
export const NODES = mustResource('', 'nodes');
export const NAMESPACES = mustResource('', 'namespaces');
export const SERVICES = mustResource('', 'services');
export const ENDPOINTS = mustResource('', 'endpoints');
export const EVENTS = mustResource('', 'events');
export const DEPLOYMENTS = mustResource('apps', 'deployments');
export const REPLICASETS = mustResource('apps', 'replicasets');
export const LEASES = mustResource('coordination.k8s.io', 'leases');
