/**
 * Label selectors: the string form (`?labelSelector=` and `kubectl -l`) and the structured form
 * (LabelSelector of workloads), with apimachinery's grammar, matching rules and error messages.
 *
 *   selector    := requirement ( ',' requirement )*
 *   requirement := key | '!' key | key op value | key ('in'|'notin') '(' values ')' | key ('>'|'<') int
 *   op          := '=' | '==' | '!='
 *
 * Requirements AND together. NotIn / != match objects that lack the key, as in Kubernetes.
 */
import { badRequest } from './errors.js';
import type { LabelSelector } from './types.js';

/** Operator is a requirement's operator, as apimachinery's selection.Operator. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** Requirement is one parsed term of a selector. */
export interface Requirement {
  key: string;
  operator: Operator;
  /** values are sorted for in/notin (as apimachinery stores them as a set). */
  values: string[];
}

/** Selector matches label sets. An empty selector matches everything. */
export interface Selector {
  /** matches reports whether labels (absent = no labels) satisfy every requirement. */
  matches(labels?: Record<string, string>): boolean;
  /** empty is true when the selector has no requirements. */
  empty(): boolean;
  /** toString prints the canonical form, requirements sorted by key (`a=b,c in (x,y)`). */
  toString(): string;
  /** requirements lists the parsed terms, sorted by key. */
  requirements(): readonly Requirement[];
}

// ---- validation of keys and values (also used by the API strategies) ----

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** QUALIFIED_NAME_MSG is apimachinery's message for a bad name part of a qualified name. */
export const QUALIFIED_NAME_MSG = `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_FMT}')`;

/** LABEL_VALUE_MSG is apimachinery's message for a bad label value. */
export const LABEL_VALUE_MSG = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE_FMT}')`;

/** DNS1123_SUBDOMAIN_MSG is apimachinery's message for a bad DNS-1123 subdomain. */
export const DNS1123_SUBDOMAIN_MSG = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`;

/**
 * isQualifiedName returns the problems of a label/annotation key (`[prefix/]name`), empty if valid.
 * Mirrors validation.IsQualifiedName.
 */
export function isQualifiedName(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
      if (!DNS1123_SUBDOMAIN_RE.test(prefix)) errs.push(`prefix part ${DNS1123_SUBDOMAIN_MSG}`);
    }
  } else if (parts.length > 2) {
    return [`a qualified name ${QUALIFIED_NAME_MSG.replace('name part ', '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_RE.test(name)) errs.push(QUALIFIED_NAME_MSG);
  return errs;
}

/** isValidLabelValue returns the problems of a label value, empty if valid. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE_RE.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/** isDns1123Subdomain returns the problems of a DNS-1123 subdomain, empty if valid. */
export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(DNS1123_SUBDOMAIN_MSG);
  return errs;
}

// ---- requirements ----

function invalidValue(field: string, value: string, msg: string): string {
  return `${field}: Invalid value: ${JSON.stringify(value)}: ${msg}`;
}

/** newRequirement validates and builds one requirement (labels.NewRequirement); throws Error with its message. */
function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  for (const m of isQualifiedName(key)) errs.push(invalidValue('key', key, m));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(`values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0])) {
        errs.push(`values[0]: Invalid value: ${JSON.stringify(values[0] ?? '')}: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      break;
  }
  if (operator !== 'gt' && operator !== 'lt') {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalidValue(`values[${i}][${key}]`, v, m));
    });
  }
  if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  const vs = operator === 'in' || operator === 'notin' ? [...new Set(values)].sort() : values;
  return { key, operator, values: vs };
}

function requirementMatches(r: Requirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v as string)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

class RequirementSelector implements Selector {
  private readonly reqs: Requirement[];
  constructor(reqs: Requirement[]) {
    // apimachinery sorts by key so String() is canonical; stable sort keeps same-key order.
    this.reqs = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  matches(labels?: Record<string, string>): boolean {
    return this.reqs.every((r) => requirementMatches(r, labels));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  toString(): string {
    return this.reqs.map(requirementString).join(',');
  }
  requirements(): readonly Requirement[] {
    return this.reqs;
  }
}

/** NOTHING_SELECTOR matches no object (a nil LabelSelector converts to it, as in apimachinery). */
export const NOTHING_SELECTOR: Selector = {
  matches: () => false,
  empty: () => false,
  toString: () => '',
  requirements: () => [],
};

/** EVERYTHING_SELECTOR matches every object. */
export const EVERYTHING_SELECTOR: Selector = new RequirementSelector([]);

// ---- the string parser ----

type TokKind = 'id' | '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '>' | '<' | 'in' | 'notin' | 'eos';
interface Tok {
  kind: TokKind;
  lit: string;
}

const SPECIAL = new Set(['!', '=', ',', '(', ')', '>', '<']);

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      const two = s.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        out.push({ kind: two, lit: two });
        i += 2;
      } else {
        out.push({ kind: c as TokKind, lit: c });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j]) && !/\s/.test(s[j])) j++;
    const word = s.slice(i, j);
    out.push({ kind: word === 'in' || word === 'notin' ? word : 'id', lit: word });
    i = j;
  }
  out.push({ kind: 'eos', lit: '' });
  return out;
}

