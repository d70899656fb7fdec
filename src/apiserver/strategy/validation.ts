/**
 * Field-error builders and shared validators, worded as apimachinery's field.ErrorList prints
 * them (`Required value`, `Invalid value: "x": …`, `Unsupported value: …`), so kubectl users see
 * the messages they know. All user-facing validation wording lives here.
 */
import { isDns1123Subdomain, isQualifiedName, isValidLabelValue } from '../../api/labels.js';
import type { KObject, LabelSelector, StatusCause } from '../../api/types.js';

/** ErrorList collects causes for one object. */
export type ErrorList = StatusCause[];

/** goValue formats a value roughly as Go's %#v would in apimachinery messages. */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return 'null';
  return JSON.stringify(v);
}

/** required: `Required value` (optionally with detail). */
export function required(field: string, detail?: string): StatusCause {
  return { reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

/** invalidField: `Invalid value: <v>: detail`. */
export function invalidField(field: string, value: unknown, detail: string, rendered?: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${rendered ?? goValue(value)}: ${detail}` };
}

/** notSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, supported: string[]): StatusCause {
  const list = [...supported].sort().map((s) => JSON.stringify(s)).join(', ');
  return { reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${goValue(value)}: supported values: ${list}` };
}

/** duplicate: `Duplicate value: "x"`. */
export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` };
}

/** forbidden: `Forbidden: detail`. */
export function forbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

/** notFoundField: `Not found: "x"`. */
export function notFoundField(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueNotFound', field, message: `Not found: ${goValue(value)}` };
}

/** tooLong: `Too long: may not be more than N bytes`. */
export function tooLong(field: string, max: number): StatusCause {
  return { reason: 'FieldValueTooLong', field, message: `Too long: must have at most ${max} bytes` };
}

/** IMMUTABLE is apimachinery's FieldImmutableErrorMsg. */
export const IMMUTABLE = 'field is immutable';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);

/** isDns1123Label returns the problems of an RFC 1123 label (namespaces, container names). */
export function isDns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL_RE.test(v)) errs.push(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL_FMT}')`);
  return errs;
}

/** isDns1035Label returns the problems of an RFC 1035 label (service names). */
export function isDns1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL_RE.test(v)) errs.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL_FMT}')`);
  return errs;
}

/** NameRule picks how metadata.name is validated for a kind. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

function nameProblems(rule: NameRule, name: string): string[] {
  switch (rule) {
    case 'subdomain':
      return isDns1123Subdomain(name);
    case 'label':
      return isDns1123Label(name);
    case 'dns1035':
      return isDns1035Label(name);
    case 'path':
      // Events and leases only need a path segment name (ValidatePathSegmentName).
      if (name === '.' || name === '..') return [`may not be '${name}'`];
      if (name.includes('/')) return ["may not contain '/'"];
      if (name.includes('%')) return ["may not contain '%'"];
      return [];
  }
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** validateObjectMeta checks name, namespace presence, labels and annotations. */
export function validateObjectMeta(obj: KObject, namespaced: boolean, rule: NameRule): ErrorList {
  const errs: ErrorList = [];
  const m = obj.metadata ?? {};
  if (!m.name && !m.generateName) errs.push(required('metadata.name', 'name or generateName is required'));
  if (m.name) for (const p of nameProblems(rule, m.name)) errs.push(invalidField('metadata.name', m.name, p));
  if (m.generateName) {
    // The generated name appends 5 characters, so check the prefix as if it were a full name.
    const probe = m.generateName.replace(/-$/, '') || 'a';
    for (const p of nameProblems(rule, probe)) errs.push(invalidField('metadata.generateName', m.generateName, p));
  }
  if (namespaced && !m.namespace) errs.push(required('metadata.namespace'));
  if (!namespaced && m.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  if (m.namespace) for (const p of isDns1123Label(m.namespace)) errs.push(invalidField('metadata.namespace', m.namespace, p));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  let size = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    for (const p of isQualifiedName(k.toLowerCase())) errs.push(invalidField('metadata.annotations', k, p));
    size += k.length + String(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE));
  for (const [i, r] of (m.ownerReferences ?? []).entries()) {
    if (!r.apiVersion) errs.push(invalidField(`metadata.ownerReferences[${i}].apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(invalidField(`metadata.ownerReferences[${i}].kind`, r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(invalidField(`metadata.ownerReferences[${i}].name`, r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(invalidField(`metadata.ownerReferences[${i}].uid`, r.uid ?? '', 'uid must not be empty'));
  }
  if ((m.ownerReferences ?? []).filter((r) => r.controller).length > 1) {
    errs.push(invalidField('metadata.ownerReferences', m.ownerReferences, 'Only one reference can have Controller set to true'));
  }
  return errs;
}

/** validateLabels checks keys and values of a label map at field. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): ErrorList {
  const errs: ErrorList = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const p of isQualifiedName(k)) errs.push(invalidField(field, k, p));
    for (const p of isValidLabelValue(String(v))) errs.push(invalidField(field, v, p));
  }
  return errs;
}

/** validateObjectMetaUpdate checks the immutable metadata fields. */
export function validateObjectMetaUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const errs: ErrorList = [];
  const n = newObj.metadata;
  const o = oldObj.metadata;
  if (n.name !== o.name) errs.push(invalidField('metadata.name', n.name ?? '', IMMUTABLE));
  if ((n.namespace ?? '') !== (o.namespace ?? '')) errs.push(invalidField('metadata.namespace', n.namespace ?? '', IMMUTABLE));
  if (o.uid && n.uid && n.uid !== o.uid) errs.push(invalidField('metadata.uid', n.uid, IMMUTABLE));
  return errs;
}

/** goLabelMap renders a label map as Go's %#v does: map[string]string{"a":"b"}. */
export function goLabelMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** goLabelSelector renders a LabelSelector as Go's %#v does (used in immutability errors). */
export function goLabelSelector(s: LabelSelector | undefined): string {
  if (!s) return '(*v1.LabelSelector)(nil)';
  const exprs = s.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:[]string{${(e.values ?? []).map((v) => JSON.stringify(v)).join(', ')}}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `&v1.LabelSelector{MatchLabels:${goLabelMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** validateNonNegative: `must be greater than or equal to 0`. */
export function validateNonNegative(v: unknown, field: string): ErrorList {
  return typeof v === 'number' && v < 0 ? [invalidField(field, v, 'must be greater than or equal to 0')] : [];
}

/** validatePort: 1..65535. */
export function validatePortNumber(v: unknown, field: string): ErrorList {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) return [invalidField(field, v ?? 0, 'must be between 1 and 65535, inclusive')];
  return [];
}

/** PROTOCOLS are the supported port protocols. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** deepEqual compares JSON values structurally (key order ignored); one implementation for the apiserver. */
export { deepEqual } from '../object-util.js';
