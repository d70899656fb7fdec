/**
 * The type definitions of every served kind: the one source for OpenAPI documents, Strict
 * unknown-field checks and strategic-merge-patch metadata. Short names (`PodSpec`) are used in
 * `ref`s; each definition carries its OpenAPI component name.
 */
import type { ResourceInfo } from '../../api/resources.js';
import { arr, bool, free, int, intOrString, map, obj, ref, str, strs, time, withDefault, type Definition, type Schema } from './schema-dsl.js';
import { CLUSTER_DEFINITIONS } from './schemas-cluster.js';
import { CORE_EXTRA_DEFINITIONS } from './schemas-core-extra.js';
import { POD_DEFINITIONS } from './schemas-pod.js';
import { WORKLOAD_DEFINITIONS } from './schemas-workloads.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const COORD = 'io.k8s.api.coordination.v1.';

const typeMeta = {
  apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
  kind: str('Kind is a string value representing the REST resource this object represents.'),
};

const metadata = ref('ObjectMeta', "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");

function kind(group: string, version: string, kindName: string, prefix: string, props: Record<string, Schema>, description: string): Definition {
  return { name: `${prefix}${kindName}`, gvk: { group, version, kind: kindName }, schema: obj({ ...typeMeta, metadata, ...props }, description) };
}

