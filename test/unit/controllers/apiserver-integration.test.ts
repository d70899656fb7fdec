/**
 * Controllers through the real actor path (controllerBehavior → createApiClient/createWatcher →
 * ApiRequest asks) against the apiserver's real registry (createApiServer over the apiserver
 * tests' FakeStore; newTestServer comes from test/unit/apiserver/helpers.ts). Catches what the
 * permissive FakeApiClient would not: validation, status-subresource rules, watch semantics.
 */
import { expect, it } from 'vitest';
import { DEPLOYMENTS, ENDPOINTS, EVENTS, NAMESPACES, NODES, PODS, REPLICASETS, SERVICES } from '../../../src/api/resources.js';
import type { Deployment, Endpoints, KEvent, KList, KObject, Node, Pod, ReplicaSet } from '../../../src/api/types.js';
import type { ApiRequest } from '../../../src/apiserver/protocol.js';
import { deploymentController } from '../../../src/controllers/deployment.js';
import { endpointsController } from '../../../src/controllers/endpoints.js';
import { garbageCollectorController } from '../../../src/controllers/garbagecollector.js';
import { namespaceController } from '../../../src/controllers/namespace.js';
import { microTime, renewLease } from '../../../src/controllers/leader-lease.js';
import { nodeLifecycleController } from '../../../src/controllers/nodelifecycle.js';
import { replicaSetController } from '../../../src/controllers/replicaset.js';
import { controllerBehavior } from '../../../src/controllers/runtime/behavior.js';
import { newTestServer } from '../apiserver/helpers.js';
import { testContext } from '../client/fake-actor-context.js';
import { tick } from './harness.js';

it('controllers/apiserver-integration - deployment, endpoints, namespaces and GC work against the real registry', async () => {
  const t = await newTestServer();
  const s = t.server;
  const problems: unknown[] = [];
  for (const def of [deploymentController(), replicaSetController(), garbageCollectorController(), endpointsController(), namespaceController()]) {
    const b = controllerBehavior(def);
    const ctx = testContext(`controller/${def.name}`, async (_to, msg) => {
      const m = msg as ApiRequest;
      if (m.type === 'watch') {
        // As the apiserver actor does: events are told to the subscriber later, never inline.
        const w = s.registry.openWatch(m.res, m.opts ?? {}, {
          events: (events) => queueMicrotask(() => b.receive(ctx, { type: 'watchEvents', watchId: m.watchId, events })),
          error: (err) => queueMicrotask(() => b.receive(ctx, { type: 'watchEvents', watchId: m.watchId, events: [{ type: 'ERROR', object: err.status as unknown as KObject }] })),
        });
        return { resourceVersion: String(w.startRv) };
      }
      if (m.type === 'unwatch') return undefined;
      return s.handle(m);
    });
    const log = { debug() {}, info() {}, warn: (m: string, f?: object) => problems.push([def.name, m, f]), error: (m: string, f?: object) => problems.push([def.name, m, f]), child: () => log };
    Object.assign(ctx, { log, clock: t.clock, onTimer: (msg: unknown) => b.receive(ctx, msg as never) });
    await b.started?.(ctx);
  }
  const settle = async () => {
    for (let i = 0; i < 300; i++) await tick();
  };
  const h = <T>(req: ApiRequest) => s.handle(req) as Promise<T>;
  await settle();
  expect((await h<KList>({ type: 'list', res: NAMESPACES })).items.map((n) => n.metadata.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);

  const tmpl = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image, ports: [{ name: 'http', containerPort: 80 }] }] } });
  await h({ type: 'create', res: DEPLOYMENTS, namespace: 'default', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: tmpl('nginx:1') } } });
  await h({ type: 'create', res: SERVICES, namespace: 'default', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } } });
  await settle();
  const pods = (await h<KList<Pod>>({ type: 'list', res: PODS, opts: { namespace: 'default' } })).items;
  expect(pods).toHaveLength(3);
  let ip = 1;
  for (const p of pods) {
    const name = String(p.metadata.name);
    await h({ type: 'createSub', res: PODS, namespace: 'default', name, subresource: 'binding', object: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: 'default' }, target: { kind: 'Node', name: 'n1' } } });
    const cur = await h<Pod>({ type: 'get', res: PODS, namespace: 'default', name });
    const status = { ...cur.status, phase: 'Running' as const, podIP: `10.0.0.${ip++}`, conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    await h({ type: 'update', res: PODS, namespace: 'default', name, subresource: 'status', object: { ...cur, status } });
  }
  await settle();
  const d = await h<Deployment>({ type: 'get', res: DEPLOYMENTS, namespace: 'default', name: 'web' });
  expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
  expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  const events = (await h<KList<KEvent>>({ type: 'list', res: EVENTS, opts: { namespace: 'default' } })).items;
  expect(events.map((e) => `${e.involvedObject.kind} ${e.reason}`).sort()).toEqual(['Deployment ScalingReplicaSet', 'ReplicaSet SuccessfulCreate', 'ReplicaSet SuccessfulCreate', 'ReplicaSet SuccessfulCreate']);
  const ep = await h<Endpoints>({ type: 'get', res: ENDPOINTS, namespace: 'default', name: 'web' });
  expect(ep.subsets?.[0].addresses?.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  expect(ep.subsets?.[0].ports).toEqual([{ port: 80, protocol: 'TCP' }]);

  await h({ type: 'patch', res: DEPLOYMENTS, namespace: 'default', name: 'web', patchType: 'merge', patch: { spec: { template: tmpl('nginx:2') } } });
  await settle();
  const rss = (await h<KList<ReplicaSet>>({ type: 'list', res: REPLICASETS, opts: { namespace: 'default' } })).items;
  expect(rss.map((r) => [r.metadata.annotations?.['deployment.kubernetes.io/revision'], r.spec.replicas]).sort()).toEqual([
    ['1', 3],
    ['2', 1],
  ]);

  await h({ type: 'delete', res: DEPLOYMENTS, namespace: 'default', name: 'web', options: { propagationPolicy: 'Background' } });
  await settle();
  expect((await h<KList>({ type: 'list', res: REPLICASETS, opts: { namespace: 'default' } })).items).toEqual([]);
  // bound pods wait for their kubelet; the unbound new one is gone already
  expect((await h<KList>({ type: 'list', res: PODS, opts: { namespace: 'default' } })).items.every((p) => p.metadata.deletionTimestamp)).toBe(true);
  expect(problems).toEqual([]);
});

