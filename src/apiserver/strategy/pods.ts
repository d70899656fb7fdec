/**
 * Pod strategy: SetDefaults_Pod/PodSpec/Container, the admission defaults every real pod shows
 * (serviceAccountName, not-ready/unreachable tolerations, priority), QoS class, ValidatePodSpec and
 * ValidatePodUpdate. The pod-spec parts are shared with workload templates (apps.ts).
 */
import type { Container, KObject, Pod, PodSpec, StatusCause, Toleration } from '../../api/types.js';
import {
  deepEqual,
  duplicate,
  forbidden,
  invalidField,
  isDns1123Label,
  notFoundField,
  notSupported,
  PROTOCOLS,
  required,
  validateLabels,
  validatePortNumber,
  type ErrorList,
} from './validation.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

/** imageTag returns the tag of an image reference ('' when none; digests count as a tag). */
function imageHasTagOrDigest(image: string): { tag: string; digest: boolean } {
  if (image.includes('@')) return { tag: '', digest: true };
  const lastSlash = image.lastIndexOf('/');
  const lastColon = image.lastIndexOf(':');
  return { tag: lastColon > lastSlash ? image.slice(lastColon + 1) : '', digest: false };
}

/** defaultPullPolicy is Always for `:latest` or no tag, else IfNotPresent (SetDefaults_Container). */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'Always';
  const { tag, digest } = imageHasTagOrDigest(image);
  if (digest) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  // Requests default to limits for every resource with a limit but no request.
  const limits = c.resources.limits;
  if (limits && Object.keys(limits).length > 0) {
    const requests = (c.resources.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  }
  const env = c.env as { name: string; valueFrom?: { fieldRef?: { apiVersion?: string } } }[] | undefined;
  for (const e of env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
}

/** defaultPodSpec applies SetDefaults_PodSpec to a pod or template spec (idempotent). */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  if (spec.serviceAccount !== undefined && spec.serviceAccountName === undefined) spec.serviceAccountName = spec.serviceAccount;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  const volumes = spec.volumes as Record<string, unknown>[] | undefined;
  for (const v of volumes ?? []) {
    // A volume with no source is an emptyDir, as SetDefaults_Volume does.
    if (Object.keys(v).length === 1 && 'name' in v) v.emptyDir = {};
  }
}

/** NOT_READY_TOLERATIONS are what the DefaultTolerationSeconds admission plugin adds. */
const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function addAdmissionDefaults(spec: PodSpec): void {
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName as string;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = (spec.tolerations ??= []);
  for (const d of DEFAULT_TOLERATIONS) {
    const has = tolerations.some((t) => (t.key === d.key || (t.operator === 'Exists' && !t.key)) && (t.effect === d.effect || !t.effect));
    if (!has) tolerations.push({ ...d });
  }
}

const SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** quantityValue parses a resource quantity to a number (only for comparisons; NaN when malformed). */
export function quantityValue(q: string | number | undefined): number {
  if (q === undefined) return NaN;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return NaN;
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}

/** qosClass computes the pod's QoS class as kubelet's qos.GetPodQOS. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const relevant = (k: string) => k === 'cpu' || k === 'memory' || k.startsWith('hugepages-');
    if (Object.keys(req).some((k) => relevant(k) && quantityValue(req[k]) !== 0)) any = true;
    if (Object.keys(lim).some((k) => relevant(k) && quantityValue(lim[k]) !== 0)) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined) guaranteed = false;
      else if (req[r] !== undefined && quantityValue(req[r]) !== quantityValue(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** podPrepareForCreate: defaults, admission defaults and a fresh Pending status with QoS class. */
export function podPrepareForCreate(obj: KObject): void {
  const pod = obj as Pod;
  pod.spec ??= { containers: [] };
  defaultPodSpec(pod.spec);
  addAdmissionDefaults(pod.spec);
  pod.status = { phase: 'Pending', qosClass: qosClass(pod.spec) };
}

