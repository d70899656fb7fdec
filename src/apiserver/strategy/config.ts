/**
 * Strategies' kind-specific parts for core/v1 ConfigMaps, Secrets, PersistentVolumes,
 * PersistentVolumeClaims, LimitRanges and ResourceQuotas: defaults, validation and update rules
 * as pkg/apis/core/validation and the registries do them.
 */
import { badRequest } from '../../api/errors.js';
import { parseQuantity } from '../../api/quantity.js';
import type { KObject } from '../../api/types.js';
import { deepEqual, forbidden, IMMUTABLE, invalidField, notSupported, required, tooLong, type ErrorList } from './validation.js';

type StrMap = Record<string, string>;
interface DataObject extends KObject {
  data?: StrMap;
  binaryData?: StrMap;
  stringData?: StrMap;
  immutable?: boolean;
  type?: string;
}

const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
/** MAX_DATA_BYTES is the size limit of a ConfigMap's or Secret's data (1 MiB). */
export const MAX_DATA_BYTES = 1024 * 1024;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validateKeys(m: StrMap | undefined, field: string): ErrorList {
  const errs: ErrorList = [];
  for (const k of Object.keys(m ?? {})) {
    if (k.length > 253) errs.push(invalidField(field, k, 'must be no more than 253 characters'));
    if (!CONFIG_KEY_RE.test(k)) errs.push(invalidField(field, k, CONFIG_KEY_MSG));
    if (k === '.' || k === '..') errs.push(invalidField(field, k, `must not be '${k}'`));
    else if (k.startsWith('..')) errs.push(invalidField(field, k, "must not start with '..'"));
  }
  return errs;
}

function byteSize(m: StrMap | undefined, decode: boolean): number {
  let n = 0;
  for (const v of Object.values(m ?? {})) n += decode ? Math.floor((v.length * 3) / 4) : Buffer.byteLength(v);
  return n;
}

/** validateConfigMap is ValidateConfigMap: keys, no key in both data and binaryData, 1 MiB total. */
export function validateConfigMap(obj: KObject): ErrorList {
  const cm = obj as DataObject;
  const errs = [...validateKeys(cm.data, 'data'), ...validateKeys(cm.binaryData, 'binaryData')];
  for (const k of Object.keys(cm.binaryData ?? {})) {
    if (cm.data && k in cm.data) errs.push(invalidField('data', k, 'duplicate of key present in binaryData'));
  }
  if (byteSize(cm.data, false) + byteSize(cm.binaryData, true) > MAX_DATA_BYTES) errs.push(tooLong('', MAX_DATA_BYTES));
  return errs;
}

