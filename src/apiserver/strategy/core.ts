/**
 * Strategies' kind-specific parts for core/v1 Services, Endpoints, Namespaces, Nodes, Events and
 * coordination/v1 Leases: defaults, validation and update rules.
 */
import type { Endpoints, KEvent, KObject, Lease, Namespace, Node, Service, ServicePort } from '../../api/types.js';
import { PROTOCOLS, duplicate, forbidden, invalidField, notSupported, required, validateLabels, validatePortNumber, type ErrorList } from './validation.js';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

/** serviceDefaults applies SetDefaults_Service. */
export function serviceDefaults(obj: KObject): void {
  const svc = obj as Service;
  svc.spec ??= {};
  const spec = svc.spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
}

/** servicePrepareForUpdate keeps server-allocated values the new object leaves out (as real patchAllocatedValues). */
export function servicePrepareForUpdate(newObj: KObject, oldObj: KObject): void {
  const n = (newObj as Service).spec;
  const o = (oldObj as Service).spec;
  if (!n || !o) return;
  if (n.type === o.type || (n.type === undefined && o.type === 'ClusterIP')) {
    if (!n.clusterIP && o.clusterIP) n.clusterIP = o.clusterIP;
    if ((!n.clusterIPs || (n.clusterIPs as string[]).length === 0) && o.clusterIPs) n.clusterIPs = [...(o.clusterIPs as string[])];
    if (n.ipFamilies === undefined && o.ipFamilies !== undefined) n.ipFamilies = structuredClone(o.ipFamilies);
    if (n.ipFamilyPolicy === undefined && o.ipFamilyPolicy !== undefined) n.ipFamilyPolicy = o.ipFamilyPolicy;
  }
  // NodePorts survive an update that omits them (matched by port and protocol).
  for (const p of n.ports ?? []) {
    if (p.nodePort) continue;
    const old = (o.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (old?.nodePort && (n.type === 'NodePort' || n.type === 'LoadBalancer')) p.nodePort = old.nodePort;
  }
  if (n.healthCheckNodePort === undefined && o.healthCheckNodePort !== undefined) n.healthCheckNodePort = o.healthCheckNodePort;
}

/** validateService is ValidateService (spec part). */
export function validateService(obj: KObject): ErrorList {
  const spec = (obj as Service).spec;
  if (!spec) return [required('spec.ports')];
  const errs: ErrorList = [];
  if (spec.type !== undefined && !SERVICE_TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  const ports: ServicePort[] = spec.ports ?? [];
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
  } else if (ports.length === 0 && spec.clusterIP !== 'None') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const f = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${f}.name`));
    if (p.name) {
      if (names.has(p.name)) errs.push(duplicate(`${f}.name`, p.name));
      names.add(p.name);
    }
    errs.push(...validatePortNumber(p.port, `${f}.port`));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${f}.protocol`, p.protocol, PROTOCOLS));
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) errs.push(duplicate(f, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    keys.add(key);
    if (typeof p.targetPort === 'number') errs.push(...validatePortNumber(p.targetPort, `${f}.targetPort`));
    if (p.nodePort !== undefined && spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') errs.push(forbidden(`${f}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (spec.sessionAffinity !== undefined && !['None', 'ClientIP'].includes(String(spec.sessionAffinity))) {
    errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  }
  return errs;
}

/** validateServiceUpdate: clusterIP may not change once set (except to/from ExternalName). */
export function validateServiceUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = (newObj as Service).spec ?? {};
  const o = (oldObj as Service).spec ?? {};
  if (o.clusterIP && n.type !== 'ExternalName' && o.type !== 'ExternalName' && n.clusterIP !== o.clusterIP) {
    return [invalidField('spec.clusterIPs[0]', n.clusterIP ?? '', 'may not change once set')];
  }
  return [];
}

/** validateEndpoints checks subset ports and addresses. */
export function validateEndpoints(obj: KObject): ErrorList {
  const errs: ErrorList = [];
  ((obj as Endpoints).subsets ?? []).forEach((s, i) => {
    (s.addresses ?? []).forEach((a, j) => {
      if (!a.ip) errs.push(required(`subsets[${i}].addresses[${j}].ip`));
    });
    (s.ports ?? []).forEach((p, j) => {
      errs.push(...validatePortNumber(p.port, `subsets[${i}].ports[${j}].port`));
      if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`subsets[${i}].ports[${j}].protocol`, p.protocol, PROTOCOLS));
    });
  });
  return errs;
}

/** namespaceDefaults: the `kubernetes` finalizer and phase Active, as the namespace registry does. */
export function namespacePrepareForCreate(obj: KObject): void {
  const ns = obj as Namespace;
  ns.spec ??= {};
  const fins = (ns.spec.finalizers ??= []);
  if (!fins.includes('kubernetes')) fins.push('kubernetes');
  ns.status = { phase: 'Active' };
}

/**
 * namespacePrepareForUpdate keeps spec.finalizers as real kube-apiserver does (only /finalize may
 * change them), with one deviation: kubeactor has no /finalize subresource, so on a terminating
 * namespace an update may REMOVE finalizers (never add), which is what the namespace controller
 * does when it has emptied the namespace.
 */
export function namespacePrepareForUpdate(newObj: KObject, oldObj: KObject): void {
  const n = newObj as Namespace;
  const o = oldObj as Namespace;
  const old = o.spec?.finalizers;
  let next = old ? [...old] : undefined;
  if (o.metadata.deletionTimestamp && old) next = old.filter((f) => (n.spec?.finalizers ?? []).includes(f));
  n.spec = { ...(n.spec ?? {}), finalizers: next };
  if (n.spec.finalizers === undefined) delete n.spec.finalizers;
}

/** validateNodeUpdate: podCIDR(s) may not change once set. */
export function validateNodeUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = (newObj as Node).spec ?? {};
  const o = (oldObj as Node).spec ?? {};
  const errs: ErrorList = [];
  if (o.podCIDR && n.podCIDR !== o.podCIDR) errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  if (o.providerID && n.providerID !== o.providerID) errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  return errs;
}

/** validateNode checks taints. */
export function validateNode(obj: KObject): ErrorList {
  const errs: ErrorList = [];
  const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
  ((obj as Node).spec?.taints ?? []).forEach((t, i) => {
    if (!t.key) errs.push(required(`spec.taints[${i}].key`));
    if (!t.effect) errs.push(required(`spec.taints[${i}].effect`));
    else if (!effects.includes(t.effect)) errs.push(notSupported(`spec.taints[${i}].effect`, t.effect, effects));
  });
  return errs;
}

/** validateEvent: involvedObject.namespace must match the event's namespace (for namespaced objects). */
export function validateEvent(obj: KObject): ErrorList {
  const ev = obj as KEvent;
  const errs: ErrorList = [];
  const ns = ev.metadata.namespace ?? '';
  const io = ev.involvedObject;
  if (!io) return [required('involvedObject')];
  if (io.namespace && io.namespace !== ns) errs.push(invalidField('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
  if (ev.type !== undefined && (ev.type as string) !== '' && ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(notSupported('type', ev.type, ['Normal', 'Warning']));
  return errs;
}

/** validateLease: leaseDurationSeconds and leaseTransitions bounds. */
export function validateLease(obj: KObject): ErrorList {
  const s = (obj as Lease).spec ?? {};
  const errs: ErrorList = [];
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) errs.push(invalidField('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) errs.push(invalidField('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0'));
  return errs;
}
