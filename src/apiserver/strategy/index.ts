/**
 * getStrategy: the per-resource Strategy the API server applies on every write. Each resource is a
 * {@link KindRules} record (its defaults, validation and update rules); the shared parts —
 * metadata validation, unknown fields from the schema, status/spec reset — are composed here.
 */
import { resourceKey, type ResourceInfo } from '../../api/resources.js';
import type { KObject, Pod, StatusCause } from '../../api/types.js';
import { kindSchema, unknownFields as schemaUnknownFields } from '../openapi/schemas.js';
import { findTypeMismatch, typeMismatchError } from '../openapi/type-check.js';
import { deploymentDefaults, replicaSetDefaults, validateDeployment, validateReplicaSet, validateSelectorImmutable } from './apps.js';
import {
  namespacePrepareForCreate,
  namespacePrepareForUpdate,
  serviceDefaults,
  servicePrepareForUpdate,
  validateEndpoints,
  validateEvent,
  validateLease,
  validateNode,
  validateNodeUpdate,
  validateService,
  validateServiceUpdate,
} from './core.js';
import { defaultPodSpec, podPrepareForCreate, underSpec, validatePodSpec, validatePodUpdate } from './pods.js';
import {
  bindingDefaults,
  endpointSliceDefaults,
  networkPolicyDefaults,
  priorityClassDefaults,
  storageClassDefaults,
  validateBinding,
  validateClusterRole,
  validateEndpointSlice,
  validateEndpointSliceUpdate,
  validateEventV1,
  validateIngress,
  validateNetworkPolicy,
  validatePdb,
  validatePriorityClass,
  validatePriorityClassUpdate,
  validateRole,
  validateRoleRefImmutable,
  validateStorageClass,
  validateStorageClassUpdate,
} from './cluster.js';
import {
  pendingPhase,
  pvcDefaults,
  pvDefaults,
  secretDefaults,
  validateConfigMap,
  validateImmutableData,
  validateLimitRange,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
  validateResourceQuota,
  validateSecret,
  validateSecretUpdate,
} from './config.js';
import type { Strategy, StrategyContext } from './types.js';
import {
  cronJobDefaults,
  daemonSetDefaults,
  hpaDefaults,
  hpaV1Defaults,
  jobDefaults,
  jobGenerateSelector,
  statefulSetDefaults,
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateCronJob,
  validateDaemonSet,
  validateHpa,
  validateHpaV1,
  validateJob,
  validateJobUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workloads.js';
import { validateObjectMeta, validateObjectMetaUpdate, type NameRule } from './validation.js';

export type { Strategy, StrategyContext } from './types.js';

/** KindRules are a resource's own rules; every field is optional. */
interface KindRules {
  name: NameRule;
  /** hasStatus: the kind has a status stanza a /status write owns. */
  hasStatus: boolean;
  /** resetStatusOnCreate: status is cleared on create (most kinds; nodes keep theirs). */
  resetStatusOnCreate: boolean;
  /** defaults run on create and update (the scheme's defaulting runs on every decode). */
  defaults?(obj: KObject): void;
  create?(obj: KObject, ctx: StrategyContext): void;
  update?(newObj: KObject, oldObj: KObject): void;
  validate?(obj: KObject): StatusCause[];
  validateUpdate?(newObj: KObject, oldObj: KObject): StatusCause[];
  /** statusKeepsLabels: a /status write may not change labels (apps kinds). */
  statusKeepsLabels?: boolean;
  /** statusUpdate adjusts a /status write after the generic reset. */
  statusUpdate?(newObj: KObject, oldObj: KObject): void;
}

const BASE: KindRules = { name: 'subdomain', hasStatus: true, resetStatusOnCreate: true };
/** NO_STATUS is the base of kinds without a status stanza (data-only kinds, RBAC, classes). */
const NO_STATUS: KindRules = { ...BASE, hasStatus: false };
const APPS_LIKE: Partial<KindRules> = { statusKeepsLabels: true };

const RULES: Record<string, KindRules> = {
  '/pods': {
    ...BASE,
    defaults: (o) => defaultPodSpec(((o as Pod).spec ??= { containers: [] })),
    create: (o) => podPrepareForCreate(o),
    validate: (o) => underSpec('spec', validatePodSpec((o as Pod).spec)),
    validateUpdate: (n, o) => validatePodUpdate(n as Pod, o as Pod),
    // qosClass is computed once at creation; a kubelet status write that omits it keeps it.
    statusUpdate: (n, o) => {
      const ns = ((n as Pod).status ??= {});
      const os = (o as Pod).status;
      if (ns.qosClass === undefined && os?.qosClass !== undefined) ns.qosClass = os.qosClass;
    },
  },
  'apps/deployments': { ...BASE, defaults: deploymentDefaults, validate: validateDeployment, validateUpdate: validateSelectorImmutable, statusKeepsLabels: true },
  'apps/replicasets': { ...BASE, defaults: replicaSetDefaults, validate: validateReplicaSet, validateUpdate: validateSelectorImmutable, statusKeepsLabels: true },
  '/services': { ...BASE, name: 'dns1035', defaults: serviceDefaults, update: servicePrepareForUpdate, validate: validateService, validateUpdate: validateServiceUpdate },
  '/endpoints': { ...BASE, hasStatus: false, validate: validateEndpoints },
  '/namespaces': { ...BASE, name: 'label', create: namespacePrepareForCreate, update: namespacePrepareForUpdate },
  '/nodes': { ...BASE, resetStatusOnCreate: false, validate: validateNode, validateUpdate: validateNodeUpdate },
  '/events': { ...BASE, name: 'path', hasStatus: false, validate: validateEvent },
  'coordination.k8s.io/leases': { ...BASE, hasStatus: false, validate: validateLease },
  '/configmaps': { ...NO_STATUS, validate: validateConfigMap, validateUpdate: validateImmutableData },
  '/secrets': { ...NO_STATUS, defaults: secretDefaults, validate: validateSecret, validateUpdate: validateSecretUpdate },
  '/serviceaccounts': NO_STATUS,
  '/persistentvolumes': { ...BASE, defaults: pvDefaults, create: pendingPhase, validate: validatePersistentVolume, validateUpdate: validatePersistentVolumeUpdate },
  '/persistentvolumeclaims': { ...BASE, defaults: pvcDefaults, create: pendingPhase, validate: validatePersistentVolumeClaim, validateUpdate: validatePersistentVolumeClaimUpdate },
  '/limitranges': { ...NO_STATUS, validate: validateLimitRange },
  '/resourcequotas': { ...BASE, validate: validateResourceQuota },
  'apps/statefulsets': { ...BASE, ...APPS_LIKE, defaults: statefulSetDefaults, validate: validateStatefulSet, validateUpdate: (n, o) => [...validateSelectorImmutable(n, o), ...validateStatefulSetUpdate(n, o)] },
  'apps/daemonsets': { ...BASE, ...APPS_LIKE, defaults: daemonSetDefaults, validate: validateDaemonSet, validateUpdate: validateSelectorImmutable },
  'apps/controllerrevisions': { ...NO_STATUS, validate: validateControllerRevision, validateUpdate: validateControllerRevisionUpdate },
  'batch/jobs': { ...BASE, ...APPS_LIKE, name: 'subdomain', defaults: jobDefaults, create: jobGenerateSelector, validate: validateJob, validateUpdate: validateJobUpdate },
  'batch/cronjobs': { ...BASE, defaults: cronJobDefaults, validate: validateCronJob },
  'autoscaling/horizontalpodautoscalers': { ...BASE, name: 'path', defaults: hpaDefaults, validate: validateHpa },
  'autoscaling/horizontalpodautoscalers@v1': { ...BASE, name: 'path', defaults: hpaV1Defaults, validate: validateHpaV1 },
  'discovery.k8s.io/endpointslices': { ...NO_STATUS, defaults: endpointSliceDefaults, validate: validateEndpointSlice, validateUpdate: validateEndpointSliceUpdate },
  'events.k8s.io/events': { ...NO_STATUS, name: 'path', validate: validateEventV1 },
  'policy/poddisruptionbudgets': { ...BASE, validate: validatePdb },
  'rbac.authorization.k8s.io/roles': { ...NO_STATUS, name: 'path', validate: validateRole },
  'rbac.authorization.k8s.io/clusterroles': { ...NO_STATUS, name: 'path', validate: validateClusterRole },
  'rbac.authorization.k8s.io/rolebindings': { ...NO_STATUS, name: 'path', defaults: bindingDefaults, validate: (o) => validateBinding(o, true), validateUpdate: validateRoleRefImmutable },
  'rbac.authorization.k8s.io/clusterrolebindings': { ...NO_STATUS, name: 'path', defaults: bindingDefaults, validate: (o) => validateBinding(o, false), validateUpdate: validateRoleRefImmutable },
  'storage.k8s.io/storageclasses': { ...NO_STATUS, defaults: storageClassDefaults, validate: validateStorageClass, validateUpdate: validateStorageClassUpdate },
  'networking.k8s.io/ingresses': { ...BASE, validate: validateIngress },
  'networking.k8s.io/networkpolicies': { ...NO_STATUS, defaults: networkPolicyDefaults, validate: validateNetworkPolicy },
  'scheduling.k8s.io/priorityclasses': { ...NO_STATUS, defaults: priorityClassDefaults, validate: validatePriorityClass, validateUpdate: validatePriorityClassUpdate },
};

/** Top-level fields that are not spec/status/metadata and belong to the "spec side" of a kind. */
const STATUS_SIDE = new Set(['status']);
const META_SIDE = new Set(['metadata', 'apiVersion', 'kind']);

function makeStrategy(info: ResourceInfo, rules: KindRules): Strategy {
  const schema = kindSchema(info);
  const validate = (obj: KObject): StatusCause[] => [...validateObjectMeta(obj, info.namespaced, rules.name), ...(rules.validate?.(obj) ?? [])];
  // A field of the wrong JSON type cannot be decoded: 400 before defaulting, as kube-apiserver.
  const checkTypes = (obj: KObject): void => {
    const m = schema ? findTypeMismatch(schema, obj, info.kind) : undefined;
    if (m) throw typeMismatchError(info.kind, info.version, m);
  };
  return {
    prepareForCreate(obj, ctx) {
      checkTypes(obj);
      if (rules.hasStatus && rules.resetStatusOnCreate) delete obj.status;
      rules.defaults?.(obj);
      rules.create?.(obj, ctx);
    },
    prepareForUpdate(newObj, oldObj) {
      checkTypes(newObj);
      rules.defaults?.(newObj);
      rules.update?.(newObj, oldObj);
    },
    validate,
    validateUpdate(newObj, oldObj) {
      return [...validate(newObj), ...validateObjectMetaUpdate(newObj, oldObj), ...(rules.validateUpdate?.(newObj, oldObj) ?? [])];
    },
    unknownFields(obj) {
      return schema ? schemaUnknownFields(schema, obj) : [];
    },
    resetFieldsForStatusUpdate(newObj, oldObj) {
      // Everything but status (and most metadata) comes from the stored object.
      for (const k of Object.keys(newObj)) if (!STATUS_SIDE.has(k) && !META_SIDE.has(k)) delete newObj[k];
      for (const k of Object.keys(oldObj)) if (!STATUS_SIDE.has(k) && !META_SIDE.has(k)) newObj[k] = structuredClone(oldObj[k]);
      if (rules.statusKeepsLabels) restore(newObj.metadata, oldObj.metadata, 'labels');
      restore(newObj.metadata, oldObj.metadata, 'ownerReferences');
      restore(newObj.metadata, oldObj.metadata, 'deletionTimestamp');
      if (!rules.hasStatus) newObj.status = structuredClone(oldObj.status);
      rules.statusUpdate?.(newObj, oldObj);
    },
    resetFieldsForSpecUpdate(newObj, oldObj) {
      if (!rules.hasStatus) return;
      if (oldObj.status === undefined) delete newObj.status;
      else newObj.status = structuredClone(oldObj.status);
    },
  };
}

function restore(n: KObject['metadata'], o: KObject['metadata'], key: string): void {
  if (o[key] === undefined) delete n[key];
  else n[key] = structuredClone(o[key]);
}

const cache = new Map<string, Strategy>();

/**
 * getStrategy returns the resource's strategy (cached; strategies are stateless). Resources
 * without specific rules get the generic one: metadata validation, schema unknown fields, no defaults.
 */
export function getStrategy(info: ResourceInfo): Strategy {
  const key = resourceKey(info);
  let s = cache.get(key);
  if (!s) {
    s = makeStrategy(info, RULES[key] ?? BASE);
    cache.set(key, s);
  }
  return s;
}