/** validateImmutableData: an immutable ConfigMap/Secret keeps its data and stays immutable. */
export function validateImmutableData(newObj: KObject, oldObj: KObject): ErrorList {
  const n = newObj as DataObject;
  const o = oldObj as DataObject;
  if (o.immutable !== true) return [];
  const errs: ErrorList = [];
  if (n.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (!deepEqual(n.data ?? {}, o.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  if (!deepEqual(n.binaryData ?? {}, o.binaryData ?? {})) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  return errs;
}

/**
 * secretDefaults folds stringData into data (base64) as the API server's conversion does, sets
 * type Opaque, and rejects values that are not base64 (the decoder's 400 in the real server).
 */
export function secretDefaults(obj: KObject): void {
  const s = obj as DataObject;
  s.type ??= 'Opaque';
  for (const [k, v] of Object.entries(s.data ?? {})) {
    if (typeof v !== 'string' || !BASE64_RE.test(v)) {
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${firstBadByte(String(v))} (data[${JSON.stringify(k)}])`);
    }
  }
  if (s.stringData) {
    const data = (s.data ??= {});
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
}

function firstBadByte(v: string): number {
  const i = v.search(/[^A-Za-z0-9+/=]/);
  return i >= 0 ? i : Math.max(0, v.length - (v.length % 4));
}

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

/** validateSecret is ValidateSecret: keys, size, the per-type required keys and annotations. */
export function validateSecret(obj: KObject): ErrorList {
  const s = obj as DataObject;
  const errs = validateKeys(s.data, 'data');
  if (byteSize(s.data, true) > MAX_DATA_BYTES) errs.push(tooLong('data', MAX_DATA_BYTES));
  for (const k of SECRET_REQUIRED_KEYS[s.type ?? ''] ?? []) if (!s.data || !(k in s.data)) errs.push(required(`data[${k}]`));
  if (s.type === 'kubernetes.io/service-account-token' && !s.metadata.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  if (s.type === 'kubernetes.io/basic-auth' && !s.data?.username && !s.data?.password) {
    errs.push(required('data[username]', 'either username or password is required'));
  }
  if (s.type === 'kubernetes.io/ssh-auth' && !s.data?.['ssh-privatekey']) errs.push(required('data[ssh-privatekey]'));
  return errs;
}

/** validateSecretUpdate: type is immutable, plus the immutable-data rule. */
export function validateSecretUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const errs = validateImmutableData(newObj, oldObj);
  const n = (newObj as DataObject).type;
  const o = (oldObj as DataObject).type;
  if (n !== o) errs.push(invalidField('type', n ?? '', IMMUTABLE));
  return errs;
}

interface PvLike extends KObject {
  spec?: Record<string, unknown> & { accessModes?: string[]; capacity?: StrMap; persistentVolumeReclaimPolicy?: string; volumeMode?: string; resources?: { requests?: StrMap; limits?: StrMap }; volumeName?: string };
  status?: Record<string, unknown>;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const PV_SOURCES = ['hostPath', 'local', 'nfs', 'csi', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'glusterfs', 'iscsi', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume'];

function validateAccessModes(modes: string[] | undefined, field: string): ErrorList {
  if (!modes || modes.length === 0) return [required(field)];
  const errs: ErrorList = [];
  for (const m of modes) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(field, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateQuantities(m: StrMap | undefined, field: string): ErrorList {
  const errs: ErrorList = [];
  for (const [k, v] of Object.entries(m ?? {})) {
    try {
      if (parseQuantity(String(v)) < 0) errs.push(invalidField(`${field}[${k}]`, v, 'must be greater than or equal to 0'));
    } catch {
      errs.push(invalidField(`${field}[${k}]`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    }
  }
  return errs;
}

/** pvDefaults: reclaim policy Retain, volumeMode Filesystem (SetDefaults_PersistentVolume). */
export function pvDefaults(obj: KObject): void {
  const spec = ((obj as PvLike).spec ??= {});
  spec.persistentVolumeReclaimPolicy ??= 'Retain';
  spec.volumeMode ??= 'Filesystem';
}

/** pvcDefaults: volumeMode Filesystem. */
export function pvcDefaults(obj: KObject): void {
  const spec = ((obj as PvLike).spec ??= {});
  spec.volumeMode ??= 'Filesystem';
}

/** pendingPhase: a new PersistentVolume or claim starts Pending (the PV controller binds it later). */
export function pendingPhase(obj: KObject): void {
  (obj as PvLike).status = { phase: 'Pending' };
}

/** validatePersistentVolume checks capacity, access modes and that exactly one source is given. */
export function validatePersistentVolume(obj: KObject): ErrorList {
  const spec = (obj as PvLike).spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (!spec.capacity || !('storage' in spec.capacity)) errs.push(required('spec.capacity'));
  errs.push(...validateQuantities(spec.capacity, 'spec.capacity'));
  const sources = PV_SOURCES.filter((s) => spec[s] !== undefined);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  if (sources.length > 1) errs.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  const policies = ['Delete', 'Recycle', 'Retain'];
  if (spec.persistentVolumeReclaimPolicy && !policies.includes(spec.persistentVolumeReclaimPolicy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, policies));
  return errs;
}

/** validatePersistentVolumeUpdate: the volume source and volumeMode are immutable. */
export function validatePersistentVolumeUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = (newObj as PvLike).spec ?? {};
  const o = (oldObj as PvLike).spec ?? {};
  const errs: ErrorList = [];
  if (PV_SOURCES.some((s) => !deepEqual(n[s], o[s]))) errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  if (n.volumeMode !== o.volumeMode) errs.push(invalidField('spec.volumeMode', n.volumeMode ?? '', IMMUTABLE));
  return errs;
}

/** validatePersistentVolumeClaim checks access modes and the storage request. */
export function validatePersistentVolumeClaim(obj: KObject): ErrorList {
  const spec = (obj as PvLike).spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (!spec.resources?.requests || !('storage' in spec.resources.requests)) errs.push(required('spec.resources[storage]'));
  errs.push(...validateQuantities(spec.resources?.requests, 'spec.resources.requests'));
  return errs;
}

/** validatePersistentVolumeClaimUpdate: only resources.requests and volumeName (once) may change. */
export function validatePersistentVolumeClaimUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = structuredClone((newObj as PvLike).spec ?? {});
  const o = structuredClone((oldObj as PvLike).spec ?? {});
  if (!o.volumeName && n.volumeName) o.volumeName = n.volumeName;
  delete n.resources;
  delete o.resources;
  delete n.volumeAttributesClassName;
  delete o.volumeAttributesClassName;
  if (deepEqual(n, o)) return [];
  return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
}

const LIMIT_TYPES = ['Container', 'PersistentVolumeClaim', 'Pod'];

/** validateLimitRange checks item types and quantities. */
export function validateLimitRange(obj: KObject): ErrorList {
  const limits = ((obj.spec as { limits?: Record<string, unknown>[] } | undefined)?.limits ?? []) as ({ type?: string } & Record<string, StrMap | string | undefined>)[];
  const errs: ErrorList = [];
  limits.forEach((l, i) => {
    const f = `spec.limits[${i}]`;
    if (!l.type) errs.push(required(`${f}.type`));
    else if (!LIMIT_TYPES.includes(l.type)) errs.push(notSupported(`${f}.type`, l.type, LIMIT_TYPES));
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) errs.push(...validateQuantities(l[k] as StrMap | undefined, `${f}.${k}`));
    if (l.type === 'Pod' && (l.default || l.defaultRequest)) errs.push(forbidden(`${f}.default`, 'may not be specified when `type` is \'Pod\''));
  });
  return errs;
}

const QUOTA_SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];

/** validateResourceQuota checks hard quantities and scopes. */
export function validateResourceQuota(obj: KObject): ErrorList {
  const spec = (obj.spec ?? {}) as { hard?: StrMap; scopes?: string[] };
  const errs = validateQuantities(spec.hard, 'spec.hard');
  for (const s of spec.scopes ?? []) if (!QUOTA_SCOPES.includes(s)) errs.push(notSupported('spec.scopes', s, QUOTA_SCOPES));
  return errs;
}
