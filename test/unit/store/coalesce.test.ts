import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../../src/actors/clock.js';
import type { StoreWatchEventsMsg } from '../../../src/store/protocol.js';
import { openCore } from './core-harness.js';

describe('store watch coalescing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeactor-coalesce-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  });

  it('store watch coalescing - identical batches for one subscriber session are one message; others stay apart', async () => {
    const h = await openCore(dir, new SimClock());
    for (const id of ['w1', 'w2', 'w3']) h.core.watch('api', id, { key: '/p/', prefix: true }, 's1');
    h.core.watch('api', 'w4', { key: '/p/', prefix: true, prevKv: true }, 's1'); // same events? yes: no prevKv to strip on a create
    h.core.watch('api', 'w5', { key: '/p/a' }, 's1'); // same key, but its own filter
    h.core.watch('other', 'w6', { key: '/p/', prefix: true }, 's1'); // another subscriber
    await h.put('/p/a', '1');
    const msgs = h.pushed.filter((m): m is StoreWatchEventsMsg => m.type === 'storeWatchEvents');
    const byTarget = msgs.map((m) => [m.watchId, ...(m.alsoWatchIds ?? [])].sort().join(','));
    // One publish with one event: every watcher's list holds the same event object, so per
    // subscriber session all collapse into one message.
    expect(byTarget.sort()).toEqual(['w1,w2,w3,w4,w5', 'w6']);
    expect(msgs.every((m) => m.events.length === 1 && typeof m.sentAt === 'number')).toBe(true);
  });

  it('store watch coalescing - a watcher that asked for prevKv gets its own message once events differ', async () => {
    const h = await openCore(dir, new SimClock());
    await h.put('/p/a', '1');
    h.core.watch('api', 'plain', { key: '/p/', prefix: true }, 's1');
    h.core.watch('api', 'prev', { key: '/p/', prefix: true, prevKv: true }, 's1');
    h.pushed.length = 0;
    await h.put('/p/a', '2');
    const msgs = h.pushed.filter((m): m is StoreWatchEventsMsg => m.type === 'storeWatchEvents');
    expect(msgs.map((m) => m.watchId).sort()).toEqual(['plain', 'prev']);
    expect(msgs.find((m) => m.watchId === 'prev')!.events[0].prevKv).toBeDefined();
    expect(msgs.find((m) => m.watchId === 'plain')!.events[0].prevKv).toBeUndefined();
  });
});
