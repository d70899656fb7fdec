/**
 * ClusterIpAllocator hands out Service cluster IPs from the service CIDR (IPv4), like
 * kube-apiserver's range allocator: the network and broadcast addresses are never used, a random
 * start offset spreads allocations, and the set of used IPs is what the services cache holds plus
 * the allocations still in flight.
 */
import ipaddr from 'ipaddr.js';
import type { Rng } from '../actors/types.js';
import { invalid } from '../api/errors.js';

/** DEFAULT_SERVICE_CIDR is kube-apiserver's default --service-cluster-ip-range. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

function toInt(bytes: number[]): number {
  return ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
}

function toIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** ClusterIpAllocator: see the file comment. */
export class ClusterIpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly inFlight = new Set<string>();

  constructor(
    readonly cidr: string,
    private readonly rng: Rng,
  ) {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    if (addr.kind() !== 'ipv4') throw new Error(`service CIDR ${cidr}: only IPv4 is supported`);
    this.size = 2 ** (32 - bits);
    this.base = toInt(addr.toByteArray()) & ~(this.size - 1);
  }

  /** contains reports whether ip is a usable address of the range. */
  contains(ip: string): boolean {
    if (!ipaddr.IPv4.isValid(ip)) return false;
    const off = toInt(ipaddr.IPv4.parse(ip).toByteArray()) - this.base;
    return off >= 1 && off < this.size - 1;
  }

  /**
   * allocate picks a free IP (or checks the requested one) and marks it in flight until
   * release(); throws 422 Invalid when the requested IP is taken or outside the range.
   */
  allocate(used: Set<string>, name: string, requested?: string): string {
    if (requested) {
      const causes = [];
      if (!this.contains(requested)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: "${requested}": failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cidr}` });
      } else if (used.has(requested) || this.inFlight.has(requested)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: "${requested}": failed to allocate IP ${requested}: provided IP is already allocated` });
      }
      if (causes.length > 0) throw invalid('', 'Service', name, causes);
      this.inFlight.add(requested);
      return requested;
    }
    const usable = this.size - 2;
    const start = this.rng.int(usable);
    for (let i = 0; i < usable; i++) {
      const ip = toIp(this.base + 1 + ((start + i) % usable));
      if (!used.has(ip) && !this.inFlight.has(ip)) {
        this.inFlight.add(ip);
        return ip;
      }
    }
    throw invalid('', 'Service', name, [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Internal error: failed to allocate a serviceIP: range is full` }]);
  }

  /** release ends an allocation's in-flight period (the services cache now holds it, or it failed). */
  release(ip: string): void {
    this.inFlight.delete(ip);
  }
}
