import { describe, expect, it } from 'vitest';
import { QuantityError, bytes, cpuMillis, formatQuantity, parseQuantity } from '../../../src/api/quantity.js';

describe('quantity - parse', () => {
  it.each([
    ['500m', 0.5],
    ['1Gi', 1073741824],
    ['1e3', 1000],
    ['128974848', 128974848],
    ['129e6', 129000000],
    ['123Mi', 128974848],
    ['1.5', 1.5],
    ['2k', 2000],
    ['1M', 1e6],
    ['100n', 1e-7],
    ['.5', 0.5],
    ['-1', -1],
    [3, 3],
  ] as const)('%s → %d', (input, want) => {
    expect(parseQuantity(input)).toBeCloseTo(want, 12);
  });

  it.each(['', 'abc', '1Gb', '1 Gi', 'Gi', '1.2.3', '5mm'])('rejects %j with QuantityError', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
  });
});

describe('quantity - cpuMillis and bytes', () => {
  it.each([
    ['500m', 500],
    ['0.1', 100],
    ['2', 2000],
    ['1.0005', 1001],
  ] as const)('cpuMillis(%s) = %d', (input, want) => expect(cpuMillis(input)).toBe(want));
  it.each([
    ['1Gi', 1073741824],
    ['128974848', 128974848],
    ['1.5Ki', 1536],
    ['1k', 1000],
  ] as const)('bytes(%s) = %d', (input, want) => expect(bytes(input)).toBe(want));
  it('treats undefined as zero', () => {
    expect(cpuMillis(undefined)).toBe(0);
    expect(bytes(undefined)).toBe(0);
  });
});

describe('quantity - format', () => {
  it.each([
    [1073741824, 'BinarySI', '1Gi'],
    [1536, 'BinarySI', '1536'],
    [3 * 2 ** 20, 'BinarySI', '3Mi'],
    [0.5, 'DecimalSI', '500m'],
    [2000, 'DecimalSI', '2k'],
    [4, 'DecimalSI', '4'],
    [110, 'DecimalSI', '110'],
    [0, 'DecimalSI', '0'],
  ] as const)('format(%d, %s) = %s', (value, fmt, want) => expect(formatQuantity(value, fmt)).toBe(want));
  it('round-trips through parse', () => {
    for (const q of ['1Gi', '500m', '2k', '7Mi']) expect(formatQuantity(parseQuantity(q), q.endsWith('i') ? 'BinarySI' : 'DecimalSI')).toBe(q);
  });
});
