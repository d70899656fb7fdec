/**
 * Strategies' kind-specific parts for discovery.k8s.io EndpointSlices, events.k8s.io Events,
 * policy PodDisruptionBudgets, RBAC, StorageClasses, Ingresses, NetworkPolicies and
 * PriorityClasses: defaults and validation as upstream.
 */
import type { KObject } from '../../api/types.js';
import { validateIntOrPercent } from './apps.js';
import { deepEqual, forbidden, invalidField, notSupported, required, validatePortNumber, PROTOCOLS, type ErrorList } from './validation.js';

type Loose = KObject & Record<string, unknown>;

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

/** validateEndpointSlice is ValidateEndpointSlice (addressType, endpoints, ports). */
export function validateEndpointSlice(obj: KObject): ErrorList {
  const s = obj as Loose & { addressType?: string; endpoints?: { addresses?: string[] }[]; ports?: { port?: number; protocol?: string; name?: string }[] };
  const errs: ErrorList = [];
  if (!s.addressType) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(s.addressType)) errs.push(notSupported('addressType', s.addressType, ADDRESS_TYPES));
  if ((s.endpoints ?? []).length > 1000) errs.push({ reason: 'FieldValueTooMany', field: 'endpoints', message: `Too many: ${s.endpoints!.length}: must have at most 1000 items` });
  (s.endpoints ?? []).forEach((e, i) => {
    const n = (e.addresses ?? []).length;
    if (n === 0) errs.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    if (n > 100) errs.push({ reason: 'FieldValueTooMany', field: `endpoints[${i}].addresses`, message: `Too many: ${n}: must have at most 100 items` });
  });
  (s.ports ?? []).forEach((p, i) => {
    if (p.port !== undefined) errs.push(...validatePortNumber(p.port, `ports[${i}].port`));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`ports[${i}].protocol`, p.protocol, PROTOCOLS));
  });
  return errs;
}

/** endpointSliceDefaults: port protocol TCP, port name "" (SetDefaults_EndpointPort). */
export function endpointSliceDefaults(obj: KObject): void {
  for (const p of ((obj as Loose).ports ?? []) as { protocol?: string; name?: string }[]) {
    p.protocol ??= 'TCP';
    p.name ??= '';
  }
}

/** validateEndpointSliceUpdate: addressType is immutable. */
export function validateEndpointSliceUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = (newObj as Loose).addressType;
  return n === (oldObj as Loose).addressType ? [] : [invalidField('addressType', n, 'field is immutable')];
}

/** validateEventV1 is the events.k8s.io/v1 create validation (the fields a new-style event needs). */
export function validateEventV1(obj: KObject): ErrorList {
  const e = obj as Loose;
  const errs: ErrorList = [];
  if (!e.eventTime) errs.push(required('eventTime'));
  if (!e.reportingController) errs.push(required('reportingController'));
  if (!e.reportingInstance) errs.push(required('reportingInstance'));
  if (!e.action) errs.push(required('action'));
  if (!e.reason) errs.push(required('reason'));
  if (typeof e.note === 'string' && e.note.length > 1024) errs.push({ reason: 'FieldValueTooLong', field: 'note', message: 'Too long: must have at most 1024 bytes' });
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(notSupported('type', e.type ?? '', ['Normal', 'Warning']));
  const regarding = e.regarding as { namespace?: string } | undefined;
  if (regarding?.namespace && regarding.namespace !== obj.metadata.namespace) errs.push(invalidField('regarding.namespace', regarding.namespace, 'does not match event.namespace'));
  return errs;
}

/** validatePdb is ValidatePodDisruptionBudgetSpec. */
export function validatePdb(obj: KObject): ErrorList {
  const s = (obj.spec ?? {}) as { minAvailable?: number | string; maxUnavailable?: number | string; unhealthyPodEvictionPolicy?: string };
  const errs: ErrorList = [];
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) errs.push(invalidField('spec', s, 'minAvailable and maxUnavailable cannot be both set', 'policy.PodDisruptionBudgetSpec{…}'));
  errs.push(...validateIntOrPercent(s.minAvailable, 'spec.minAvailable'), ...validateIntOrPercent(s.maxUnavailable, 'spec.maxUnavailable'));
  if (typeof s.minAvailable === 'string' && /^\d+%$/.test(s.minAvailable) && Number(s.minAvailable.slice(0, -1)) > 100) errs.push(invalidField('spec.minAvailable', s.minAvailable, 'must not be greater than 100%'));
  const policies = ['AlwaysAllow', 'IfHealthyBudget'];
  if (s.unhealthyPodEvictionPolicy !== undefined && !policies.includes(s.unhealthyPodEvictionPolicy)) errs.push(notSupported('spec.unhealthyPodEvictionPolicy', s.unhealthyPodEvictionPolicy, policies));
  return errs;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
}

