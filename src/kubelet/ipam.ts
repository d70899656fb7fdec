/**
 * Per-node pod IPAM (host-local plugin style): pod IPs come from the node's podCIDR, skipping
 * the network address, the gateway (.1) and the broadcast address; a cursor walks forward so a
 * released IP is not reused at once (as host-local does).
 *
 *   10.244.3.0/24 → network .0, gateway .1, usable .2 … .254, broadcast .255
 */
import ipaddr from 'ipaddr.js';

/** IpamError: the CIDR is unusable, or it ran out of addresses. */
export class IpamError extends Error {
  override readonly name = 'IpamError';
}

function toInt(ip: ipaddr.IPv4): number {
  const o = ip.octets;
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** PodIpam allocates IPv4 pod addresses from one CIDR. */
export class PodIpam {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Map<number, string>();
  private cursor: number;

  constructor(readonly cidr: string) {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      parsed = ipaddr.parseCIDR(cidr);
    } catch (err) {
      throw new IpamError(`invalid podCIDR "${cidr}": ${(err as Error).message}`);
    }
    const [addr, bits] = parsed;
    if (addr.kind() !== 'ipv4') throw new IpamError(`podCIDR "${cidr}": only IPv4 is supported`);
    if (bits > 30) throw new IpamError(`podCIDR "${cidr}" is too small for pods`);
    const size = 2 ** (32 - bits);
    const network = toInt(addr as ipaddr.IPv4) & ~(size - 1) >>> 0;
    this.first = (network >>> 0) + 2;
    this.last = (network >>> 0) + size - 2;
    this.cursor = this.first;
  }

  /** capacity is the number of allocatable addresses. */
  get capacity(): number {
    return this.last - this.first + 1;
  }
  /** allocated is the number of addresses in use. */
  get allocated(): number {
    return this.used.size;
  }

  /** allocate returns a free IP for owner (idempotent per owner); throws IpamError when full. */
  allocate(owner: string): string {
    for (const [n, o] of this.used) if (o === owner) return toIp(n);
    const span = this.capacity;
    for (let i = 0; i < span; i++) {
      const n = this.cursor;
      this.cursor = n >= this.last ? this.first : n + 1;
      if (!this.used.has(n)) {
        this.used.set(n, owner);
        return toIp(n);
      }
    }
    throw new IpamError(`no IP addresses available in range set: ${toIp(this.first)}-${toIp(this.last)}`);
  }

  /** restore records an IP already in use (kubelet restart); false if outside the range or taken by another owner. */
  restore(ip: string, owner: string): boolean {
    if (!ipaddr.IPv4.isValid(ip)) return false;
    const n = toInt(ipaddr.IPv4.parse(ip));
    if (n < this.first || n > this.last) return false;
    const cur = this.used.get(n);
    if (cur !== undefined && cur !== owner) return false;
    this.used.set(n, owner);
    return true;
  }

  /** release frees owner's IP; unknown owners are ignored (idempotent). */
  release(owner: string): void {
    for (const [n, o] of this.used) {
      if (o === owner) {
        this.used.delete(n);
        return;
      }
    }
  }
}
