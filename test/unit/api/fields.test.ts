import { describe, expect, it } from 'vitest';
import { fieldsOf, parseFieldSelector, supportedFields, validateFieldSelector } from '../../../src/api/fields.js';
import { EVENTS, NODES, PODS, DEPLOYMENTS } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';

const pod: KObject = { metadata: { name: 'y', namespace: 'default' }, spec: { nodeName: 'node1', containers: [] }, status: { phase: 'Running' } };
const unscheduled: KObject = { metadata: { name: 'z', namespace: 'default' }, spec: { containers: [] } };

describe('fields - parseFieldSelector', () => {
  it.each([
    ['metadata.name=y', [{ field: 'metadata.name', op: '=', value: 'y' }]],
    ['metadata.name==y', [{ field: 'metadata.name', op: '=', value: 'y' }]],
    ['status.phase!=Running,spec.nodeName=n', [{ field: 'status.phase', op: '!=', value: 'Running' }, { field: 'spec.nodeName', op: '=', value: 'n' }]],
    ['a=x\\,y', [{ field: 'a', op: '=', value: 'x,y' }]],
    ['spec.nodeName=', [{ field: 'spec.nodeName', op: '=', value: '' }]],
    ['', []],
  ])('%s', (input, want) => {
    expect(parseFieldSelector(input).requirements()).toEqual(want);
  });
  it('rejects a term without operator with 400', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  });
  it('prints canonically with escapes', () => {
    expect(parseFieldSelector('a==x\\,y,b!=z').toString()).toBe('a=x\\,y,b!=z');
  });
});

describe('fields - matching pods', () => {
  it.each([
    ['spec.nodeName=node1', pod, true],
    ['spec.nodeName=node2', pod, false],
    ['spec.nodeName=', unscheduled, true],
    ['spec.nodeName!=', unscheduled, false],
    ['metadata.name=y,metadata.namespace=default', pod, true],
    ['status.phase!=Running', pod, false],
    ['status.phase=Pending', unscheduled, false],
  ])('%s', (sel, obj, want) => {
    expect(parseFieldSelector(sel).matches(fieldsOf(PODS, obj))).toBe(want);
  });
});

describe('fields - per-resource support', () => {
  it('events support the describe selector', () => {
    const ev: KObject = { metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'y', uid: 'u1' }, reason: 'Scheduled', type: 'Normal', source: { component: 'default-scheduler' } };
    const sel = parseFieldSelector('involvedObject.namespace=default,involvedObject.uid=u1,involvedObject.name=y');
    expect(sel.matches(fieldsOf(EVENTS, ev))).toBe(true);
    expect(parseFieldSelector('source=default-scheduler,type=Normal').matches(fieldsOf(EVENTS, ev))).toBe(true);
  });
  it('nodes expose spec.unschedulable as true/false', () => {
    expect(parseFieldSelector('spec.unschedulable=false').matches(fieldsOf(NODES, { metadata: { name: 'n' }, spec: {} }))).toBe(true);
  });
  it('lists fields and rejects unsupported ones with the real message', () => {
    expect(supportedFields(PODS)).toContain('spec.nodeName');
    expect(supportedFields(DEPLOYMENTS)).toEqual(['metadata.name', 'metadata.namespace']);
    expect(() => validateFieldSelector(DEPLOYMENTS, parseFieldSelector('spec.replicas=1'))).toThrow('field label not supported: spec.replicas');
    expect(() => validateFieldSelector(PODS, parseFieldSelector('spec.nodeName=a'))).not.toThrow();
  });
});
