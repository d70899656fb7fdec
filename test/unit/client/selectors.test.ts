import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { PODS, NODES } from '../../../src/api/resources.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { fieldSelectorMatches, labelSelectorMatches, labelSelectorToString, matchesLabelSelectorString, SelectorParseError } from '../../../src/client/selectors.js';
import { SharedInformerFactory } from '../../../src/client/shared-informer-factory.js';
import { silentLog } from './fake-actor-context.js';

const labels = { app: 'web', tier: 'fe', canary: 'true' };

describe('client/selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=be', false],
    ['tier in (fe, be)', true],
    ['tier notin (fe)', false],
    ['canary', true],
    ['!canary', false],
    ['missing!=x', true],
    ['app in (web),!missing', true],
  ])('client/selectors - %j on %j', (sel, want) => {
    expect(matchesLabelSelectorString(labels, sel)).toBe(want);
  });

  it('client/selectors - a malformed term is a SelectorParseError', () => {
    expect(() => matchesLabelSelectorString(labels, 'a b c')).toThrow(SelectorParseError);
  });

  it('client/selectors - structured selectors match and render to the string form', () => {
    const sel = { matchLabels: { tier: 'fe', app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'Exists' as const }, { key: 'env', operator: 'NotIn' as const, values: ['prod', 'dev'] }] };
    expect(labelSelectorMatches(sel, labels)).toBe(true);
    expect(labelSelectorToString(sel)).toBe('app=web,tier=fe,canary,env notin (dev,prod)');
    expect(matchesLabelSelectorString(labels, labelSelectorToString(sel))).toBe(true);
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
  });

  it.each([
    ['spec.nodeName=n1', true],
    ['spec.nodeName!=n1', false],
    ['metadata.name=p,metadata.namespace=ns', true],
    ['spec.nodeName=', false],
  ])('client/selectors - field selector %j', (sel, want) => {
    expect(fieldSelectorMatches({ metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' } }, sel)).toBe(want);
  });
});

describe('client/shared-informer-factory', () => {
  it('client/shared-informer-factory - one informer per resource and options; start waits for all', async () => {
    const clock = new SimClock();
    const fake = new FakeApiClient({ clock });
    const f = new SharedInformerFactory({ client: fake, watcher: fake.watcher, clock, log: silentLog });
    const a = f.informerFor(PODS);
    expect(f.informerFor(PODS)).toBe(a);
    expect(f.informerFor(PODS, { namespace: 'x' })).not.toBe(a);
    f.informerFor(NODES);
    await f.start();
    expect(f.hasSynced()).toBe(true);
    expect(fake.watcher.openWatches).toBe(3);
    f.stop();
    expect(fake.watcher.openWatches).toBe(0);
  });
});
