/**
 * Type definitions of core/v1 ConfigMap, Secret, ServiceAccount, PersistentVolume(Claim),
 * LimitRange and ResourceQuota (see schemas.ts for how definitions are used). Volume sources of
 * PersistentVolumes are `free`: kubeactor does not attach storage.
 */
import { arr, bool, free, map, obj, quantity, ref, str, strs, time, type Definition, type Schema } from './schema-dsl.js';

const CORE = 'io.k8s.api.core.v1.';

const typeMeta = {
  apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
  kind: str('Kind is a string value representing the REST resource this object represents.'),
};
const metadata = ref('ObjectMeta', "Standard object's metadata.");

/** kindDef builds a top-level core/v1 kind definition. */
function kindDef(kindName: string, props: Record<string, Schema>, description: string): Definition {
  return { name: `${CORE}${kindName}`, gvk: { group: '', version: 'v1', kind: kindName }, schema: obj({ ...typeMeta, metadata, ...props }, description) };
}

const resourceList = map(quantity());
const typedRef = obj({ apiGroup: str(), kind: str(), name: str(), namespace: str() }, undefined, ['kind', 'name']);
const pvcCondition = obj({ type: str(), status: str(), lastProbeTime: time(), lastTransitionTime: time(), reason: str(), message: str() }, undefined, ['type', 'status']);

/** CORE_EXTRA_DEFINITIONS holds the definitions of this file by short name. */
export const CORE_EXTRA_DEFINITIONS: Record<string, Definition> = {
  ConfigMap: kindDef(
    'ConfigMap',
    {
      data: map(str(), 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
      binaryData: map(str(), 'BinaryData contains the binary data (base64 in JSON).'),
      immutable: bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).'),
    },
    'ConfigMap holds configuration data for pods to consume.',
  ),
  Secret: kindDef(
    'Secret',
    {
      data: map(str(), 'Data contains the secret data (base64 encoded values).'),
      stringData: map(str(), 'stringData allows specifying non-binary secret data in string form. It is merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.'),
      type: str('Used to facilitate programmatic handling of secret data.'),
      immutable: bool('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).'),
    },
    'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
  ),
  ServiceAccount: kindDef(
    'ServiceAccount',
    {
      secrets: arr(ref('ObjectReference'), { mergeKey: 'name', strategy: 'merge', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.' }),
      imagePullSecrets: arr(obj({ name: str() }), { description: 'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.' }),
      automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted.'),
    },
    'ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; a set of secrets.',
  ),
  PersistentVolumeSpec: {
    name: `${CORE}PersistentVolumeSpec`,
    schema: obj(
      {
        capacity: map(quantity(), 'capacity is the description of the persistent volume\'s resources and capacity.'),
        accessModes: strs({ description: 'accessModes contains all ways the volume can be mounted.' }),
        claimRef: ref('ObjectReference', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
        persistentVolumeReclaimPolicy: str('persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.', ['Delete', 'Recycle', 'Retain']),
        storageClassName: str('storageClassName is the name of StorageClass to which this persistent volume belongs.'),
        mountOptions: strs(),
        volumeMode: str('volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', ['Block', 'Filesystem']),
        nodeAffinity: free('nodeAffinity defines constraints that limit what nodes this volume can be accessed from.'),
        volumeAttributesClassName: str(),
        hostPath: obj({ path: str(), type: str() }, 'hostPath represents a directory on the host.', ['path']),
        local: obj({ path: str(), fsType: str() }, undefined, ['path']),
        nfs: obj({ server: str(), path: str(), readOnly: bool() }, undefined, ['server', 'path']),
        csi: free(),
        awsElasticBlockStore: free(),
        azureDisk: free(),
        azureFile: free(),
        cephfs: free(),
        cinder: free(),
        fc: free(),
        flexVolume: free(),
        flocker: free(),
        gcePersistentDisk: free(),
        glusterfs: free(),
        iscsi: free(),
        photonPersistentDisk: free(),
        portworxVolume: free(),
        quobyte: free(),
        rbd: free(),
        scaleIO: free(),
        storageos: free(),
        vsphereVolume: free(),
      },
      'PersistentVolumeSpec is the specification of a persistent volume.',
    ),
  },
  PersistentVolume: kindDef(
    'PersistentVolume',
    {
      spec: ref('PersistentVolumeSpec', 'spec defines a specification of a persistent volume owned by the cluster.'),
      status: obj({ phase: str(undefined, ['Available', 'Bound', 'Failed', 'Pending', 'Released']), message: str(), reason: str(), lastPhaseTransitionTime: time() }),
    },
    'PersistentVolume (PV) is a storage resource provisioned by an administrator.',
  ),
  PersistentVolumeClaimSpec: {
    name: `${CORE}PersistentVolumeClaimSpec`,
    schema: obj(
      {
        accessModes: strs({ description: 'accessModes contains the desired access modes the volume should have.' }),
        selector: ref('LabelSelector', 'selector is a label query over volumes to consider for binding.'),
        resources: obj({ limits: resourceList, requests: resourceList }, 'resources represents the minimum resources the volume should have.'),
        volumeName: str('volumeName is the binding reference to the PersistentVolume backing this claim.'),
        storageClassName: str('storageClassName is the name of the StorageClass required by the claim.'),
        volumeMode: str('volumeMode defines what type of volume is required by the claim.', ['Block', 'Filesystem']),
        dataSource: typedRef,
        dataSourceRef: typedRef,
        volumeAttributesClassName: str(),
      },
      'PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes',
    ),
  },
  PersistentVolumeClaim: kindDef(
    'PersistentVolumeClaim',
    {
      spec: ref('PersistentVolumeClaimSpec', 'spec defines the desired characteristics of a volume requested by a pod author.'),
      status: obj({
        phase: str(undefined, ['Bound', 'Lost', 'Pending']),
        accessModes: strs(),
        capacity: resourceList,
        conditions: arr(pvcCondition, { mergeKey: 'type', strategy: 'merge', listType: 'map', listMapKeys: ['type'] }),
        allocatedResources: resourceList,
        allocatedResourceStatuses: map(str()),
        currentVolumeAttributesClassName: str(),
        modifyVolumeStatus: free(),
      }),
    },
    "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
  ),
  LimitRange: kindDef(
    'LimitRange',
    {
      spec: obj(
        {
          limits: arr(
            obj(
              { type: str('Type of resource that this limit applies to.'), max: resourceList, min: resourceList, default: resourceList, defaultRequest: resourceList, maxLimitRequestRatio: resourceList },
              'LimitRangeItem defines a min/max usage limit for any resource that matches on kind.',
              ['type'],
            ),
            { description: 'Limits is the list of LimitRangeItem objects that are enforced.' },
          ),
        },
        'Spec defines the limits enforced.',
        ['limits'],
      ),
    },
    'LimitRange sets resource usage limits for each kind of resource in a Namespace.',
  ),
  ResourceQuota: kindDef(
    'ResourceQuota',
    {
      spec: obj(
        {
          hard: map(quantity(), 'hard is the set of desired hard limits for each named resource.'),
          scopes: strs({ description: 'A collection of filters that must match each object tracked by a quota.' }),
          scopeSelector: obj({ matchExpressions: arr(obj({ scopeName: str(), operator: str(), values: strs() }, undefined, ['scopeName', 'operator'])) }),
        },
        'Spec defines the desired quota.',
      ),
      status: obj({ hard: map(quantity()), used: map(quantity()) }, 'Status defines the actual enforced quota and its current usage.'),
    },
    'ResourceQuota sets aggregate quota restrictions enforced per namespace',
  ),
};