const META_DEFINITIONS: Record<string, Definition> = {
  OwnerReference: {
    name: `${META}OwnerReference`,
    schema: obj(
      { apiVersion: str(), kind: str(), name: str(), uid: str(), controller: bool(), blockOwnerDeletion: bool() },
      'OwnerReference contains enough information to let you identify an owning object.',
      ['apiVersion', 'kind', 'name', 'uid'],
    ),
  },
  ManagedFieldsEntry: {
    name: `${META}ManagedFieldsEntry`,
    schema: obj(
      { manager: str(), operation: str(), apiVersion: str(), time: time(), fieldsType: str(), fieldsV1: free(), subresource: str() },
      'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
    ),
  },
  ObjectMeta: {
    name: `${META}ObjectMeta`,
    schema: obj(
      {
        name: str('Name must be unique within a namespace.'),
        generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
        namespace: str('Namespace defines the space within which each name must be unique.'),
        selfLink: str(),
        uid: str('UID is the unique in time and space value for this object.'),
        resourceVersion: str('An opaque value that represents the internal version of this object.'),
        generation: int('A sequence number representing a specific generation of the desired state.'),
        creationTimestamp: time('CreationTimestamp is a timestamp representing the server time when this object was created.'),
        deletionTimestamp: time('DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.'),
        deletionGracePeriodSeconds: int(),
        labels: map(str(), 'Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
        annotations: map(str(), 'Annotations is an unstructured key value map stored with a resource.'),
        ownerReferences: arr(ref('OwnerReference'), { mergeKey: 'uid', strategy: 'merge', listType: 'map', listMapKeys: ['uid'], description: 'List of objects depended by this object.' }),
        finalizers: strs({ strategy: 'merge', listType: 'set', description: 'Must be empty before the object is deleted from the registry.' }),
        managedFields: arr(ref('ManagedFieldsEntry'), { description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.' }),
      },
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    ),
  },
  LabelSelector: {
    name: `${META}LabelSelector`,
    schema: obj(
      {
        matchLabels: map(str(), 'matchLabels is a map of {key,value} pairs.'),
        matchExpressions: arr(obj({ key: str(), operator: str(), values: strs() }, undefined, ['key', 'operator']), { description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.' }),
      },
      'A label selector is a label query over a set of resources.',
    ),
  },
};

const condition = obj({ type: str(), status: str(), reason: str(), message: str(), lastUpdateTime: time(), lastTransitionTime: time(), lastHeartbeatTime: time(), lastProbeTime: time(), observedGeneration: int() }, undefined, ['type', 'status']);
const conditions = arr(condition, { mergeKey: 'type', strategy: 'merge', listType: 'map', listMapKeys: ['type'] });

const APPS_DEFINITIONS: Record<string, Definition> = {
  DeploymentStrategy: {
    name: `${APPS}DeploymentStrategy`,
    schema: obj(
      {
        type: str('Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.', ['Recreate', 'RollingUpdate']),
        rollingUpdate: obj({ maxUnavailable: intOrString('The maximum number of pods that can be unavailable during the update.'), maxSurge: intOrString('The maximum number of pods that can be scheduled above the desired number of pods.') }, 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'),
      },
      'DeploymentStrategy describes how to replace existing pods with new ones.',
    ),
  },
  DeploymentSpec: {
    name: `${APPS}DeploymentSpec`,
    schema: obj(
      {
        replicas: int('Number of desired pods. Defaults to 1.'),
        selector: ref('LabelSelector', 'Label selector for pods. It must match the pod template\'s labels.'),
        template: ref('PodTemplateSpec', 'Template describes the pods that will be created.'),
        strategy: ref('DeploymentStrategy', 'The deployment strategy to use to replace existing pods with new ones.', { patchStrategy: 'retainKeys' }),
        minReadySeconds: int(),
        revisionHistoryLimit: int('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
        paused: bool('Indicates that the deployment is paused.'),
        progressDeadlineSeconds: int('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
      },
      'DeploymentSpec is the specification of the desired behavior of the Deployment.',
      ['selector', 'template'],
    ),
  },
  DeploymentStatus: {
    name: `${APPS}DeploymentStatus`,
    schema: obj(
      { observedGeneration: int(), replicas: int(), updatedReplicas: int(), readyReplicas: int(), availableReplicas: int(), unavailableReplicas: int(), terminatingReplicas: int(), conditions, collisionCount: int() },
      'DeploymentStatus is the most recently observed status of the Deployment.',
    ),
  },
  Deployment: kind('apps', 'v1', 'Deployment', APPS, { spec: ref('DeploymentSpec', 'Specification of the desired behavior of the Deployment.'), status: ref('DeploymentStatus', 'Most recently observed status of the Deployment.') }, 'Deployment enables declarative updates for Pods and ReplicaSets.'),
  ReplicaSetSpec: {
    name: `${APPS}ReplicaSetSpec`,
    schema: obj(
      { replicas: int('Replicas is the number of desired pods. Defaults to 1.'), minReadySeconds: int(), selector: ref('LabelSelector'), template: ref('PodTemplateSpec') },
      'ReplicaSetSpec is the specification of a ReplicaSet.',
      ['selector'],
    ),
  },
  ReplicaSetStatus: {
    name: `${APPS}ReplicaSetStatus`,
    schema: obj({ replicas: int(), fullyLabeledReplicas: int(), readyReplicas: int(), availableReplicas: int(), terminatingReplicas: int(), observedGeneration: int(), conditions }, 'ReplicaSetStatus represents the current status of a ReplicaSet.', ['replicas']),
  },
  ReplicaSet: kind('apps', 'v1', 'ReplicaSet', APPS, { spec: ref('ReplicaSetSpec'), status: ref('ReplicaSetStatus') }, 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.'),
};

const CORE_DEFINITIONS: Record<string, Definition> = {
  ServicePort: {
    name: `${CORE}ServicePort`,
    schema: obj(
      { name: str(), protocol: withDefault(str('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.', ['SCTP', 'TCP', 'UDP']), 'TCP'), appProtocol: str(), port: int('The port that will be exposed by this service.'), targetPort: intOrString('Number or name of the port to access on the pods targeted by the service.'), nodePort: int() },
      "ServicePort contains information on service's port.",
      ['port'],
    ),
  },
  ServiceSpec: {
    name: `${CORE}ServiceSpec`,
    schema: obj(
      {
        ports: arr(ref('ServicePort'), { mergeKey: 'port', strategy: 'merge', listType: 'map', listMapKeys: ['port', 'protocol'], description: 'The list of ports that are exposed by this service.' }),
        selector: map(str(), 'Route service traffic to pods with label keys and values matching this selector.'),
        clusterIP: str(),
        clusterIPs: strs({ listType: 'atomic' }),
        type: str('type determines how the Service is exposed. Defaults to ClusterIP.', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']),
        externalIPs: strs(),
        sessionAffinity: str(undefined, ['ClientIP', 'None']),
        loadBalancerIP: str(),
        loadBalancerSourceRanges: strs(),
        externalName: str(),
        externalTrafficPolicy: str(undefined, ['Cluster', 'Local']),
        healthCheckNodePort: int(),
        publishNotReadyAddresses: bool(),
        sessionAffinityConfig: free(),
        ipFamilies: strs({ listType: 'atomic' }),
        ipFamilyPolicy: str(),
        allocateLoadBalancerNodePorts: bool(),
        loadBalancerClass: str(),
        internalTrafficPolicy: str(undefined, ['Cluster', 'Local']),
        trafficDistribution: str(),
      },
      'ServiceSpec describes the attributes that a user creates on a service.',
    ),
  },
  Service: kind('', 'v1', 'Service', CORE, { spec: ref('ServiceSpec'), status: obj({ loadBalancer: free(), conditions }) }, 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.'),
  EndpointSubset: {
    name: `${CORE}EndpointSubset`,
    schema: obj(
      {
        addresses: arr(obj({ ip: str(), hostname: str(), nodeName: str(), targetRef: free() })),
        notReadyAddresses: arr(obj({ ip: str(), hostname: str(), nodeName: str(), targetRef: free() })),
        ports: arr(obj({ name: str(), port: int(), protocol: str(), appProtocol: str() })),
      },
      'EndpointSubset is a group of addresses with a common set of ports.',
    ),
  },
  Endpoints: kind('', 'v1', 'Endpoints', CORE, { subsets: arr(ref('EndpointSubset')) }, 'Endpoints is a collection of endpoints that implement the actual service.'),
  Namespace: kind('', 'v1', 'Namespace', CORE, { spec: obj({ finalizers: strs() }), status: obj({ phase: str(undefined, ['Active', 'Terminating']), conditions }) }, 'Namespace provides a scope for Names. Use of multiple namespaces is optional.'),
  Taint: {
    name: `${CORE}Taint`,
    schema: obj({ key: str(), value: str(), effect: str(undefined, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']), timeAdded: time() }, 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', ['key', 'effect']),
  },
  NodeSpec: {
    name: `${CORE}NodeSpec`,
    schema: obj({ podCIDR: str(), podCIDRs: strs({ strategy: 'merge', listType: 'set' }), providerID: str(), unschedulable: bool('Unschedulable controls node schedulability of new pods.'), taints: arr(ref('Taint'), { listType: 'atomic' }), configSource: free(), externalID: str() }, 'NodeSpec describes the attributes that a node is created with.'),
  },
  NodeStatus: {
    name: `${CORE}NodeStatus`,
    schema: obj(
      {
        capacity: map(str()),
        allocatable: map(str()),
        phase: str(),
        conditions: arr(condition, { mergeKey: 'type', strategy: 'merge' }),
        addresses: arr(obj({ type: str(), address: str() }), { mergeKey: 'type', strategy: 'merge' }),
        daemonEndpoints: free(),
        nodeInfo: map(str()),
        images: arr(free()),
        volumesInUse: strs(),
        volumesAttached: arr(free()),
        config: free(),
        runtimeHandlers: arr(free()),
        features: free(),
      },
      'NodeStatus is information about the current status of a node.',
    ),
  },
  Node: kind('', 'v1', 'Node', CORE, { spec: ref('NodeSpec'), status: ref('NodeStatus') }, 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).'),
  ObjectReference: {
    name: `${CORE}ObjectReference`,
    schema: obj({ kind: str(), namespace: str(), name: str(), uid: str(), apiVersion: str(), resourceVersion: str(), fieldPath: str() }, 'ObjectReference contains enough information to let you inspect or modify the referred object.'),
  },
  Event: kind(
    '',
    'v1',
    'Event',
    CORE,
    {
      involvedObject: ref('ObjectReference', 'The object that this event is about.'),
      reason: str(),
      message: str(),
      source: obj({ component: str(), host: str() }),
      firstTimestamp: time(),
      lastTimestamp: time(),
      count: int(),
      type: str(),
      eventTime: str(),
      series: free(),
      action: str(),
      related: ref('ObjectReference'),
      reportingComponent: str(),
      reportingInstance: str(),
    },
    'Event is a report of an event somewhere in the cluster.',
  ),
};

const COORD_DEFINITIONS: Record<string, Definition> = {
  LeaseSpec: {
    name: `${COORD}LeaseSpec`,
    schema: obj({ holderIdentity: str(), leaseDurationSeconds: int(), acquireTime: str(), renewTime: str(), leaseTransitions: int(), strategy: str(), preferredHolder: str() }, 'LeaseSpec is a specification of a Lease.'),
  },
  Lease: kind('coordination.k8s.io', 'v1', 'Lease', COORD, { spec: ref('LeaseSpec') }, 'Lease defines a lease concept.'),
};

/** DEFINITIONS holds every definition by short name. */
export const DEFINITIONS: Readonly<Record<string, Definition>> = {
  ...META_DEFINITIONS,
  ...POD_DEFINITIONS,
  ...APPS_DEFINITIONS,
  ...CORE_DEFINITIONS,
  ...COORD_DEFINITIONS,
  ...CORE_EXTRA_DEFINITIONS,
  ...WORKLOAD_DEFINITIONS,
  ...CLUSTER_DEFINITIONS,
};

/** resolve follows refs until a non-ref node. Throws on a dangling ref (a bug in this file). */
export function resolve(s: Schema): Schema {
  let cur = s;
  while (cur.kind === 'ref') {
    const d = DEFINITIONS[cur.ref];
    if (!d) throw new Error(`schema: unknown definition ${cur.ref}`);
    cur = d.schema;
  }
  return cur;
}

/** patchInfo returns the effective SMP strategy/merge key of a field node (ref'd fields keep the field's own tags). */
export function patchInfo(s: Schema): { strategy?: string; mergeKey?: string } {
  return { strategy: s.patchStrategy ?? resolve(s).patchStrategy, mergeKey: s.patchMergeKey ?? resolve(s).patchMergeKey };
}

const keyByGroupKind = new Map<string, string>();
const keyByGvk = new Map<string, string>();
for (const [short, d] of Object.entries(DEFINITIONS)) {
  if (!d.gvk) continue;
  keyByGvk.set(`${d.gvk.group}/${d.gvk.version}/${d.gvk.kind}`, short);
  if (!keyByGroupKind.has(`${d.gvk.group}/${d.gvk.kind}`)) keyByGroupKind.set(`${d.gvk.group}/${d.gvk.kind}`, short);
}

/**
 * definitionKeyOf returns the short name of a resource's kind definition (by group and kind, so
 * core `Event` and events.k8s.io `Event` stay apart), or undefined when the kind is not modelled.
 */
export function definitionKeyOf(info: Pick<ResourceInfo, 'kind'> & { group?: string; version?: string }): string | undefined {
  if (info.version !== undefined) {
    const exact = keyByGvk.get(`${info.group ?? ''}/${info.version}/${info.kind}`);
    if (exact) return exact;
  }
  return keyByGroupKind.get(`${info.group ?? ''}/${info.kind}`);
}

/** kindSchema returns the root schema of a served resource's kind, if modelled. */
export function kindSchema(info: Pick<ResourceInfo, 'kind'> & { group?: string; version?: string }): Schema | undefined {
  const key = definitionKeyOf(info);
  return key ? DEFINITIONS[key].schema : undefined;
}

/** unknownFields walks value against schema and returns paths like `spec.replicaz` or `spec.containers[0].imagez`. */
export function unknownFields(schema: Schema, value: unknown, path = ''): string[] {
  const s = resolve(schema);
  const out: string[] = [];
  if (value === null || value === undefined) return out;
  switch (s.kind) {
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) return out;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const p = path ? `${path}.${k}` : k;
        const child = s.props[k];
        if (!child) out.push(p);
        else out.push(...unknownFields(child, v, p));
      }
      return out;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return out;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.push(...unknownFields(s.values, v, `${path}.${k}`));
      return out;
    case 'array':
      if (!Array.isArray(value)) return out;
      value.forEach((v, i) => out.push(...unknownFields(s.items, v, `${path}[${i}]`)));
      return out;
    default:
      return out;
  }
}

/** kindsOfGroupVersion lists the definitions with a GVK in one group/version. */
export function kindsOfGroupVersion(group: string, version: string): Definition[] {
  return Object.values(DEFINITIONS).filter((d) => d.gvk && d.gvk.group === group && d.gvk.version === version);
}
