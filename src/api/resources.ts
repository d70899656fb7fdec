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
  /**
   * generation is false for kinds whose objects carry no metadata.generation (as in 1.32: pods,
   * services, configuration, RBAC…); the others start at 1 and count spec changes.
   */
  generation?: false;
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

const NS_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** RESOURCES is the catalogue, in discovery order (kube-apiserver's group order; shortNames and categories as upstream). */
export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, { generation: false, shortNames: ['ns'], subresources: ['status'], verbs: NS_VERBS }),
  r('', 'v1', 'nodes', 'Node', false, { generation: false, shortNames: ['no'], subresources: ['status'] }),
  r('', 'v1', 'pods', 'Pod', true, { generation: false, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'eviction', 'log'] }),
  r('', 'v1', 'services', 'Service', true, { generation: false, shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  r('', 'v1', 'endpoints', 'Endpoints', true, { generation: false, shortNames: ['ep'], singular: 'endpoints' }),
  r('', 'v1', 'events', 'Event', true, { generation: false, shortNames: ['ev'] }),
  r('', 'v1', 'configmaps', 'ConfigMap', true, { generation: false, shortNames: ['cm'] }),
  r('', 'v1', 'secrets', 'Secret', true, { generation: false }),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { generation: false, shortNames: ['sa'] }),
  r('', 'v1', 'persistentvolumes', 'PersistentVolume', false, { generation: false, shortNames: ['pv'], subresources: ['status'] }),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, { generation: false, shortNames: ['pvc'], subresources: ['status'] }),
  r('', 'v1', 'limitranges', 'LimitRange', true, { generation: false, shortNames: ['limits'] }),
  r('', 'v1', 'resourcequotas', 'ResourceQuota', true, { generation: false, shortNames: ['quota'], subresources: ['status'] }),
  r('apps', 'v1', 'deployments', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  r('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true, { generation: false }),
  r('events.k8s.io', 'v1', 'events', 'Event', true, { generation: false, shortNames: ['ev'] }),
  r('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, { shortNames: ['hpa'], categories: ['all'], subresources: ['status'] }),
  // autoscaling/v1 serves the same stored objects (the preferred version, v2, is listed first).
  r('autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, { shortNames: ['hpa'], categories: ['all'], subresources: ['status'] }),
  r('batch', 'v1', 'jobs', 'Job', true, { categories: ['all'], subresources: ['status'] }),
  r('batch', 'v1', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, { shortNames: ['ing'], subresources: ['status'] }),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
  r('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, { shortNames: ['pdb'], subresources: ['status'] }),
  r('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false, { generation: false }),
  r('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false, { generation: false }),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true, { generation: false }),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, { generation: false }),
  r('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, { generation: false, shortNames: ['sc'] }),
  r('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, { shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: ['status'] }),
  r('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false, { generation: false, shortNames: ['pc'] }),
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true, { generation: false }),
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
];

const byResource = new Map<string, ResourceInfo>();
const byKind = new Map<string, ResourceInfo>();
const byVersion = new Map<string, ResourceInfo>();
for (const info of RESOURCES) {
  // The first entry of a resource is its preferred version; lookups without a version get it.
  if (!byResource.has(`${info.group}/${info.resource}`)) byResource.set(`${info.group}/${info.resource}`, info);
  if (!byKind.has(`${info.group}/${info.kind}`)) byKind.set(`${info.group}/${info.kind}`, info);
  byVersion.set(`${info.group}/${info.version}/${info.resource}`, info);
}

/** lookupResourceVersion finds a resource served at one group version (autoscaling/v1 and v2 differ). */
export function lookupResourceVersion(group: string, version: string, resource: string): ResourceInfo | undefined {
  return byVersion.get(`${group}/${version}/${resource}`);
}

/**
 * resourceKey identifies a served resource version: `group/resource` for the preferred version
 * (every resource but one has only that), `group/resource@version` for the others.
 */
export function resourceKey(info: Pick<ResourceInfo, 'group' | 'version' | 'resource'>): string {
  const preferred = byResource.get(`${info.group}/${info.resource}`);
  if (!preferred || preferred.version === info.version) return `${info.group}/${info.resource}`;
  return `${info.group}/${info.resource}@${info.version}`;
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
export const CONFIGMAPS = mustResource('', 'configmaps');
export const SECRETS = mustResource('', 'secrets');
export const SERVICEACCOUNTS = mustResource('', 'serviceaccounts');
export const PERSISTENTVOLUMES = mustResource('', 'persistentvolumes');
export const PERSISTENTVOLUMECLAIMS = mustResource('', 'persistentvolumeclaims');
export const LIMITRANGES = mustResource('', 'limitranges');
export const RESOURCEQUOTAS = mustResource('', 'resourcequotas');
export const STATEFULSETS = mustResource('apps', 'statefulsets');
export const DAEMONSETS = mustResource('apps', 'daemonsets');
export const CONTROLLERREVISIONS = mustResource('apps', 'controllerrevisions');
export const JOBS = mustResource('batch', 'jobs');
export const CRONJOBS = mustResource('batch', 'cronjobs');
export const HORIZONTALPODAUTOSCALERS = mustResource('autoscaling', 'horizontalpodautoscalers');
/** HORIZONTALPODAUTOSCALERS_V1 is autoscaling/v1 (targetCPUUtilizationPercentage) over the same objects. */
export const HORIZONTALPODAUTOSCALERS_V1 = lookupResourceVersion('autoscaling', 'v1', 'horizontalpodautoscalers')!;
export const ENDPOINTSLICES = mustResource('discovery.k8s.io', 'endpointslices');
/** EVENTS_V1 is events.k8s.io/v1 events: the same stored objects as core events, another shape. */
export const EVENTS_V1 = mustResource('events.k8s.io', 'events');
export const INGRESSES = mustResource('networking.k8s.io', 'ingresses');
export const NETWORKPOLICIES = mustResource('networking.k8s.io', 'networkpolicies');
export const PODDISRUPTIONBUDGETS = mustResource('policy', 'poddisruptionbudgets');
/** CUSTOMRESOURCEDEFINITIONS is apiextensions.k8s.io/v1 (served by src/apiserver/crd). */
export const CUSTOMRESOURCEDEFINITIONS = mustResource('apiextensions.k8s.io', 'customresourcedefinitions');
export const ROLES = mustResource('rbac.authorization.k8s.io', 'roles');
export const ROLEBINDINGS = mustResource('rbac.authorization.k8s.io', 'rolebindings');
export const CLUSTERROLES = mustResource('rbac.authorization.k8s.io', 'clusterroles');
export const CLUSTERROLEBINDINGS = mustResource('rbac.authorization.k8s.io', 'clusterrolebindings');
export const PRIORITYCLASSES = mustResource('scheduling.k8s.io', 'priorityclasses');
export const STORAGECLASSES = mustResource('storage.k8s.io', 'storageclasses');
