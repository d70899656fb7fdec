/**
 * Label and field selectors as clients evaluate them: the string form of list/watch options
 * (`app=web,tier in (a,b),!canary`) and the structured LabelSelector of workloads. The fake API
 * client and controllers both match with these, so a selector means the same thing everywhere.
 */
import type { KObject, LabelSelector, LabelSelectorRequirement } from '../api/types.js';

/** SelectorRequirement is one parsed term of a label selector string. */
export interface SelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals';
  values: string[];
}

/** SelectorParseError: a selector string that kube-apiserver would reject with 400. */
export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

/** splitTerms splits on commas that are not inside a `( … )` value set. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** parseLabelSelector parses the string form; the empty string selects everything. */
export function parseLabelSelector(s: string | undefined): SelectorRequirement[] {
  if (!s || !s.trim()) return [];
  return splitTerms(s).map((term) => {
    const set = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = set[3].split(',').map((v) => v.trim()).filter((v) => v.length > 0);
      return { key: set[1], operator: set[2] === 'in' ? 'In' : 'NotIn', values };
    }
    const neq = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(term);
    if (neq) return { key: neq[1], operator: 'NotEquals', values: [neq[2]] };
    const eq = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(term);
    if (eq) return { key: eq[1], operator: 'Equals', values: [eq[2]] };
    const not = /^!\s*([^\s!=()]+)$/.exec(term);
    if (not) return { key: not[1], operator: 'DoesNotExist', values: [] };
    if (/^[^\s!=(),]+$/.test(term)) return { key: term, operator: 'Exists', values: [] };
    throw new SelectorParseError(`unable to parse requirement: ${term}`);
  });
}

/** requirementMatches evaluates one requirement against a label map. */
export function requirementMatches(req: SelectorRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, req.key);
  const v = has ? labels![req.key] : undefined;
  switch (req.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Equals':
    case 'In':
      return has && req.values.includes(v!);
    case 'NotEquals':
    case 'NotIn':
      return !has || !req.values.includes(v!);
    default: {
      const never: never = req.operator;
      throw new SelectorParseError(`unknown operator ${String(never)}`);
    }
  }
}

/** matchesLabelSelectorString is parse + match; cache the parse where it is hot. */
export function matchesLabelSelectorString(labels: Record<string, string> | undefined, s: string | undefined): boolean {
  return parseLabelSelector(s).every((r) => requirementMatches(r, labels));
}

/** structuredRequirements turns a LabelSelector into requirements (matchLabels AND matchExpressions). */
export function structuredRequirements(sel: LabelSelector): SelectorRequirement[] {
  const reqs: SelectorRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, operator: 'Equals', values: [v] });
  for (const e of sel.matchExpressions ?? []) reqs.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  return reqs;
}

/**
 * labelSelectorMatches: does the structured selector select these labels? As in
 * metav1.LabelSelectorAsSelector, an empty selector ({}) selects everything; callers that must
 * select nothing for an empty selector (workload controllers) check that themselves.
 */
export function labelSelectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  return structuredRequirements(sel).every((r) => requirementMatches(r, labels));
}

/** isEmptySelector: no matchLabels and no matchExpressions. */
export function isEmptySelector(sel: LabelSelector | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

function requirementToString(e: LabelSelectorRequirement): string {
  switch (e.operator) {
    case 'In':
      return `${e.key} in (${[...(e.values ?? [])].sort().join(',')})`;
    case 'NotIn':
      return `${e.key} notin (${[...(e.values ?? [])].sort().join(',')})`;
    case 'Exists':
      return e.key;
    case 'DoesNotExist':
      return `!${e.key}`;
    default: {
      const never: never = e.operator;
      throw new SelectorParseError(`unknown operator ${String(never)}`);
    }
  }
}

/** labelSelectorToString renders a structured selector in the string form (sorted, stable). */
export function labelSelectorToString(sel: LabelSelector): string {
  const terms = Object.entries(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) terms.push(requirementToString(e));
  return terms.join(',');
}

/** selectorFromSet is a selector that requires every label of the set (Service.spec.selector). */
export function selectorFromSet(set: Record<string, string>): LabelSelector {
  return { matchLabels: { ...set } };
}

/** fieldValue reads a dotted field path (`spec.nodeName`, `metadata.name`) as a string. */
export function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** fieldSelectorMatches evaluates `a=b,c!=d` (`==` too) against an object's fields. */
export function fieldSelectorMatches(obj: KObject, s: string | undefined): boolean {
  if (!s || !s.trim()) return true;
  return s.split(',').every((raw) => {
    const term = raw.trim();
    if (!term) return true;
    const m = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorParseError(`invalid field selector: ${term}`);
    const v = fieldValue(obj, m[1].trim());
    return m[2] === '!=' ? v !== m[3].trim() : v === m[3].trim();
  });
}
