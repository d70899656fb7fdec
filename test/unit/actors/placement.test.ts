import { describe, expect, it } from 'vitest';
import { fnv1a, place, roleOf, type PlacementPlan } from '../../../src/actors/placement.js';
import type { ActorSpec } from '../../../src/actors/types.js';

const spec = (id: string): ActorSpec => ({ id, kind: roleOf(id) });
const ids = (hosts: ReturnType<typeof place>) => Object.fromEntries(hosts.map((h) => [h.name, h.actors.map((a) => a.id)]));
const nodes = (n: number) => Array.from({ length: n }, (_, i) => [`kubelet/node-${i + 1}`, `kube-proxy/node-${i + 1}`]).flat();

const PLAN: PlacementPlan = { groups: [{ name: 'nodes', roles: ['kubelet', 'kube-proxy', 'nodehost'], count: 2 }], default: 'control' };

describe('placement', () => {
  it.each([
    {
      name: 'control-plane roles go to the default host',
      actors: ['apiserver', 'store/0', 'scheduler'],
      plan: PLAN,
      want: { control: ['apiserver', 'store/0', 'scheduler'], 'nodes-0': [], 'nodes-1': [] },
    },
    {
      name: 'same-key actors share a host, keys split in natural order ranges',
      actors: ['apiserver', ...nodes(3)],
      plan: PLAN,
      want: {
        control: ['apiserver'],
        'nodes-0': ['kubelet/node-1', 'kube-proxy/node-1', 'kubelet/node-2', 'kube-proxy/node-2'],
        'nodes-1': ['kubelet/node-3', 'kube-proxy/node-3'],
      },
    },
    {
      name: 'node-10 sorts after node-9 (natural order)',
      actors: ['kubelet/node-10', 'kubelet/node-9', 'kubelet/node-1', 'kubelet/node-2'],
      plan: PLAN,
      want: { control: [], 'nodes-0': ['kubelet/node-1', 'kubelet/node-2'], 'nodes-1': ['kubelet/node-10', 'kubelet/node-9'] },
    },
    {
      name: 'a custom key groups by anything',
      actors: ['store/a', 'store/b', 'store/c'],
      plan: { groups: [{ name: 'store', roles: ['store'], count: 2, key: () => 'same' }], default: 'control' },
      want: { control: [], 'store-0': ['store/a', 'store/b', 'store/c'], 'store-1': [] },
    },
  ])('placement - $name', ({ actors, plan, want }) => {
    expect(ids(place(actors.map(spec), plan))).toEqual(want);
  });

  it('placement - range strategy balances keys to within one per host', () => {
    const out = place(nodes(1001).map(spec), { ...PLAN, groups: [{ ...PLAN.groups[0], count: 4 }] });
    const sizes = out.filter((h) => h.name !== 'control').map((h) => h.actors.length / 2);
    expect(sizes).toEqual([251, 250, 250, 250]);
  });

  it('placement - hash strategy keeps keys together and keeps a key on its host when the group grows', () => {
    const actors = nodes(200).map(spec);
    const plan = (count: number): PlacementPlan => ({ groups: [{ ...PLAN.groups[0], count, strategy: 'hash' }], default: 'control' });
    const where = (hosts: ReturnType<typeof place>) => new Map(hosts.flatMap((h) => h.actors.map((a) => [a.id, h.name] as const)));
    const three = where(place(actors, plan(3)));
    const four = where(place(actors, plan(4)));
    for (let i = 1; i <= 200; i++) expect(three.get(`kubelet/node-${i}`)).toBe(three.get(`kube-proxy/node-${i}`));
    let moved = 0;
    for (const [id, h] of three) if (four.get(id) !== h) moved++;
    for (const [id, h] of four) if (three.get(id) !== h) expect(h).toBe('nodes-3'); // keys only move to the new host
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(200); // ~1/4 of 400 actors, far from all
  });

  it('placement - equal inputs give equal outputs regardless of call order', () => {
    const actors = ['apiserver', ...nodes(7)].map(spec);
    expect(place(actors, PLAN)).toEqual(place([...actors], PLAN));
    expect(fnv1a('node-1')).toBe(fnv1a('node-1'));
    expect(fnv1a('node-1')).not.toBe(fnv1a('node-2'));
  });

  it.each([
    { name: 'zero hosts', plan: { groups: [{ name: 'n', roles: ['kubelet'], count: 0 }], default: 'control' } },
    { name: 'a role in two groups', plan: { groups: [{ name: 'a', roles: ['x'], count: 1 }, { name: 'b', roles: ['x'], count: 1 }], default: 'control' } },
    { name: 'a group named like the default', plan: { groups: [{ name: 'control', roles: ['x'], count: 1 }], default: 'control' } },
  ])('placement - rejects a plan with $name', ({ plan }) => {
    expect(() => place([spec('x/1')], plan)).toThrow(RangeError);
  });
});
