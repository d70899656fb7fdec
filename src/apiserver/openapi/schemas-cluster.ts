/**
 * Type definitions of discovery.k8s.io/v1 EndpointSlice, events.k8s.io/v1 Event, policy/v1
 * PodDisruptionBudget, rbac.authorization.k8s.io/v1, storage.k8s.io/v1 StorageClass,
 * networking.k8s.io/v1 Ingress and NetworkPolicy, scheduling.k8s.io/v1 PriorityClass (see schemas.ts).
 */
import { arr, bool, free, int, intOrString, map, obj, ref, str, strs, time, type Definition, type Schema } from './schema-dsl.js';

const typeMeta = {
  apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
  kind: str('Kind is a string value representing the REST resource this object represents.'),
};
const metadata = ref('ObjectMeta', "Standard object's metadata.");

function kindDef(group: string, pkg: string, kindName: string, props: Record<string, Schema>, description: string): Definition {
  return { name: `io.k8s.api.${pkg}.v1.${kindName}`, gvk: { group, version: 'v1', kind: kindName }, schema: obj({ ...typeMeta, metadata, ...props }, description) };
}

const condition = obj({ type: str(), status: str(), observedGeneration: int(), lastTransitionTime: time(), reason: str(), message: str() }, undefined, ['type', 'status', 'lastTransitionTime', 'reason', 'message']);
const policyRule = obj(
  { verbs: strs({ listType: 'atomic' }), apiGroups: strs({ listType: 'atomic' }), resources: strs({ listType: 'atomic' }), resourceNames: strs({ listType: 'atomic' }), nonResourceURLs: strs({ listType: 'atomic' }) },
  'PolicyRule holds information that describes a policy rule.',
  ['verbs'],
);
const roleRef = obj({ apiGroup: str(), kind: str(), name: str() }, 'RoleRef contains information that points to the role being used.', ['apiGroup', 'kind', 'name']);
const subject = obj({ kind: str(), apiGroup: str(), name: str(), namespace: str() }, 'Subject contains a reference to the object or user identities a role binding applies to.', ['kind', 'name']);
const ingressBackend = obj({ service: obj({ name: str(), port: obj({ name: str(), number: int() }) }, undefined, ['name']), resource: obj({ apiGroup: str(), kind: str(), name: str() }) });
const peer = obj({ podSelector: ref('LabelSelector'), namespaceSelector: ref('LabelSelector'), ipBlock: obj({ cidr: str(), except: strs() }, undefined, ['cidr']) });
const netpolPort = obj({ protocol: str(), port: intOrString(), endPort: int() });
const lbIngress = obj({ ip: str(), hostname: str(), ipMode: str(), ports: arr(free()) });

