/**
 * Per-kind table printers, ported from kubernetes pkg/printers/internalversion/printers.go. The
 * API server always prints "wide" (priority-1 cells are present; kubectl hides them unless -o wide).
 */
import { formatLabelSelector } from '../../api/labels.js';
import type { Container, ContainerStatus, Deployment, Endpoints, KEvent, KObject, Lease, Namespace, Node, Pod, ReplicaSet, Service } from '../../api/types.js';
import { formatLabels, joinHostPort, since } from './format.js';
import { EXTRA_PRINTERS, eventV1Printer, hpaV1Printer } from './printers-extra.js';
import type { TableColumnDefinition } from './types.js';

/** Printer is one kind's columns and row cells. */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: KObject, now: number): unknown[];
}

const NAME_DOC = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function col(name: string, type = 'string', description = '', priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}
const NAME = col('Name', 'string', NAME_DOC, 0, 'name');
const AGE = col('Age', 'string', AGE_DOC);

const age = (o: KObject, now: number) => since(o.metadata.creationTimestamp, now);

interface InitStatus extends ContainerStatus {
  lastState?: { terminated?: { finishedAt?: string } };
}

function isRestartable(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

/** podStatusCells computes READY, STATUS, RESTARTS as printPod does. */
function podCells(pod: Pod, now: number): unknown[] {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  const inits = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  for (const c of spec.initContainers ?? []) if (isRestartable(c)) total++;
  const finished = (cs: InitStatus) => Date.parse(cs.lastState?.terminated?.finishedAt ?? '') || 0;

  let initializing = false;
  const initStatuses = (status.initContainerStatuses ?? []) as InitStatus[];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finished(cs));
    const restartable = isRestartable(inits.get(cs.name));
    if (restartable) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finished(cs));
    }
    const term = cs.state?.terminated as { exitCode: number; reason?: string; signal?: number } | undefined;
    const waiting = cs.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (restartable && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initializedTrue = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = (status.containerStatuses ?? []) as InitStatus[];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finished(cs));
      const term = cs.state?.terminated as { exitCode: number; reason?: string; signal?: number } | undefined;
      if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';
  const restartsStr = restarts !== 0 && lastRestart > 0 ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);

  const podIP = status.podIPs?.[0]?.ip || status.podIP || '<none>';
  const gates = (spec.readinessGates as { conditionType: string }[] | undefined) ?? [];
  let gatesStr = '<none>';
  if (gates.length > 0) {
    const trueCount = gates.filter((g) => (status.conditions ?? []).find((c) => c.type === g.conditionType)?.status === 'True').length;
    gatesStr = `${trueCount}/${gates.length}`;
  }
  return [pod.metadata.name, `${ready}/${total}`, reason, restartsStr, age(pod, now), podIP, spec.nodeName || '<none>', (status.nominatedNodeName as string) || '<none>', gatesStr];
}

function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.add(v);
  }
  const list = [...roles].filter((r) => r !== '').sort();
  return list.length > 0 ? list.join(',') : '<none>';
}

