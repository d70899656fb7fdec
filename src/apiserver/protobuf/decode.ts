/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies (what kubectl ≥ 1.32 sends for
 * `kubectl create …`) into the JSON form the rest of the apiserver works with.
 *
 *   "k8s\0" ─ runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}
 *                                        raw ─▶ k8s.io.api.<group>.<version>.<Kind> ─▶ JSON object
 *
 * The message types come from the protobufjs descriptor of the built-in `generated.proto` files
 * (descriptor.json, a copy of shared/k8s-api; data derived from the Kubernetes API, Apache-2.0).
 *
 * Presence: Go's gogo-protobuf marshaller writes every non-pointer field, even when it is the zero
 * value, and pointer fields only when set. So a zero scalar on the wire is either a non-pointer
 * field left empty (which Go's JSON would omit and the server would default) or a pointer field
 * set to zero on purpose (`replicas: 0`, `runAsUser: 0`, `suspend: false`). The descriptor cannot
 * tell them apart, so zero scalars are dropped unless their field is one of the known pointer
 * fields in {@link KEEP_ZERO}. Map entries and list elements are always kept.
 */
import protobuf from 'protobufjs';
import { badRequest } from '../../api/errors.js';
import descriptor from './descriptor.json' with { type: 'json' };

/** PROTOBUF_MEDIA_TYPE is the Content-Type of Kubernetes protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * KEEP_ZERO lists the field names of pointer scalars (`*int32`, `*bool`, `*string`) in the
 * built-in types whose zero value means something, so a zero on the wire is kept.
 */
const KEEP_ZERO = new Set([
  // workloads
  'replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'partition', 'minReplicas',
  'parallelism', 'completions', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes', 'activeDeadlineSeconds',
  'ttlSecondsAfterFinished', 'suspend', 'manualSelector', 'startingDeadlineSeconds',
  'successfulJobsHistoryLimit', 'failedJobsHistoryLimit',
  // pods
  'terminationGracePeriodSeconds', 'automountServiceAccountToken', 'shareProcessNamespace', 'enableServiceLinks',
  'hostUsers', 'priority', 'setHostnameAsFQDN', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'privileged',
  'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'fsGroup', 'defaultMode', 'optional', 'mode',
  // services, configuration, misc
  'allocateLoadBalancerNodePorts', 'immutable', 'value', 'leaseDurationSeconds', 'leaseTransitions',
  'gracePeriodSeconds', 'orphanDependents', 'expirationSeconds',
]);

/**
 * INLINE lists `Message.field`s that are Go structs embedded with `json:",inline"`: the proto has
 * a field for them, the JSON form merges their fields into the parent (`volumes[].configMap.name`).
 */
const INLINE = new Set([
  'Volume.volumeSource', 'PersistentVolumeSpec.persistentVolumeSource', 'Probe.handler',
  'EphemeralContainer.ephemeralContainerCommon', 'IngressRule.ingressRuleValue',
  'ConfigMapEnvSource.localObjectReference', 'ConfigMapKeySelector.localObjectReference',
  'ConfigMapProjection.localObjectReference', 'ConfigMapVolumeSource.localObjectReference',
  'SecretEnvSource.localObjectReference', 'SecretKeySelector.localObjectReference',
  'SecretProjection.localObjectReference', 'NamedRuleWithOperations.ruleWithOperations', 'RuleWithOperations.rule',
]);

let root: protobuf.Root | undefined;

function getRoot(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  return root;
}

/** isProtobufBody reports whether bytes start with the Kubernetes protobuf magic "k8s\0". */
export function isProtobufBody(body: Uint8Array): boolean {
  return body.length >= 4 && Buffer.from(body.subarray(0, 4)).equals(MAGIC);
}

/**
 * messageTypeFor finds the protobuf message type of a kind: `k8s.io.api.<pkg>.<version>.<Kind>`
 * where pkg is `core` or the group's first label (apps, batch, rbac, networking, …), falling back
 * to meta/v1 (DeleteOptions) — or undefined when the kind has no built-in message.
 */
export function messageTypeFor(apiVersion: string, kind: string): protobuf.Type | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg = group === '' ? 'core' : group.split('.')[0];
  const candidates = [`k8s.io.api.${pkg}.${version}.${kind}`, `k8s.io.apimachinery.pkg.apis.meta.v1.${kind}`];
  for (const name of candidates) {
    const found = getRoot().lookup(name);
    if (found instanceof protobuf.Type) return found;
  }
  return undefined;
}

