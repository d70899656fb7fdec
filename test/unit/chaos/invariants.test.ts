import { describe, expect, it } from 'vitest';
import type { Deployment, Node, Pod } from '../../../src/api/types.js';
import { boundToMissingNodes, convergence, OrphanTracker, overCommitted, recoveryTimes, RvTracker } from '../../../src/chaos/invariants.js';
import { faultTargets, roleOfHost } from '../../../src/chaos/faults.js';

const pod = (name: string, o: { node?: string; app?: string; ready?: boolean; cpu?: string; memory?: string; deleting?: boolean; phase?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: o.app ?? 'a' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: o.node, containers: [{ name: 'c', resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '64Mi' } } }] },
  status: { phase: (o.phase ?? (o.ready === false ? 'Pending' : 'Running')) as 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const dep = (name: string, replicas: number, ready: number, gen = 1, observed = 1): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', generation: gen },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { spec: { containers: [] } } },
  status: { readyReplicas: ready, observedGeneration: observed },
});
const node = (name: string, cpu = '1', memory = '1Gi', pods = '110'): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { allocatable: { cpu, memory, pods } } });

describe('chaos invariants', () => {
  it.each([
    ['all ready', [dep('a', 2, 2)], [pod('1'), pod('2')], true],
    ['one pod missing', [dep('a', 2, 2)], [pod('1')], false],
    ['a pod not ready', [dep('a', 2, 2)], [pod('1'), pod('2', { ready: false })], false],
    ['a terminating pod does not count', [dep('a', 2, 2)], [pod('1'), pod('2', { deleting: true })], false],
    ['status lags', [dep('a', 2, 1)], [pod('1'), pod('2')], false],
    ['generation not observed', [dep('a', 2, 2, 2, 1)], [pod('1'), pod('2')], false],
    ['other app pods do not count', [dep('a', 1, 1)], [pod('1', { app: 'b' })], false],
  ] as const)('chaos invariants - convergence: %s', (_n, deps, pods, want) => {
    expect(convergence(deps as Deployment[], pods as Pod[]).converged).toBe(want);
  });

  it('chaos invariants - overCommitted flags cpu, memory and pod count over allocatable, skips finished pods', () => {
    expect(overCommitted([node('n', '1')], [pod('1', { node: 'n', cpu: '600m' }), pod('2', { node: 'n', cpu: '400m' })])).toEqual([]);
    expect(overCommitted([node('n', '1')], [pod('1', { node: 'n', cpu: '600m' }), pod('2', { node: 'n', cpu: '500m' })])[0]).toContain('node n over-committed');
    expect(overCommitted([node('n', '8', '100Mi')], [pod('1', { node: 'n', memory: '64Mi' }), pod('2', { node: 'n', memory: '64Mi' })])).toHaveLength(1);
    expect(overCommitted([node('n', '8', '8Gi', '1')], [pod('1', { node: 'n' }), pod('2', { node: 'n' })])).toHaveLength(1);
    expect(overCommitted([node('n', '1')], [pod('1', { node: 'n', cpu: '900m' }), pod('2', { node: 'n', cpu: '900m', phase: 'Succeeded' })])).toEqual([]);
  });

  it('chaos invariants - boundToMissingNodes finds pods on a node that is gone', () => {
    const pods = [pod('1', { node: 'n1' }), pod('2', { node: 'gone' }), pod('3'), pod('4', { node: 'gone', deleting: true })];
    expect(boundToMissingNodes([node('n1')], pods)).toEqual(['pod default/2 bound to deleted node gone']);
  });

  it('chaos invariants - OrphanTracker reports a pod on a deleted node once, only after the grace, and forgets removed ones', () => {
    const t = new OrphanTracker();
    const nodes = [node('n1')];
    const orphan = pod('o', { node: 'gone' });
    expect(t.observe(nodes, [orphan], 0, 1_000)).toEqual([]);
    expect(t.observe(nodes, [orphan], 1_000, 1_000)).toEqual([]);
    expect(t.observe(nodes, [orphan], 1_500, 1_000)[0]).toContain('pod default/o');
    expect(t.observe(nodes, [orphan], 3_000, 1_000)).toEqual([]);
    // Removed, then a new orphan: its own clock.
    expect(t.observe(nodes, [], 4_000, 1_000)).toEqual([]);
    expect(t.observe(nodes, [pod('p', { node: 'gone' })], 5_000, 1_000)).toEqual([]);
    expect(t.observe([...nodes, node('gone')], [pod('p', { node: 'gone' })], 9_000, 1_000)).toEqual([]);
  });

  it('chaos invariants - RvTracker reports a list resourceVersion going backwards, per resource', () => {
    const t = new RvTracker();
    expect(t.observe('pods', '10', 0)).toBeUndefined();
    expect(t.observe('nodes', '5', 0)).toBeUndefined();
    expect(t.observe('pods', '10', 1)).toBeUndefined();
    expect(t.observe('pods', '9', 2)).toContain('went back from 10 to 9');
    expect(t.observe('pods', 'x', 3)).toContain('numeric');
  });

  it('chaos invariants - recoveryTimes is the time to the next converged sample, or to the end', () => {
    const samples = [{ atMs: 100, converged: true }, { atMs: 200, converged: false }, { atMs: 300, converged: true }];
    expect(recoveryTimes([150, 250, 350], samples, 1000)).toEqual([
      { atMs: 150, recoveryMs: 150, recovered: true },
      { atMs: 250, recoveryMs: 50, recovered: true },
      { atMs: 350, recoveryMs: 650, recovered: false },
    ]);
  });

  it('chaos invariants - faultTargets maps roles to hosts, never the checker, and skips restarting hosts', () => {
    const hosts = ['store-0', 'store-1', 'apiserver', 'scheduler', 'controller-manager', 'nodes-0', 'chaos'].map((name) => ({ name, state: name === 'store-1' ? ('restarting' as const) : ('running' as const), restarts: 0 }));
    expect(faultTargets(hosts, 'store', { runningOnly: true })).toEqual(['store-0']);
    expect(faultTargets(hosts, 'store', { runningOnly: false })).toEqual(['store-0', 'store-1']);
    expect(faultTargets(hosts, 'controller', { runningOnly: true })).toEqual(['controller-manager']);
    expect(faultTargets(hosts, 'random', { runningOnly: true })).not.toContain('chaos');
    expect(faultTargets([{ name: 'control-plane', state: 'running', restarts: 0 }], 'scheduler', { runningOnly: true })).toEqual(['control-plane']);
    expect(roleOfHost('nodes-3')).toBe('nodehost');
  });
});
