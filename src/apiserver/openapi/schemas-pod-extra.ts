/**
 * Detailed definitions for pod-spec subtrees users edit often (probes, env sources, volume
 * sources, affinity, security contexts, lifecycle hooks). Modelling them field by field matters
 * for kubectl: it computes client-side-apply patches from our OpenAPI schemas, and a change inside
 * an untyped subtree makes it print "error calculating patch from openapi v3 spec" (then fall back).
 */
import { arr, bool, free, int, intOrString, map, obj, quantity, ref, str, strs, type Definition, type Schema } from './schema-dsl.js';

const CORE = 'io.k8s.api.core.v1.';

const keyRef = obj({ key: str(), name: str(), optional: bool() }, undefined, ['key']);
const keyToPaths = arr(obj({ key: str(), path: str(), mode: int() }, undefined, ['key', 'path']), { listType: 'atomic' });
const labelSelector = ref('LabelSelector');
const nodeSelectorTerm = obj({
  matchExpressions: arr(obj({ key: str(), operator: str(), values: strs({ listType: 'atomic' }) }, undefined, ['key', 'operator']), { listType: 'atomic' }),
  matchFields: arr(obj({ key: str(), operator: str(), values: strs({ listType: 'atomic' }) }, undefined, ['key', 'operator']), { listType: 'atomic' }),
});
const podAffinityTerm = obj({ labelSelector, namespaceSelector: labelSelector, namespaces: strs({ listType: 'atomic' }), topologyKey: str(), matchLabelKeys: strs({ listType: 'atomic' }), mismatchLabelKeys: strs({ listType: 'atomic' }) }, undefined, ['topologyKey']);
const weightedPodAffinityTerm = obj({ weight: int(), podAffinityTerm }, undefined, ['weight', 'podAffinityTerm']);
const podAffinity = obj({
  requiredDuringSchedulingIgnoredDuringExecution: arr(podAffinityTerm, { listType: 'atomic' }),
  preferredDuringSchedulingIgnoredDuringExecution: arr(weightedPodAffinityTerm, { listType: 'atomic' }),
});
const handler = (): Schema =>
  obj({
    exec: obj({ command: strs({ listType: 'atomic' }) }),
    httpGet: obj({ path: str(), port: intOrString(), host: str(), scheme: str(), httpHeaders: arr(obj({ name: str(), value: str() }), { listType: 'atomic' }) }, undefined, ['port']),
    tcpSocket: obj({ port: intOrString(), host: str() }, undefined, ['port']),
    sleep: obj({ seconds: int() }),
  });
const seLinux = obj({ user: str(), role: str(), type: str(), level: str() });
const seccomp = obj({ type: str(), localhostProfile: str() });
const appArmor = obj({ type: str(), localhostProfile: str() });
const windowsOptions = obj({ gmsaCredentialSpecName: str(), gmsaCredentialSpec: str(), runAsUserName: str(), hostProcess: bool() });

/** VOLUME_SOURCE_PROPS are the volume-source fields of core/v1 Volume. */
export const VOLUME_SOURCE_PROPS: Record<string, Schema> = {
      emptyDir: obj({ medium: str(), sizeLimit: quantity() }),
      hostPath: obj({ path: str(), type: str() }, undefined, ['path']),
      configMap: obj({ name: str(), items: keyToPaths, defaultMode: int(), optional: bool() }),
      secret: obj({ secretName: str(), items: keyToPaths, defaultMode: int(), optional: bool() }),
      persistentVolumeClaim: obj({ claimName: str(), readOnly: bool() }, undefined, ['claimName']),
      downwardAPI: obj({ items: arr(free(), { listType: 'atomic' }), defaultMode: int() }),
      projected: obj({ sources: arr(free(), { listType: 'atomic' }), defaultMode: int() }),
      nfs: obj({ server: str(), path: str(), readOnly: bool() }, undefined, ['server', 'path']),
      ephemeral: obj({ volumeClaimTemplate: free() }),
      csi: obj({ driver: str(), readOnly: bool(), fsType: str(), volumeAttributes: map(str()), nodePublishSecretRef: obj({ name: str() }) }, undefined, ['driver']),
      image: obj({ reference: str(), pullPolicy: str() }),
    };

