/**
 * KeyIndex keeps, for every key, its versions in revision order, plus the keys in sorted order
 * for prefix ranges. It is etcd's treeIndex + keyIndex, flattened.
 *
 * One key's history, oldest first (main.sub revision, value or tombstone):
 *
 *   2.0 put v1 (gen 1: createRevision 2, version 1)
 *   5.1 put v2 (gen 1: version 2)
 *   7.0 tombstone                 ← generation 1 ends
 *   9.0 put v3 (gen 2: createRevision 9, version 1)
 *
 * A read at revision R takes the last entry with main ≤ R: a tombstone means "absent at R".
 */
import sortedBtree from 'sorted-btree';
import type { KeyValue } from './types.js';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader hands us module.exports, while
// vite (the tests) applies __esModule interop and hands us the class itself.
type BTreeClass = typeof sortedBtree.default;
const BTree: BTreeClass = (sortedBtree as unknown as { default?: BTreeClass }).default ?? (sortedBtree as unknown as BTreeClass);

/** codeUnitOrder compares strings by UTF-16 code units, as JS `<` does (etcd compares bytes; keys are ASCII). */
const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** KeyEntry is one version of a key; kv is undefined for a tombstone. */
export interface KeyEntry {
  main: number;
  sub: number;
  kv: KeyValue | undefined;
}

/** KeyIndex maps keys to their histories and keeps the keys sorted (by UTF-16 code units, as JS compares). */
export class KeyIndex {
  private readonly histories = new Map<string, KeyEntry[]>();
  /**
   * sorted holds the keys in order for prefix ranges: a B+ tree (etcd's treeIndex is a btree too).
   * A sorted array made every new key a memmove of all keys: at 150,000 pods that was ~100 µs a
   * create and the shard's biggest cost in `bench store` put-100.
   */
  private readonly sorted = new BTree<string, undefined>(undefined, codeUnitOrder);

  /** size is the number of keys with any history (live or tombstoned). */
  get size(): number {
    return this.histories.size;
  }

  /** history returns a key's entries (oldest first), or undefined. */
  history(key: string): KeyEntry[] | undefined {
    return this.histories.get(key);
  }

  /** append adds a version to a key; entries must arrive in revision order. */
  append(key: string, entry: KeyEntry): void {
    let h = this.histories.get(key);
    if (!h) {
      h = [];
      this.histories.set(key, h);
      this.sorted.set(key, undefined);
    }
    h.push(entry);
  }

  /** entries iterates every key's history (for snapshots; do not mutate). */
  entries(): IterableIterator<[string, KeyEntry[]]> {
    return this.histories.entries();
  }

  /** at returns the key's value at revision rev (undefined when absent or deleted at rev). */
  at(key: string, rev: number): KeyValue | undefined {
    const h = this.histories.get(key);
    return h ? valueAt(h, rev) : undefined;
  }

  /** keysWithPrefix yields the keys starting with prefix, in sorted order. */
  *keysWithPrefix(prefix: string): Generator<string> {
    for (const k of this.sorted.keys(prefix)) {
      if (!k.startsWith(prefix)) return;
      yield k;
    }
  }

  /**
   * compact drops every version a read at revision ≥ rev can no longer see: for each key it keeps
   * the last entry with main ≤ rev only if it is a live value, and everything after it. Keys
   * left with no history disappear from the index.
   */
  compact(rev: number): void {
    const removed: string[] = [];
    for (const [key, h] of this.histories) {
      const j = lastAtOrBelow(h, rev);
      if (j < 0) continue;
      // An entry exactly at rev is still an event a watch from rev must see, with its prevKv:
      // keep the entry before it too, so a snapshot can rebuild that event from the index.
      const from = h[j].main === rev ? Math.max(0, j - 1) : h[j].kv ? j : j + 1;
      if (from === 0) continue;
      if (from >= h.length) {
        this.histories.delete(key);
        removed.push(key);
      } else {
        h.splice(0, from);
      }
    }
    this.sorted.deleteKeys(removed);
  }
}

/** valueAt returns the value visible at rev in one key's history. */
function valueAt(h: KeyEntry[], rev: number): KeyValue | undefined {
  const j = lastAtOrBelow(h, rev);
  return j < 0 ? undefined : h[j].kv;
}

/** lastAtOrBelow is the index of the last entry with main ≤ rev, or -1. */
function lastAtOrBelow(h: KeyEntry[], rev: number): number {
  // Fast path: most reads are at the head.
  if (h.length > 0 && h[h.length - 1].main <= rev) return h.length - 1;
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (h[mid].main <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