/** validateRules checks PolicyRules (namespaced roles may not name non-resource URLs). */
function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): ErrorList {
  const errs: ErrorList = [];
  (rules ?? []).forEach((r, i) => {
    const f = `rules[${i}]`;
    if ((r.verbs ?? []).length === 0) errs.push(required(`${f}.verbs`, 'verbs must contain at least one value'));
    const nonRes = (r.nonResourceURLs ?? []).length > 0;
    if (nonRes && namespaced) errs.push(invalidField(`${f}.nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs', `[]string{${r.nonResourceURLs!.map((u) => JSON.stringify(u)).join(', ')}}`));
    if (nonRes && ((r.apiGroups ?? []).length > 0 || (r.resources ?? []).length > 0)) errs.push(invalidField(`${f}.nonResourceURLs`, r.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    if (!nonRes) {
      if ((r.apiGroups ?? []).length === 0) errs.push(required(`${f}.apiGroups`, 'resource rules must supply at least one api group'));
      if ((r.resources ?? []).length === 0) errs.push(required(`${f}.resources`, 'resource rules must supply at least one resource'));
    }
  });
  return errs;
}

/** validateRole checks a Role's rules (no non-resource URLs in a namespace). */
export const validateRole = (obj: KObject): ErrorList => validateRules((obj as Loose).rules as PolicyRule[] | undefined, true);
/** validateClusterRole checks a ClusterRole's rules. */
export const validateClusterRole = (obj: KObject): ErrorList => validateRules((obj as Loose).rules as PolicyRule[] | undefined, false);

interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** bindingDefaults is SetDefaults_Subject: User/Group subjects get the RBAC api group (ServiceAccounts get "", which JSON omits). */
export function bindingDefaults(obj: KObject): void {
  for (const s of ((obj as Loose).subjects ?? []) as Subject[]) {
    if (s.apiGroup === undefined && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}

/** validateBinding is ValidateRoleBinding / ValidateClusterRoleBinding. */
export function validateBinding(obj: KObject, namespaced: boolean): ErrorList {
  const b = obj as Loose & { roleRef?: { apiGroup?: string; kind?: string; name?: string }; subjects?: Subject[] };
  const errs: ErrorList = [];
  const kinds = namespaced ? ['ClusterRole', 'Role'] : ['ClusterRole'];
  if (b.roleRef?.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', b.roleRef?.apiGroup ?? '', [RBAC_GROUP]));
  if (!b.roleRef?.kind || !kinds.includes(b.roleRef.kind)) errs.push(notSupported('roleRef.kind', b.roleRef?.kind ?? '', kinds));
  if (!b.roleRef?.name) errs.push(required('roleRef.name'));
  (b.subjects ?? []).forEach((s, i) => {
    const f = `subjects[${i}]`;
    if (!s.name) errs.push(required(`${f}.name`));
    const sk = ['Group', 'ServiceAccount', 'User'];
    if (!s.kind || !sk.includes(s.kind)) errs.push(notSupported(`${f}.kind`, s.kind ?? '', sk));
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) errs.push(notSupported(`${f}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${f}.namespace`));
    } else if ((s.kind === 'User' || s.kind === 'Group') && s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${f}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
  });
  return errs;
}

/** validateRoleRefImmutable: a binding's roleRef cannot change. */
export function validateRoleRefImmutable(newObj: KObject, oldObj: KObject): ErrorList {
  const n = (newObj as Loose).roleRef;
  return deepEqual(n, (oldObj as Loose).roleRef) ? [] : [invalidField('roleRef', n, 'cannot change roleRef', 'rbac.RoleRef{…}')];
}

/** storageClassDefaults: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function storageClassDefaults(obj: KObject): void {
  const sc = obj as Loose;
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

/** validateStorageClass checks provisioner and enums. */
export function validateStorageClass(obj: KObject): ErrorList {
  const sc = obj as Loose;
  const errs: ErrorList = [];
  if (!sc.provisioner) errs.push(required('provisioner'));
  const rp = ['Delete', 'Retain'];
  if (sc.reclaimPolicy !== undefined && !rp.includes(String(sc.reclaimPolicy))) errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, rp));
  const bm = ['Immediate', 'WaitForFirstConsumer'];
  if (sc.volumeBindingMode !== undefined && !bm.includes(String(sc.volumeBindingMode))) errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, bm));
  return errs;
}

/** validateStorageClassUpdate: parameters, provisioner, reclaimPolicy and volumeBindingMode are immutable. */
export function validateStorageClassUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = newObj as Loose;
  const o = oldObj as Loose;
  const errs: ErrorList = [];
  if (!deepEqual(n.parameters ?? {}, o.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (n.provisioner !== o.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (n.reclaimPolicy !== o.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (n.volumeBindingMode !== o.volumeBindingMode) errs.push(forbidden('volumeBindingMode', 'field is immutable'));
  return errs;
}

interface Backend {
  service?: { name?: string; port?: { name?: string; number?: number } };
  resource?: unknown;
}

function validateBackend(b: Backend | undefined, f: string): ErrorList {
  if (!b) return [required(f)];
  const errs: ErrorList = [];
  if (b.service && b.resource) errs.push(invalidField(f, '', 'cannot set both service and resource backends'));
  else if (!b.service && !b.resource) errs.push(invalidField(f, '', 'one backend must be specified'));
  if (b.service) {
    if (!b.service.name) errs.push(required(`${f}.service.name`));
    const p = b.service.port;
    if (p?.name && p.number !== undefined) errs.push(invalidField(`${f}.service.port`, p, 'cannot set both port name & port number'));
    else if (!p?.name && p?.number === undefined) errs.push(required(`${f}.service.port`, 'port name or number is required'));
    else if (p.number !== undefined) errs.push(...validatePortNumber(p.number, `${f}.service.port.number`));
  }
  return errs;
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

/** validateIngress is ValidateIngressSpec (rules, paths, backends). */
export function validateIngress(obj: KObject): ErrorList {
  type Rule = { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: Backend }[] } };
  const s = (obj.spec ?? {}) as { defaultBackend?: Backend; rules?: Rule[] };
  const errs: ErrorList = [];
  if (!s.defaultBackend && (s.rules ?? []).length === 0) errs.push(invalidField('spec.rules', [], 'either `defaultBackend` or `rules` must be specified', '[]networking.IngressRule(nil)'));
  if (s.defaultBackend) errs.push(...validateBackend(s.defaultBackend, 'spec.defaultBackend'));
  (s.rules ?? []).forEach((r, i) => {
    if (r.host && /^[0-9.]+$/.test(r.host)) errs.push(invalidField(`spec.rules[${i}].host`, r.host, 'must be a DNS name, not an IP address'));
    (r.http?.paths ?? []).forEach((p, j) => {
      const f = `spec.rules[${i}].http.paths[${j}]`;
      if (!p.pathType) errs.push(required(`${f}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(p.pathType)) errs.push(notSupported(`${f}.pathType`, p.pathType, PATH_TYPES));
      else if (p.pathType !== 'ImplementationSpecific' && !(p.path ?? '').startsWith('/')) errs.push(invalidField(`${f}.path`, p.path ?? '', 'must be an absolute path'));
      errs.push(...validateBackend(p.backend, `${f}.backend`));
    });
  });
  return errs;
}

