import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { EVENTS, NAMESPACES } from '../../../src/api/resources.js';
import type { KEvent } from '../../../src/api/types.js';
import { createEventRecorder, SPAM_BURST, SPAM_REFILL_MS } from '../../../src/client/events.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { silentLog } from './fake-actor-context.js';

const flush = () => new Promise<void>((r) => setImmediate(r));
const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };

describe('client/events', () => {
  it('client/events - records an Event with involvedObject, source and timestamps; a repeat bumps count', async () => {
    const clock = new SimClock();
    const fake = new FakeApiClient({ clock });
    await fake.create(NAMESPACES, { metadata: { name: 'default' } });
    const rec = createEventRecorder({ client: fake, clock, log: silentLog, component: 'replicaset-controller' });
    rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1');
    await flush();
    clock.advance(5000);
    rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1');
    await flush();
    await flush();
    const evs = fake.all<KEvent>(EVENTS);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      involvedObject: { kind: 'ReplicaSet', name: 'web', namespace: 'default', uid: 'u1' },
      reason: 'SuccessfulCreate',
      type: 'Normal',
      count: 2,
      source: { component: 'replicaset-controller' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:05Z',
    });
  });

  it('client/events - the spam filter caps one object at the burst, refilling one per 5 minutes', async () => {
    const clock = new SimClock();
    const fake = new FakeApiClient({ clock });
    const rec = createEventRecorder({ client: fake, clock, log: silentLog, component: 'x' });
    for (let i = 0; i < 100; i++) rec.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-${i}`);
    await flush();
    expect(fake.count(EVENTS)).toBe(SPAM_BURST);
    clock.advance(SPAM_REFILL_MS);
    rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: late');
    rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: dropped');
    await flush();
    expect(fake.count(EVENTS)).toBe(SPAM_BURST + 1);
  });
});
