/**
 * Structural OpenAPI v3 schemas of CustomResourceDefinitions: validation (with kube-openapi's
 * messages), defaulting and pruning of custom resources, as kube-apiserver's apiextensions does.
 *
 *   request body ─▶ unknownFields (fieldValidation=Strict → 400) ─▶ prune ─▶ defaults ─▶ validate (422)
 *
 * Supported keywords: type, nullable, properties, additionalProperties, items, required, enum,
 * minimum/maximum (+exclusive), minLength/maxLength, pattern, minItems/maxItems, uniqueItems,
 * minProperties/maxProperties, default, allOf, x-kubernetes-preserve-unknown-fields,
 * x-kubernetes-int-or-string, x-kubernetes-embedded-resource. Not supported: CEL
 * (x-kubernetes-validations), anyOf/oneOf/not, formats.
 */
import type { StatusCause } from '../../api/types.js';

/** JSONSchemaProps is the apiextensions/v1 schema node (the fields kubeactor understands). */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  nullable?: boolean;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  default?: unknown;
  allOf?: JSONSchemaProps[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/** ROOT_META are the fields every object has whatever its schema says. */
const ROOT_META = new Set(['apiVersion', 'kind', 'metadata']);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function preserves(s: JSONSchemaProps): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return Array.isArray(v) ? `[]interface {}{…}` : `map[string]interface {}{…}`;
  return String(v);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(s: JSONSchemaProps, v: unknown): boolean {
  if (v === null) return s.nullable === true || (!s.type && !s['x-kubernetes-int-or-string']);
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (s.type) {
    case undefined:
      return true;
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
  }
}

/** validateValue validates value against s; causes use field paths like `spec.replicas`. */
export function validateValue(s: JSONSchemaProps, value: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const where = path || '<root>';
  const invalid = (detail: string): void => void out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${goValue(value)}: ${detail}` });
  if (!typeMatches(s, value)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type;
    if (value === null) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: "null": ${where} in body must be of type ${want}: "null"` });
    else out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: "${typeOf(value)}": ${where} in body must be of type ${want}: "${typeOf(value)}"` });
    return out;
  }
  if (value === null) return out;
  for (const sub of s.allOf ?? []) out.push(...validateValue({ ...sub, type: sub.type ?? s.type }, value, path));
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${goValue(value)}: supported values: ${s.enum.map((e) => goValue(e)).join(', ')}` });
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) invalid(`${where} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`);
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) invalid(`${where} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`);
  }
  if (typeof value === 'string') {
    const len = [...value].length;
    if (s.minLength !== undefined && len < s.minLength) invalid(`${where} in body should be at least ${s.minLength} chars long`);
    if (s.maxLength !== undefined && len > s.maxLength) out.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be more than ${s.maxLength} bytes` });
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) invalid(`${where} in body should match '${s.pattern}'`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) invalid(`${where} in body should have at least ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) out.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${value.length}: must have at most ${s.maxItems} items` });
    if (s.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      out.push({ reason: 'FieldValueDuplicate', field: path, message: `Duplicate value: ${where} in body shouldn't contain duplicates` });
    }
    if (s.items) value.forEach((v, i) => out.push(...validateValue(s.items!, v, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    const n = Object.keys(value).length;
    if (s.minProperties !== undefined && n < s.minProperties) invalid(`${where} in body should have at least ${s.minProperties} properties`);
    if (s.maxProperties !== undefined && n > s.maxProperties) invalid(`${where} in body should have at most ${s.maxProperties} properties`);
    for (const r of s.required ?? []) {
      if (value[r] === undefined) out.push({ reason: 'FieldValueRequired', field: path ? `${path}.${r}` : r, message: 'Required value' });
    }
    for (const [k, v] of Object.entries(value)) {
      if (!path && ROOT_META.has(k)) continue;
      const child = s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
      if (child) out.push(...validateValue(child, v, path ? `${path}.${k}` : k));
    }
  }
  return out;
}

/** applyDefaults fills missing fields that have a default (in place), depth first. */
export function applyDefaults(s: JSONSchemaProps, value: unknown): void {
  if (Array.isArray(value)) {
    if (s.items) for (const v of value) applyDefaults(s.items, v);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, child] of Object.entries(s.properties ?? {})) {
    if (value[k] === undefined && child.default !== undefined) value[k] = structuredClone(child.default);
    if (value[k] !== undefined) applyDefaults(child, value[k]);
  }
  if (isObject(s.additionalProperties)) for (const [k, v] of Object.entries(value)) if (!s.properties?.[k]) applyDefaults(s.additionalProperties, v);
}

/**
 * unknownFields lists fields the schema does not specify (`spec.colour`), which pruning would
 * drop — what fieldValidation=Strict rejects and Warn reports.
 */
export function unknownFields(s: JSONSchemaProps, value: unknown, path = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => out.push(...unknownFields(s.items!, v, `${path}[${i}]`)));
    return out;
  }
  if (!isObject(value) || preserves(s) && !s.properties) return out;
  for (const [k, v] of Object.entries(value)) {
    if (!path && ROOT_META.has(k)) continue;
    const p = path ? `${path}.${k}` : k;
    const child = s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (child) out.push(...unknownFields(child, v, p));
    else if (!preserves(s) && s.additionalProperties !== true && !(s['x-kubernetes-embedded-resource'] && ROOT_META.has(k))) out.push(p);
  }
  return out;
}

/** prune removes the fields unknownFields would list (in place), as apiextensions does. */
export function prune(s: JSONSchemaProps, value: unknown, root = true): void {
  if (Array.isArray(value)) {
    if (s.items) for (const v of value) prune(s.items, v, false);
    return;
  }
  if (!isObject(value)) return;
  for (const k of Object.keys(value)) {
    if (root && ROOT_META.has(k)) continue;
    const child = s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (child) prune(child, value[k], false);
    else if (!preserves(s) && s.additionalProperties !== true && !(s['x-kubernetes-embedded-resource'] && ROOT_META.has(k))) delete value[k];
  }
}

/** schemaAt returns the subschema at a JSON path like `.spec.replicas` (scale subresource paths). */
export function schemaAt(s: JSONSchemaProps | undefined, path: string): JSONSchemaProps | undefined {
  let cur = s;
  for (const part of path.split('.').filter(Boolean)) cur = cur?.properties?.[part];
  return cur;
}
