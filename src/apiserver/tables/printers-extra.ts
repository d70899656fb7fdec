/**
 * Table printers of the kinds added after the skeleton (configuration, storage, workloads, batch,
 * autoscaling, discovery, policy, RBAC, networking, scheduling), ported from kubernetes
 * pkg/printers/internalversion/printers.go. Cells follow upstream formatting (`<none>`, `<unset>`,
 * `N/A`, ` + N more...`).
 */
import { formatLabelSelector } from '../../api/labels.js';
import type { Container, KEvent, KObject, LabelSelector, OwnerReference } from '../../api/types.js';
import { eventV1ToCore } from '../convert/events.js';
import { hpaV1ToV2 } from '../convert/hpa.js';
import { formatLabels, humanDuration, since } from './format.js';
import type { Printer } from './printers.js';
import type { TableColumnDefinition } from './types.js';

type Loose = KObject & Record<string, unknown>;
type Spec = Record<string, unknown> & { template?: { spec?: { containers?: Container[] } }; selector?: LabelSelector };

const NAME_DOC = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function col(name: string, type = 'string', description = '', priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}
const NAME = col('Name', 'string', NAME_DOC, 0, 'name');
const AGE = col('Age', 'string', AGE_DOC);
const CREATED_AT = col('Created At', 'date', AGE_DOC);
const WIDE_TEMPLATE = [col('Containers', 'string', 'Names of each container in the template.', 1), col('Images', 'string', 'Images referenced by each container in the template.', 1), col('Selector', 'string', 'Label selector for pods.', 1)];

const age = (o: KObject, now: number): string => since(o.metadata.creationTimestamp, now);
const specOf = (o: KObject): Spec => (o.spec ?? {}) as Spec;
const statusOf = (o: KObject): Record<string, unknown> => (o.status ?? {}) as Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** selectorText is metav1.FormatLabelSelector: `<none>` for a nil or empty selector. */
function selectorText(sel: LabelSelector | undefined): string {
  try {
    return formatLabelSelector(sel) || '<none>';
  } catch {
    return '<error>';
  }
}

function templateCells(spec: Spec): string[] {
  const cs = spec.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(','), selectorText(spec.selector)];
}

/** accessModesShort is GetAccessModesAsString: RWO, ROX, RWX, RWOP. */
export function accessModesShort(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  const out: string[] = [];
  for (const m of ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod']) if ((modes ?? []).includes(m)) out.push(short[m]);
  return out.join(',');
}

function controllerOf(o: KObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller);
}

function jobStatus(o: KObject): string {
  const conds = (statusOf(o).conditions ?? []) as { type: string; status: string }[];
  const has = (t: string): boolean => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCells(o: KObject, now: number): unknown[] {
  const s = specOf(o);
  const st = statusOf(o);
  const succeeded = num(st.succeeded);
  let completions: string;
  if (typeof s.completions === 'number') completions = `${succeeded}/${s.completions}`;
  else completions = num(s.parallelism) > 1 ? `${succeeded}/1 of ${num(s.parallelism)}` : `${succeeded}/1`;
  let duration = '';
  const start = typeof st.startTime === 'string' ? Date.parse(st.startTime) : NaN;
  if (!Number.isNaN(start)) {
    const end = typeof st.completionTime === 'string' ? Date.parse(st.completionTime) : now;
    duration = humanDuration(end - start);
  }
  return [o.metadata.name, jobStatus(o), completions, duration, age(o, now), ...templateCells(s)];
}

function cronJobCells(o: KObject, now: number): unknown[] {
  const s = specOf(o);
  const st = statusOf(o);
  const jt = ((s.jobTemplate ?? {}) as { spec?: Spec }).spec ?? {};
  const last = typeof st.lastScheduleTime === 'string' ? since(st.lastScheduleTime, now) : '<none>';
  return [o.metadata.name, s.schedule ?? '', s.timeZone ?? '<none>', s.suspend === true ? 'True' : 'False', ((st.active ?? []) as unknown[]).length, last, age(o, now), ...templateCells(jt)];
}

interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number; averageValue?: string; value?: string } };
}
interface MetricStatus {
  type?: string;
  resource?: { name?: string; current?: { averageUtilization?: number; averageValue?: string } };
}

