/**
 * Scheduler is the scheduling loop without the actor plumbing: it owns the cache and the
 * queue, schedules pods in batches and keeps many binds in flight.
 *
 *   informer events ──▶ onPod… / onNode… ──▶ queue / cache
 *   scheduleBatch():  pop ≤ batchSize pods; for each (synchronously) filter+score → assume →
 *                     reserve → permit → bind() started, NOT awaited
 *   bind settles:     success → queue.done; failure → forget + unreserve + backoff
 *
 * Writing "no node fits" into the pod (PodScheduled=False, reason Unschedulable) happens once per
 * distinct message, so a pod retried every few seconds does not write every time.
 */
import type { Clock, Logger, Rng } from '../actors/types.js';
import { rfc3339 } from '../api/meta.js';
import { PODS } from '../api/resources.js';
import type { Node, Pod, PodCondition } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { isTerminal, SchedulerCache } from './cache.js';
import { Framework } from './framework/framework.js';
import { newPodInfo } from './framework/node-info.js';
import type { PluginRegistry, Profile, VolumeLookup } from './framework/types.js';
import { DEFAULT_PROFILE, IN_TREE_PLUGINS } from './plugins/registry.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue/scheduling-queue.js';
import { EventRecorder } from './events.js';
import { FitError, schedulePod } from './schedule-one.js';

/** SchedulerOptions tune throughput; defaults suit 5,000 nodes on a shared core. */
export interface SchedulerOptions {
  profile?: Profile;
  registry?: PluginRegistry;
  /** batchSize: pods scheduled per scheduleBatch call (default 256). */
  batchSize?: number;
  /** maxInFlightBinds caps concurrent bind asks (default 512). */
  maxInFlightBinds?: number;
  /** writeUnschedulableStatus: patch PodScheduled=False on pods that fit nowhere (default true). */
  writeUnschedulableStatus?: boolean;
  /** eventsPerSecond caps Scheduled/FailedScheduling Events (default 200; 0 disables them). */
  eventsPerSecond?: number;
}

/** SchedulerDeps are injected so the loop runs the same under SimClock and in an actor. */
export interface SchedulerDeps {
  client: ApiClient;
  clock: Clock;
  rng: Rng;
  log: Logger;
  /** onWake is called when work became available (the actor schedules a batch). */
  onWake?: () => void;
  /** volumes are the PVC/StorageClass caches the VolumeBinding plugin reads (optional). */
  volumes?: VolumeLookup;
}

/** SchedulerStats are counters for tests and /metrics-like debug. */
export interface SchedulerStats {
  scheduled: number;
  bindFailures: number;
  unschedulable: number;
  inFlight: number;
}

/** responsibleFor: pending pods of our schedulerName that are not being deleted. */
export function responsibleFor(pod: Pod, schedulerName: string): boolean {
  return (pod.spec.schedulerName ?? 'default-scheduler') === schedulerName && !pod.spec.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod);
}

/** schedulingRelevantChange: did allocatable, labels, taints or unschedulable change? */
export function schedulingRelevantChange(a: Node, b: Node): boolean {
  return (
    JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable) ||
    JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) ||
    JSON.stringify(a.spec?.taints) !== JSON.stringify(b.spec?.taints) ||
    a.spec?.unschedulable !== b.spec?.unschedulable
  );
}

