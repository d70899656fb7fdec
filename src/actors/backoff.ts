/**
 * Restart backoff: exponential with multiplicative jitter, drawn from an injected Rng so a
 * simulated run replays the same delays.
 */
import type { Rng } from './types.js';

/** BackoffOptions: delay = min(maxMs, initialMs · multiplier^(attempt−1)) · (1 ± jitter). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** multiplier per attempt; 2 unless set. */
  multiplier?: number;
  /** jitter is a fraction in [0, 1]: the delay is spread uniformly over base·[1−jitter, 1+jitter]. */
  jitter: number;
}

/** DEFAULT_BACKOFF: 100 ms doubling to 10 s, ±20 %. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 100, maxMs: 10_000, multiplier: 2, jitter: 0.2 };

/** backoffBase is the un-jittered delay of the attempt-th consecutive restart (attempt ≥ 1). */
export function backoffBase(attempt: number, o: BackoffOptions): number {
  const mult = o.multiplier ?? 2;
  return Math.min(o.maxMs, o.initialMs * mult ** Math.max(0, attempt - 1));
}

/**
 * backoffDelay is backoffBase with jitter: uniform in [base·(1−j), base·(1+j)], never above maxMs
 * and never negative.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, rng: Rng): number {
  const base = backoffBase(attempt, o);
  const j = Math.min(1, Math.max(0, o.jitter));
  const d = base * (1 - j + 2 * j * rng.next());
  return Math.max(0, Math.min(o.maxMs, Math.round(d)));
}
