import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { PODS, REPLICASETS } from '../../../src/api/resources.js';
import type { Pod } from '../../../src/api/types.js';
import type { ApiRequest } from '../../../src/apiserver/protocol.js';
import type { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { controllerRegistry, controllerManagerActors, CONTROLLER_ACTORS } from '../../../src/controllers/index.js';
import { replicaSetController } from '../../../src/controllers/replicaset.js';
import { controllerBehavior } from '../../../src/controllers/runtime/behavior.js';
import type { ControllerStats } from '../../../src/controllers/runtime/controller.js';
import { TerminalError } from '../../../src/controllers/runtime/errors.js';
import { Expectations } from '../../../src/controllers/runtime/expectations.js';
import type { ControllerDefinition, Request, Result } from '../../../src/controllers/runtime/types.js';
import { testContext, type TestContext } from '../client/fake-actor-context.js';
import { harness, makeRS, tick } from './harness.js';

/** scripted is a controller whose reconcile is a test function over keys "a", "b", …. */
function scripted(fn: (req: Request, n: number) => Promise<Result | void> | Result | void, workers = 2): ControllerDefinition {
  let n = 0;
  return {
    name: 'scripted',
    workers,
    setup(env) {
      env.queue.add('a');
      return { reconcile: (_ctx, req) => fn(req, ++n) };
    },
  };
}

describe('controllers/runtime', () => {
  it('controllers/runtime - a throw retries with rate-limited backoff; TerminalError gives up', async () => {
    const h = harness();
    const calls: number[] = [];
    await h.start(
      scripted((_r, n) => {
        calls.push(h.clock.now());
        if (n < 4) throw new Error('transient');
        if (n === 4) throw new TerminalError('never');
      }),
    );
    await h.settle();
    await h.advance(100, 1);
    const t0 = calls[0];
    expect(calls.map((t) => t - t0)).toEqual([0, 5, 15, 35]); // 5, 10, 20 ms backoff
    expect(h.handles[0].stats()).toMatchObject({ reconciles: 4, errors: 4 });
  });

  it('controllers/runtime - requeueAfterMs looks again after the delay, on the clock', async () => {
    const h = harness();
    const at: number[] = [];
    await h.start(
      scripted(() => {
        at.push(h.clock.now());
        return at.length < 3 ? { requeueAfterMs: 1000 } : undefined;
      }),
    );
    await h.settle();
    await h.advance(5000, 250);
    expect(at.map((t) => t - at[0])).toEqual([0, 1000, 2000]);
  });

  it('controllers/runtime - one key is never reconciled twice at once, different keys run in parallel up to workers', async () => {
    const h = harness();
    let running = 0;
    let maxRunning = 0;
    let maxPerKey = 0;
    const perKey = new Map<string, number>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handle = await h.start(
      scripted(async (req) => {
        running++;
        perKey.set(req.key, (perKey.get(req.key) ?? 0) + 1);
        maxRunning = Math.max(maxRunning, running);
        maxPerKey = Math.max(maxPerKey, perKey.get(req.key)!);
        await gate;
        perKey.set(req.key, perKey.get(req.key)! - 1);
        running--;
      }, 3),
    );
    for (const k of ['a', 'b', 'c', 'd', 'a', 'a']) handle.env.queue.add(k);
    await tick();
    expect(maxRunning).toBe(3);
    release();
    await h.settle();
    expect(maxPerKey).toBe(1);
    expect(handle.stats().reconciles).toBe(5); // a, b, c, d + a once more (two adds while processing → one re-delivery)
  });

  it('controllers/runtime - expectations are satisfied when observed, or after the TTL', () => {
    const clock = new SimClock();
    const e = new Expectations(clock, 1000);
    expect(e.satisfied('k')).toBe(true);
    e.expectCreations('k', 2);
    e.creationObserved('k');
    expect(e.satisfied('k')).toBe(false);
    e.creationObserved('k');
    expect(e.satisfied('k')).toBe(true);
    e.expectDeletions('k', ['ns/a', 'ns/b']);
    e.deletionObserved('k', 'ns/a');
    e.deletionObserved('k', 'ns/a');
    expect(e.pending('k')).toEqual({ adds: 0, dels: 1 });
    clock.advance(1001);
    expect(e.satisfied('k')).toBe(true);
  });
});

/** bridge answers a controller actor's apiserver asks with a FakeApiClient and pushes watch events back as messages. */
function bridge(fake: FakeApiClient, deliver: (msg: unknown) => void) {
  const watches = new Map<string, string>();
  const w = fake.newWatcher();
  const handler = async (_to: string, msg: unknown): Promise<unknown> => {
    const m = msg as ApiRequest;
    switch (m.type) {
      case 'list':
        return fake.list(m.res, m.opts);
      case 'create':
        return fake.create(m.res, m.object);
      case 'update':
        return m.subresource === 'status' ? fake.updateStatus(m.res, m.object) : fake.update(m.res, m.object);
      case 'patch':
        return fake.patch(m.res, m.namespace, m.name, m.patchType, m.patch, { subresource: m.subresource });
      case 'delete':
        return fake.delete(m.res, m.namespace, m.name, m.options);
      case 'get':
        return fake.get(m.res, m.namespace, m.name);
      case 'watch': {
        const r = await w.watch(m.res, m.opts ?? {}, { events: (events) => deliver({ type: 'watchEvents', watchId: m.watchId, events }), ended: () => {} });
        watches.set(m.watchId, r.watchId);
        return { resourceVersion: r.resourceVersion };
      }
      case 'unwatch':
        w.unwatch(watches.get(m.watchId) ?? '');
        return undefined;
      default:
        throw new Error(`unexpected ${m.type}`);
    }
  };
  return { handler, fakeWatcher: w };
}

describe('controllers/behavior', () => {
  it('controllers/behavior - a controller actor lists and watches through asks, reconciles, and re-lists after the apiserver goes down', async () => {
    const h = harness();
    await h.fake.create(REPLICASETS, makeRS('web', 2));
    const b = controllerBehavior(replicaSetController());
    let ctx!: TestContext;
    const br = bridge(h.fake, (msg) => b.receive(ctx, msg as never));
    ctx = testContext('controller/replicaset', br.handler);
    ctx.clock = h.clock;
    ctx.onTimer = (msg) => b.receive(ctx, msg as never);
    await b.started?.(ctx);
    for (let i = 0; i < 50; i++) await tick();
    expect(ctx.monitors).toContain('apiserver');
    expect(h.fake.count(PODS)).toBe(2);
    // apiserver restarts; a pod is deleted while nobody watches
    br.fakeWatcher.watches.clear();
    b.onDown?.(ctx, 'apiserver', 'worker-exit');
    await h.fake.delete(PODS, 'default', String(h.fake.all<Pod>(PODS)[0].metadata.name));
    h.clock.advance(1000);
    for (let i = 0; i < 50; i++) await tick();
    expect(h.fake.count(PODS)).toBe(2);
    const stats = (await b.receive(ctx, { type: 'controllerStats' })) as ControllerStats;
    expect(stats).toMatchObject({ name: 'replicaset', synced: true });
    await b.stopped?.(ctx);
  });

  it('controllers/behavior - the registry has one factory per kind and controllerManagerActors lists their ids', () => {
    expect(Object.keys(controllerRegistry).sort()).toEqual(Object.keys(CONTROLLER_ACTORS).sort());
    const specs = controllerManagerActors({ 'nodelifecycle-controller': { gracePeriodMs: 1000 } });
    expect(specs.map((s) => `${s.kind}=${s.id}`).sort()).toEqual([
      'cronjob-controller=controller/cronjob',
      'daemonset-controller=controller/daemonset',
      'deployment-controller=controller/deployment',
      'disruption-controller=controller/disruption',
      'endpoints-controller=controller/endpoints',
      'garbage-collector=controller/garbagecollector',
      'job-controller=controller/job',
      'leader-lease=controller/leader',
      'namespace-controller=controller/namespace',
      'nodelifecycle-controller=controller/nodelifecycle',
      'persistentvolume-controller=controller/persistentvolume',
      'replicaset-controller=controller/replicaset',
      'serviceaccount-controller=controller/serviceaccount',
      'statefulset-controller=controller/statefulset',
      'ttlafterfinished-controller=controller/ttlafterfinished',
    ]);
    expect(specs.find((s) => s.kind === 'nodelifecycle-controller')?.params).toEqual({ gracePeriodMs: 1000 });
    for (const s of specs) expect(typeof controllerRegistry[s.kind](s.params, s).receive).toBe('function');
  });
});
