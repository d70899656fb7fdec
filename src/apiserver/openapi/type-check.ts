/**
 * Decoding-time type checks, as kube-apiserver's JSON decoder does them: a body whose field has
 * the wrong JSON type (`"replicas": "three"`, `"data": {"a": 1}`) cannot be decoded into the Go
 * struct, so the request fails with 400 BadRequest before anything is defaulted, validated or
 * stored:
 *
 *   Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string
 *   into Go struct field DeploymentSpec.spec.replicas of type int32
 *
 * It walks the same definitions as the OpenAPI documents and Strict unknown-field detection.
 * Null is accepted anywhere (Go leaves the field at its zero value); `free` subtrees are not checked.
 */
import { badRequest, type StatusError } from '../../api/errors.js';
import type { Schema } from './schema-dsl.js';
import { resolve } from './schemas.js';

/** TypeMismatch is the first field whose JSON type the schema does not accept. */
export interface TypeMismatch {
  /** struct is the innermost named type holding the field (Go's UnmarshalTypeError.Struct). */
  struct: string;
  /** field is the dotted path from the root, array indices left out (as Go prints it). */
  field: string;
  /** got is the JSON type found: string, number, bool, array or object. */
  got: string;
  /** want is the Go type expected. */
  want: string;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function accepts(kind: Schema['kind'], v: unknown): { ok: boolean; want: string } {
  switch (kind) {
    case 'string':
    case 'date-time':
      return { ok: typeof v === 'string', want: kind === 'string' ? 'string' : 'v1.Time' };
    case 'integer':
      return { ok: typeof v === 'number' && Number.isInteger(v), want: 'int32' };
    case 'number':
      return { ok: typeof v === 'number', want: 'float64' };
    case 'boolean':
      return { ok: typeof v === 'boolean', want: 'bool' };
    case 'int-or-string':
      return { ok: typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)), want: 'intstr.IntOrString' };
    case 'quantity':
      return { ok: typeof v === 'string' || typeof v === 'number', want: 'resource.Quantity' };
    case 'object':
      return { ok: typeof v === 'object' && !Array.isArray(v), want: 'struct' };
    case 'map':
      return { ok: typeof v === 'object' && !Array.isArray(v), want: 'map' };
    case 'array':
      return { ok: Array.isArray(v), want: 'slice' };
    default:
      return { ok: true, want: '' };
  }
}

/** findTypeMismatch walks value against schema and returns the first field of a wrong JSON type. */
export function findTypeMismatch(schema: Schema, value: unknown, struct: string, path = ''): TypeMismatch | undefined {
  if (value === null || value === undefined) return undefined;
  const inner = schema.kind === 'ref' ? schema.ref : struct;
  const s = resolve(schema);
  if (s.kind === 'free' || s.kind === 'ref') return undefined;
  const { ok, want } = accepts(s.kind, value);
  if (!ok) return { struct, field: path, got: jsonType(value), want };
  switch (s.kind) {
    case 'object':
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const child = s.props[k];
        const m = child ? findTypeMismatch(child, v, inner, path ? `${path}.${k}` : k) : undefined;
        if (m) return m;
      }
      return undefined;
    case 'map':
      for (const v of Object.values(value as Record<string, unknown>)) {
        const m = findTypeMismatch(s.values, v, inner, path);
        if (m) return m;
      }
      return undefined;
    case 'array':
      for (const v of value as unknown[]) {
        const m = findTypeMismatch(s.items, v, inner, path);
        if (m) return m;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** typeMismatchError is the 400 kube-apiserver answers for a body it cannot decode into kind. */
export function typeMismatchError(kind: string, version: string, m: TypeMismatch): StatusError {
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${m.got} into Go struct field ${m.struct}.${m.field} of type ${m.want}`);
}
