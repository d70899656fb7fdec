/**
 * EventRecorder writes core/v1 Events (Scheduled, FailedScheduling) without ever slowing
 * scheduling down: writes are fire-and-forget, and a token bucket caps them (excess events are
 * dropped and counted), the way client-go's event broadcaster rate-limits and drops under load.
 */
import type { Clock, Logger, Rng } from '../actors/types.js';
import { rfc3339 } from '../api/meta.js';
import { EVENTS } from '../api/resources.js';
import type { KEvent, Pod } from '../api/types.js';
import type { ApiClient } from '../client/types.js';

/** EventRecorderOptions: ratePerSecond with an equal burst (default 200/s; 0 disables events). */
export interface EventRecorderOptions {
  ratePerSecond?: number;
  component?: string;
}

/** EventRecorder: see the module comment. */
export class EventRecorder {
  /** dropped counts events the bucket refused. */
  dropped = 0;
  /** sent counts events written (or in flight). */
  sent = 0;
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly component: string;

  constructor(
    private readonly client: ApiClient,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly log: Logger,
    opts: EventRecorderOptions = {},
  ) {
    this.rate = opts.ratePerSecond ?? 200;
    this.component = opts.component ?? 'default-scheduler';
    this.tokens = this.rate;
    this.last = clock.now();
  }

  /** record writes one event about pod (or drops it when over the rate). */
  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (!this.take()) {
      this.dropped++;
      return;
    }
    this.sent++;
    const now = rfc3339(this.clock.now());
    const ns = pod.metadata.namespace ?? 'default';
    const ev: KEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      // Same naming as client-go: <object>.<16 hex of the time>; a random suffix avoids collisions in one tick.
      metadata: { name: `${pod.metadata.name}.${(this.clock.now() * 1e6 + this.rng.int(1e6)).toString(16)}`, namespace: ns },
      involvedObject: { kind: 'Pod', namespace: ns, name: String(pod.metadata.name), uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.component },
      reportingComponent: this.component,
    };
    this.client.create(EVENTS, ev).catch((err: unknown) => this.log.debug('event write failed', { reason, pod: `${ns}/${pod.metadata.name}`, err: String(err) }));
  }

  private take(): boolean {
    if (this.rate <= 0) return false;
    const now = this.clock.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
