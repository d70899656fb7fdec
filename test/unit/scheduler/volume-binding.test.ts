import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { PERSISTENTVOLUMECLAIMS } from '../../../src/api/resources.js';
import type { KObject } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { newPodInfo } from '../../../src/scheduler/framework/node-info.js';
import type { VolumeLookup } from '../../../src/scheduler/framework/types.js';
import * as vb from '../../../src/scheduler/plugins/volume-binding.js';
import { makePod } from './builders.js';

const claim = (name: string, phase: string, storageClassName?: string, extra: Partial<KObject['metadata']> = {}): KObject =>
  ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default', ...extra }, spec: { ...(storageClassName ? { storageClassName } : {}) }, status: { phase } }) as KObject;
const sc = (name: string, mode: string): KObject => ({ metadata: { name }, volumeBindingMode: mode }) as KObject;

function lookup(claims: KObject[], classes: KObject[]): VolumeLookup {
  return { claim: (_ns, n) => claims.find((c) => c.metadata.name === n), storageClass: (n) => classes.find((c) => c.metadata.name === n) };
}

function podUsing(...claimNames: string[]) {
  const pod = makePod('p').obj();
  pod.spec.volumes = claimNames.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } }));
  return newPodInfo(pod);
}

describe('scheduler - VolumeBinding', () => {
  const classes = [sc('fast', 'Immediate'), sc('local', 'WaitForFirstConsumer')];
  it.each([
    { name: 'no claims: skip', claims: [], uses: [], code: 'Skip' },
    { name: 'bound claim', claims: [claim('a', 'Bound', 'fast')], uses: ['a'], code: 'Success' },
    { name: 'unbound Immediate claim keeps the pod pending', claims: [claim('a', 'Pending', 'fast')], uses: ['a'], code: 'UnschedulableAndUnresolvable', reason: vb.ERR_UNBOUND_IMMEDIATE },
    { name: 'unbound claim without a class counts as Immediate', claims: [claim('a', 'Pending')], uses: ['a'], code: 'UnschedulableAndUnresolvable' },
    { name: 'unbound WaitForFirstConsumer claim does not block', claims: [claim('a', 'Pending', 'local')], uses: ['a'], code: 'Success' },
    { name: 'missing claim', claims: [], uses: ['a'], code: 'UnschedulableAndUnresolvable', reason: 'persistentvolumeclaim "a" not found' },
    { name: 'claim being deleted', claims: [claim('a', 'Bound', 'fast', { deletionTimestamp: '2026-01-01T00:00:00Z' })], uses: ['a'], code: 'UnschedulableAndUnresolvable', reason: 'persistentvolumeclaim "a" is being deleted' },
    { name: 'one of two unbound', claims: [claim('a', 'Bound', 'fast'), claim('b', 'Pending', 'fast')], uses: ['a', 'b'], code: 'UnschedulableAndUnresolvable' },
  ])('scheduler - VolumeBinding preFilter: $name', ({ claims, uses, code, reason }) => {
    const fake = new FakeApiClient({ clock: new SimClock(), rng: new SeededRng(1) });
    const p = vb.create(undefined, { client: fake, volumes: lookup(claims, classes) });
    const s = p.preFilter(new CycleState(), podUsing(...uses));
    expect(s.code).toBe(code);
    if (reason) expect(s.reasons).toEqual([reason]);
  });

  it('scheduler - VolumeBinding skips without volume caches', () => {
    const fake = new FakeApiClient({ clock: new SimClock(), rng: new SeededRng(1) });
    expect(vb.create(undefined, { client: fake }).preFilter(new CycleState(), podUsing('a')).code).toBe('Skip');
  });

  it('scheduler - VolumeBinding Reserve writes selected-node on WaitForFirstConsumer claims only', async () => {
    const fake = new FakeApiClient({ clock: new SimClock(), rng: new SeededRng(1) });
    const claims = [claim('w', 'Pending', 'local'), claim('i', 'Bound', 'fast')];
    for (const c of claims) await fake.create(PERSISTENTVOLUMECLAIMS, structuredClone(c));
    const p = vb.create(undefined, { client: fake, volumes: lookup(claims, classes) });
    expect(p.reserve(new CycleState(), podUsing('w', 'i'), 'node-7').code).toBe('Success');
    await new Promise((r) => setImmediate(r));
    expect(fake.peek(PERSISTENTVOLUMECLAIMS, 'default', 'w')!.metadata.annotations).toEqual({ [vb.ANN_SELECTED_NODE]: 'node-7' });
    expect(fake.peek(PERSISTENTVOLUMECLAIMS, 'default', 'i')!.metadata.annotations).toBeUndefined();
  });
});
