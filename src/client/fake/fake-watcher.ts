/**
 * FakeWatcher: the Watcher the FakeApiClient hands out. Events are delivered synchronously when
 * the fake commits a write (after the drop filter), one event per batch, in commit order.
 */
import type { KObject } from '../../api/types.js';
import type { ListOptions, ResourceRef, WatchEvent, WatchEventsMsg } from '../../apiserver/protocol.js';
import type { Watcher, WatchSink } from '../types.js';

/** FakeWatch is one open watch of the fake. */
export interface FakeWatch {
  watchId: string;
  res: ResourceRef;
  opts: ListOptions;
  sink: WatchSink;
  /** matches decides whether obj is visible to this watch (namespace/selectors/nodeNames). */
  matches(obj: KObject): boolean;
}

/** FakeWatchHub is what a FakeWatcher needs from its FakeApiClient. */
export interface FakeWatchHub {
  openWatch(owner: FakeWatcher, res: ResourceRef, opts: ListOptions, sink: WatchSink): { watchId: string; resourceVersion: string };
  closeWatch(watchId: string): void;
}

/**
 * FakeWatcher implements Watcher (and the deliver/apiserverDown hooks of the real one, so it can
 * stand in for createWatcher's result). Several FakeWatchers can share one FakeApiClient, like
 * several actors sharing one apiserver.
 */
export class FakeWatcher implements Watcher {
  /** watches are this watcher's open watches by id. */
  readonly watches = new Map<string, FakeWatch>();
  constructor(private readonly hub: FakeWatchHub) {}

  async watch(res: ResourceRef, opts: ListOptions & { allowBookmarks?: boolean }, sink: WatchSink): Promise<{ watchId: string; resourceVersion: string }> {
    return this.hub.openWatch(this, res, opts, sink);
  }

  unwatch(watchId: string): void {
    if (this.watches.delete(watchId)) this.hub.closeWatch(watchId);
  }

  /** deliver exists for shape compatibility with the real watcher; the fake pushes directly. */
  deliver(_msg: WatchEventsMsg): void {}

  /** apiserverDown ends every open watch of this watcher, as the real one does. */
  apiserverDown(): void {
    const all = [...this.watches.values()];
    for (const w of all) this.hub.closeWatch(w.watchId);
    this.watches.clear();
    for (const w of all) w.sink.ended('apiserver down');
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** push sends events to one watch; an ERROR event closes it. */
  push(w: FakeWatch, events: WatchEvent[]): void {
    if (!this.watches.has(w.watchId)) return;
    if (events.some((e) => e.type === 'ERROR')) {
      this.watches.delete(w.watchId);
      this.hub.closeWatch(w.watchId);
    }
    w.sink.events(events);
  }
}
