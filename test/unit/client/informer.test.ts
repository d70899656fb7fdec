import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { unavailable } from '../../../src/api/errors.js';
import { PODS } from '../../../src/api/resources.js';
import type { Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { createInformer } from '../../../src/client/informer.js';
import { silentLog } from './fake-actor-context.js';

const pod = (name: string, node?: string, labels: Record<string, string> = {}): Pod => ({
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c' }], ...(node ? { nodeName: node } : {}) },
});

function setup() {
  const clock = new SimClock();
  const fake = new FakeApiClient({ clock, rng: new SeededRng(3) });
  const inf = createInformer<Pod>({ client: fake, watcher: fake.watcher, clock, log: silentLog, rng: new SeededRng(4) }, PODS);
  const log: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata.name}`),
    onUpdate: (_a, b) => log.push(`update ${b.metadata.name}`),
    onDelete: (o) => log.push(`delete ${o.metadata.name}`),
  });
  return { clock, fake, inf, log };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('client/informer', () => {
  it('client/informer - lists, then follows the watch with add/update/delete', async () => {
    const { fake, inf, log } = setup();
    await fake.create(PODS, pod('a'));
    await inf.start();
    await flush();
    expect(inf.hasSynced()).toBe(true);
    await fake.create(PODS, pod('b'));
    await fake.bind('default', 'b', 'n1');
    await fake.delete(PODS, 'default', 'a');
    expect(log).toEqual(['add a', 'add b', 'update b', 'delete a']);
    expect(inf.lister.get('default', 'b')?.spec.nodeName).toBe('n1');
    expect(inf.lister.list('default').map((p) => p.metadata.name)).toEqual(['b']);
    expect(inf.resourceVersion).toBe(fake.resourceVersion);
  });

  it('client/informer - indexes follow updates', async () => {
    const { fake, inf } = setup();
    inf.addIndex('node', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    await fake.create(PODS, pod('a', 'n1'));
    await inf.start();
    await flush();
    await fake.create(PODS, pod('b'));
    await fake.bind('default', 'b', 'n1');
    expect(inf.lister.byIndex('node', 'n1').map((p) => p.metadata.name).sort()).toEqual(['a', 'b']);
    await fake.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    expect(inf.lister.byIndex('node', 'n1').map((p) => p.metadata.name)).toEqual(['b']);
  });

  it('client/informer - a re-list after dropped events repairs the cache and emits the missed add/update/delete', async () => {
    const { clock, fake, inf, log } = setup();
    await fake.create(PODS, pod('keep'));
    await fake.create(PODS, pod('gone'));
    await inf.start();
    await flush();
    log.length = 0;
    const undo = fake.dropEvents();
    await fake.create(PODS, pod('new'));
    await fake.delete(PODS, 'default', 'gone');
    await fake.patch(PODS, 'default', 'keep', 'merge', { metadata: { labels: { x: 'y' } } });
    undo();
    expect(log).toEqual([]);
    expect(inf.lister.get('default', 'gone')).toBeDefined();
    fake.expireWatches(); // 410 Gone → re-list with backoff
    clock.advance(60_000);
    await flush();
    expect(log.sort()).toEqual(['add new', 'delete gone', 'update keep']);
    expect(inf.lister.list().map((p) => p.metadata.name).sort()).toEqual(['keep', 'new']);
    expect(inf.relists).toBe(2);
    // and the new watch works
    await fake.create(PODS, pod('after'));
    expect(inf.lister.get('default', 'after')).toBeDefined();
  });

  it('client/informer - re-lists with backoff when list fails and after the watch ends', async () => {
    const { clock, fake, inf } = setup();
    let failures = 2;
    fake.reactors.push((a) => {
      if (a.verb === 'list' && failures-- > 0) throw unavailable('apiserver restarting');
    });
    const started = inf.start();
    await flush();
    expect(inf.hasSynced()).toBe(false);
    clock.advance(200 * 2); // first backoff: [200, 400) ms
    await flush();
    expect(inf.hasSynced()).toBe(false);
    clock.advance(800); // second backoff: [400, 800) ms
    await flush();
    await started;
    expect(inf.hasSynced()).toBe(true);
    await fake.create(PODS, pod('x'));
    fake.breakWatches();
    const undo = fake.dropEvents();
    await fake.delete(PODS, 'default', 'x');
    undo();
    expect(inf.lister.get('default', 'x')).toBeDefined();
    clock.advance(1000);
    await flush();
    expect(inf.lister.get('default', 'x')).toBeUndefined();
  });

  it('client/informer - a handler added after sync sees the cache as adds; stop ends the watch', async () => {
    const { fake, inf } = setup();
    await fake.create(PODS, pod('a'));
    await inf.start();
    const late: string[] = [];
    inf.addEventHandler({ onAdd: (o) => late.push(String(o.metadata.name)) });
    expect(late).toEqual(['a']);
    await flush();
    inf.stop();
    expect(fake.watcher.openWatches).toBe(0);
    await fake.create(PODS, pod('b'));
    expect(inf.lister.get('default', 'b')).toBeUndefined();
  });

  it('client/informer - a label-selected informer sees objects leave and enter the selection', async () => {
    const clock = new SimClock();
    const fake = new FakeApiClient({ clock });
    const inf = createInformer<Pod>({ client: fake, watcher: fake.watcher, clock, log: silentLog }, PODS, { labelSelector: 'app=web' });
    await fake.create(PODS, pod('a', undefined, { app: 'web' }));
    await fake.create(PODS, pod('b', undefined, { app: 'db' }));
    await inf.start();
    await flush();
    expect(inf.lister.list().map((p) => p.metadata.name)).toEqual(['a']);
    await fake.patch(PODS, 'default', 'a', 'merge', { metadata: { labels: { app: 'other' } } });
    await fake.patch(PODS, 'default', 'b', 'merge', { metadata: { labels: { app: 'web' } } });
    expect(inf.lister.list().map((p) => p.metadata.name)).toEqual(['b']);
  });
});
