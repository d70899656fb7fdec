/**
 * The kube-scheduler actor (kind 'scheduler', id `scheduler`): one pod informer and one node
 * informer feed the Scheduler; a coalesced `schedule` self-message drains the queue in batches
 * so one turn never monopolises the thread; timers flush backoffs and renew the leader lease.
 */
import type { ActorContext, Behavior } from '../actors/types.js';
import { newUid } from '../api/meta.js';
import { NODES, PERSISTENTVOLUMECLAIMS, PODS, STORAGECLASSES } from '../api/resources.js';
import type { KObject, Node, Pod } from '../api/types.js';
import type { WatchEventsMsg } from '../apiserver/protocol.js';
import { createApiClient } from '../client/api-client.js';
import { createInformer, type InformerHandle } from '../client/informer.js';
import type { ApiClient, Watcher } from '../client/types.js';
import { createWatcher } from '../client/watcher.js';
import { renewLease } from './leader-lease.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** SCHEDULER_ID is the scheduler actor's id. */
export const SCHEDULER_ID = 'scheduler';
/** LEASE_RENEW_MS / LEASE_DURATION_S: kube-scheduler's leader election timing used by /readyz. */
export const LEASE_RENEW_MS = 2_000;
export const LEASE_DURATION_S = 15;
const FLUSH_MS = 1_000;

/** SchedulerParams are the serializable params of the 'scheduler' kind. */
export type SchedulerParams = Omit<SchedulerOptions, 'registry'>;

/** SchedulerMsg is the scheduler actor's protocol; `stats` is an ask. */
export type SchedulerMsg = WatchEventsMsg | { type: 'schedule' } | { type: 'flush' } | { type: 'renewLease' } | { type: 'stats' };

/** ClientFactory builds the API client and watcher of an actor (real by default, fakes in tests). */
export interface ClientFactory {
  client(ctx: ActorContext): ApiClient;
  watcher(ctx: ActorContext): Watcher & { deliver(msg: WatchEventsMsg): void; apiserverDown(): void };
}

/** REAL_CLIENTS asks the apiserver actor. */
export const REAL_CLIENTS: ClientFactory = { client: (ctx) => createApiClient(ctx), watcher: (ctx) => createWatcher(ctx) };

/** createSchedulerBehavior builds the scheduler actor. */
export function createSchedulerBehavior(params: SchedulerParams = {}, clients: ClientFactory = REAL_CLIENTS): Behavior<SchedulerMsg> {
  let sched: Scheduler;
  let watcher: ReturnType<ClientFactory['watcher']>;
  let client: ApiClient;
  let informers: Pick<InformerHandle<KObject>, 'hasSynced' | 'stop'>[] = [];
  let wakePending = false;
  let holder = '';
  let self: ActorContext;

  const wake = (): void => {
    if (wakePending) return;
    wakePending = true;
    self.tell(self.self, { type: 'schedule' });
  };

  return {
    started(ctx) {
      self = ctx;
      client = clients.client(ctx);
      watcher = clients.watcher(ctx);
      holder = `kube-scheduler_${newUid(ctx.rng)}`;
      const deps = { client, watcher, clock: ctx.clock, log: ctx.log, rng: ctx.rng };
      // VolumeBinding's listers: a claim that becomes Bound (or appears) retries unschedulable pods.
      const claims = createInformer<KObject>(deps, PERSISTENTVOLUMECLAIMS);
      const classes = createInformer<KObject>(deps, STORAGECLASSES);
      const volumes = { claim: (ns: string, name: string) => claims.lister.get(ns, name), storageClass: (name: string) => classes.lister.get(undefined, name) };
      sched = new Scheduler({ client, clock: ctx.clock, rng: ctx.rng, log: ctx.log, onWake: wake, volumes }, params);
      claims.addEventHandler({ onAdd: () => sched.onVolumeChange(), onUpdate: () => sched.onVolumeChange() });
      classes.addEventHandler({ onAdd: () => sched.onVolumeChange() });
      const pods = createInformer<Pod>(deps, PODS);
      pods.addEventHandler({
        onAdd: (p) => sched.onPodAddOrUpdate(p),
        onUpdate: (_o, p) => sched.onPodAddOrUpdate(p),
        onDelete: (p) => sched.onPodDelete(p),
      });
      const nodes = createInformer<Node>(deps, NODES);
      nodes.addEventHandler({
        onAdd: (n) => sched.onNodeAddOrUpdate(n),
        onUpdate: (_o, n) => sched.onNodeAddOrUpdate(n),
        onDelete: (n) => sched.onNodeDelete(n),
      });
      informers = [pods, nodes, claims, classes];
      // Nodes (and volumes) first: pods scheduled before any node is known would all be unschedulable.
      void Promise.all([nodes.start(), claims.start(), classes.start()]).then(() => pods.start());
      ctx.setTimer('flush', FLUSH_MS, { type: 'flush' }, { repeat: true });
      ctx.setTimer('renewLease', LEASE_RENEW_MS, { type: 'renewLease' }, { repeat: true });
      ctx.tell(ctx.self, { type: 'renewLease' });
    },
    receive(ctx, msg) {
      switch (msg.type) {
        case 'watchEvents':
          watcher.deliver(msg);
          return;
        case 'schedule':
          wakePending = false;
          sched.scheduleBatch();
          if (sched.pendingWork()) wake();
          return;
        case 'flush':
          sched.flush();
          return;
        case 'renewLease':
          renewLease(client, ctx.clock, { namespace: 'kube-system', name: 'kube-scheduler', holderIdentity: holder, leaseDurationSeconds: LEASE_DURATION_S }).catch((err: unknown) =>
            // The next tick retries; an apiserver restart makes a few renewals fail.
            ctx.log.warn('leader lease renewal failed', { err: String(err) }),
          );
          return;
        case 'stats':
          return { ...sched.stats, queue: sched.queue.counts(), nodes: sched.cache.nodeCount, synced: informers.every((i) => i.hasSynced()) };
        default:
          return assertNever(msg);
      }
    },
    onDown(_ctx, _target) {
      watcher.apiserverDown();
    },
    stopped() {
      for (const i of informers) i.stop();
    },
  };
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
