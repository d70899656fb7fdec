import { describe, expect, it } from 'vitest';
import { NAMESPACES, SERVICEACCOUNTS } from '../../../src/api/resources.js';
import type { Namespace } from '../../../src/api/types.js';
import { serviceAccountController, type ServiceAccount } from '../../../src/controllers/serviceaccount.js';
import { harness } from './harness.js';

const names = (sas: ServiceAccount[]) => sas.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort();

describe('controllers/serviceaccount', () => {
  it('controllers/serviceaccount - creates default in existing namespaces at start and in new ones', async () => {
    const h = harness();
    await h.fake.create(NAMESPACES, { metadata: { name: 'default' } });
    await h.fake.create(NAMESPACES, { metadata: { name: 'kube-system' } });
    await h.fake.create(SERVICEACCOUNTS, { metadata: { name: 'builder', namespace: 'default' } });
    await h.start(serviceAccountController());
    await h.settle();
    expect(names(h.fake.all<ServiceAccount>(SERVICEACCOUNTS))).toEqual(['default/builder', 'default/default', 'kube-system/default']);
    await h.fake.create(NAMESPACES, { metadata: { name: 'team' } });
    await h.settle();
    expect(h.fake.peek<ServiceAccount>(SERVICEACCOUNTS, 'team', 'default')).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } });
  });

  it('controllers/serviceaccount - recreates a deleted default ServiceAccount, including one deleted during a watch gap', async () => {
    const h = harness();
    await h.fake.create(NAMESPACES, { metadata: { name: 'team' } });
    await h.start(serviceAccountController());
    await h.settle();
    const uid1 = h.fake.peek<ServiceAccount>(SERVICEACCOUNTS, 'team', 'default')!.metadata.uid;
    await h.fake.delete(SERVICEACCOUNTS, 'team', 'default');
    await h.settle();
    const uid2 = h.fake.peek<ServiceAccount>(SERVICEACCOUNTS, 'team', 'default')?.metadata.uid;
    expect(uid2).toBeDefined();
    expect(uid2).not.toBe(uid1);
    // Dropped DELETED event: the re-list after a broken watch repairs it.
    const restore = h.fake.dropEvents();
    await h.fake.delete(SERVICEACCOUNTS, 'team', 'default');
    restore();
    await h.settle();
    expect(h.fake.peek(SERVICEACCOUNTS, 'team', 'default')).toBeUndefined();
    h.fake.breakWatches();
    await h.advance(2_000, 500);
    expect(h.fake.peek(SERVICEACCOUNTS, 'team', 'default')).toBeDefined();
  });

  it('controllers/serviceaccount - leaves terminating namespaces alone and does not touch other ServiceAccounts', async () => {
    const h = harness();
    await h.fake.create(NAMESPACES, { metadata: { name: 'gone' } });
    await h.fake.delete(NAMESPACES, undefined, 'gone');
    expect(h.fake.peek<Namespace>(NAMESPACES, undefined, 'gone')?.metadata.deletionTimestamp).toBeDefined();
    await h.fake.create(NAMESPACES, { metadata: { name: 'live' } });
    await h.fake.create(SERVICEACCOUNTS, { metadata: { name: 'other', namespace: 'live' } });
    await h.start(serviceAccountController());
    await h.settle();
    await h.fake.delete(SERVICEACCOUNTS, 'live', 'other');
    await h.settle();
    expect(names(h.fake.all<ServiceAccount>(SERVICEACCOUNTS))).toEqual(['live/default']);
  });
});
