/**
 * SharedInformerFactory hands out one informer per (resource, list options) to every consumer
 * that shares the same client and watcher, i.e. every component inside one actor. Sharing across
 * actors of a worker would need a host-level owner of the watch; today each controller actor has
 * its own factory (see docs/controllers.md).
 */
import type { KObject } from '../api/types.js';
import type { ResourceRef } from '../apiserver/protocol.js';
import { createInformer, type InformerDeps, type InformerHandle, type InformerOptions } from './informer.js';

/** SharedInformerFactory caches informers by resource and options; start() starts them all. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, InformerHandle<KObject>>();
  constructor(private readonly deps: InformerDeps) {}

  /** informerFor returns the shared informer of res with opts, creating it on first use. */
  informerFor<T extends KObject>(res: ResourceRef, opts: InformerOptions = {}): InformerHandle<T> {
    const key = `${res.group}/${res.resource}?${JSON.stringify(opts)}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = createInformer<KObject>(this.deps, res, opts);
      this.informers.set(key, inf);
    }
    return inf as unknown as InformerHandle<T>;
  }

  /** all returns every informer created so far. */
  all(): InformerHandle<KObject>[] {
    return [...this.informers.values()];
  }

  /** start starts every informer and resolves once all have synced. */
  async start(): Promise<void> {
    await Promise.all(this.all().map((i) => i.start()));
  }

  /** hasSynced: every informer has applied its first list. */
  hasSynced(): boolean {
    return this.all().every((i) => i.hasSynced());
  }

  /** stop stops every informer. */
  stop(): void {
    for (const i of this.all()) i.stop();
  }
}
