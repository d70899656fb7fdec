import { describe, expect, it } from 'vitest';
import { IpamError, PodIpam } from '../../../src/kubelet/ipam.js';

describe('kubelet - IPAM', () => {
  it.each([
    ['10.244.3.0/24', 253, '10.244.3.2'],
    ['10.244.0.0/16', 65533, '10.244.0.2'],
    ['10.1.2.128/25', 125, '10.1.2.130'],
    ['10.0.0.0/30', 1, '10.0.0.2'],
  ])('%s has %d usable addresses starting at %s', (cidr, cap, first) => {
    const ipam = new PodIpam(cidr);
    expect(ipam.capacity).toBe(cap);
    expect(ipam.allocate('a')).toBe(first);
  });

  it.each(['nonsense', '10.0.0.0/31', 'fd00::/64'])('rejects %s', (cidr) => expect(() => new PodIpam(cidr)).toThrow(IpamError));

  it('is idempotent per owner, skips network/gateway/broadcast and does not reuse a released IP at once', () => {
    const ipam = new PodIpam('10.0.0.0/29'); // usable .2 … .6
    expect(['a', 'b', 'a'].map((o) => ipam.allocate(o))).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.2']);
    ipam.release('a');
    expect(ipam.allocate('c')).toBe('10.0.0.4');
    expect(ipam.allocate('d')).toBe('10.0.0.5');
    expect(ipam.allocate('e')).toBe('10.0.0.6');
    // wraps around to the freed .2
    expect(ipam.allocate('f')).toBe('10.0.0.2');
    expect(() => ipam.allocate('g')).toThrow(/no IP addresses available/);
    expect(ipam.allocated).toBe(5);
  });

  it('restores IPs after a restart and refuses foreign or out-of-range ones', () => {
    const ipam = new PodIpam('10.0.0.0/24');
    expect(ipam.restore('10.0.0.2', 'a')).toBe(true);
    expect(ipam.restore('10.0.0.2', 'b')).toBe(false);
    expect(ipam.restore('10.0.1.2', 'b')).toBe(false);
    expect(ipam.restore('10.0.0.255', 'b')).toBe(false);
    expect(ipam.allocate('c')).toBe('10.0.0.3');
  });
});
