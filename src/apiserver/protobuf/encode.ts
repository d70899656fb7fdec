/**
 * The inverse of decode.ts: a built-in object in JSON form → a "k8s\0" + runtime.Unknown protobuf
 * body, as client-go's protobuf serializer writes it. The server never sends protobuf (JSON
 * responses are accepted by every client); this exists so tests and benchmarks can send the
 * bodies kubectl ≥ 1.32 sends, for any object, not only recorded ones.
 */
import protobuf from 'protobufjs';
import { jsonName, messageTypeFor } from './decode.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** INLINE_FIELDS mirrors decode.ts: embedded Go structs whose JSON fields sit in the parent. */
const INLINE_FIELDS: Record<string, string> = {
  Volume: 'volumeSource',
  PersistentVolumeSpec: 'persistentVolumeSource',
  Probe: 'handler',
  EphemeralContainer: 'ephemeralContainerCommon',
  IngressRule: 'ingressRuleValue',
  ConfigMapEnvSource: 'localObjectReference',
  ConfigMapKeySelector: 'localObjectReference',
  ConfigMapProjection: 'localObjectReference',
  ConfigMapVolumeSource: 'localObjectReference',
  SecretEnvSource: 'localObjectReference',
  SecretKeySelector: 'localObjectReference',
  SecretProjection: 'localObjectReference',
  NamedRuleWithOperations: 'ruleWithOperations',
  RuleWithOperations: 'rule',
};

/**
 * encodeProtobufObject encodes obj (which must carry apiVersion and kind of a built-in type) as a
 * Kubernetes protobuf body. Throws on kinds without a built-in message.
 */
export function encodeProtobufObject(obj: { apiVersion?: unknown; kind?: unknown; [k: string]: unknown }): Uint8Array {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const type = messageTypeFor(apiVersion, kind);
  if (!type) throw new Error(`no protobuf message for ${apiVersion}, Kind=${kind}`);
  const raw = type.encode(type.fromObject(toProto(type, obj) as Record<string, unknown>)).finish();
  const unknownType = type.root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const env = unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  const out = new Uint8Array(4 + env.length);
  out.set(MAGIC, 0);
  out.set(env, 4);
  return out;
}

function timeOf(v: unknown): { seconds: number; nanos: number } | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  const frac = /\.(\d+)/.exec(v)?.[1] ?? '';
  return { seconds: Math.floor(ms / 1000), nanos: Number(frac.padEnd(9, '0').slice(0, 9)) };
}

/** toProto maps a JSON value of a message type onto protobufjs's object form. */
function toProto(type: protobuf.Type, v: unknown): unknown {
  switch (type.fullName) {
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { string: String(v) };
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) };
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.Time':
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime':
      return timeOf(v) ?? {};
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1':
      return { Raw: Buffer.from(JSON.stringify(v)) };
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { raw: Buffer.from(JSON.stringify(v)) };
  }
  if (v === null || typeof v !== 'object') return {};
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const inline = INLINE_FIELDS[type.name];
  for (const field of type.fieldsArray) {
    field.resolve();
    const value = field.name === inline ? src : src[jsonName(field.name)];
    if (value === undefined || value === null) continue;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const conv = (e: unknown): unknown => (sub ? toProto(sub, e) : field.type === 'bytes' && typeof e === 'string' ? Buffer.from(e, 'base64') : e);
    if (field instanceof protobuf.MapField) {
      out[field.name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, e]) => [k, conv(e)]));
    } else if (field.repeated) {
      out[field.name] = (value as unknown[]).map(conv);
    } else {
      out[field.name] = conv(value);
    }
  }
  return out;
}
