/**
 * Address plan of a topology: each virtual node's pod CIDR (what node-ipam would assign) and its
 * InternalIP. Pure functions over ipaddr.js.
 */
import ipaddr from 'ipaddr.js';

function toInt(ip: ipaddr.IPv4): number {
  const [a, b, c, d] = ip.octets;
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function fromInt(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** parseCidr returns the network base and prefix length of an IPv4 CIDR. */
export function parseCidr(cidr: string): { base: number; bits: number } {
  const [addr, bits] = ipaddr.IPv4.parseCIDR(cidr);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (toInt(addr) & mask) >>> 0, bits };
}

/** subnetCount is how many /maskSize subnets fit in cidr. */
export function subnetCount(cidr: string, maskSize: number): number {
  const { bits } = parseCidr(cidr);
  return maskSize < bits ? 0 : 2 ** (maskSize - bits);
}

/** nthSubnet returns the index-th /maskSize subnet of cidr (e.g. a node's pod CIDR). */
export function nthSubnet(cidr: string, maskSize: number, index: number): string {
  const { base } = parseCidr(cidr);
  if (index < 0 || index >= subnetCount(cidr, maskSize)) throw new RangeError(`${cidr} has no /${maskSize} subnet #${index}`);
  return `${fromInt(base + index * 2 ** (32 - maskSize))}/${maskSize}`;
}

/** nthHost returns the index-th usable address of cidr (index 0 is base+1). */
export function nthHost(cidr: string, index: number): string {
  const { base, bits } = parseCidr(cidr);
  const size = 2 ** (32 - bits);
  if (index < 0 || index + 2 >= size) throw new RangeError(`${cidr} has no host #${index}`);
  return fromInt(base + 1 + index);
}