function validateContainers(list: Container[] | undefined, field: string, volumes: Set<string>, seen: Set<string>): ErrorList {
  const errs: ErrorList = [];
  (list ?? []).forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!c.name) errs.push(required(`${f}.name`));
    else {
      for (const p of isDns1123Label(c.name)) errs.push(invalidField(`${f}.name`, c.name, p));
      if (seen.has(c.name)) errs.push(duplicate(`${f}.name`, c.name));
      seen.add(c.name);
    }
    if (!c.image || String(c.image).trim() === '') errs.push(required(`${f}.image`));
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(String(c.imagePullPolicy))) errs.push(notSupported(`${f}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
    if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(String(c.terminationMessagePolicy))) {
      errs.push(notSupported(`${f}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
    }
    const portNames = new Set<string>();
    (c.ports ?? []).forEach((p, j) => {
      const pf = `${f}.ports[${j}]`;
      errs.push(...validatePortNumber(p.containerPort, `${pf}.containerPort`));
      if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pf}.protocol`, p.protocol, PROTOCOLS));
      if (p.name) {
        if (portNames.has(p.name)) errs.push(duplicate(`${pf}.name`, p.name));
        portNames.add(p.name);
      }
    });
    const mounts = c.volumeMounts as { name?: string; mountPath?: string }[] | undefined;
    (mounts ?? []).forEach((m, j) => {
      if (!m.name) errs.push(required(`${f}.volumeMounts[${j}].name`));
      else if (!volumes.has(m.name)) errs.push(notFoundField(`${f}.volumeMounts[${j}].name`, m.name));
      if (!m.mountPath) errs.push(required(`${f}.volumeMounts[${j}].mountPath`));
    });
    for (const [k, lim] of Object.entries(c.resources?.limits ?? {})) {
      const req = c.resources?.requests?.[k];
      if (req !== undefined && quantityValue(req) > quantityValue(lim)) {
        errs.push(invalidField(`${f}.resources.requests`, req, `must be less than or equal to ${k} limit of ${lim}`));
      }
    }
    for (const [k, v] of Object.entries({ ...(c.resources?.requests ?? {}), ...(c.resources?.limits ?? {}) })) {
      if (Number.isNaN(quantityValue(v))) errs.push(invalidField(`${f}.resources`, v, `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (${k})`));
    }
  });
  return errs;
}

/** validatePodSpec returns causes relative to the spec (`containers[0].image`); callers prefix them. */
export function validatePodSpec(spec: PodSpec | undefined): ErrorList {
  const errs: ErrorList = [];
  if (!spec) return [required('')];
  const volumes = new Set<string>();
  const vols = spec.volumes as { name?: string }[] | undefined;
  (vols ?? []).forEach((v, i) => {
    if (!v.name) errs.push(required(`volumes[${i}].name`));
    else {
      for (const p of isDns1123Label(v.name)) errs.push(invalidField(`volumes[${i}].name`, v.name, p));
      if (volumes.has(v.name)) errs.push(duplicate(`volumes[${i}].name`, v.name));
      volumes.add(v.name);
    }
  });
  if (!spec.containers || spec.containers.length === 0) errs.push(required('containers'));
  const names = new Set<string>();
  errs.push(...validateContainers(spec.containers, 'containers', volumes, names));
  errs.push(...validateContainers(spec.initContainers, 'initContainers', volumes, names));
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) errs.push(notSupported('restartPolicy', spec.restartPolicy, RESTART_POLICIES));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(String(spec.dnsPolicy))) errs.push(notSupported('dnsPolicy', spec.dnsPolicy, DNS_POLICIES));
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0) {
    errs.push(invalidField('terminationGracePeriodSeconds', spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0) {
    errs.push(invalidField('activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  errs.push(...validateLabels(spec.nodeSelector, 'nodeSelector'));
  (spec.tolerations ?? []).forEach((t, i) => {
    if (t.operator !== undefined && t.operator !== 'Exists' && t.operator !== 'Equal') errs.push(notSupported(`tolerations[${i}].operator`, t.operator, ['Equal', 'Exists']));
    if (t.operator === 'Exists' && t.value) errs.push(invalidField(`tolerations[${i}].operator`, t.operator, 'value must be empty when `operator` is \'Exists\''));
    if (!t.key && t.operator !== 'Exists') errs.push(invalidField(`tolerations[${i}].operator`, t.operator ?? '', "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') errs.push(invalidField(`tolerations[${i}].effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  });
  return errs;
}

/** prefix re-roots spec-relative causes under `spec` or `spec.template.spec`. */
export function underSpec(prefix: string, causes: StatusCause[]): StatusCause[] {
  return causes.map((c) => ({ ...c, field: c.field ? `${prefix}.${c.field}` : prefix }));
}

const MUTABLE_POD_FIELDS =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * validatePodUpdate rejects spec changes other than images, activeDeadlineSeconds and added
 * tolerations. Setting spec.nodeName on an unbound pod is allowed here (kubeactor's binding path
 * may go through update), which real ValidatePodUpdate would refuse.
 */
export function validatePodUpdate(newPod: Pod, oldPod: Pod): ErrorList {
  // Fast path: status writes and metadata-only updates leave the spec untouched.
  if (deepEqual(newPod.spec, oldPod.spec)) return [];
  const a = structuredClone(newPod.spec ?? {}) as PodSpec;
  const b = structuredClone(oldPod.spec ?? {}) as PodSpec;
  // Blank the mutable fields on both sides, then require the rest to be equal.
  const blankImages = (s: PodSpec) => {
    for (const c of s.containers ?? []) delete c.image;
    for (const c of s.initContainers ?? []) delete c.image;
    delete s.activeDeadlineSeconds;
  };
  blankImages(a);
  blankImages(b);
  if (!b.nodeName && a.nodeName) delete a.nodeName;
  const oldTol = b.tolerations ?? [];
  const newTol = a.tolerations ?? [];
  const tolerationsOk = oldTol.every((t) => newTol.some((n) => deepEqual(n, t)));
  delete a.tolerations;
  delete b.tolerations;
  if (typeof b.terminationGracePeriodSeconds === 'number' && b.terminationGracePeriodSeconds < 0 && a.terminationGracePeriodSeconds === 1) {
    a.terminationGracePeriodSeconds = b.terminationGracePeriodSeconds;
  }
  const errs: ErrorList = [];
  if (!deepEqual(a, b) || !tolerationsOk) errs.push(forbidden('spec', MUTABLE_POD_FIELDS));
  (newPod.spec?.containers ?? []).forEach((c, i) => {
    if (!c.image) errs.push(required(`spec.containers[${i}].image`));
  });
  return errs;
}
