/**
 * HTTP watch streams: `?watch=true` answers 200 at once (headers flushed: client-node's informer
 * blocks until they arrive), then one JSON event per line, chunked, until timeoutSeconds passes
 * or the client goes away. A watch that cannot start (410 Gone, too old resourceVersion) sends
 * one ERROR event with the Status, as the real cacher's error watcher does. Table watches carry
 * a one-row Table per event, with columnDefinitions only in the first.
 */
import { badRequest, StatusError } from '../api/errors.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { HttpContext } from './http-handler.js';
import type { ResponseWriter } from './http-types.js';
import type { ListOptions, WatchEvent } from './protocol.js';
import { jsonOf, type CacheWatch } from './watch-cache.js';

/** WatchStreamOptions: table (with includeObject) when Accept asked for a Table; the timeout. */
export interface WatchStreamOptions {
  table?: 'None' | 'Metadata' | 'Object';
  timeoutSeconds?: number;
  /** bookmarks: allowWatchBookmarks=true, a BOOKMARK every BOOKMARK_INTERVAL_MS. */
  bookmarks?: boolean;
}

/** BOOKMARK_INTERVAL_MS is how often watches that allow bookmarks get one (kube-apiserver: ~1 min). */
export const BOOKMARK_INTERVAL_MS = 60_000;

const JSON_CT = 'application/json';
const TABLE_CT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** serveWatch opens a watch on the registry and streams it to res. */
export function serveWatch(ctx: HttpContext, res: ResponseWriter, info: ResourceInfo, opts: ListOptions, wopts: WatchStreamOptions): void {
  if (wopts.timeoutSeconds !== undefined && (!Number.isFinite(wopts.timeoutSeconds) || wopts.timeoutSeconds < 0)) {
    throw badRequest(`invalid timeoutSeconds: ${wopts.timeoutSeconds}`);
  }
  // Selectors are checked before the 200 so that a bad one is a plain 400.
  ctx.registry.filter(info, opts);
  res.head(200, { 'content-type': wopts.table ? TABLE_CT : JSON_CT, 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  let closed = false;
  let watch: CacheWatch | undefined;
  let timer: unknown;
  let bookmarkTimer: unknown;
  let sentColumns = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    watch?.stop();
    if (timer !== undefined) ctx.clock.clearTimeout(timer as never);
    if (bookmarkTimer !== undefined) ctx.clock.clearTimeout(bookmarkTimer as never);
    res.end();
  };
  res.onClose(() => {
    if (closed) return;
    closed = true;
    watch?.stop();
    if (timer !== undefined) ctx.clock.clearTimeout(timer as never);
    if (bookmarkTimer !== undefined) ctx.clock.clearTimeout(bookmarkTimer as never);
  });
  const line = (ev: WatchEvent): string => {
    if (ev.type === 'ERROR' || ev.type === 'BOOKMARK' || !wopts.table) return `{"type":"${ev.type}","object":${jsonOf(ev.object)}}\n`;
    const table = ctx.deps.toTable(info, [ev.object], { includeObject: wopts.table, listMeta: { resourceVersion: ev.object.metadata.resourceVersion }, now: ctx.clock.now() }) as Record<string, unknown>;
    if (sentColumns) table.columnDefinitions = [];
    sentColumns = true;
    return `{"type":"${ev.type}","object":${JSON.stringify(table)}}\n`;
  };
  try {
    watch = ctx.registry.openWatch({ group: info.group, resource: info.resource }, opts, {
      events: (evs) => {
        if (closed) return;
        let chunk = '';
        for (const ev of evs) chunk += line(ev);
        res.write(chunk);
      },
      error: (err) => {
        if (closed) return;
        res.write(line({ type: 'ERROR', object: err.status as unknown as KObject }));
        finish();
      },
    });
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    res.write(line({ type: 'ERROR', object: err.status as unknown as KObject }));
    finish();
    return;
  }
  if (closed) {
    watch.stop();
    return;
  }
  if (wopts.timeoutSeconds !== undefined) timer = ctx.clock.setTimeout(finish, wopts.timeoutSeconds * 1000);
  if (wopts.bookmarks) {
    const bookmark = (): void => {
      if (closed) return;
      res.write(`{"type":"BOOKMARK","object":${JSON.stringify(ctx.registry.bookmark(info))}}\n`);
      bookmarkTimer = ctx.clock.setTimeout(bookmark, BOOKMARK_INTERVAL_MS);
    };
    bookmarkTimer = ctx.clock.setTimeout(bookmark, BOOKMARK_INTERVAL_MS);
  }
}
