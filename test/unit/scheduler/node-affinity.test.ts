import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { newPodInfo } from '../../../src/scheduler/framework/node-info.js';
import * as nodeAffinity from '../../../src/scheduler/plugins/node-affinity.js';
import { termMatches, type NodeSelectorTerm } from '../../../src/scheduler/plugins/node-affinity.js';
import { makeNode, makePod } from './builders.js';

/** podWithTerms builds the PodInfo of a pod with required node affinity terms. */
function podWithTerms(terms: NodeSelectorTerm[]) {
  const pod = makePod().obj();
  pod.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
  return newPodInfo(pod);
}

describe('scheduler - NodeAffinity matchFields and terms', () => {
  const cases: { name: string; terms: NodeSelectorTerm[]; node: string; labels?: Record<string, string>; ok: boolean }[] = [
    { name: 'matchFields metadata.name In matches the node', terms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], node: 'n1', ok: true },
    { name: 'matchFields metadata.name In rejects other nodes', terms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], node: 'n2', ok: false },
    { name: 'matchFields metadata.name NotIn', terms: [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }], node: 'n2', ok: true },
    { name: 'matchFields on an unsupported field never matches', terms: [{ matchFields: [{ key: 'spec.unschedulable', operator: 'In', values: ['false'] }] }], node: 'n1', ok: false },
    { name: 'expressions and fields in one term are ANDed', terms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], node: 'n1', labels: { zone: 'b' }, ok: false },
    { name: 'terms are ORed', terms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], node: 'n1', labels: { zone: 'b' }, ok: true },
    { name: 'an empty term matches nothing', terms: [{}], node: 'n1', ok: false },
    { name: 'Lt compares numbers', terms: [{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['10'] }] }], node: 'n1', labels: { gen: '9' }, ok: true },
    { name: 'DoesNotExist', terms: [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }], node: 'n1', labels: { gpu: '1' }, ok: false },
  ];
  it.each(cases)('scheduler - NodeAffinity filter: $name', (c) => {
    const node = makeNode(c.node);
    for (const [k, v] of Object.entries(c.labels ?? {})) node.label(k, v);
    const plugin = nodeAffinity.create();
    const state = new CycleState();
    const pi = podWithTerms(c.terms);
    expect(plugin.preFilter(state, pi).code).toBe('Success');
    expect(plugin.filter(state, pi, node.info()).code).toBe(c.ok ? 'Success' : 'UnschedulableAndUnresolvable');
    expect(c.terms.some((t) => termMatches(t, { name: c.node, labels: c.labels ?? {} }))).toBe(c.ok);
  });
});
