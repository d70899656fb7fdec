/**
 * LIST semantics of kube-apiserver's watch cache (the "cacher"):
 *
 * - resourceVersion unset: a consistent read — the cache first catches up with the store's head
 *   (a progress request, as ConsistentListFromCache does), so a list sees every acknowledged write;
 * - "0": any — whatever the cache holds now;
 * - N with resourceVersionMatch NotOlderThan (the default): wait until the cache reached N
 *   (504 `Too large resource version` after 3 s of clock time);
 * - N with Exact: the snapshot at N, rebuilt from the cache's history (410 below it);
 * - limit/continue: pages over ONE snapshot — the continue token carries the first page's
 *   revision and the last key; a token older than the history gets 410 Expired with an
 *   inconsistent continue token, exactly as upstream.
 */
import { badRequest, gone, StatusError } from '../api/errors.js';
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import type { KList } from '../api/types.js';
import { decodeContinue, encodeContinue } from './object-util.js';
import type { ListOptions } from './protocol.js';
import type { WatchCache, WatchFilter } from './watch-cache.js';

/** HeadFn returns the store's current revision for a key prefix (undefined: not available). */
export type HeadFn = (prefix: string) => Promise<number | undefined>;

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** tooLargeResourceVersion is the cacher's 504 for a revision the cache did not reach in time. */
export function tooLargeResourceVersion(want: number, current: number): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    code: 504,
    reason: 'Timeout',
    message: `Timeout: Too large resource version: ${want}, current: ${current}`,
    details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
  });
}

/** validateListOptions rejects the combinations kube-apiserver's ValidateListOptions rejects (400). */
export function validateListOptions(opts: ListOptions): number | undefined {
  const rvText = opts.resourceVersion;
  const rv = rvText ? Number(rvText) : undefined;
  if (rv !== undefined && (!Number.isInteger(rv) || rv < 0)) throw badRequest(`invalid resource version: ${rvText}`);
  const match = opts.resourceVersionMatch as string | undefined;
  if (match !== undefined && match !== '') {
    if (match !== 'Exact' && match !== 'NotOlderThan') throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    if (rvText === undefined || rvText === '') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (opts.continue) throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
    if (match === 'Exact' && rv === 0) throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (opts.continue && rvText && rvText !== '0') throw badRequest('specifying resource version is not allowed when using continue');
  return rv;
}

/** listFromCache serves one (paged) list request from a watch cache; see the file comment. */
export async function listFromCache(info: ResourceInfo, cache: WatchCache, filter: WatchFilter, opts: ListOptions, head?: HeadFn): Promise<KList> {
  const rv = validateListOptions(opts);
  const tok = opts.continue ? decodeContinue(opts.continue) : undefined;
  let snapshot: number;
  if (tok) {
    if (tok.rv < cache.floor) {
      const retry = encodeContinue({ rv: cache.revision, start: tok.start });
      const err = gone(EXPIRED_CONTINUE);
      (err.status.metadata as { continue?: string }).continue = retry;
      throw err;
    }
    snapshot = Math.min(tok.rv, cache.revision);
  } else if (rv === undefined) {
    // While the shard is down (the cache re-lists) or the progress request fails, the cache is the
    // best answer there is: serve it rather than fail every list during a store outage.
    let h: number | undefined;
    if (head && cache.watching) h = await head(cache.storage.prefix).catch(() => undefined);
    if (h !== undefined && h > cache.revision) await cache.waitFor(h);
    snapshot = cache.revision;
  } else if (rv === 0) {
    snapshot = cache.revision;
  } else {
    if (rv > cache.revision) await cache.waitFor(rv);
    if (rv > cache.revision) throw tooLargeResourceVersion(rv, cache.revision);
    if (opts.resourceVersionMatch === 'Exact') {
      if (rv < cache.floor) throw gone(`too old resource version: ${rv} (${cache.floor})`);
      snapshot = rv;
    } else snapshot = cache.revision;
  }
  const all = cache.listAt(snapshot, filter, tok?.start);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const page = limit && all.length > limit ? all.slice(0, limit) : all;
  const metadata: KList['metadata'] = { resourceVersion: String(snapshot) };
  if (page.length < all.length) {
    metadata.continue = encodeContinue({ rv: snapshot, start: page[page.length - 1].key });
    metadata.remainingItemCount = all.length - page.length;
  }
  return { apiVersion: apiVersionOf(info), kind: info.listKind, metadata, items: page.map((e) => e.object) };
}