/** networkPolicyDefaults is SetDefaults_NetworkPolicy: policyTypes from the rules, port protocol TCP. */
export function networkPolicyDefaults(obj: KObject): void {
  const s = ((obj as Loose).spec ??= {}) as { policyTypes?: string[]; egress?: { ports?: { protocol?: string }[] }[]; ingress?: { ports?: { protocol?: string }[] }[]; podSelector?: object };
  s.podSelector ??= {};
  if (!s.policyTypes || s.policyTypes.length === 0) s.policyTypes = s.egress && s.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const rule of [...(s.ingress ?? []), ...(s.egress ?? [])]) for (const p of rule.ports ?? []) p.protocol ??= 'TCP';
}

/** validateNetworkPolicy checks policyTypes and ports. */
export function validateNetworkPolicy(obj: KObject): ErrorList {
  const s = (obj.spec ?? {}) as { policyTypes?: string[] };
  const errs: ErrorList = [];
  const types = ['Egress', 'Ingress'];
  (s.policyTypes ?? []).forEach((t, i) => {
    if (!types.includes(t)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, types));
  });
  return errs;
}

/** SYSTEM_PRIORITY_CLASSES are the two classes kube-apiserver creates, and the only `system-` ones allowed. */
export const SYSTEM_PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
] as const;
const HIGHEST_USER_PRIORITY = 1_000_000_000;

/** priorityClassDefaults: preemptionPolicy PreemptLowerPriority. */
export function priorityClassDefaults(obj: KObject): void {
  (obj as Loose).preemptionPolicy ??= 'PreemptLowerPriority';
}

/** validatePriorityClass: reserved `system-` names, the user value ceiling, preemptionPolicy. */
export function validatePriorityClass(obj: KObject): ErrorList {
  const pc = obj as Loose & { value?: number; preemptionPolicy?: string };
  const name = String(obj.metadata.name ?? '');
  const errs: ErrorList = [];
  if (typeof pc.value !== 'number') errs.push(required('value'));
  if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
    if (!known || known.value !== pc.value || pc.globalDefault === true) errs.push(forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
  } else if (typeof pc.value === 'number' && pc.value > HIGHEST_USER_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  const pp = ['Never', 'PreemptLowerPriority'];
  if (pc.preemptionPolicy !== undefined && !pp.includes(pc.preemptionPolicy)) errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, pp));
  return errs;
}

/** validatePriorityClassUpdate: value and preemptionPolicy may not change. */
export function validatePriorityClassUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = newObj as Loose;
  const o = oldObj as Loose;
  const errs: ErrorList = [];
  if (n.value !== o.value) errs.push(forbidden('value', 'may not be changed in an update.'));
  if (n.preemptionPolicy !== o.preemptionPolicy) errs.push(invalidField('preemptionPolicy', n.preemptionPolicy, 'field is immutable'));
  return errs;
}
