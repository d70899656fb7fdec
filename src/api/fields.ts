/**
 * Field selectors (`?fieldSelector=`): apimachinery's grammar (`a=b`, `a==b`, `a!=b`, comma is AND,
 * `\,` `\=` `\\` escapes) and the per-resource field sets kube-apiserver supports.
 */
import { badRequest } from './errors.js';
import type { ResourceInfo } from './resources.js';
import type { KObject } from './types.js';

/** FieldRequirement is one term of a field selector. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** FieldSelector matches objects through a field getter. An empty selector matches everything. */
export interface FieldSelector {
  /** matches applies every requirement; a field the getter does not know reads as ''. */
  matches(get: (field: string) => string | undefined): boolean;
  /** requirements lists the terms in the order given ('==' is reported as '='). */
  requirements(): FieldRequirement[];
  /** empty is true when there are no terms. */
  empty(): boolean;
  /** toString prints the canonical form (`a=b,c!=d`, escaped). */
  toString(): string;
}

function escapeValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

/** splitTerms splits on commas not preceded by an escaping backslash. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  return terms;
}

/** unescape reverses escapeValue; a dangling or unknown escape is an error, as in apimachinery. */
function unescape(s: string, whole: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    const n = s[i + 1];
    if (n === '\\' || n === ',' || n === '=') {
      out += n;
      i++;
    } else throw badRequest(`invalid field selector: '${whole}'; invalid escape sequence: ${n === undefined ? 'unterminated escape sequence' : `invalid escape sequence: \\${n}`}`);
  }
  return out;
}

/** findOp locates the first unescaped occurrence of op in a term. */
function findOp(term: string, op: string): number {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    if (term.startsWith(op, i)) return i;
  }
  return -1;
}

class TermsSelector implements FieldSelector {
  constructor(private readonly reqs: FieldRequirement[]) {}
  matches(get: (field: string) => string | undefined): boolean {
    return this.reqs.every((r) => {
      const v = get(r.field) ?? '';
      return r.op === '=' ? v === r.value : v !== r.value;
    });
  }
  requirements(): FieldRequirement[] {
    return this.reqs.map((r) => ({ ...r }));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  toString(): string {
    return this.reqs.map((r) => `${r.field}${r.op}${escapeValue(r.value)}`).join(',');
  }
}

/**
 * parseFieldSelector parses the string form. Throws a 400 StatusError with apimachinery's message
 * (`invalid selector: 'x'; can't understand 'x'`).
 */
export function parseFieldSelector(s: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  if (s.trim() === '') return new TermsSelector(reqs);
  for (const term of splitTerms(s)) {
    if (term === '') continue;
    let matched = false;
    // Order matters: '!=' and '==' before '=' (apimachinery tries them in this order).
    for (const [tok, op] of [['!=', '!='], ['==', '='], ['=', '=']] as const) {
      const i = findOp(term, tok);
      if (i < 0) continue;
      reqs.push({ field: unescape(term.slice(0, i), s).trim(), op, value: unescape(term.slice(i + tok.length), s) });
      matched = true;
      break;
    }
    if (!matched) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
  }
  return new TermsSelector(reqs);
}

/** EVERYTHING_FIELDS is the empty field selector. */
export const EVERYTHING_FIELDS: FieldSelector = new TermsSelector([]);

type Getter = (obj: KObject) => string;

function path(...keys: string[]): Getter {
  return (obj) => {
    let cur: unknown = obj;
    for (const k of keys) {
      if (cur === null || typeof cur !== 'object') return '';
      cur = (cur as Record<string, unknown>)[k];
    }
    if (cur === undefined || cur === null) return '';
    return String(cur);
  };
}

/** boolPath reads a boolean that kube-apiserver prints as "true"/"false" even when unset. */
function boolPath(...keys: string[]): Getter {
  const p = path(...keys);
  return (obj) => (p(obj) === 'true' ? 'true' : 'false');
}

const COMMON: Record<string, Getter> = {
  'metadata.name': path('metadata', 'name'),
  'metadata.namespace': path('metadata', 'namespace'),
};

/** FIELDS lists the selectable fields per "group/resource" beyond metadata.name/namespace (as in kube-apiserver). */
const FIELDS: Record<string, Record<string, Getter>> = {
  '/pods': {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': boolPath('spec', 'hostNetwork'),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  '/events': {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  '/nodes': { 'spec.unschedulable': boolPath('spec', 'unschedulable') },
  '/namespaces': { 'status.phase': path('status', 'phase') },
  '/services': { 'spec.clusterIP': path('spec', 'clusterIP'), 'spec.type': path('spec', 'type') },
  'apps/replicasets': { 'status.replicas': path('status', 'replicas') },
  '/secrets': { type: path('type') },
  // Upstream prints the int32, so an unset count reads "0".
  'batch/jobs': { 'status.successful': (obj) => path('status', 'succeeded')(obj) || '0' },
  // events.k8s.io events are core events underneath; their field labels use the v1 names.
  'events.k8s.io/events': {
    'regarding.kind': path('regarding', 'kind'),
    'regarding.namespace': path('regarding', 'namespace'),
    'regarding.name': path('regarding', 'name'),
    'regarding.uid': path('regarding', 'uid'),
    'regarding.apiVersion': path('regarding', 'apiVersion'),
    'regarding.resourceVersion': path('regarding', 'resourceVersion'),
    'regarding.fieldPath': path('regarding', 'fieldPath'),
    reason: path('reason'),
    reportingController: path('reportingController'),
    type: path('type'),
  },
};

function gettersOf(info: Pick<ResourceInfo, 'group' | 'resource'>): Record<string, Getter> {
  return { ...COMMON, ...(FIELDS[`${info.group}/${info.resource}`] ?? {}) };
}

/** supportedFields lists the field labels a resource can be selected by. */
export function supportedFields(info: Pick<ResourceInfo, 'group' | 'resource'>): string[] {
  return Object.keys(gettersOf(info));
}

/**
 * fieldsOf returns the field getter of obj for FieldSelector.matches: a supported field that is
 * unset reads as '' (so `spec.nodeName=` selects unscheduled pods); an unsupported one is undefined.
 */
export function fieldsOf(info: Pick<ResourceInfo, 'group' | 'resource'>, obj: KObject): (field: string) => string | undefined {
  const getters = gettersOf(info);
  return (field) => {
    const g = getters[field];
    return g ? g(obj) : undefined;
  };
}

/**
 * validateFieldSelector throws kube-apiserver's 400 (`field label not supported: x`) when sel
 * names a field the resource cannot be selected by.
 */
export function validateFieldSelector(info: Pick<ResourceInfo, 'group' | 'resource'>, sel: FieldSelector): void {
  const getters = gettersOf(info);
  for (const r of sel.requirements()) {
    if (!getters[r.field]) throw badRequest(`field label not supported: ${r.field}`);
  }
}