/** Scheduler: see the module comment. Not re-entrant; call from one actor. */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly stats: SchedulerStats = { scheduled: 0, bindFailures: 0, unschedulable: 0, inFlight: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lastUnschedulableMessage = new Map<string, string>();
  private nextStartIndex = 0;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly writeStatus: boolean;
  /** events records Scheduled / FailedScheduling, rate-limited. */
  readonly events: EventRecorder;

  constructor(
    private readonly deps: SchedulerDeps,
    opts: SchedulerOptions = {},
  ) {
    this.queue = new SchedulingQueue(() => deps.clock.now());
    this.framework = new Framework(opts.profile ?? DEFAULT_PROFILE, opts.registry ?? IN_TREE_PLUGINS, { client: deps.client, ...(deps.volumes ? { volumes: deps.volumes } : {}) });
    this.batchSize = opts.batchSize ?? 256;
    this.maxInFlight = opts.maxInFlightBinds ?? 512;
    this.writeStatus = opts.writeUnschedulableStatus ?? true;
    this.events = new EventRecorder(deps.client, deps.clock, deps.rng, deps.log, { ratePerSecond: opts.eventsPerSecond, component: this.framework.profile.schedulerName });
  }

  get schedulerName(): string {
    return this.framework.profile.schedulerName;
  }

  /** onPodAddOrUpdate routes a pod: bound → cache; pending and ours → queue. */
  onPodAddOrUpdate(pod: Pod): void {
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    if (pod.spec.nodeName) {
      this.cache.addOrUpdatePod(pod);
      this.queue.delete(key);
      this.lastUnschedulableMessage.delete(key);
      // A pod turning terminal frees room: retry the unschedulable ones.
      if (isTerminal(pod)) this.wake(true);
      return;
    }
    if (responsibleFor(pod, this.schedulerName)) {
      this.queue.add(pod);
      this.wake(false);
    } else {
      this.queue.delete(key);
    }
  }

  /** onPodDelete frees the pod's resources and retries pods that did not fit. */
  onPodDelete(pod: Pod): void {
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    this.queue.delete(key);
    this.lastUnschedulableMessage.delete(key);
    if (pod.spec.nodeName) {
      this.cache.removePod(key);
      this.wake(true);
    }
  }

  /**
   * onNodeAddOrUpdate refreshes the node. Unschedulable pods are retried only when something a
   * filter reads changed: a heartbeat (conditions only) every minute on 5,000 nodes must not
   * re-queue every parked pod.
   */
  onNodeAddOrUpdate(node: Node): void {
    const old = this.cache.node(String(node.metadata.name))?.node;
    this.cache.addOrUpdateNode(node);
    if (!old || schedulingRelevantChange(old, node)) this.wake(true);
  }

  /** onNodeDelete drops the node from the cache. */
  onNodeDelete(node: Node): void {
    this.cache.removeNode(String(node.metadata.name));
  }

  /** pendingWork: is there anything scheduleBatch could do now? */
  pendingWork(): boolean {
    return this.queue.hasActive() && this.stats.inFlight < this.maxInFlight;
  }

  /** flush moves finished backoffs to the active queue (call on a ~1 s timer). */
  flush(): void {
    this.queue.flush();
    if (this.queue.hasActive()) this.deps.onWake?.();
  }

  /**
   * scheduleBatch schedules up to batchSize pods synchronously and starts their binds; returns
   * the number of pods it took from the queue.
   */
  scheduleBatch(): number {
    let n = 0;
    const nodes = this.cache.list();
    while (n < this.batchSize && this.stats.inFlight < this.maxInFlight) {
      const q = this.queue.pop();
      if (!q) break;
      n++;
      this.scheduleOne(q, nodes);
    }
    return n;
  }

  /** idle resolves when every bind started so far has settled (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private scheduleOne(q: QueuedPodInfo, nodes: ReturnType<SchedulerCache['list']>): void {
    const pi = q.podInfo;
    let nodeName: string;
    let state;
    try {
      const r = schedulePod(this.framework, pi, nodes, this.deps.rng, this.nextStartIndex);
      this.nextStartIndex = r.nextStartIndex;
      nodeName = r.nodeName;
      state = r.state;
    } catch (err) {
      if (err instanceof FitError) {
        this.stats.unschedulable++;
        this.queue.addUnschedulable(q);
        this.recordUnschedulable(pi.pod, err.message);
      } else {
        this.deps.log.error('scheduling cycle failed', { pod: pi.key, err: String(err) });
        this.queue.addBackoff(q);
      }
      return;
    }
    this.cache.assumePod(pi, nodeName);
    const reserved = this.framework.runReserve(state, pi, nodeName);
    const permitted = reserved.isSuccess() ? this.framework.runPermit(state, pi, nodeName) : reserved;
    if (!permitted.isSuccess()) {
      if (reserved.isSuccess()) this.framework.runUnreserve(state, pi, nodeName);
      this.cache.forgetPod(pi.key);
      this.queue.addBackoff(q);
      return;
    }
    this.stats.inFlight++;
    const p = this.framework.runBind(state, pi, nodeName).then((s) => {
      this.stats.inFlight--;
      this.inFlight.delete(p);
      if (s.isSuccess()) {
        this.stats.scheduled++;
        this.queue.done(pi.key);
        this.events.record(pi.pod, 'Normal', 'Scheduled', `Successfully assigned ${pi.key} to ${nodeName}`);
      } else {
        this.stats.bindFailures++;
        this.deps.log.warn('bind failed', { pod: pi.key, node: nodeName, err: s.message() });
        this.framework.runUnreserve(state, pi, nodeName);
        this.cache.forgetPod(pi.key);
        this.queue.addBackoff(q);
      }
      this.deps.onWake?.();
    });
    this.inFlight.add(p);
  }

  private recordUnschedulable(pod: Pod, message: string): void {
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    if (this.lastUnschedulableMessage.get(key) === message) return;
    this.lastUnschedulableMessage.set(key, message);
    this.events.record(pod, 'Warning', 'FailedScheduling', message);
    if (!this.writeStatus) return;
    const cond: PodCondition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(this.deps.clock.now()), reason: 'Unschedulable', message };
    const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const patch = { status: { conditions: [...others, cond] } };
    this.deps.client.patch(PODS, pod.metadata.namespace, String(pod.metadata.name), 'merge', patch, { subresource: 'status' }).catch((err: unknown) => {
      // Not fatal: the condition is informational and the pod is retried anyway.
      this.lastUnschedulableMessage.delete(key);
      this.deps.log.warn('could not record unschedulable condition', { pod: key, err: String(err) });
    });
  }

  /** onVolumeChange retries unschedulable pods: a claim may have become bound (or appeared). */
  onVolumeChange(): void {
    this.wake(true);
  }

  private wake(move: boolean): void {
    if (move) this.queue.moveAllToActiveOrBackoff();
    this.deps.onWake?.();
  }
}

