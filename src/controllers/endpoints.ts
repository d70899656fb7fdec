/**
 * Endpoints controller: one Endpoints object per Service with a selector, listing the IPs of the
 * selected pods — ready ones in `addresses`, others in `notReadyAddresses` — with the service's
 * ports resolved against each pod (targetPort number, or a named container port).
 */
import { isNotFound, isAlreadyExists } from '../api/errors.js';
import { objectKey } from '../api/meta.js';
import { ENDPOINTS, PODS, SERVICES } from '../api/resources.js';
import type { EndpointAddress, EndpointSubset, Endpoints, Pod, Service, ServicePort } from '../api/types.js';
import { requirementMatches, structuredRequirements } from '../client/selectors.js';
import type { ApiClient, Lister } from '../client/types.js';
import type { ControllerDefinition, ControllerEnv, Reconciler } from './runtime/types.js';
import { isPodReady, stableStringify } from './util.js';

/** NAME of the controller. */
export const NAME = 'endpoints';
/** LABEL_INDEX indexes pods by "namespace/key=value" for each label, so a service looks at few pods. */
export const LABEL_INDEX = 'label';

/** labelIndex is the index function behind LABEL_INDEX. */
export function labelIndex(pod: Pod): string[] {
  return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${pod.metadata.namespace}/${k}=${v}`);
}

/** selectedPods returns the pods svc selects, starting from its rarest selector label. */
function selectedPods(pods: Lister<Pod>, svc: Service): Pod[] {
  const sel = Object.entries(svc.spec.selector ?? {});
  const ns = svc.metadata.namespace;
  if (sel.length === 0) return pods.list(ns);
  let best: Pod[] | undefined;
  for (const [k, v] of sel) {
    const c = pods.byIndex(LABEL_INDEX, `${ns}/${k}=${v}`);
    if (!best || c.length < best.length) best = c;
  }
  return best!.filter((p) => serviceSelects(svc, p.metadata.labels));
}

/** EndpointsDeps are the listers and client of the reconciler. */
export interface EndpointsDeps {
  client: ApiClient;
  services: Lister<Service>;
  /** pods must be indexed with labelIndex under LABEL_INDEX. */
  pods: Lister<Pod>;
  endpoints: Lister<Endpoints>;
}

/** serviceSelects: does the service's selector (a label set) select these labels? */
export function serviceSelects(svc: Service, labels: Record<string, string> | undefined): boolean {
  const sel = svc.spec.selector;
  if (!sel) return false;
  return structuredRequirements({ matchLabels: sel }).every((r) => requirementMatches(r, labels));
}

/** findPort resolves a service port's targetPort on pod (podutil.FindPort); undefined if it cannot. */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const proto = sp.protocol ?? 'TCP';
  for (const c of pod.spec.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  return undefined;
}

/** shouldBeInEndpoints: has an IP, not terminal, and not terminating unless not-ready ones are published. */
function shouldBeInEndpoints(pod: Pod, publishNotReady: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return false;
  if (pod.metadata.deletionTimestamp && !publishNotReady) return false;
  return true;
}

/** computeSubsets builds the subsets of svc from pods, grouped by identical port lists (repacked). */
export function computeSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  const headless = svc.spec.clusterIP === 'None';
  const groups = new Map<string, { ports: { name?: string; port: number; protocol?: string }[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!shouldBeInEndpoints(pod, publishNotReady)) continue;
    const addr: EndpointAddress = {
      ip: String(pod.status!.podIP),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: String(pod.metadata.name), uid: pod.metadata.uid },
    };
    const ports: { name?: string; port: number; protocol?: string }[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue; // this pod does not expose the named port
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    if (ports.length === 0 && !(headless && (svc.spec.ports ?? []).length === 0)) continue;
    ports.sort((a, b) => String(a.name ?? '').localeCompare(String(b.name ?? '')) || a.port - b.port);
    const key = stableStringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    if (isPodReady(pod) || publishNotReady) g.ready.push(addr);
    else g.notReady.push(addr);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, g]) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
}

/** createEndpointsReconciler keeps the Endpoints of one service equal to computeSubsets. */
export function createEndpointsReconciler(deps: EndpointsDeps): Reconciler {
  return {
    async reconcile(_ctx, req) {
      const svc = deps.services.get(req.namespace, req.name);
      if (!svc) {
        if (deps.endpoints.get(req.namespace, req.name))
          await deps.client.delete(ENDPOINTS, req.namespace, req.name).catch((e: unknown) => {
            if (!isNotFound(e)) throw e;
          });
        return;
      }
      if (!svc.spec.selector) return; // endpoints of selector-less services are managed by users
      const pods = selectedPods(deps.pods, svc);
      const subsets = computeSubsets(svc, pods);
      const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
      if (svc.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
      const cur = deps.endpoints.get(req.namespace, req.name);
      if (cur && stableStringify(cur.subsets ?? []) === stableStringify(subsets) && stableStringify(cur.metadata.labels ?? {}) === stableStringify(labels)) return;
      const ep: Endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: cur ? { ...cur.metadata, labels } : { name: req.name, namespace: req.namespace, labels },
        subsets,
      };
      if (cur) await deps.client.update(ENDPOINTS, ep);
      else
        await deps.client.create(ENDPOINTS, ep).catch(async (e: unknown) => {
          if (!isAlreadyExists(e)) throw e;
          // Not in our cache yet: update the live one.
          const live = await deps.client.get<Endpoints>(ENDPOINTS, req.namespace, req.name);
          await deps.client.update(ENDPOINTS, { ...live, metadata: { ...live.metadata, labels }, subsets });
        });
    },
  };
}

/** endpointsController is the definition: informers on services, pods and endpoints. */
export function endpointsController(opts: { workers?: number } = {}): ControllerDefinition {
  return {
    name: NAME,
    workers: opts.workers ?? 5,
    setup(env: ControllerEnv): Reconciler {
      const svcInf = env.informers.informerFor<Service>(SERVICES);
      const podInf = env.informers.informerFor<Pod>(PODS);
      podInf.addIndex(LABEL_INDEX, labelIndex);
      const epInf = env.informers.informerFor<Endpoints>(ENDPOINTS);
      const q = env.queue;
      const enqueueFor = (pod: Pod): void => {
        for (const svc of svcInf.lister.list(pod.metadata.namespace)) if (serviceSelects(svc, pod.metadata.labels)) q.add(objectKey(svc));
      };
      svcInf.addEventHandler({ onAdd: (s) => q.add(objectKey(s)), onUpdate: (_o, s) => q.add(objectKey(s)), onDelete: (s) => q.add(objectKey(s)) });
      podInf.addEventHandler({
        onAdd: enqueueFor,
        onUpdate: (old, pod) => {
          // Only what endpoints show matters: IP, readiness, labels, node, deletion, ports.
          if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
          enqueueFor(pod);
          if (stableStringify(old.metadata.labels ?? {}) !== stableStringify(pod.metadata.labels ?? {})) enqueueFor(old);
        },
        onDelete: enqueueFor,
      });
      epInf.addEventHandler({
        // Someone deleted or changed our Endpoints: recompute (level-based repair).
        onDelete: (ep) => q.add(objectKey(ep)),
        onUpdate: (_o, ep) => {
          if (svcInf.lister.get(ep.metadata.namespace, String(ep.metadata.name))) q.add(objectKey(ep));
        },
      });
      return createEndpointsReconciler({ client: env.client, services: svcInf.lister, pods: podInf.lister, endpoints: epInf.lister });
    },
  };
}