/** hpaTargets is formatHPAMetrics for Resource metrics (others print `<unknown>` current values). */
function hpaTargets(o: KObject): string {
  const metrics = (specOf(o).metrics ?? []) as MetricSpec[];
  if (metrics.length === 0) return '<none>';
  const current = (statusOf(o).currentMetrics ?? []) as MetricStatus[];
  const parts = metrics.map((m) => {
    if (m.type === 'Resource' && m.resource) {
      const cur = current.find((c) => c.type === 'Resource' && c.resource?.name === m.resource?.name)?.resource?.current;
      const t = m.resource.target ?? {};
      if (t.type === 'Utilization') return `${m.resource.name}: ${cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>'}/${t.averageUtilization ?? 0}%`;
      return `${m.resource.name}: ${cur?.averageValue ?? '<unknown>'}/${t.averageValue ?? t.value ?? ''}`;
    }
    return '<unknown>/<unknown>';
  });
  if (parts.length > 3) return `${parts.slice(0, 3).join(', ')} + ${parts.length - 3} more...`;
  return parts.join(', ');
}

function endpointSliceEndpoints(o: KObject): string {
  const addrs = ((o as Loose).endpoints as { addresses?: string[] }[] | undefined ?? []).flatMap((e) => e.addresses ?? []);
  if (addrs.length === 0) return '<unset>';
  return addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
}

function endpointSlicePorts(o: KObject): string {
  const ports = ((o as Loose).ports as { port?: number }[] | undefined) ?? [];
  if (ports.length === 0) return '<unset>';
  return ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',');
}