it('controllers/apiserver-integration - leader lease and node lifecycle writes are accepted by the real registry', async () => {
  const t = await newTestServer();
  const s = t.server;
  const h = <T>(req: ApiRequest) => s.handle(req) as Promise<T>;
  const leaseCtx = testContext('controller/leader', (_to, msg) => s.handle(msg as ApiRequest));
  Object.assign(leaseCtx, { clock: t.clock });
  const p = { namespace: 'kube-system', name: 'kube-controller-manager', identity: 'kcm', renewIntervalMs: 2000, leaseDurationSeconds: 15 };
  expect((await renewLease(leaseCtx, p))?.spec.holderIdentity).toBe('kcm');
  t.clock.advance(2000);
  expect((await renewLease(leaseCtx, p))?.spec.renewTime).toBe(microTime(t.clock.now()));

  await h({ type: 'create', res: NAMESPACES, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } } });
  await h({ type: 'create', res: NODES, object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } } });
  const b = controllerBehavior(nodeLifecycleController());
  const ctx = testContext('controller/nodelifecycle', async (_to, msg) => {
    const m = msg as ApiRequest;
    if (m.type === 'watch') {
      const w = s.registry.openWatch(m.res, m.opts ?? {}, { events: (events) => queueMicrotask(() => b.receive(ctx, { type: 'watchEvents', watchId: m.watchId, events })), error: () => {} });
      return { resourceVersion: String(w.startRv) };
    }
    if (m.type === 'unwatch') return undefined;
    return s.handle(m);
  });
  Object.assign(ctx, { clock: t.clock, onTimer: (msg: unknown) => b.receive(ctx, msg as never) });
  await b.started?.(ctx);
  for (let step = 0; step < 12; step++) {
    t.clock.advance(5000);
    for (let i = 0; i < 50; i++) await tick();
  }
  const n = await h<Node>({ type: 'get', res: NODES, name: 'n1' });
  expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
  expect(n.spec.taints?.map((x) => `${x.key}:${x.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  await b.stopped?.(ctx);
});