/** CLUSTER_DEFINITIONS holds the definitions of this file by short name. */
export const CLUSTER_DEFINITIONS: Record<string, Definition> = {
  EndpointSlice: kindDef(
    'discovery.k8s.io',
    'discovery',
    'EndpointSlice',
    {
      addressType: str('addressType specifies the type of address carried by this EndpointSlice.', ['FQDN', 'IPv4', 'IPv6']),
      endpoints: arr(
        obj(
          {
            addresses: strs({ listType: 'set' }),
            conditions: obj({ ready: bool(), serving: bool(), terminating: bool() }),
            hostname: str(),
            targetRef: ref('ObjectReference'),
            deprecatedTopology: map(str()),
            nodeName: str(),
            zone: str(),
            hints: free(),
          },
          'Endpoint represents a single logical "backend" implementing a service.',
          ['addresses'],
        ),
        { listType: 'atomic', description: 'endpoints is a list of unique endpoints in this slice.' },
      ),
      ports: arr(obj({ name: str(), protocol: str(), port: int(), appProtocol: str() }), { listType: 'atomic', description: 'ports specifies the list of network ports exposed by each endpoint in this slice.' }),
    },
    'EndpointSlice represents a subset of the endpoints that implement a service.',
  ),
  EventV1: kindDef(
    'events.k8s.io',
    'events',
    'Event',
    {
      eventTime: str('eventTime is the time when this Event was first observed. It is required.'),
      series: obj({ count: int(), lastObservedTime: str() }, undefined, ['count', 'lastObservedTime']),
      reportingController: str('reportingController is the name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'),
      reportingInstance: str('reportingInstance is the ID of the controller instance, e.g. `kubelet-xyzf`.'),
      action: str('action is what action was taken/failed regarding to the regarding object.'),
      reason: str('reason is why the action was taken.'),
      regarding: ref('ObjectReference', 'regarding contains the object this Event is about.'),
      related: ref('ObjectReference'),
      note: str('note is a human-readable description of the status of this operation.'),
      type: str('type is the type of this event (Normal, Warning), new types could be added in the future.'),
      deprecatedSource: obj({ component: str(), host: str() }),
      deprecatedFirstTimestamp: time(),
      deprecatedLastTimestamp: time(),
      deprecatedCount: int(),
    },
    'Event is a report of an event somewhere in the cluster.',
  ),
  PodDisruptionBudget: kindDef(
    'policy',
    'policy',
    'PodDisruptionBudget',
    {
      spec: obj(
        {
          minAvailable: intOrString('An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction.'),
          selector: ref('LabelSelector', 'Label query over pods whose evictions are managed by the disruption budget.', { patchStrategy: 'replace' }),
          maxUnavailable: intOrString('An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction.'),
          unhealthyPodEvictionPolicy: str(undefined, ['AlwaysAllow', 'IfHealthyBudget']),
        },
        'Specification of the desired behavior of the PodDisruptionBudget.',
      ),
      status: obj({
        observedGeneration: int(),
        disruptedPods: map(time()),
        disruptionsAllowed: int(),
        currentHealthy: int(),
        desiredHealthy: int(),
        expectedPods: int(),
        conditions: arr(condition, { mergeKey: 'type', strategy: 'merge', listType: 'map', listMapKeys: ['type'] }),
      }),
    },
    'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
  ),
  Role: kindDef('rbac.authorization.k8s.io', 'rbac', 'Role', { rules: arr(policyRule, { listType: 'atomic', description: 'Rules holds all the PolicyRules for this Role' }) }, 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.'),
  ClusterRole: kindDef(
    'rbac.authorization.k8s.io',
    'rbac',
    'ClusterRole',
    { rules: arr(policyRule, { listType: 'atomic', description: 'Rules holds all the PolicyRules for this ClusterRole' }), aggregationRule: obj({ clusterRoleSelectors: arr(ref('LabelSelector'), { listType: 'atomic' }) }) },
    'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
  ),
  RoleBinding: kindDef('rbac.authorization.k8s.io', 'rbac', 'RoleBinding', { subjects: arr(subject, { listType: 'atomic' }), roleRef }, 'RoleBinding references a role, but does not contain it.'),
  ClusterRoleBinding: kindDef('rbac.authorization.k8s.io', 'rbac', 'ClusterRoleBinding', { subjects: arr(subject, { listType: 'atomic' }), roleRef }, 'ClusterRoleBinding references a ClusterRole, but not contain it.'),
  StorageClass: kindDef(
    'storage.k8s.io',
    'storage',
    'StorageClass',
    {
      provisioner: str('provisioner indicates the type of the provisioner.'),
      parameters: map(str(), 'parameters holds the parameters for the provisioner that should create volumes of this storage class.'),
      reclaimPolicy: str('reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.', ['Delete', 'Recycle', 'Retain']),
      mountOptions: strs({ listType: 'atomic' }),
      allowVolumeExpansion: bool(),
      volumeBindingMode: str('volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.', ['Immediate', 'WaitForFirstConsumer']),
      allowedTopologies: arr(free(), { listType: 'atomic' }),
    },
    'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.',
  ),
  Ingress: kindDef(
    'networking.k8s.io',
    'networking',
    'Ingress',
    {
      spec: obj(
        {
          ingressClassName: str('ingressClassName is the name of an IngressClass cluster resource.'),
          defaultBackend: ingressBackend,
          tls: arr(obj({ hosts: strs({ listType: 'atomic' }), secretName: str() }), { listType: 'atomic' }),
          rules: arr(
            obj({ host: str(), http: obj({ paths: arr(obj({ path: str(), pathType: str(undefined, ['Exact', 'ImplementationSpecific', 'Prefix']), backend: ingressBackend }, undefined, ['pathType', 'backend']), { listType: 'atomic' }) }, undefined, ['paths']) }),
            { listType: 'atomic', description: 'rules is a list of host rules used to configure the Ingress.' },
          ),
        },
        'spec is the desired state of the Ingress.',
      ),
      status: obj({ loadBalancer: obj({ ingress: arr(lbIngress, { listType: 'atomic' }) }) }),
    },
    'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.',
  ),
  NetworkPolicy: kindDef(
    'networking.k8s.io',
    'networking',
    'NetworkPolicy',
    {
      spec: obj(
        {
          podSelector: ref('LabelSelector', 'podSelector selects the pods to which this NetworkPolicy object applies.'),
          ingress: arr(obj({ ports: arr(netpolPort, { listType: 'atomic' }), from: arr(peer, { listType: 'atomic' }) }), { listType: 'atomic' }),
          egress: arr(obj({ ports: arr(netpolPort, { listType: 'atomic' }), to: arr(peer, { listType: 'atomic' }) }), { listType: 'atomic' }),
          policyTypes: strs({ listType: 'atomic' }),
        },
        'spec represents the specification of the desired behavior for this NetworkPolicy.',
      ),
    },
    'NetworkPolicy describes what network traffic is allowed for a set of Pods',
  ),
  PriorityClass: kindDef(
    'scheduling.k8s.io',
    'scheduling',
    'PriorityClass',
    {
      value: int('value represents the integer value of this priority class.'),
      globalDefault: bool('globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
      description: str('description is an arbitrary string that usually provides guidelines on when this priority class should be used.'),
      preemptionPolicy: str('preemptionPolicy is the Policy for preempting pods with lower priority.', ['Never', 'PreemptLowerPriority']),
    },
    'PriorityClass defines mapping from a priority class name to the priority integer value.',
  ),
};
