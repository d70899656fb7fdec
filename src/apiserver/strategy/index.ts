/**
 * getStrategy: the per-resource Strategy the API server applies on every write. Each resource is a
 * {@link KindRules} record (its defaults, validation and update rules); the shared parts —
 * metadata validation, unknown fields from the schema, status/spec reset — are composed here.
 */
import type { ResourceInfo } from '../../api/resources.js';
import type { KObject, Pod, StatusCause } from '../../api/types.js';
import { kindSchema, unknownFields as schemaUnknownFields } from '../openapi/schemas.js';
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
import type { Strategy, StrategyContext } from './types.js';
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
};

/** Top-level fields that are not spec/status/metadata and belong to the "spec side" of a kind. */
const STATUS_SIDE = new Set(['status']);
const META_SIDE = new Set(['metadata', 'apiVersion', 'kind']);

function makeStrategy(info: ResourceInfo, rules: KindRules): Strategy {
  const schema = kindSchema(info);
  const validate = (obj: KObject): StatusCause[] => [...validateObjectMeta(obj, info.namespaced, rules.name), ...(rules.validate?.(obj) ?? [])];
  return {
    prepareForCreate(obj, ctx) {
      if (rules.hasStatus && rules.resetStatusOnCreate) delete obj.status;
      rules.defaults?.(obj);
      rules.create?.(obj, ctx);
    },
    prepareForUpdate(newObj, oldObj) {
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
  const key = `${info.group}/${info.resource}`;
  let s = cache.get(key);
  if (!s) {
    s = makeStrategy(info, RULES[key] ?? BASE);
    cache.set(key, s);
  }
  return s;
}