function nodeCells(node: Node, now: number): unknown[] {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status: string[] = [];
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const info = node.status?.nodeInfo ?? {};
  const addr = (t: string) => (node.status?.addresses ?? []).find((a) => a.type === t)?.address ?? '<none>';
  return [
    node.metadata.name,
    status.join(','),
    nodeRoles(node),
    age(node, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

function templateCells(spec: { template?: { spec?: { containers?: Container[] } }; selector?: Deployment['spec']['selector'] }): unknown[] {
  const cs = spec.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(','), formatLabelSelectorSafe(spec.selector)];
}

function formatLabelSelectorSafe(sel: Deployment['spec']['selector'] | undefined): string {
  try {
    return formatLabelSelector(sel);
  } catch {
    return '<error>';
  }
}

function servicePorts(svc: Service): string {
  const s = (svc.spec?.ports ?? []).map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  return s || '<none>';
}

function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = (spec.externalIPs as string[] | undefined) ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = ((svc.status?.loadBalancer as { ingress?: { ip?: string; hostname?: string }[] } | undefined)?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((x) => x);
      const all = [...ingress, ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return String(spec.externalName ?? '');
    default:
      return '<unknown>';
  }
}

function endpointsCell(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ss.ports ?? []) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, p.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function eventCells(ev: KEvent, now: number): unknown[] {
  let first = since(ev.firstTimestamp, now);
  if (!ev.firstTimestamp) first = since(ev.eventTime as string | undefined, now);
  let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  const series = ev.series as { lastObservedTime?: string; count?: number } | undefined;
  if (series) {
    last = since(series.lastObservedTime, now);
    count = series.count ?? 0;
  } else if (count === 0) count = 1;
  const io = ev.involvedObject ?? {};
  const kind = (io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || (ev.reportingInstance as string | undefined) || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [last, ev.type ?? '', ev.reason ?? '', target, io.fieldPath ?? '', source, (ev.message ?? '').trim(), first, count, ev.metadata.name];
}

/** PRINTERS maps "group/resource" to its printer. */
export const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [
      NAME,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'string', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
      col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
      col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells: (o, now) => podCells(o as Pod, now),
  },
  '/nodes': {
    columns: [
      NAME,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      AGE,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells: (o, now) => nodeCells(o as Node, now),
  },
  'apps/deployments': {
    columns: [
      NAME,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells: (o, now) => {
      const d = o as Deployment;
      const st = d.status ?? {};
      return [d.metadata.name, `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0, age(d, now), ...templateCells(d.spec ?? {})];
    },
  },
  'apps/replicasets': {
    columns: [
      NAME,
      col('Desired', 'integer', 'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.'),
      col('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'),
      col('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      AGE,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells: (o, now) => {
      const rs = o as ReplicaSet;
      return [rs.metadata.name, rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, now), ...templateCells(rs.spec ?? {})];
    },
  },
  '/services': {
    columns: [
      NAME,
      col('Type', 'string', 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
      AGE,
      col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (o, now) => {
      const s = o as Service;
      const ip = (s.spec?.clusterIPs as string[] | undefined)?.[0] || s.spec?.clusterIP || '<none>';
      return [s.metadata.name, s.spec?.type ?? '', ip, serviceExternalIP(s), servicePorts(s), age(s, now), formatLabels(s.spec?.selector)];
    },
  },
  '/endpoints': {
    columns: [NAME, col('Endpoints', 'string', 'Endpoints of the service'), AGE],
    cells: (o, now) => [o.metadata.name, endpointsCell(o as Endpoints), age(o, now)],
  },
  '/namespaces': {
    columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
    cells: (o, now) => [o.metadata.name, (o as Namespace).status?.phase ?? '', age(o, now)],
  },
  '/events': {
    columns: [
      col('Last Seen', 'string', 'The last time this event was observed.'),
      col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      col('Object', 'string', 'The object that this event is about.'),
      col('Subobject', 'string', 'The subobject that this event is about.', 1),
      col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
      col('Message', 'string', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      col('Count', 'string', 'The number of times this event has occurred.', 1),
      col('Name', 'string', NAME_DOC, 1),
    ],
    cells: (o, now) => eventCells(o as KEvent, now),
  },
  'coordination.k8s.io/leases': {
    columns: [NAME, col('Holder', 'string', 'The holder of the lease'), AGE],
    cells: (o, now) => [o.metadata.name, (o as Lease).spec?.holderIdentity ?? '', age(o, now)],
  },
};

Object.assign(PRINTERS, EXTRA_PRINTERS, {
  'events.k8s.io/events': eventV1Printer(PRINTERS['/events']),
  'autoscaling/horizontalpodautoscalers@v1': hpaV1Printer(EXTRA_PRINTERS['autoscaling/horizontalpodautoscalers']),
});

/** DEFAULT_PRINTER is the generic TableConvertor: Name and Created At. */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME, col('Created At', 'date', AGE_DOC)],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
};
