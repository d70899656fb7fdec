/**
 * Indexer is an informer's cache: objects by key ("ns/name") plus named secondary indexes.
 *
 *   items:   "default/web-1" → Pod
 *   indices: "namespace" → { "default" → {"default/web-1", …} }
 *            "nodeName"  → { "node-3"  → {"default/web-1"} }
 *
 * Index functions run on every upsert, so they must be cheap and pure.
 */
import { keyOf } from '../api/meta.js';
import type { KObject } from '../api/types.js';
import type { Lister } from './types.js';

/** NAMESPACE_INDEX is the built-in index of every Indexer (objects by metadata.namespace). */
export const NAMESPACE_INDEX = 'namespace';

/** IndexFunc returns the index values of an object (empty: not indexed). */
export type IndexFunc<T> = (obj: T) => string[];

/** Indexer stores objects by key and maintains indexes; it implements Lister. */
export class Indexer<T extends KObject> implements Lister<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndex(NAMESPACE_INDEX, (o) => (o.metadata.namespace ? [o.metadata.namespace] : []));
  }

  /** addIndex registers an index; existing items are indexed at once. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) this.indexInto(index, fn(obj), key);
  }

  get size(): number {
    return this.items.size;
  }

  /** getByKey returns the object stored under key. */
  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(keyOf(namespace, name));
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  byIndex(index: string, value: string): T[] {
    const keys = this.indices.get(index)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** keys returns every stored key. */
  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  /** upsert stores obj under key and returns the previous object. */
  upsert(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexInto(this.indices.get(name)!, fn(obj), key);
    return old;
  }

  /** remove deletes key and returns the object it held. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private indexInto(index: Map<string, Set<string>>, values: string[], key: string): void {
    for (const v of values) {
      let set = index.get(v);
      if (!set) index.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = index.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) index.delete(v);
      }
    }
  }
}
