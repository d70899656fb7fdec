/**
 * Pod-related type definitions (core/v1): Container, PodSpec, PodStatus and their parts. Fields
 * kubeactor does not interpret but users commonly send (probes, affinity, security contexts…)
 * are present by name so Strict field validation accepts them; deep structure is `free`.
 */
import { arr, bool, free, int, map, obj, quantity, ref, str, strs, time, withDefault, type Definition } from './schema-dsl.js';
import { POD_EXTRA_DEFINITIONS, VOLUME_SOURCE_PROPS } from './schemas-pod-extra.js';

const CORE = 'io.k8s.api.core.v1.';

const resourceList = map(quantity(), 'ResourceList is a set of (resource name, quantity) pairs.');


/** POD_DEFINITIONS are the pod-related definitions, keyed by short name. */
export const POD_DEFINITIONS: Record<string, Definition> = {
  ...POD_EXTRA_DEFINITIONS,
  ContainerPort: {
    name: `${CORE}ContainerPort`,
    schema: obj(
      {
        containerPort: int('Number of port to expose on the pod\'s IP address. This must be a valid port number, 0 < x < 65536.'),
        hostIP: str(),
        hostPort: int(),
        name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod.'),
        protocol: withDefault(str('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".', ['SCTP', 'TCP', 'UDP']), 'TCP'),
      },
      'ContainerPort represents a network port in a single container.',
      ['containerPort'],
    ),
  },
  EnvVar: {
    name: `${CORE}EnvVar`,
    schema: obj({ name: str('Name of the environment variable.'), value: str(), valueFrom: ref('EnvVarSource') }, 'EnvVar represents an environment variable present in a Container.', ['name']),
  },
  VolumeMount: {
    name: `${CORE}VolumeMount`,
    schema: obj(
      { name: str(), mountPath: str(), readOnly: bool(), subPath: str(), subPathExpr: str(), mountPropagation: str(), recursiveReadOnly: str() },
      'VolumeMount describes a mounting of a Volume within a container.',
      ['name', 'mountPath'],
    ),
  },
  ResourceRequirements: {
    name: `${CORE}ResourceRequirements`,
    schema: obj({ limits: resourceList, requests: resourceList, claims: arr(free(), { listType: 'map', listMapKeys: ['name'] }) }, 'ResourceRequirements describes the compute resource requirements.'),
  },
  Container: {
    name: `${CORE}Container`,
    schema: obj(
      {
        name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.'),
        image: str('Container image name.'),
        command: strs(),
        args: strs(),
        workingDir: str(),
        ports: arr(ref('ContainerPort'), { mergeKey: 'containerPort', strategy: 'merge', listType: 'map', listMapKeys: ['containerPort', 'protocol'], description: 'List of ports to expose from the container.' }),
        envFrom: arr(ref('EnvFromSource'), { listType: 'atomic' }),
        env: arr(ref('EnvVar'), { mergeKey: 'name', strategy: 'merge', description: 'List of environment variables to set in the container.' }),
        resources: ref('ResourceRequirements', 'Compute Resources required by this container.'),
        resizePolicy: arr(free(), { listType: 'atomic' }),
        restartPolicy: str(),
        volumeMounts: arr(ref('VolumeMount'), { mergeKey: 'mountPath', strategy: 'merge' }),
        volumeDevices: arr(free(), { mergeKey: 'devicePath', strategy: 'merge' }),
        livenessProbe: ref('Probe'),
        readinessProbe: ref('Probe'),
        startupProbe: ref('Probe'),
        lifecycle: ref('Lifecycle'),
        terminationMessagePath: str(),
        terminationMessagePolicy: str(undefined, ['FallbackToLogsOnError', 'File']),
        imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent.', ['Always', 'IfNotPresent', 'Never']),
        securityContext: ref('SecurityContext'),
        stdin: bool(),
        stdinOnce: bool(),
        tty: bool(),
      },
      'A single application container that you want to run within a pod.',
      ['name'],
    ),
  },
  Toleration: {
    name: `${CORE}Toleration`,
    schema: obj({ key: str(), operator: str(undefined, ['Equal', 'Exists']), value: str(), effect: str(undefined, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']), tolerationSeconds: int() }, 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect>.'),
  },
  Volume: {
    name: `${CORE}Volume`,
    schema: obj(
      {
        name: str('name of the volume. Must be a DNS_LABEL and unique within the pod.'),
        ...VOLUME_SOURCE_PROPS,
      },
      'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
      ['name'],
    ),
  },
  PodSpec: {
    name: `${CORE}PodSpec`,
    schema: obj(
      {
        volumes: arr(ref('Volume'), { mergeKey: 'name', strategy: 'merge,retainKeys', description: 'List of volumes that can be mounted by containers belonging to the pod.' }),
        initContainers: arr(ref('Container'), { mergeKey: 'name', strategy: 'merge', description: 'List of initialization containers belonging to the pod.' }),
        containers: arr(ref('Container'), { mergeKey: 'name', strategy: 'merge', description: 'List of containers belonging to the pod. There must be at least one container in a Pod. Cannot be updated.' }),
        ephemeralContainers: arr(free(), { mergeKey: 'name', strategy: 'merge' }),
        restartPolicy: str('Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.', ['Always', 'Never', 'OnFailure']),
        terminationGracePeriodSeconds: int('Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
        activeDeadlineSeconds: int(),
        dnsPolicy: str('Set DNS policy for the pod. Defaults to "ClusterFirst".', ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']),
        nodeSelector: map(str(), 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
        serviceAccountName: str(),
        serviceAccount: str(),
        automountServiceAccountToken: bool(),
        nodeName: str('NodeName indicates in which node this pod is scheduled.'),
        hostNetwork: bool(),
        hostPID: bool(),
        hostIPC: bool(),
        shareProcessNamespace: bool(),
        securityContext: ref('PodSecurityContext'),
        imagePullSecrets: arr(obj({ name: str() }), { mergeKey: 'name', strategy: 'merge' }),
        hostname: str(),
        subdomain: str(),
        affinity: ref('Affinity'),
        schedulerName: str('If specified, the pod will be dispatched by specified scheduler.'),
        tolerations: arr(ref('Toleration'), { description: "If specified, the pod's tolerations." }),
        hostAliases: arr(free(), { mergeKey: 'ip', strategy: 'merge' }),
        priorityClassName: str(),
        priority: int(),
        dnsConfig: ref('PodDNSConfig'),
        readinessGates: arr(obj({ conditionType: str() }, undefined, ['conditionType']), { listType: 'atomic' }),
        runtimeClassName: str(),
        enableServiceLinks: bool(),
        preemptionPolicy: str(),
        overhead: map(quantity()),
        topologySpreadConstraints: arr(ref('TopologySpreadConstraint'), { mergeKey: 'topologyKey', strategy: 'merge', listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] }),
        setHostnameAsFQDN: bool(),
        os: free(),
        hostUsers: bool(),
        schedulingGates: arr(free(), { mergeKey: 'name', strategy: 'merge' }),
        resourceClaims: arr(free(), { mergeKey: 'name', strategy: 'merge,retainKeys' }),
        resources: free(),
      },
      'PodSpec is a description of a pod.',
      ['containers'],
    ),
  },
  PodCondition: {
    name: `${CORE}PodCondition`,
    schema: obj({ type: str(), status: str(), lastProbeTime: time(), lastTransitionTime: time(), reason: str(), message: str(), observedGeneration: int() }, 'PodCondition contains details for the current condition of this pod.', ['type', 'status']),
  },
  ContainerStatus: {
    name: `${CORE}ContainerStatus`,
    schema: obj(
      {
        name: str(),
        state: free(),
        lastState: free(),
        ready: bool(),
        restartCount: int(),
        image: str(),
        imageID: str(),
        containerID: str(),
        started: bool(),
        allocatedResources: map(quantity()),
        resources: free(),
        volumeMounts: arr(free()),
        user: free(),
        allocatedResourcesStatus: arr(free()),
        stopSignal: str(),
      },
      'ContainerStatus contains details for the current status of this container.',
    ),
  },
  PodStatus: {
    name: `${CORE}PodStatus`,
    schema: obj(
      {
        observedGeneration: int(),
        phase: str('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle.', ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown']),
        conditions: arr(ref('PodCondition'), { mergeKey: 'type', strategy: 'merge' }),
        message: str(),
        reason: str(),
        nominatedNodeName: str(),
        hostIP: str(),
        hostIPs: arr(free(), { mergeKey: 'ip', strategy: 'merge' }),
        podIP: str(),
        podIPs: arr(free(), { mergeKey: 'ip', strategy: 'merge' }),
        startTime: time(),
        initContainerStatuses: arr(ref('ContainerStatus')),
        containerStatuses: arr(ref('ContainerStatus')),
        qosClass: str(undefined, ['BestEffort', 'Burstable', 'Guaranteed']),
        ephemeralContainerStatuses: arr(ref('ContainerStatus')),
        resize: str(),
        resourceClaimStatuses: arr(free(), { mergeKey: 'name', strategy: 'merge,retainKeys' }),
      },
      'PodStatus represents information about the status of a pod.',
    ),
  },
  PodTemplateSpec: {
    name: `${CORE}PodTemplateSpec`,
    schema: obj({ metadata: ref('ObjectMeta', "Standard object's metadata."), spec: ref('PodSpec', 'Specification of the desired behavior of the pod.') }, 'PodTemplateSpec describes the data a pod should have when created from a template'),
  },
  Pod: {
    name: `${CORE}Pod`,
    gvk: { group: '', version: 'v1', kind: 'Pod' },
    schema: obj(
      {
        apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
        kind: str('Kind is a string value representing the REST resource this object represents.'),
        metadata: ref('ObjectMeta', "Standard object's metadata."),
        spec: ref('PodSpec', 'Specification of the desired behavior of the pod.'),
        status: ref('PodStatus', 'Most recently observed status of the pod.'),
      },
      'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
    ),
  },
};
