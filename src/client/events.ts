/**
 * EventRecorder writes core/v1 Events the way client-go's record package does: best effort
 * (never blocks or fails the caller), a repeat of the same event bumps `count` instead of
 * creating another object, and a per-object spam filter (token bucket: burst 25, one token per
 * 5 minutes) caps what one noisy object can write — a ReplicaSet creating 5,000 pods records 25
 * SuccessfulCreate events, not 5,000.
 */
import type { Clock, Logger } from '../actors/types.js';
import { rfc3339 } from '../api/meta.js';
import { EVENTS } from '../api/resources.js';
import type { KEvent, KObject } from '../api/types.js';
import type { ApiClient } from './types.js';

/** EventType is Normal or Warning. */
export type EventType = 'Normal' | 'Warning';

/** EventRecorder records events about objects. */
export interface EventRecorder {
  /**
   * event records (or counts again) an event about obj; it returns at once. kind/apiVersion
   * default to the object's own (list items may lack them, so controllers pass them).
   */
  event(obj: KObject, type: EventType, reason: string, message: string, gvk?: { kind: string; apiVersion: string }): void;
}

/** SPAM_BURST is how many events one object may write at once (client-go's spam filter burst). */
export const SPAM_BURST = 25;
/** SPAM_REFILL_MS is how often the spam filter gives an object one more event (5 minutes). */
export const SPAM_REFILL_MS = 300_000;
const MAX_TRACKED = 4096;

/** createEventRecorder records events from component through client; see the file comment. */
export function createEventRecorder(deps: { client: ApiClient; clock: Clock; log: Logger; component: string }): EventRecorder {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const seen = new Map<string, { name: string; namespace: string; count: number; ready: Promise<boolean> }>();
  let seq = 0;

  const allow = (key: string, now: number): boolean => {
    const b = buckets.get(key) ?? { tokens: SPAM_BURST, at: now };
    b.tokens = Math.min(SPAM_BURST, b.tokens + (now - b.at) / SPAM_REFILL_MS);
    b.at = now;
    buckets.delete(key);
    buckets.set(key, b); // re-insert: the map's order is least recently used first
    if (buckets.size > MAX_TRACKED) buckets.delete(buckets.keys().next().value as string);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
  // Events are best effort by design (as client-go): a failed write is logged, never thrown.
  const report = (err: unknown, reason: string): void => deps.log.debug('event not recorded', { reason, error: err instanceof Error ? err.message : String(err) });

  return {
    event(obj, type, reason, message, gvk) {
      const now = deps.clock.now();
      const m = obj.metadata;
      const kind = gvk?.kind ?? obj.kind;
      const objKey = `${kind}/${m.namespace ?? ''}/${m.name}/${m.uid ?? ''}`;
      if (!allow(objKey, now)) return;
      const ts = rfc3339(now);
      const key = `${objKey}|${type}|${reason}|${message}`;
      const prev = seen.get(key);
      if (prev) {
        prev.count++;
        const count = prev.count;
        void prev.ready.then((ok) => {
          if (!ok) return;
          deps.client.patch(EVENTS, prev.namespace, prev.name, 'merge', { count, lastTimestamp: ts }).catch((e: unknown) => report(e, reason));
        });
        return;
      }
      const namespace = m.namespace || 'default';
      const name = `${m.name}.${(now * 1000 + (++seq % 1000)).toString(16)}`;
      const ev: KEvent = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: gvk?.apiVersion ?? obj.apiVersion, resourceVersion: m.resourceVersion },
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        source: { component: deps.component },
        reportingComponent: deps.component,
      };
      const ready = deps.client.create(EVENTS, ev).then(
        () => true,
        (e: unknown) => {
          report(e, reason);
          seen.delete(key);
          return false;
        },
      );
      seen.set(key, { name, namespace, count: 1, ready });
      if (seen.size > MAX_TRACKED) seen.delete(seen.keys().next().value as string);
    },
  };
}

/** NOOP_RECORDER drops every event (tests that do not care). */
export const NOOP_RECORDER: EventRecorder = { event() {} };