/** POD_EXTRA_DEFINITIONS are merged into the pod definitions. */
export const POD_EXTRA_DEFINITIONS: Record<string, Definition> = {
  Probe: {
    name: `${CORE}Probe`,
    schema: obj(
      {
        exec: obj({ command: strs({ listType: 'atomic' }) }),
        httpGet: obj({ path: str(), port: intOrString(), host: str(), scheme: str(), httpHeaders: arr(obj({ name: str(), value: str() }), { listType: 'atomic' }) }, undefined, ['port']),
        tcpSocket: obj({ port: intOrString(), host: str() }, undefined, ['port']),
        grpc: obj({ port: int(), service: str() }, undefined, ['port']),
        initialDelaySeconds: int(),
        timeoutSeconds: int(),
        periodSeconds: int(),
        successThreshold: int(),
        failureThreshold: int(),
        terminationGracePeriodSeconds: int(),
      },
      'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
    ),
  },
  Lifecycle: {
    name: `${CORE}Lifecycle`,
    schema: obj({ postStart: handler(), preStop: handler(), stopSignal: str() }, 'Lifecycle describes actions that the management system should take in response to container lifecycle events.'),
  },
  EnvVarSource: {
    name: `${CORE}EnvVarSource`,
    schema: obj(
      {
        fieldRef: obj({ apiVersion: str(), fieldPath: str() }, undefined, ['fieldPath']),
        resourceFieldRef: obj({ containerName: str(), resource: str(), divisor: quantity() }, undefined, ['resource']),
        configMapKeyRef: keyRef,
        secretKeyRef: keyRef,
        fileKeyRef: free(),
      },
      'EnvVarSource represents a source for the value of an EnvVar.',
    ),
  },
  EnvFromSource: {
    name: `${CORE}EnvFromSource`,
    schema: obj({ prefix: str(), configMapRef: obj({ name: str(), optional: bool() }), secretRef: obj({ name: str(), optional: bool() }) }, 'EnvFromSource represents the source of a set of ConfigMaps or Secrets'),
  },
  SecurityContext: {
    name: `${CORE}SecurityContext`,
    schema: obj(
      {
        capabilities: obj({ add: strs({ listType: 'atomic' }), drop: strs({ listType: 'atomic' }) }),
        privileged: bool(),
        seLinuxOptions: seLinux,
        windowsOptions,
        runAsUser: int(),
        runAsGroup: int(),
        runAsNonRoot: bool(),
        readOnlyRootFilesystem: bool(),
        allowPrivilegeEscalation: bool(),
        procMount: str(),
        seccompProfile: seccomp,
        appArmorProfile: appArmor,
      },
      'SecurityContext holds security configuration that will be applied to a container.',
    ),
  },
  PodSecurityContext: {
    name: `${CORE}PodSecurityContext`,
    schema: obj(
      {
        seLinuxOptions: seLinux,
        windowsOptions,
        runAsUser: int(),
        runAsGroup: int(),
        runAsNonRoot: bool(),
        supplementalGroups: arr(int(), { listType: 'atomic' }),
        supplementalGroupsPolicy: str(),
        fsGroup: int(),
        sysctls: arr(obj({ name: str(), value: str() }), { listType: 'atomic' }),
        fsGroupChangePolicy: str(),
        seccompProfile: seccomp,
        appArmorProfile: appArmor,
        seLinuxChangePolicy: str(),
      },
      'PodSecurityContext holds pod-level security attributes and common container settings.',
    ),
  },
  Affinity: {
    name: `${CORE}Affinity`,
    schema: obj(
      {
        nodeAffinity: obj({
          requiredDuringSchedulingIgnoredDuringExecution: obj({ nodeSelectorTerms: arr(nodeSelectorTerm, { listType: 'atomic' }) }, undefined, ['nodeSelectorTerms']),
          preferredDuringSchedulingIgnoredDuringExecution: arr(obj({ weight: int(), preference: nodeSelectorTerm }, undefined, ['weight', 'preference']), { listType: 'atomic' }),
        }),
        podAffinity,
        podAntiAffinity: podAffinity,
      },
      'Affinity is a group of affinity scheduling rules.',
    ),
  },
  TopologySpreadConstraint: {
    name: `${CORE}TopologySpreadConstraint`,
    schema: obj(
      { maxSkew: int(), topologyKey: str(), whenUnsatisfiable: str(), labelSelector, minDomains: int(), nodeAffinityPolicy: str(), nodeTaintsPolicy: str(), matchLabelKeys: strs({ listType: 'atomic' }) },
      'TopologySpreadConstraint specifies how to spread matching pods among the given topology.',
      ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
    ),
  },
  PodDNSConfig: {
    name: `${CORE}PodDNSConfig`,
    schema: obj({ nameservers: strs({ listType: 'atomic' }), searches: strs({ listType: 'atomic' }), options: arr(obj({ name: str(), value: str() }), { listType: 'atomic' }) }, 'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.'),
  },
};
