import { describe, expect, it } from 'vitest';
import { nthHost, nthSubnet, subnetCount } from '../../../src/cluster/network.js';

describe('cluster network - address plan', () => {
  it.each([
    ['10.128.0.0/9', 24, 0, '10.128.0.0/24'],
    ['10.128.0.0/9', 24, 1, '10.128.1.0/24'],
    ['10.128.0.0/9', 24, 256, '10.129.0.0/24'],
    ['10.128.0.0/9', 24, 4999, '10.147.135.0/24'], // 4999 = 19·256 + 135
    ['10.244.0.0/16', 26, 3, '10.244.0.192/26'],
  ])('cluster network - subnet of %s /%i #%i is %s', (cidr, mask, i, want) => {
    expect(nthSubnet(cidr, mask, i)).toBe(want);
  });

  it('cluster network - counts subnets and rejects out-of-range indexes', () => {
    expect(subnetCount('10.128.0.0/9', 24)).toBe(32768);
    expect(subnetCount('10.244.0.0/16', 24)).toBe(256);
    expect(() => nthSubnet('10.244.0.0/16', 24, 256)).toThrow(RangeError);
  });

  it('cluster network - host addresses skip the network address', () => {
    expect(nthHost('172.18.0.0/16', 0)).toBe('172.18.0.1');
    expect(nthHost('172.18.0.0/16', 300)).toBe('172.18.1.45');
    expect(() => nthHost('172.18.0.0/30', 2)).toThrow(RangeError);
  });
});
