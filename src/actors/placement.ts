/**
 * place: a pure, deterministic function from actor specs and a plan to host specs.
 *
 * An actor's role is its id before the first '/'. A group claims roles and owns `count` hosts
 * named `<group>-0 … <group>-(count−1)`; unclaimed roles go to the default host. Inside a group,
 * actors with the same key (by default the id after the first '/', so `kubelet/node-1` and
 * `kube-proxy/node-1` share `node-1`) always land on the same host. Two ways to map keys:
 *
 *  - 'range' (default): distinct keys sorted naturally (node-2 < node-10) and cut into `count`
 *    contiguous ranges whose sizes differ by at most one. Perfect balance; adding keys shifts
 *    range boundaries (fine: a topology is placed once, and restarts reuse the same specs).
 *  - 'hash': rendezvous (highest random weight) hashing with FNV-1a over the host names sorted,
 *    as Orleans sorts candidates: a key keeps its host when the group grows, balance is only
 *    statistical (bad for a handful of keys).
 *
 * Equal inputs give equal outputs; input order of actors is kept inside each host.
 */
import type { ActorSpec } from './types.js';
import type { HostSpec } from './runtime.js';

/** PlacementGroup: roles that share `count` hosts. */
export interface PlacementGroup {
  name: string;
  roles: string[];
  count: number;
  /** key: actors with equal keys share a host (default: the id after the first '/'). */
  key?: (id: string) => string;
  /** strategy: 'range' (default) or 'hash'. */
  strategy?: 'range' | 'hash';
}

/** PlacementPlan: the groups, and the host that takes every other role. */
export interface PlacementPlan {
  groups: PlacementGroup[];
  default: string;
}

/** roleOf is the part of an actor id before the first '/' (the whole id if there is none). */
export function roleOf(id: string): string {
  const i = id.indexOf('/');
  return i < 0 ? id : id.slice(0, i);
}

/** defaultKey is the part of an actor id after the first '/' (the whole id if there is none). */
export function defaultKey(id: string): string {
  const i = id.indexOf('/');
  return i < 0 ? id : id.slice(i + 1);
}

/** hostNames lists a group's host names in index order. */
export function hostNames(g: Pick<PlacementGroup, 'name' | 'count'>): string[] {
  return Array.from({ length: g.count }, (_, i) => `${g.name}-${i}`);
}

/** fnv1a is a stable 32-bit string hash (FNV-1a over UTF-16 code units). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);

/** place: see the module comment. Throws RangeError on an invalid plan. */
export function place(actors: ActorSpec[], plan: PlacementPlan): HostSpec[] {
  const byRole = new Map<string, PlacementGroup>();
  for (const g of plan.groups) {
    if (!Number.isInteger(g.count) || g.count < 1) throw new RangeError(`placement group ${g.name}: count must be a positive integer`);
    if (g.name === plan.default) throw new RangeError(`placement group ${g.name} has the default host's name`);
    for (const r of g.roles) {
      if (byRole.has(r)) throw new RangeError(`role ${r} is in groups ${byRole.get(r)!.name} and ${g.name}`);
      byRole.set(r, g);
    }
  }
  const out = new Map<string, ActorSpec[]>([[plan.default, []]]);
  for (const g of plan.groups) for (const n of hostNames(g)) out.set(n, []);

  const members = new Map<PlacementGroup, ActorSpec[]>();
  for (const a of actors) {
    const g = byRole.get(roleOf(a.id));
    if (!g) out.get(plan.default)!.push(a);
    else members.set(g, [...(members.get(g) ?? []), a]);
  }
  for (const [g, list] of members) {
    const keyOf = g.key ?? defaultKey;
    const hostOf = g.strategy === 'hash' ? hashAssign(g) : rangeAssign(g, list.map((a) => keyOf(a.id)));
    for (const a of list) out.get(hostOf(keyOf(a.id)))!.push(a);
  }
  return [...out].map(([name, specs]) => ({ name, actors: specs }));
}

function rangeAssign(g: PlacementGroup, keys: string[]): (key: string) => string {
  const distinct = [...new Set(keys)].sort(naturalOrder);
  const names = hostNames(g);
  const index = new Map<string, string>();
  // Range i gets floor(n/count) keys, plus one for the first n mod count ranges.
  const base = Math.floor(distinct.length / g.count);
  const extra = distinct.length % g.count;
  let k = 0;
  for (let i = 0; i < g.count; i++) {
    const size = base + (i < extra ? 1 : 0);
    for (let j = 0; j < size; j++) index.set(distinct[k++], names[i]);
  }
  return (key) => index.get(key)!;
}

function hashAssign(g: PlacementGroup): (key: string) => string {
  const names = hostNames(g).sort();
  return (key) => {
    let best = names[0];
    let bestScore = -1;
    for (const n of names) {
      const s = fnv1a(`${key}\u0000${n}`);
      if (s > bestScore) {
        bestScore = s;
        best = n;
      }
    }
    return best;
  };
}
