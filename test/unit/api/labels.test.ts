import { describe, expect, it } from 'vitest';
import { formatLabelSelector, fromLabelSelector, parseLabelSelector } from '../../../src/api/labels.js';
import { StatusError } from '../../../src/api/errors.js';

describe('labels - parseLabelSelector matching', () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', { a: 'b' }, true],
    ['', undefined, true],
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app=web', { app: 'db' }, false],
    ['app=web', {}, false],
    ['app!=web', { app: 'db' }, true],
    ['app!=web', {}, true],
    ['app!=web', { app: 'web' }, false],
    ['env in (prod, dev)', { env: 'dev' }, true],
    ['env in (prod,dev)', { env: 'qa' }, false],
    ['env in (prod)', {}, false],
    ['env notin (prod)', {}, true],
    ['env notin (prod)', { env: 'prod' }, false],
    ['tier', { tier: '' }, true],
    ['tier', {}, false],
    ['!tier', {}, true],
    ['!tier', { tier: 'x' }, false],
    ['app=web,tier', { app: 'web', tier: 'x' }, true],
    ['app=web,tier', { app: 'web' }, false],
    ['app=', { app: '' }, true],
    ['app=', { app: 'x' }, false],
    ['n>3', { n: '4' }, true],
    ['n<3', { n: '4' }, false],
    ['example.com/role=x', { 'example.com/role': 'x' }, true],
  ];
  it.each(cases)('%s on %j → %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });
});

describe('labels - canonical string form', () => {
  it.each([
    ['b=1,a=2', 'a=2,b=1'],
    ['env in (z, a)', 'env in (a,z)'],
    ['x,!y', 'x,!y'],
    ['a==b', 'a==b'],
    ['a notin (q)', 'a notin (q)'],
  ])('%s prints as %s', (input, want) => {
    expect(parseLabelSelector(input).toString()).toBe(want);
  });
  it('empty selector is empty', () => {
    expect(parseLabelSelector('  ').empty()).toBe(true);
    expect(parseLabelSelector('a').empty()).toBe(false);
  });
});

describe('labels - parse errors are 400 with apimachinery messages', () => {
  it.each([
    ['env in prod', "unable to parse requirement: found 'prod', expected: '('"],
    ['a b', "unable to parse requirement: found 'b', expected: 'in', 'notin', '=', '==', '!=', 'gt', 'lt'"],
    ['=x', "found '=', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a in ()', "unable to parse requirement: values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
  ])('%s', (input, msg) => {
    let err: unknown;
    try {
      parseLabelSelector(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(400);
    expect((err as StatusError).message).toBe(msg);
  });
  it('rejects an invalid key', () => {
    expect(() => parseLabelSelector('-bad=x')).toThrow(/unable to parse requirement: key: Invalid value: "-bad": name part must consist/);
  });
  it('rejects an invalid value', () => {
    expect(() => parseLabelSelector('a=-x-')).toThrow(/values\[0\]\[a\]: Invalid value: "-x-": a valid label must be/);
  });
});

describe('labels - structured selectors', () => {
  it('matchLabels and matchExpressions AND together', () => {
    const s = fromLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'canary', operator: 'DoesNotExist' }] });
    expect(s.matches({ app: 'web', tier: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'c' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'a', canary: '1' })).toBe(false);
    expect(s.toString()).toBe('app=web,!canary,tier in (a,b)');
  });
  it('empty selector matches everything, undefined matches nothing', () => {
    expect(fromLabelSelector({}).matches({ a: 'b' })).toBe(true);
    expect(fromLabelSelector(undefined).matches({ a: 'b' })).toBe(false);
  });
  it('formatLabelSelector gives the Scale.status.selector form', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'x', a: 'b' } })).toBe('a=b,app=x');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Exists' }] })).toBe('k');
    expect(formatLabelSelector({})).toBe('');
  });
  it('rejects an unknown operator', () => {
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Bogus' as 'In' }] })).toThrow(/not a valid label selector operator/);
  });
});
