import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { podRequests } from '../../../src/scheduler/framework/node-info.js';
import type { Code } from '../../../src/scheduler/framework/status.js';
import type { FilterPlugin, PreFilterPlugin } from '../../../src/scheduler/framework/types.js';
import * as nodeAffinity from '../../../src/scheduler/plugins/node-affinity.js';
import * as nodeName from '../../../src/scheduler/plugins/node-name.js';
import * as fit from '../../../src/scheduler/plugins/node-resources-fit.js';
import * as unschedulable from '../../../src/scheduler/plugins/node-unschedulable.js';
import * as taints from '../../../src/scheduler/plugins/taint-toleration.js';
import { makeNode, makePod, type NodeBuilder, type PodBuilder } from './builders.js';

interface FilterCase {
  name: string;
  pod: PodBuilder;
  node: NodeBuilder;
  code: Code;
  reasons?: string[];
}

/** FilterUnderTest is the part of a plugin the filter tables exercise. */
type FilterUnderTest = Partial<PreFilterPlugin> & FilterPlugin;

function runFilter(plugin: FilterUnderTest, c: FilterCase): void {
  const state = new CycleState();
  const pi = c.pod.info();
  plugin.preFilter?.(state, pi);
  const s = plugin.filter(state, pi, c.node.info());
  expect(s.code).toBe(c.code);
  if (c.reasons) expect(s.reasons).toEqual(c.reasons);
}

describe('scheduler - podRequests', () => {
  it.each([
    { name: 'single container', pod: makePod().req({ cpu: '500m', memory: '1Gi' }), want: { milliCpu: 500, memory: 2 ** 30, pods: 1 } },
    { name: 'containers add up', pod: makePod().req({ cpu: '500m' }).container({ cpu: '250m', memory: '64Mi' }), want: { milliCpu: 750, memory: 64 * 2 ** 20, pods: 1 } },
    // init max rule: max(sum(app)=200m, max(init)=1) = 1000m cpu; memory max(0, 10Mi)
    { name: 'init container larger than app sum', pod: makePod().req({ cpu: '100m' }).container({ cpu: '100m' }).init({ cpu: '1', memory: '10Mi' }), want: { milliCpu: 1000, memory: 10 * 2 ** 20, pods: 1 } },
    { name: 'init container smaller', pod: makePod().req({ cpu: '2' }).init({ cpu: '1' }), want: { milliCpu: 2000, memory: 0, pods: 1 } },
  ])('$name', ({ pod, want }) => expect(podRequests(pod.obj())).toEqual(want));
});

describe('scheduler - NodeResourcesFit filter', () => {
  const cases: FilterCase[] = [
    { name: 'fits an empty node', pod: makePod().req({ cpu: '1', memory: '1Gi' }), node: makeNode(), code: 'Success' },
    { name: 'exactly fills cpu', pod: makePod().req({ cpu: '4' }), node: makeNode(), code: 'Success' },
    { name: 'too much cpu', pod: makePod().req({ cpu: '4001m' }), node: makeNode(), code: 'Unschedulable', reasons: ['Insufficient cpu'] },
    { name: 'cpu taken by a placed pod', pod: makePod().req({ cpu: '2' }), node: makeNode().withPod(makePod().req({ cpu: '3' }).obj()), code: 'Unschedulable', reasons: ['Insufficient cpu'] },
    { name: 'too much memory', pod: makePod().req({ memory: '9Gi' }), node: makeNode(), code: 'Unschedulable', reasons: ['Insufficient memory'] },
    { name: 'both', pod: makePod().req({ cpu: '5', memory: '9Gi' }), node: makeNode(), code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'pod count full', pod: makePod(), node: makeNode().alloc({ pods: '1' }).withPod(makePod().obj()), code: 'Unschedulable', reasons: ['Too many pods'] },
    { name: 'init container counts', pod: makePod().req({ cpu: '1' }).init({ cpu: '5' }), node: makeNode(), code: 'Unschedulable', reasons: ['Insufficient cpu'] },
    { name: 'best-effort pod fits a cpu-full node', pod: makePod(), node: makeNode().withPod(makePod().req({ cpu: '4' }).obj()), code: 'Success' },
  ];
  it.each(cases)('$name', (c) => runFilter(fit.create(), c));
});

describe('scheduler - NodeResourcesFit score (LeastAllocated)', () => {
  it.each([
    // cpu (4000−1000)·100/4000 = 75; mem (8Gi−2Gi)·100/8Gi = 75 → (75+75)/2 = 75
    { name: 'quarter used', pod: makePod().req({ cpu: '1', memory: '2Gi' }), node: makeNode(), want: 75 },
    // cpu (4000−(2000+1000))·100/4000 = 25; mem: both pods count 200Mi non-zero → (8192−400)·100/8192 = 95.1 → 95; (25+95)/2 = 60
    { name: 'with placed pod', pod: makePod().req({ cpu: '1' }), node: makeNode().withPod(makePod().req({ cpu: '2' }).obj()), want: 60 },
    // best-effort pod counts 100m / 200Mi: cpu 3900·100/4000 = 97.5 → 97; mem 7992·100/8192 = 97.5 → 97 → 97
    { name: 'best-effort on empty node', pod: makePod(), node: makeNode(), want: 97 },
    // cpu over capacity scores 0; mem 97 → 48
    { name: 'over capacity', pod: makePod().req({ cpu: '5' }), node: makeNode(), want: 48 },
    // explicit "0" is not replaced by the default: cpu 100, mem 100 → 100
    { name: 'explicit zero requests', pod: makePod().req({ cpu: '0', memory: '0' }), node: makeNode(), want: 100 },
  ])('$name → $want', ({ pod, node, want }) => {
    expect(fit.create().score(new CycleState(), pod.info(), node.info())).toBe(want);
  });

  it('spreads best-effort pods: a node with more of them scores lower', () => {
    const busy = makeNode().withPod(makePod().obj()).withPod(makePod().obj()).info();
    const idle = makeNode().info();
    const p = fit.create();
    expect(p.score(new CycleState(), makePod().info(), idle)).toBeGreaterThan(p.score(new CycleState(), makePod().info(), busy));
  });
});