/**
 * decodeProtobufObject turns a "k8s\0"-prefixed protobuf body into the object's JSON form
 * (with apiVersion and kind from the envelope). 400 Bad Request for a malformed envelope, an
 * unknown kind or bytes that do not decode as the kind's message.
 */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  if (!isProtobufBody(body)) throw badRequest('the protobuf body does not start with the "k8s\\x00" prefix');
  const unknownType = getRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array; contentEncoding?: string };
  try {
    envelope = unknownType.decode(body.subarray(4)) as typeof envelope;
  } catch (err) {
    throw badRequest(`the request body could not be decoded as protobuf: ${(err as Error).message}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (!kind) throw badRequest('the protobuf body has no kind in its type meta');
  if (envelope.contentEncoding) throw badRequest(`unsupported protobuf content encoding "${envelope.contentEncoding}"`);
  const type = messageTypeFor(apiVersion, kind);
  if (!type) throw badRequest(`no protobuf message is known for ${apiVersion || '<no apiVersion>'}, Kind=${kind}; send JSON instead`);
  let msg: protobuf.Message;
  try {
    msg = type.decode(envelope.raw ?? new Uint8Array());
  } catch (err) {
    throw badRequest(`the request body could not be decoded as protobuf ${kind}: ${(err as Error).message}`);
  }
  const obj = messageToJson(type, msg) as Record<string, unknown>;
  return { apiVersion, kind, ...obj };
}

/** jsonName is a field's JSON name: a few generated.proto fields keep Go's capital (`Webhooks`). */
export function jsonName(protoName: string): string {
  return protoName[0].toLowerCase() + protoName.slice(1);
}

function has(msg: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, key);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return Number(v);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** rfc3339 formats seconds (+ fraction digits of nanos) as Go's metav1.Time/MicroTime do. */
function rfc3339(seconds: number, nanos: number, fractionDigits: number): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (fractionDigits === 0) return `${iso}Z`;
  return `${iso}.${pad(Math.floor(nanos / 10 ** (9 - fractionDigits)), fractionDigits)}Z`;
}

/** goDuration formats nanoseconds like Go's time.Duration.String ("1h0m0s", "1.5s", "0s"). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    if (rest < 1e3) return `${sign}${rest}ns`;
    if (rest < 1e6) return `${sign}${rest / 1e3}µs`;
    return `${sign}${rest / 1e6}ms`;
  }
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const s = `${Number((rest / 1e9).toFixed(9))}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

function parseRaw(raw: unknown): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return {};
  const text = Buffer.from(raw).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('an embedded raw object in the protobuf body is not JSON');
  }
}

/** messageToJson converts one decoded message to its JSON form (see the file comment). */
function messageToJson(type: protobuf.Type, msg: protobuf.Message): unknown {
  const m = msg as unknown as Record<string, unknown>;
  switch (type.fullName) {
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return String(m.string ?? '');
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return toNumber(m.type ?? 0) === 1 ? String(m.strVal ?? '') : toNumber(m.intVal ?? 0);
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.Time': {
      const s = toNumber(m.seconds ?? 0);
      return s === 0 && !m.nanos ? null : rfc3339(s, 0, 0);
    }
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': {
      const s = toNumber(m.seconds ?? 0);
      return s === 0 && !m.nanos ? null : rfc3339(s, toNumber(m.nanos ?? 0), 6);
    }
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.Duration':
      return goDuration(toNumber(m.duration ?? 0));
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1':
      return parseRaw(m.Raw);
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return parseRaw(m.raw);
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!has(msg, field.name)) continue;
    const v = m[field.name];
    field.resolve();
    const name = jsonName(field.name);
    if (field instanceof protobuf.MapField) {
      const map: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) map[k] = valueToJson(field, e, true);
      // protobufjs gives every map an own {} even when absent; Go's JSON omits empty maps too.
      if (Object.keys(map).length > 0) out[name] = map;
    } else if (field.repeated) {
      const arr = v as unknown[];
      if (arr.length > 0) out[name] = arr.map((e) => valueToJson(field, e, true));
    } else {
      const j = valueToJson(field, v, KEEP_ZERO.has(field.name));
      if (INLINE.has(`${type.name}.${field.name}`) && j !== null && typeof j === 'object') Object.assign(out, j);
      else if (j !== undefined) out[name] = j;
    }
  }
  return out;
}

/** valueToJson converts one field value; undefined means "omit" (a dropped zero scalar). */
function valueToJson(field: protobuf.Field, v: unknown, keepZero: boolean): unknown {
  if (field.resolvedType instanceof protobuf.Type) return messageToJson(field.resolvedType, v as protobuf.Message);
  switch (field.type) {
    case 'bytes': {
      const b = Buffer.from(v as Uint8Array);
      return b.length === 0 && !keepZero ? undefined : b.toString('base64');
    }
    case 'string':
      return v === '' && !keepZero ? undefined : v;
    case 'bool':
      return v === false && !keepZero ? undefined : v;
    default: {
      const n = toNumber(v);
      return n === 0 && !keepZero ? undefined : n;
    }
  }
}
