/**
 * The node host actor (kind 'nodehost', id `nodehost/<hostIndex>`): the one place on a worker
 * that talks to the apiserver on behalf of its virtual nodes' pods and services.
 *
 *   apiserver ══ 1 pod watch (nodeNames = all local nodes) ══▶ nodehost ──tell──▶ kubelet/<n>
 *             ══ 1 services + 1 endpoints watch ══════════════▶ nodehost ──tell(table ref)──▶ kube-proxy/<n>
 *
 * Tells between actors of one worker are in-thread and cheap, so N kubelets cost one watch
 * instead of N. The ServiceTable is rebuilt at most once per turn (coalesced self-message) and
 * shared by reference with every proxy.
 */
import type { ActorContext, Behavior } from '../actors/types.js';
import { keyOf } from '../api/meta.js';
import { ENDPOINTS, PODS, SERVICES } from '../api/resources.js';
import type { Endpoints, Pod, Service } from '../api/types.js';
import type { WatchEventsMsg } from '../apiserver/protocol.js';
import { createInformer, type InformerHandle } from '../client/informer.js';
import type { ApiClient, Watcher } from '../client/types.js';
import { buildServiceTable, ServiceTable } from '../proxy/table.js';
import type { KubeletPodMsg } from './kubelet.js';
import { kubeletId, kubeProxyId } from './types.js';

/** NodeHostParams list the host's nodes. */
export interface NodeHostParams {
  hostIndex: number;
  nodeNames: string[];
}

/** NodeHostMsg is the node host's protocol; `stats` is an ask. */
export type NodeHostMsg =
  | WatchEventsMsg
  | { type: 'kubeletStarted'; nodeName: string }
  | { type: 'proxyStarted'; nodeName: string }
  | { type: 'rebuildTable' }
  | { type: 'stats' };

/** NodeHostClients builds the host's API client and watcher (real ones in production). */
export interface NodeHostClients {
  client(ctx: ActorContext): ApiClient;
  watcher(ctx: ActorContext): Watcher & { deliver(msg: WatchEventsMsg): void; apiserverDown(): void };
}

const NODE_INDEX = 'nodeName';

/** createNodeHostBehavior builds the node host of hostIndex. */
export function createNodeHostBehavior(params: NodeHostParams, clients: NodeHostClients): Behavior<NodeHostMsg> {
  const local = new Set(params.nodeNames);
  let watcher: ReturnType<NodeHostClients['watcher']>;
  let pods: InformerHandle<Pod>;
  let services: InformerHandle<Service>;
  let endpoints: InformerHandle<Endpoints>;
  let table = ServiceTable.EMPTY;
  let tableVersion = 0;
  let rebuildPending = false;
  let podEventsDispatched = 0;

  const podsOf = (node: string): Pod[] => pods.lister.byIndex(NODE_INDEX, node);

  function sendPods(ctx: ActorContext, node: string): void {
    ctx.tell(kubeletId(node), { type: 'pods', pods: podsOf(node) } satisfies KubeletPodMsg);
  }

  function dispatch(ctx: ActorContext, pod: Pod, op: 'podUpsert' | 'podDelete'): void {
    const node = pod.spec.nodeName;
    if (!node || !local.has(node)) return;
    podEventsDispatched++;
    ctx.tell(kubeletId(node), { type: op, pod } satisfies KubeletPodMsg);
  }

  function requestRebuild(ctx: ActorContext): void {
    if (rebuildPending) return;
    rebuildPending = true;
    ctx.tell(ctx.self, { type: 'rebuildTable' });
  }

  function rebuild(ctx: ActorContext): void {
    rebuildPending = false;
    if (!services.hasSynced() || !endpoints.hasSynced()) return;
    // Versions start from the clock so a restarted host's tables still supersede old ones.
    tableVersion = Math.max(tableVersion + 1, ctx.clock.now());
    table = buildServiceTable(services.lister.list(), (ns, name) => endpoints.lister.get(ns, name), tableVersion);
    for (const n of local) ctx.tell(kubeProxyId(n), { type: 'table', table });
  }

  return {
    started(ctx) {
      const client = clients.client(ctx);
      watcher = clients.watcher(ctx);
      const deps = { client, watcher, clock: ctx.clock, log: ctx.log, rng: ctx.rng };
      pods = createInformer<Pod>(deps, PODS, { nodeNames: [...local] });
      pods.addIndex(NODE_INDEX, (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
      pods.addEventHandler({
        onAdd: (p) => dispatch(ctx, p, 'podUpsert'),
        onUpdate: (_o, p) => dispatch(ctx, p, 'podUpsert'),
        onDelete: (p) => dispatch(ctx, p, 'podDelete'),
      });
      services = createInformer<Service>(deps, SERVICES);
      endpoints = createInformer<Endpoints>(deps, ENDPOINTS);
      const onChange = { onAdd: () => requestRebuild(ctx), onUpdate: () => requestRebuild(ctx), onDelete: () => requestRebuild(ctx) };
      services.addEventHandler(onChange);
      endpoints.addEventHandler(onChange);
      // On (re)sync every kubelet gets its full pod set: it repairs anything a restart missed.
      void pods.start().then(() => {
        for (const n of local) sendPods(ctx, n);
      });
      void Promise.all([services.start(), endpoints.start()]).then(() => requestRebuild(ctx));
    },
    receive(ctx, msg) {
      switch (msg.type) {
        case 'watchEvents':
          watcher.deliver(msg);
          return;
        case 'kubeletStarted':
          if (local.has(msg.nodeName) && pods.hasSynced()) sendPods(ctx, msg.nodeName);
          return;
        case 'proxyStarted':
          if (local.has(msg.nodeName) && table !== ServiceTable.EMPTY) ctx.tell(kubeProxyId(msg.nodeName), { type: 'table', table });
          return;
        case 'rebuildTable':
          return rebuild(ctx);
        case 'stats':
          return {
            nodes: local.size,
            pods: pods.lister.list().length,
            podEventsDispatched,
            synced: pods.hasSynced() && services.hasSynced() && endpoints.hasSynced(),
            tableVersion: table.version,
            proxyRules: table.proxyRules,
          };
        default:
          return assertNever(msg);
      }
    },
    onDown() {
      watcher.apiserverDown();
    },
    stopped() {
      pods.stop();
      services.stop();
      endpoints.stop();
    },
  };
}


function assertNever(x: never): never {
  throw new Error(`unexpected nodehost message ${JSON.stringify(x)}`);
}