function bindingSubjects(o: KObject): string[] {
  const subs = ((o as Loose).subjects ?? []) as { kind?: string; name?: string; namespace?: string }[];
  const of = (k: string) => subs.filter((s) => s.kind === k).map((s) => (k === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name ?? ''}` : String(s.name ?? ''))).join(', ');
  return [of('User'), of('Group'), of('ServiceAccount')];
}

function ingressHosts(o: KObject): string {
  const hosts = (((specOf(o).rules ?? []) as { host?: string }[]).map((r) => r.host).filter((h): h is string => Boolean(h)));
  if (hosts.length === 0) return '*';
  return hosts.length > 4 ? `${hosts.slice(0, 4).join(',')} + ${hosts.length - 4} more...` : hosts.join(',');
}

function loadBalancerAddresses(o: KObject): string {
  const lb = ((statusOf(o).loadBalancer ?? {}) as { ingress?: { ip?: string; hostname?: string }[] }).ingress ?? [];
  return lb.map((i) => i.ip || i.hostname || '').filter((x) => x).join(',');
}

function quotaUsage(o: KObject): [string, string] {
  const hard = ((specOf(o).hard ?? {}) as Record<string, string>);
  const used = ((statusOf(o).used ?? {}) as Record<string, string>);
  const req: string[] = [];
  const lim: string[] = [];
  for (const k of Object.keys(hard).sort()) {
    const cell = `${k}: ${used[k] ?? '0'}/${hard[k]}`;
    (k.startsWith('limits') ? lim : req).push(cell);
  }
  return [req.join(', '), lim.join(', ')];
}

const intOrNA = (v: unknown): string | number => (v === undefined || v === null ? 'N/A' : (v as string | number));
const ROLE_WIDE = [col('Users', 'string', 'Users in the roleBinding', 1), col('Groups', 'string', 'Groups in the roleBinding', 1), col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1)];
const bindingCells = (o: KObject, now: number): unknown[] => {
  const ref = ((o as Loose).roleRef ?? {}) as { kind?: string; name?: string };
  return [o.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, age(o, now), ...bindingSubjects(o)];
};

/** EXTRA_PRINTERS maps "group/resource" to its printer (merged into PRINTERS). */
export const EXTRA_PRINTERS: Record<string, Printer> = {
  '/configmaps': {
    columns: [NAME, col('Data', 'string', 'Data contains the configuration data.'), AGE],
    cells: (o, now) => [o.metadata.name, Object.keys((o as Loose).data ?? {}).length + Object.keys((o as Loose).binaryData ?? {}).length, age(o, now)],
  },
  '/secrets': {
    columns: [NAME, col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), AGE],
    cells: (o, now) => [o.metadata.name, (o as Loose).type ?? '', Object.keys((o as Loose).data ?? {}).length, age(o, now)],
  },
  '/serviceaccounts': {
    columns: [NAME, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE],
    cells: (o, now) => [o.metadata.name, ((o as Loose).secrets as unknown[] | undefined ?? []).length, age(o, now)],
  },
  '/persistentvolumes': {
    columns: [
      NAME,
      col('Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity.'),
      col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
      col('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
      col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
      col('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
      col('StorageClass', 'string', 'storageClassName is the name of StorageClass to which this persistent volume belongs.'),
      col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the volume.'),
      col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
      AGE,
      col('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', 1),
    ],
    cells: (o, now) => {
      const s = specOf(o) as Spec & { capacity?: Record<string, string>; accessModes?: string[]; claimRef?: { namespace?: string; name?: string } };
      const st = statusOf(o);
      const claim = s.claimRef ? `${s.claimRef.namespace ?? ''}/${s.claimRef.name ?? ''}` : '';
      return [o.metadata.name, s.capacity?.storage ?? '', accessModesShort(s.accessModes), s.persistentVolumeReclaimPolicy ?? '', st.phase ?? '', claim, s.storageClassName ?? '', s.volumeAttributesClassName ?? '<unset>', st.reason ?? '', age(o, now), s.volumeMode ?? '<unset>'];
    },
  },
  '/persistentvolumeclaims': {
    columns: [
      NAME,
      col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
      col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
      col('Access Modes', 'string', 'accessModes contains the desired access modes the volume should have.'),
      col('StorageClass', 'string', 'storageClassName is the name of the StorageClass required by the claim.'),
      col('VolumeAttributesClass', 'string', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
      AGE,
      col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
    ],
    cells: (o, now) => {
      const s = specOf(o) as Spec & { volumeName?: string };
      const st = statusOf(o) as { phase?: string; capacity?: Record<string, string>; accessModes?: string[] };
      const bound = Boolean(s.volumeName);
      const phase = o.metadata.deletionTimestamp ? 'Terminating' : (st.phase ?? '');
      return [o.metadata.name, phase, s.volumeName ?? '', bound ? (st.capacity?.storage ?? '') : '', bound ? accessModesShort(st.accessModes) : '', s.storageClassName ?? '', s.volumeAttributesClassName ?? '<unset>', age(o, now), s.volumeMode ?? '<unset>'];
    },
  },
  '/limitranges': { columns: [NAME, CREATED_AT], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null] },
  '/resourcequotas': {
    columns: [NAME, AGE, col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'), col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
    cells: (o, now) => [o.metadata.name, age(o, now), ...quotaUsage(o)],
  },
  'apps/statefulsets': {
    columns: [NAME, col('Ready', 'string', 'Number of the pod with ready state'), AGE, ...WIDE_TEMPLATE.slice(0, 2)],
    cells: (o, now) => [o.metadata.name, `${num(statusOf(o).readyReplicas)}/${num(specOf(o).replicas)}`, age(o, now), ...templateCells(specOf(o)).slice(0, 2)],
  },
  'apps/daemonsets': {
    columns: [
      NAME,
      col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
      col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
      col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
      col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
      col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
      AGE,
      ...WIDE_TEMPLATE,
    ],
    cells: (o, now) => {
      const st = statusOf(o);
      const ns = ((specOf(o).template as { spec?: { nodeSelector?: Record<string, string> } } | undefined)?.spec?.nodeSelector);
      return [o.metadata.name, num(st.desiredNumberScheduled), num(st.currentNumberScheduled), num(st.numberReady), num(st.updatedNumberScheduled), num(st.numberAvailable), formatLabels(ns), age(o, now), ...templateCells(specOf(o))];
    },
  },
  'apps/controllerrevisions': {
    columns: [NAME, col('Controller', 'string', 'Controller of the object.'), col('Revision', 'integer', 'Revision indicates the revision of the state represented by Data.'), AGE],
    cells: (o, now) => {
      const ref = controllerOf(o);
      const group = ref ? (ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '') : '';
      const controller = ref ? `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}` : '<none>';
      return [o.metadata.name, controller, num((o as Loose).revision), age(o, now)];
    },
  },
  'batch/jobs': {
    columns: [
      NAME,
      col('Status', 'string', 'Status of the job.'),
      col('Completions', 'string', 'The desired number of successfully finished pods the job should be run with.'),
      col('Duration', 'string', 'Time required to complete the job.'),
      AGE,
      ...WIDE_TEMPLATE,
    ],
    cells: jobCells,
  },
  'batch/cronjobs': {
    columns: [
      NAME,
      col('Schedule', 'string', 'The schedule in Cron format.'),
      col('Timezone', 'string', 'The time zone name for the given schedule.'),
      col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions.'),
      col('Active', 'integer', 'A list of pointers to currently running jobs.'),
      col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
      AGE,
      ...WIDE_TEMPLATE,
    ],
    cells: cronJobCells,
  },
  'autoscaling/horizontalpodautoscalers': {
    columns: [
      NAME,
      col('Reference', 'string', 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'),
      col('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
      col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
      col('MaxPods', 'integer', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
      col('Replicas', 'integer', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
      AGE,
    ],
    cells: (o, now) => {
      const s = specOf(o) as Spec & { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number };
      return [o.metadata.name, `${s.scaleTargetRef?.kind ?? ''}/${s.scaleTargetRef?.name ?? ''}`, hpaTargets(o), s.minReplicas ?? '<unset>', s.maxReplicas ?? 0, num(statusOf(o).currentReplicas), age(o, now)];
    },
  },
  'discovery.k8s.io/endpointslices': {
    columns: [NAME, col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'), col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'), col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'), AGE],
    cells: (o, now) => [o.metadata.name, (o as Loose).addressType ?? '', endpointSlicePorts(o), endpointSliceEndpoints(o), age(o, now)],
  },
  'policy/poddisruptionbudgets': {
    columns: [
      NAME,
      col('Min Available', 'string', 'The minimum number of pods that must be available simultaneously.'),
      col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable simultaneously.'),
      col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
      AGE,
    ],
    cells: (o, now) => [o.metadata.name, intOrNA(specOf(o).minAvailable), intOrNA(specOf(o).maxUnavailable), num(statusOf(o).disruptionsAllowed), age(o, now)],
  },
  'rbac.authorization.k8s.io/roles': { columns: [NAME, CREATED_AT], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null] },
  'rbac.authorization.k8s.io/clusterroles': { columns: [NAME, CREATED_AT], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null] },
  'rbac.authorization.k8s.io/rolebindings': { columns: [NAME, col('Role', 'string', 'Role of the binding.'), AGE, ...ROLE_WIDE], cells: bindingCells },
  'rbac.authorization.k8s.io/clusterrolebindings': { columns: [NAME, col('Role', 'string', 'Role of the binding.'), AGE, ...ROLE_WIDE], cells: bindingCells },
  'storage.k8s.io/storageclasses': {
    columns: [
      NAME,
      col('Provisioner', 'string', 'Indicates the type of the provisioner.'),
      col('ReclaimPolicy', 'string', 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy. Defaults to Delete.'),
      col('VolumeBindingMode', 'string', 'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
      col('AllowVolumeExpansion', 'string', 'AllowVolumeExpansion shows whether the storage class allow volume expand.'),
      AGE,
    ],
    cells: (o, now) => {
      const sc = o as Loose;
      const isDefault = o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' || o.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
      return [isDefault ? `${o.metadata.name} (default)` : o.metadata.name, sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion === true ? 'true' : 'false', age(o, now)];
    },
  },
  'networking.k8s.io/ingresses': {
    columns: [NAME, col('Class', 'string', 'ingressClassName is the name of an IngressClass cluster resource.'), col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'), col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'), col('Ports', 'string', 'Ports of TLS configurations that open'), AGE],
    cells: (o, now) => [o.metadata.name, specOf(o).ingressClassName ?? '<none>', ingressHosts(o), loadBalancerAddresses(o), ((specOf(o).tls ?? []) as unknown[]).length > 0 ? '80, 443' : '80', age(o, now)],
  },
  'networking.k8s.io/networkpolicies': {
    columns: [NAME, col('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'), AGE],
    cells: (o, now) => [o.metadata.name, selectorText(specOf(o).podSelector as LabelSelector | undefined), age(o, now)],
  },
  'scheduling.k8s.io/priorityclasses': {
    columns: [NAME, col('Value', 'integer', 'The value of this priority class.'), col('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority.'), AGE, col('PreemptionPolicy', 'string', 'PreemptionPolicy is the Policy for preempting pods with lower priority.', 1)],
    cells: (o, now) => [o.metadata.name, num((o as Loose).value), (o as Loose).globalDefault === true, age(o, now), (o as Loose).preemptionPolicy ?? ''],
  },
};

/** eventV1Printer prints events.k8s.io Events with the core event columns (upstream shares the printer). */
export function eventV1Printer(core: Printer): Printer {
  return { columns: core.columns, cells: (o, now) => core.cells(eventV1ToCore(o) as KEvent, now) };
}

/** hpaV1Printer prints autoscaling/v1 HPAs with the v2 columns (upstream prints the internal form). */
export function hpaV1Printer(v2: Printer): Printer {
  return { columns: v2.columns, cells: (o, now) => v2.cells(hpaV1ToV2(o), now) };
}
