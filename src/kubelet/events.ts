/**
 * The kubelet's Events: per container Pulling/Pulled, Created, Started and Killing (`kubectl
 * describe pod`), per node Starting and NodeReady (`kubectl describe node`). Kept cheap for large clusters: every kubelet of one worker draws
 * from one shared token bucket (KubeletEventBudget), so a worker hosting 1,000 virtual nodes
 * writes no more events than one hosting 3 — a small cluster sees every event, a density run
 * sees a trickle. The budget is shared per clock (budgetPerClock), i.e. per host of one runtime. Writes are fire-and-forget, as client-go's event broadcaster: a failed write is
 * logged at debug level and never affects the pod.
 */
import type { Clock, Logger } from '../actors/types.js';
import { rfc3339 } from '../api/meta.js';
import { EVENTS } from '../api/resources.js';
import type { Container, KEvent, Pod } from '../api/types.js';
import type { ApiClient } from '../client/types.js';

/** KUBELET_EVENT_BURST is how many events the kubelets of one worker may write at once. */
export const KUBELET_EVENT_BURST = 100;
/** KUBELET_EVENTS_PER_SECOND is the shared bucket's refill rate per worker. */
export const KUBELET_EVENTS_PER_SECOND = 10;

/** KubeletEventBudget is a token bucket shared by the kubelets of one worker (one thread). */
export class KubeletEventBudget {
  /** dropped counts events refused for lack of tokens. */
  dropped = 0;
  private tokens: number;
  private at: number | undefined;

  constructor(
    private readonly burst = KUBELET_EVENT_BURST,
    private readonly perSecond = KUBELET_EVENTS_PER_SECOND,
  ) {
    this.tokens = burst;
  }

  /** take spends one token at nowMs, or returns false (and counts a drop) when none is left. */
  take(nowMs: number): boolean {
    // Clocks of different clusters in one test thread may disagree: never refill backwards.
    const elapsed = this.at === undefined ? 0 : Math.max(0, nowMs - this.at);
    this.at = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.perSecond);
    if (this.tokens < 1) {
      this.dropped++;
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}

/** EventBudgetSource gives a kubelet the budget it shares with the other kubelets of its runtime host. */
export type EventBudgetSource = (clock: Clock) => KubeletEventBudget;

/**
 * budgetPerClock shares one budget among the kubelets that run on one clock: the clock is per
 * host (worker) and per runtime, so two clusters run one after the other in one thread (tests,
 * seeded simulations) never see each other's spent tokens and replay identically.
 */
export function budgetPerClock(): EventBudgetSource {
  const budgets = new WeakMap<Clock, KubeletEventBudget>();
  return (clock) => {
    let b = budgets.get(clock);
    if (!b) budgets.set(clock, (b = new KubeletEventBudget()));
    return b;
  };
}

/** KubeletEvents records one node's container events within a shared budget. */
export class KubeletEvents {
  private seq = 0;

  constructor(
    private readonly deps: { client: ApiClient; clock: Clock; log: Logger; nodeName: string; budget: KubeletEventBudget },
  ) {}

  /** containersStarted records, per container, the image events then Created and Started. */
  containersStarted(pod: Pod): void {
    for (const c of pod.spec.containers ?? []) {
      const image = String(c.image);
      if (pullsAlways(c)) {
        this.record(pod, c, 'Pulling', `Pulling image "${image}"`);
        this.record(pod, c, 'Pulled', `Successfully pulled image "${image}" in 0s (0s including waiting). Image size: 0 bytes.`);
      } else {
        this.record(pod, c, 'Pulled', `Container image "${image}" already present on machine`);
      }
      this.record(pod, c, 'Created', `Created container: ${c.name}`);
      this.record(pod, c, 'Started', `Started container ${c.name}`);
    }
  }

  /** containersStopping records Killing for each container of a pod being deleted. */
  containersStopping(pod: Pod): void {
    for (const c of pod.spec.containers ?? []) this.record(pod, c, 'Killing', `Stopping container ${c.name}`);
  }

  /**
   * nodeStarted records Starting and NodeReady about the node. As upstream's kubelet, the
   * event's involvedObject.uid is the node's name (kubectl describe node searches for both).
   */
  nodeStarted(): void {
    const n = this.deps.nodeName;
    const ref = { kind: 'Node', name: n, uid: n, apiVersion: 'v1' };
    this.write('default', n, ref, 'Starting', 'Starting kubelet.');
    this.write('default', n, ref, 'NodeReady', `Node ${n} status is now: NodeReady`);
  }

  private record(pod: Pod, c: Container, reason: string, message: string): void {
    const ns = pod.metadata.namespace ?? 'default';
    const ref = { kind: 'Pod', namespace: ns, name: String(pod.metadata.name), uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion, fieldPath: `spec.containers{${c.name}}` };
    this.write(ns, String(pod.metadata.name), ref, reason, message);
  }

  private write(ns: string, objName: string, involvedObject: KEvent['involvedObject'], reason: string, message: string): void {
    const now = this.deps.clock.now();
    if (!this.deps.budget.take(now)) return;
    const ts = rfc3339(now);
    // As upstream (<object>.<time in hex>), in microseconds (nanoseconds would pass 2^53): the
    // sequence keeps one kubelet's events about one object unique and in order within a
    // millisecond, so a list (sorted by name) shows Pulled, Created, Started.
    const name = `${objName}.${(now * 1000 + (++this.seq % 1000)).toString(16)}`;
    const ev: KEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject,
      reason,
      message,
      type: 'Normal',
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source: { component: 'kubelet', host: this.deps.nodeName },
      reportingComponent: 'kubelet',
    };
    this.deps.client.create(EVENTS, ev).catch((err: unknown) => this.deps.log.debug('event write failed', { reason, object: `${ns}/${objName}`, err: String(err) }));
  }
}

/** pullsAlways: the image is pulled on every start (Always, or the :latest/untagged default). */
function pullsAlways(c: Container): boolean {
  if (c.imagePullPolicy) return c.imagePullPolicy === 'Always';
  const image = String(c.image ?? '');
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  return tag === 'latest';
}
