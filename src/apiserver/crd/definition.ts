/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1): the CRD object's own defaults and
 * validation, the ResourceInfo a CRD serves, and the strategy of its custom resources
 * (prune → defaults → structural-schema validation; status subresource semantics).
 */
import type { SubresourceName, ResourceInfo } from '../../api/resources.js';
import type { KObject, StatusCause } from '../../api/types.js';
import type { StrategyLike } from '../deps.js';
import type { StorageCodec } from '../storage.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../strategy/validation.js';
import { applyDefaults, prune, unknownFields, validateValue, type JSONSchemaProps } from './schema.js';

/** CrdVersion is one entry of spec.versions. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: object; scale?: ScaleSubresource };
  additionalPrinterColumns?: { name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }[];
}

/** ScaleSubresource is spec.versions[].subresources.scale. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** CrdNames is spec.names. */
export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

/** CrdSpec is the CRD's spec. */
export interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
  conversion?: { strategy: string };
  preserveUnknownFields?: boolean;
}

/** Crd is a CustomResourceDefinition. */
export type Crd = KObject & { spec: CrdSpec };

/** ServedVersion is one served version of a CRD: the resource at that version and its schema. */
export interface ServedVersion {
  info: ResourceInfo;
  version: CrdVersion;
  schema: JSONSchemaProps;
}

/**
 * ServedCrd is what the apiserver serves for one CRD: every served version (preferred first, by
 * Kubernetes version priority) — its own fields are the preferred version's — and the storage version.
 */
export interface ServedCrd extends ServedVersion {
  storageVersion: string;
  versions: ServedVersion[];
}