describe('scheduler - NodeName filter', () => {
  const cases: FilterCase[] = [
    { name: 'no nodeName', pod: makePod(), node: makeNode('a'), code: 'Success' },
    { name: 'matching', pod: makePod().node('a'), node: makeNode('a'), code: 'Success' },
    { name: 'other node', pod: makePod().node('b'), node: makeNode('a'), code: 'UnschedulableAndUnresolvable', reasons: [nodeName.ERR_REASON] },
  ];
  it.each(cases)('$name', (c) => runFilter(nodeName.create(), c));
});

describe('scheduler - NodeUnschedulable filter', () => {
  const cases: FilterCase[] = [
    { name: 'schedulable node', pod: makePod(), node: makeNode(), code: 'Success' },
    { name: 'cordoned node', pod: makePod(), node: makeNode().unschedulable(), code: 'UnschedulableAndUnresolvable', reasons: [unschedulable.ERR_REASON] },
    { name: 'cordoned but tolerated', pod: makePod().tolerate({ key: unschedulable.TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' }), node: makeNode().unschedulable(), code: 'Success' },
  ];
  it.each(cases)('$name', (c) => runFilter(unschedulable.create(), c));
});

describe('scheduler - TaintToleration filter', () => {
  const cases: FilterCase[] = [
    { name: 'no taints', pod: makePod(), node: makeNode(), code: 'Success' },
    { name: 'NoSchedule untolerated', pod: makePod(), node: makeNode().taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }), code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] },
    { name: 'NoExecute untolerated', pod: makePod(), node: makeNode().taint({ key: 'k', effect: 'NoExecute' }), code: 'UnschedulableAndUnresolvable' },
    { name: 'PreferNoSchedule does not filter', pod: makePod(), node: makeNode().taint({ key: 'k', effect: 'PreferNoSchedule' }), code: 'Success' },
    { name: 'Equal toleration', pod: makePod().tolerate({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }), node: makeNode().taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }), code: 'Success' },
    { name: 'Equal with wrong value', pod: makePod().tolerate({ key: 'dedicated', value: 'cpu' }), node: makeNode().taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }), code: 'UnschedulableAndUnresolvable' },
    { name: 'Exists with empty key tolerates all', pod: makePod().tolerate({ operator: 'Exists' }), node: makeNode().taint({ key: 'a', effect: 'NoSchedule' }).taint({ key: 'b', effect: 'NoExecute' }), code: 'Success' },
    { name: 'effect mismatch', pod: makePod().tolerate({ key: 'a', operator: 'Exists', effect: 'NoExecute' }), node: makeNode().taint({ key: 'a', effect: 'NoSchedule' }), code: 'UnschedulableAndUnresolvable' },
  ];
  it.each(cases)('$name', (c) => runFilter(taints.create(), c));
});

describe('scheduler - TaintToleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const p = taints.create();
    const pod = makePod().tolerate({ key: 'ok', operator: 'Exists' }).info();
    const nodes = [
      makeNode().info(),
      makeNode().taint({ key: 'x', effect: 'PreferNoSchedule' }).info(),
      makeNode().taint({ key: 'x', effect: 'PreferNoSchedule' }).taint({ key: 'y', effect: 'PreferNoSchedule' }).info(),
      makeNode().taint({ key: 'ok', effect: 'PreferNoSchedule' }).info(),
    ];
    const scores = nodes.map((n) => p.score(new CycleState(), pod, n));
    expect(scores).toEqual([0, 1, 2, 0]);
    p.normalizeScore(new CycleState(), pod, scores);
    // reverse normalize with max 2: 100 − s·100/2
    expect(scores).toEqual([100, 50, 0, 100]);
  });
});

describe('scheduler - NodeAffinity filter', () => {
  const cases: FilterCase[] = [
    { name: 'no selector', pod: makePod(), node: makeNode(), code: 'Success' },
    { name: 'nodeSelector match', pod: makePod().selector({ disk: 'ssd' }), node: makeNode().label('disk', 'ssd'), code: 'Success' },
    { name: 'nodeSelector mismatch', pod: makePod().selector({ disk: 'ssd' }), node: makeNode().label('disk', 'hdd'), code: 'UnschedulableAndUnresolvable', reasons: [nodeAffinity.ERR_REASON] },
    { name: 'affinity In', pod: makePod().affinity([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), node: makeNode().label('zone', 'b'), code: 'Success' },
    { name: 'affinity NotIn', pod: makePod().affinity([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), node: makeNode().label('zone', 'a'), code: 'UnschedulableAndUnresolvable' },
    { name: 'affinity Exists missing', pod: makePod().affinity([{ key: 'gpu', operator: 'Exists' }]), node: makeNode(), code: 'UnschedulableAndUnresolvable' },
    { name: 'affinity Gt', pod: makePod().affinity([{ key: 'cores', operator: 'Gt', values: ['8'] }]), node: makeNode().label('cores', '16'), code: 'Success' },
  ];
  it.each(cases)('$name', (c) => runFilter(nodeAffinity.create(), c));
  it('skips Filter in PreFilter when the pod has no constraints', () => {
    const state = new CycleState();
    expect(nodeAffinity.create().preFilter(state, makePod().info()).code).toBe('Skip');
    expect(state.skipFilter.has(nodeAffinity.NAME)).toBe(true);
  });
});
