/**
 * Named errors of the controller runtime.
 */

/**
 * TerminalError: a reconcile that can never succeed as things are (e.g. an invalid spec). The
 * loop logs it and forgets the key instead of retrying; the next event of the object retries.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/** assertNever makes a switch over a closed union exhaustive at compile time. */
export function assertNever(x: never, what = 'message'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