const BINARY_OPS = "'in', 'notin', '=', '==', '!=', 'gt', 'lt'";

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok {
    return this.toks[this.pos];
  }
  private next(): Tok {
    return this.toks[this.pos++];
  }
  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eos') return reqs;
      if (t.kind !== 'id' && t.kind !== '!') throw new Error(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      const after = this.next();
      if (after.kind === 'eos') return reqs;
      if (after.kind !== ',') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`);
      const head = this.peek();
      if (head.kind !== 'id' && head.kind !== '!') throw new Error(`found '${head.lit}', expected: identifier after ','`);
    }
  }
  private requirement(): Requirement {
    if (this.peek().kind === '!') {
      this.next();
      const key = this.next();
      if (key.kind !== 'id') throw new Error(`found '${key.lit}', expected: identifier`);
      return newRequirement(key.lit, '!', []);
    }
    const key = this.next().lit;
    const op = this.peek();
    if (op.kind === ',' || op.kind === 'eos') return newRequirement(key, 'exists', []);
    this.next();
    switch (op.kind) {
      case 'in':
      case 'notin':
        return newRequirement(key, op.kind, this.setValues());
      case '=':
      case '==':
      case '!=':
        return newRequirement(key, op.kind, [this.exactValue()]);
      case '>':
      case '<':
        return newRequirement(key, op.kind === '>' ? 'gt' : 'lt', [this.exactValue()]);
      default:
        throw new Error(`found '${op.lit}', expected: ${BINARY_OPS}`);
    }
  }
  private exactValue(): string {
    const t = this.peek();
    if (t.kind === ',' || t.kind === 'eos') return '';
    this.next();
    // Keywords are fine as values (`env=in`), as in apimachinery's parseExactValue.
    if (t.kind === 'id' || t.kind === 'in' || t.kind === 'notin') return t.lit;
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
  private setValues(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw new Error(`found '${open.lit}', expected: '('`);
    const values: string[] = [];
    if (this.peek().kind === ')') {
      this.next();
      return values;
    }
    for (;;) {
      const t = this.peek();
      if (t.kind === 'id' || t.kind === 'in' || t.kind === 'notin') {
        this.next();
        values.push(t.lit);
      } else if (t.kind === ',' || t.kind === ')') {
        values.push(''); // `(a,,b)` and `(a,)` carry empty values, as apimachinery parses them
      } else {
        throw new Error(`found '${t.lit}', expected: ',', ')' or identifier`);
      }
      const sep = this.next();
      if (sep.kind === ')') return values;
      if (sep.kind !== ',') throw new Error(`found '${sep.lit}', expected: ',' or ')'`);
    }
  }
}

/**
 * parseLabelSelector parses the string form. Throws a 400 StatusError whose message is the one
 * kube-apiserver gives (e.g. `unable to parse requirement: found 'x', expected: '('`).
 */
export function parseLabelSelector(s: string): Selector {
  try {
    return new RequirementSelector(new Parser(lex(s)).parse());
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/**
 * fromLabelSelector converts a structured LabelSelector (metav1.LabelSelectorAsSelector):
 * undefined matches nothing, `{}` matches everything. Throws a 400 StatusError on a bad operator
 * or value (validation should have caught it first).
 */
export function fromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === undefined || ls === null) return NOTHING_SELECTOR;
  const reqs: Requirement[] = [];
  try {
    for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
    for (const e of ls.matchExpressions ?? []) {
      const op = EXPRESSION_OPS[e.operator];
      if (!op) throw new Error(`"${e.operator}" is not a valid label selector operator`);
      reqs.push(newRequirement(e.key, op, e.values ?? []));
    }
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  return new RequirementSelector(reqs);
}

const EXPRESSION_OPS: Record<string, Operator | undefined> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * formatLabelSelector is the string form of a structured selector, as Scale.status.selector and
 * the deployment SELECTOR column use it (`app=web,tier in (a,b)`); '' for an empty selector.
 */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  return fromLabelSelector(ls).toString();
}

/** selectorFromSet builds an equality selector from a label map (labels.SelectorFromSet). */
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  return fromLabelSelector({ matchLabels: set ?? {} });
}
