/**
 * Expectations (kube-controller-manager's UIDTrackingControllerExpectations): after a controller
 * issues creates or deletes it must not act again on its informer cache until the cache has
 * seen them, or it would create or delete twice.
 *
 *   expectCreations("ns/rs", 3)      adds: 3
 *   pod added (informer)  ─▶ creationObserved("ns/rs")      adds: 2 …
 *   satisfied("ns/rs")  ⇔ adds ≤ 0 and no pending deletions, or the record is older than the TTL
 *
 * Deletions are tracked by pod key, so a duplicate delete event cannot be counted twice.
 */
import type { Clock } from '../../actors/types.js';

/** EXPECTATIONS_TTL_MS: after this, stale expectations are ignored (as upstream: 5 minutes). */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Record_ {
  adds: number;
  dels: Set<string>;
  at: number;
}

/** Expectations tracks in-flight creates/deletes per controller key; see the file comment. */
export class Expectations {
  private readonly records = new Map<string, Record_>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  /** satisfied: the cache reflects every create/delete issued for key (or the record expired). */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.dels.size === 0) return true;
    return this.clock.now() - r.at > this.ttlMs;
  }

  /** expectCreations records that n creates are about to be issued (replaces the old record). */
  expectCreations(key: string, n: number): void {
    this.records.set(key, { adds: n, dels: new Set(), at: this.clock.now() });
  }

  /** expectDeletions records the object keys about to be deleted (replaces the old record). */
  expectDeletions(key: string, objectKeys: string[]): void {
    this.records.set(key, { adds: 0, dels: new Set(objectKeys), at: this.clock.now() });
  }

  /** creationObserved lowers the pending creates of key (an informer add, or a failed create). */
  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.adds--;
  }

  /** deletionObserved removes objectKey from key's pending deletions (an informer delete, or a failed delete). */
  deletionObserved(key: string, objectKey: string): void {
    this.records.get(key)?.dels.delete(objectKey);
  }

  /** pending returns the outstanding creates and deletes of key (for logs and tests). */
  pending(key: string): { adds: number; dels: number } {
    const r = this.records.get(key);
    return { adds: Math.max(0, r?.adds ?? 0), dels: r?.dels.size ?? 0 };
  }

  /** delete forgets key (its object is gone). */
  delete(key: string): void {
    this.records.delete(key);
  }
}