/** versionPriority orders versions as Kubernetes does: GA > beta > alpha, newer first, others last. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    return [m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return a.localeCompare(b);
}

const GROUP_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** crdDefaults fills what kube-apiserver defaults on a CRD. */
export function crdDefaults(obj: KObject): void {
  const spec = (obj.spec ??= {}) as Partial<CrdSpec>;
  const names = (spec.names ??= {} as CrdNames);
  if (names.kind && !names.singular) names.singular = names.kind.toLowerCase();
  if (names.kind && !names.listKind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  for (const v of spec.versions ?? []) {
    if (v.served === undefined) v.served = true;
    if (v.storage === undefined) v.storage = (spec.versions ?? []).length === 1;
  }
}

/** validateCrd checks a CRD as apiextensions validation does (the parts kubeactor serves). */
export function validateCrd(obj: KObject): StatusCause[] {
  const out: StatusCause[] = [...validateObjectMeta(obj, false, 'subdomain')];
  const spec = (obj.spec ?? {}) as Partial<CrdSpec>;
  const names = spec.names ?? ({} as Partial<CrdNames>);
  const req = (field: string, detail?: string): void => void out.push({ reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' });
  const bad = (field: string, value: unknown, detail: string): void => void out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` });
  if (!spec.group) req('spec.group');
  else if (!GROUP_RE.test(spec.group) || !spec.group.includes('.')) bad('spec.group', spec.group, 'should be a domain with at least one dot');
  if (!names.plural) req('spec.names.plural');
  else if (!DNS_LABEL_RE.test(names.plural)) bad('spec.names.plural', names.plural, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'');
  if (!names.kind) req('spec.names.kind');
  if (names.singular && !DNS_LABEL_RE.test(names.singular)) bad('spec.names.singular', names.singular, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'');
  if (spec.group && names.plural && obj.metadata.name !== `${names.plural}.${spec.group}`) {
    bad('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group');
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    if (!spec.scope) req('spec.scope');
    else out.push({ reason: 'FieldValueNotSupported', field: 'spec.scope', message: `Unsupported value: ${JSON.stringify(spec.scope)}: supported values: "Cluster", "Namespaced"` });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) req('spec.versions', 'must have exactly one version marked as storage version');
  else if (versions.filter((v) => v.storage).length !== 1) bad('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version');
  versions.forEach((v, i) => {
    if (!v.name) req(`spec.versions[${i}].name`);
    if (!v.schema?.openAPIV3Schema) req(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required');
    else if (v.schema.openAPIV3Schema.type !== 'object') bad(`spec.versions[${i}].schema.openAPIV3Schema.type`, v.schema.openAPIV3Schema.type ?? '', 'must be object at the root');
    const scale = v.subresources?.scale;
    if (scale && !scale.specReplicasPath?.startsWith('.spec.')) bad(`spec.versions[${i}].subresources.scale.specReplicasPath`, scale.specReplicasPath ?? '', 'should be a json path under .spec');
    if (scale && !scale.statusReplicasPath?.startsWith('.status.')) bad(`spec.versions[${i}].subresources.scale.statusReplicasPath`, scale.statusReplicasPath ?? '', 'should be a json path under .status');
  });
  return out;
}

/** servedCrd computes what a valid CRD serves: every served version (conversion None). */
export function servedCrd(crd: Crd): ServedCrd {
  const { spec } = crd;
  const storage = (spec.versions.find((v) => v.storage) ?? spec.versions[0]).name;
  const served = spec.versions.filter((v) => v.served);
  const versions = (served.length > 0 ? served : [spec.versions[0]]).sort((a, b) => compareVersions(a.name, b.name)).map((v) => servedVersion(spec, v));
  return { ...versions[0], storageVersion: storage, versions };
}

function servedVersion(spec: CrdSpec, version: CrdVersion): ServedVersion {
  const subresources: SubresourceName[] = [];
  if (version.subresources?.status) subresources.push('status');
  if (version.subresources?.scale) subresources.push('scale');
  const info: ResourceInfo = {
    group: spec.group,
    version: version.name,
    resource: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    namespaced: spec.scope === 'Namespaced',
    ...(spec.names.shortNames?.length ? { shortNames: spec.names.shortNames } : {}),
    ...(spec.names.categories?.length ? { categories: spec.names.categories } : {}),
    subresources,
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
  };
  return { info, version, schema: version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
}

/**
 * versionCodec stores objects of a served version at the storage version and reads them back
 * at the served one: with conversion strategy None only apiVersion changes, as upstream.
 */
export function versionCodec(group: string, served: string, storage: string): StorageCodec {
  return {
    toStored: (obj) => ({ ...obj, apiVersion: `${group}/${storage}` }),
    fromStored: (obj) => {
      obj.apiVersion = `${group}/${served}`;
      return obj;
    },
  };
}

/** crStrategy is the strategy of one CRD's custom resources. */
export function crStrategy(served: ServedVersion): StrategyLike {
  const { schema, info } = served;
  const hasStatus = info.subresources.includes('status');
  const normalize = (obj: KObject): void => {
    prune(schema, obj);
    applyDefaults(schema, obj);
  };
  const validate = (obj: KObject): StatusCause[] => [...validateObjectMeta(obj, info.namespaced, 'subdomain'), ...validateValue(schema, obj, '')];
  return {
    prepareForCreate(obj) {
      if (hasStatus) delete obj.status;
      normalize(obj);
    },
    prepareForUpdate(newObj) {
      normalize(newObj);
    },
    validate,
    validateUpdate: (n, o) => [...validate(n), ...validateObjectMetaUpdate(n, o)],
    unknownFields: (obj) => unknownFields(schema, obj),
    resetFieldsForStatusUpdate(newObj, oldObj) {
      for (const k of Object.keys(newObj)) if (k !== 'status' && k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') delete newObj[k];
      for (const k of Object.keys(oldObj)) if (k !== 'status' && k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') newObj[k] = structuredClone(oldObj[k]);
      normalize(newObj);
    },
    resetFieldsForSpecUpdate(newObj, oldObj) {
      if (!hasStatus) return;
      if (oldObj.status === undefined) delete newObj.status;
      else newObj.status = structuredClone(oldObj.status);
    },
  };
}

/** crdStrategy is the strategy of CustomResourceDefinition objects themselves. */
export function crdStrategy(): StrategyLike {
  return {
    prepareForCreate(obj) {
      delete obj.status;
      crdDefaults(obj);
    },
    prepareForUpdate(newObj) {
      crdDefaults(newObj);
    },
    validate: validateCrd,
    validateUpdate(n, o) {
      const out = [...validateCrd(n), ...validateObjectMetaUpdate(n, o)];
      const ns = (n.spec ?? {}) as Partial<CrdSpec>;
      const os = (o.spec ?? {}) as Partial<CrdSpec>;
      // The served resource's identity and its storage keys must not move under stored objects.
      if (ns.group !== os.group) out.push({ reason: 'FieldValueInvalid', field: 'spec.group', message: `Invalid value: ${JSON.stringify(ns.group)}: field is immutable` });
      if (ns.scope !== os.scope) out.push({ reason: 'FieldValueInvalid', field: 'spec.scope', message: `Invalid value: ${JSON.stringify(ns.scope)}: field is immutable` });
      if (ns.names?.plural !== os.names?.plural) out.push({ reason: 'FieldValueInvalid', field: 'spec.names.plural', message: `Invalid value: ${JSON.stringify(ns.names?.plural)}: field is immutable` });
      return out;
    },
    unknownFields: () => [],
    resetFieldsForStatusUpdate(newObj, oldObj) {
      newObj.spec = structuredClone(oldObj.spec);
    },
    resetFieldsForSpecUpdate(newObj, oldObj) {
      if (oldObj.status === undefined) delete newObj.status;
      else newObj.status = structuredClone(oldObj.status);
    },
  };
}
