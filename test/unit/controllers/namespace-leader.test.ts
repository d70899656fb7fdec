import { describe, expect, it } from 'vitest';
import { NAMESPACES, PODS, LEASES } from '../../../src/api/resources.js';
import type { Lease, Namespace } from '../../../src/api/types.js';
import type { ApiRequest } from '../../../src/apiserver/protocol.js';
import { leaderLeaseBehavior, renewLease } from '../../../src/controllers/leader-lease.js';
import { namespaceController, SYSTEM_NAMESPACES } from '../../../src/controllers/namespace.js';
import { testContext } from '../client/fake-actor-context.js';
import { harness, makePod, tick } from './harness.js';
import type { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';

/** routeTo answers apiserver asks with a FakeApiClient (enough for the lease's get/create/update). */
function routeTo(fake: FakeApiClient) {
  return (_to: string, msg: unknown) => {
    const m = msg as ApiRequest;
    switch (m.type) {
      case 'get':
        return fake.get(m.res, m.namespace, m.name);
      case 'create':
        return fake.create(m.res, m.object);
      case 'update':
        return fake.update(m.res, m.object);
      default:
        throw new Error(`unexpected ${m.type}`);
    }
  };
}

describe('controllers/namespace', () => {
  it('controllers/namespace - creates the system namespaces at start and again after they vanish', async () => {
    const h = harness();
    await h.start(namespaceController());
    await h.settle();
    expect(h.fake.all<Namespace>(NAMESPACES).map((n) => n.metadata.name).sort()).toEqual([...SYSTEM_NAMESPACES].sort());
    // simulate a wiped store: the namespace disappears (finalizer removed, then deleted)
    const ks = h.fake.peek<Namespace>(NAMESPACES, undefined, 'kube-public')!;
    await h.fake.update(NAMESPACES, { ...ks, spec: { finalizers: [] } });
    const drop = h.fake.dropEvents();
    await h.fake.delete(NAMESPACES, undefined, 'kube-public');
    drop();
    expect(h.fake.peek(NAMESPACES, undefined, 'kube-public')).toBeUndefined();
    h.fake.breakWatches(); // apiserver restart: the informer re-lists and sees the gap
    await h.advance(2_000, 500);
    expect(h.fake.peek(NAMESPACES, undefined, 'kube-public')).toBeDefined();
  });

  it('controllers/namespace - deleting a namespace deletes its content, then removes the kubernetes finalizer', async () => {
    const h = harness();
    await h.fake.create(NAMESPACES, { metadata: { name: 'team' } });
    await h.fake.create(PODS, { ...makePod('p', {}), metadata: { name: 'p', namespace: 'team' } });
    await h.start(namespaceController());
    await h.settle();
    await h.fake.delete(NAMESPACES, undefined, 'team');
    expect(h.fake.peek<Namespace>(NAMESPACES, undefined, 'team')?.metadata.deletionTimestamp).toBeDefined();
    await h.settle();
    expect(h.fake.count(PODS, 'team')).toBe(0);
    await h.advance(3_000, 1_000);
    expect(h.fake.peek(NAMESPACES, undefined, 'team')).toBeUndefined();
  });
});

describe('controllers/leader-lease', () => {
  it('controllers/leader-lease - creates the lease, renews it, and does not steal a live lease', async () => {
    const h = harness();
    await h.fake.create(NAMESPACES, { metadata: { name: 'kube-system' } });
    const ctx = testContext('controller/leader', routeTo(h.fake));
    const p = { namespace: 'kube-system', name: 'kube-controller-manager', identity: 'me', renewIntervalMs: 2000, leaseDurationSeconds: 15 };
    const l1 = await renewLease(ctx, p);
    expect(l1?.spec).toMatchObject({ holderIdentity: 'me', leaseDurationSeconds: 15, leaseTransitions: 0 });
    ctx.clock.advance(2000);
    const l2 = await renewLease(ctx, p);
    expect(Date.parse(l2!.spec.renewTime!) - Date.parse(l1!.spec.renewTime!)).toBe(2000);
    expect(await renewLease(ctx, { ...p, identity: 'other' })).toBeUndefined();
    ctx.clock.advance(16_000);
    const l3 = await renewLease(ctx, { ...p, identity: 'other' });
    expect(l3?.spec).toMatchObject({ holderIdentity: 'other', leaseTransitions: 1 });
  });

  it('controllers/leader-lease - the actor renews on a 2 s repeating timer', async () => {
    const h = harness();
    await h.fake.create(NAMESPACES, { metadata: { name: 'kube-system' } });
    const ctx = testContext('controller/leader', routeTo(h.fake));
    const b = leaderLeaseBehavior();
    await b.started?.(ctx);
    expect(ctx.timers.get('renew')).toEqual({ delayMs: 2000, msg: { type: 'renewLease' }, repeat: true });
    await tick();
    const lease = h.fake.peek<Lease>(LEASES, 'kube-system', 'kube-controller-manager');
    expect(lease?.spec.leaseDurationSeconds).toBe(15);
    ctx.clock.advance(2000);
    b.receive(ctx, { type: 'renewLease' });
    await tick();
    expect(h.fake.peek<Lease>(LEASES, 'kube-system', 'kube-controller-manager')!.spec.renewTime).not.toBe(lease!.spec.renewTime);
  });
});
