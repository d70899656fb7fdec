import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../../src/actors/clock.js';
import { LeaseNotFoundError } from '../../../src/store/errors.js';
import { LEASE_ID_STRIDE } from '../../../src/store/lease.js';
import { openCore } from './core-harness.js';

describe('store leases', () => {
  let dir: string;
  let clock: SimClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-lease-'));
    clock = new SimClock();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store leases - expiry deletes the attached keys in one revision; others stay', async () => {
    const h = await openCore(dir, clock);
    const { id } = await h.core.leaseGrant(10);
    expect(id % LEASE_ID_STRIDE).toBe(0); // routable to shard 0
    await h.put('/e/a', '1', id);
    await h.put('/e/b', '2', id);
    await h.put('/e/c', '3');
    expect(h.core.leaseTimeToLive(id, true)).toEqual({ id, ttl: 10, grantedTtl: 10, keys: ['/e/a', '/e/b'] });
    clock.advance(9_000);
    expect(await h.core.leaseTick()).toBe(0);
    clock.advance(1_000);
    const before = h.core.revision;
    expect(await h.core.leaseTick()).toBe(1);
    expect(h.core.revision).toBe(before + 1);
    expect(h.core.range('/e/', { prefix: true }).kvs.map((kv) => kv.key)).toEqual(['/e/c']);
    expect(h.core.leaseTimeToLive(id).ttl).toBe(-1);
    await expect(h.put('/e/d', '4', id)).rejects.toBeInstanceOf(LeaseNotFoundError);
  });

  it('store leases - keep-alive postpones expiry; revoke deletes at once; unknown ids fail', async () => {
    const h = await openCore(dir, clock);
    const { id } = await h.core.leaseGrant(5);
    await h.put('/k', 'v', id);
    clock.advance(4_000);
    expect(h.core.leaseKeepAlive(id)).toEqual({ id, ttl: 5 });
    clock.advance(4_000);
    expect(await h.core.leaseTick()).toBe(0);
    expect(h.core.range('/k').count).toBe(1);
    await h.core.leaseRevoke(id);
    expect(h.core.range('/k').count).toBe(0);
    expect(() => h.core.leaseKeepAlive(id)).toThrow(LeaseNotFoundError);
    await expect(h.core.leaseRevoke(id)).rejects.toBeInstanceOf(LeaseNotFoundError);
  });

  it('store leases - a key re-put without the lease is detached and survives the expiry', async () => {
    const h = await openCore(dir, clock);
    const { id } = await h.core.leaseGrant(1);
    await h.put('/k', 'v1', id);
    await h.put('/k', 'v2');
    clock.advance(1_000);
    await h.core.leaseTick();
    expect(h.core.range('/k').kvs.map((kv) => kv.version)).toEqual([2]);
  });

  it('store leases - grants and attachments survive a restart, with the full ttl again', async () => {
    const h = await openCore(dir, clock);
    const { id } = await h.core.leaseGrant(30);
    await h.put('/k', 'v', id);
    clock.advance(20_000);
    const h2 = await openCore(dir, clock); // no close: like a killed worker
    expect(h2.core.leaseTimeToLive(id, true)).toMatchObject({ ttl: 30, keys: ['/k'] });
    const { id: next } = await h2.core.leaseGrant(30);
    expect(next).not.toBe(id); // ids are not reused
    clock.advance(30_000);
    expect(await h2.core.leaseTick()).toBe(2);
    expect(h2.core.range('/k').count).toBe(0);
    const h3 = await openCore(dir, clock);
    expect(h3.core.range('/k').count).toBe(0);
    expect(h3.core.status().leases).toBe(0);
  });
});
