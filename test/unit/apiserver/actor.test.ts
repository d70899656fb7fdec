import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { ActorNotFoundError } from '../../../src/actors/errors.js';
import { alreadyExists } from '../../../src/api/errors.js';
import { ensureSystemNamespaces, retryWhileStorageUnavailable, SYSTEM_NAMESPACES } from '../../../src/apiserver/bootstrap.js';
import { SeededRng } from '../../../src/actors/rng.js';
import type { ActorContext, ActorId, Behavior, Logger } from '../../../src/actors/types.js';
import type { KList, KObject } from '../../../src/api/types.js';
import { createApiServerBehavior } from '../../../src/apiserver/actor.js';
import type { WatchEventsMsg, WatchStarted } from '../../../src/apiserver/protocol.js';
import { createShardBehavior } from '../../../src/store/shard.js';
import { makeNamespace, makePod } from './helpers.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** MiniSystem runs behaviours on this thread: tells are queued as microtasks, asks call receive. */
class MiniSystem {
  readonly clock = new SimClock(Date.UTC(2026, 0, 1));
  private readonly actors = new Map<ActorId, { b: Behavior<unknown>; ctx: ActorContext }>();
  readonly inbox: unknown[] = [];
  private readonly monitors = new Map<ActorId, Set<ActorId>>();

  async spawn(id: ActorId, b: Behavior<unknown>): Promise<void> {
    const ctx: ActorContext = {
      self: id,
      clock: this.clock,
      rng: new SeededRng(id.length),
      log: silent,
      tell: (to, msg) => queueMicrotask(() => this.deliver(to, msg)),
      ask: async <R>(to: ActorId, msg: unknown) => {
        const a = this.actors.get(to);
        if (!a) throw new Error(`no actor ${to}`);
        return (await a.b.receive(a.ctx, msg)) as R;
      },
      // 0 ms timers run on the next macrotask; longer ones on the simulated clock.
      setTimer: (_key, delayMs, msg, opts) => {
        if (delayMs === 0) {
          setTimeout(() => this.deliver(id, msg), 0);
          return;
        }
        const fire = (): void => {
          this.deliver(id, msg);
          if (opts?.repeat) this.clock.setTimeout(fire, delayMs);
        };
        this.clock.setTimeout(fire, delayMs);
      },
      cancelTimer: () => {},
      monitor: (target) => {
        const set = this.monitors.get(target) ?? new Set();
        set.add(id);
        this.monitors.set(target, set);
      },
      demonitor: () => {},
    };
    this.actors.set(id, { b, ctx });
    await b.started?.(ctx);
  }

  private deliver(to: ActorId, msg: unknown): void {
    if (to === 'test') {
      this.inbox.push(msg);
      return;
    }
    const a = this.actors.get(to);
    if (a) void a.b.receive(a.ctx, msg);
  }

  ask<R>(to: ActorId, msg: unknown): Promise<R> {
    const a = this.actors.get(to)!;
    return Promise.resolve(a.b.receive(a.ctx, msg)) as Promise<R>;
  }

  /** down tells every monitor of target that it went away. */
  down(target: ActorId): void {
    for (const watcher of this.monitors.get(target) ?? []) {
      const a = this.actors.get(watcher);
      a?.b.onDown?.(a.ctx, target, 'worker-exit');
    }
  }

  async stop(id: ActorId): Promise<void> {
    const a = this.actors.get(id);
    await a?.b.stopped?.(a.ctx);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** bootstrapped runs the apiserver's post-start hooks (a 0 ms timer) until namespace default exists. */
async function bootstrapped(sys: MiniSystem): Promise<void> {
  for (let i = 0; i < 100; i++) {
    sys.clock.advance(1);
    await tick();
    try {
      await sys.ask('apiserver', { type: 'get', res: { group: '', resource: 'namespaces' }, name: 'default' });
      return;
    } catch {
      // not created yet
    }
  }
  throw new Error('namespace default was never created');
}

describe('apiserver - actor', () => {
  let sys: MiniSystem | undefined;
  afterEach(async () => {
    await sys?.stop('apiserver');
  });

  test('apiserver - actor serves asks and pushes watch events to the subscriber', async () => {
    sys = new MiniSystem();
    await sys.spawn('store/0', createShardBehavior({ shardId: 0, durability: 'memory', compactIntervalMs: 0 }) as Behavior<unknown>);
    await sys.spawn('apiserver', createApiServerBehavior({ port: 0, storeShards: 1, expectedNodes: 0 }) as Behavior<unknown>);
    const pods = { group: '', resource: 'pods' };
    // The apiserver bootstraps the system namespaces itself (a post-start hook), as kube-apiserver does.
    await bootstrapped(sys);
    const started = await sys.ask<WatchStarted>('apiserver', { type: 'watch', res: pods, watchId: 'w1', subscriber: 'test', opts: { namespace: 'default', resourceVersion: '1' } });
    expect(started.resourceVersion).toBe('1');
    const created = await sys.ask<KObject>('apiserver', { type: 'create', res: pods, namespace: 'default', object: makePod('p').obj() });
    expect(created.metadata.uid).toBeDefined();
    await sys.ask<KObject>('apiserver', { type: 'create', res: pods, namespace: 'default', object: makePod('q').obj() });
    const list = await sys.ask<KList>('apiserver', { type: 'list', res: pods, opts: { namespace: 'default' } });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['p', 'q']);
    await tick();
    const evs = (sys.inbox as WatchEventsMsg[]).flatMap((m) => m.events.map((e) => `${m.watchId}:${e.type}:${e.object.metadata.name}`));
    expect(evs).toEqual(['w1:ADDED:p', 'w1:ADDED:q']);
    // Both writes landed within one tick: one message carries both events.
    expect(sys.inbox).toHaveLength(1);
    sys.inbox.length = 0;
    await sys.ask('apiserver', { type: 'watch', res: pods, watchId: 'w2', subscriber: 'test', opts: { resourceVersion: list.metadata.resourceVersion, allowBookmarks: true } });
    sys.clock.advance(60_000);
    await tick();
    const bookmarks = (sys.inbox as WatchEventsMsg[]).filter((m) => m.watchId === 'w2').flatMap((m) => m.events);
    expect(bookmarks).toEqual([{ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: list.metadata.resourceVersion } } }]);
    expect((sys.inbox as WatchEventsMsg[]).filter((m) => m.watchId === 'w1')).toEqual([]);
    await sys.ask('apiserver', { type: 'unwatch', watchId: 'w2' });
    sys.inbox.length = 0;
    await sys.ask('apiserver', { type: 'unwatch', watchId: 'w1' });
    await sys.ask('apiserver', { type: 'delete', res: pods, namespace: 'default', name: 'p' });
    await tick();
    expect(sys.inbox).toEqual([]);
  });

  test('apiserver - bookmarks of an idle resource ride on the store progress notifications', async () => {
    sys = new MiniSystem();
    // One shard for every resource: its revision moves with configmap writes while pods stay idle.
    await sys.spawn('store/0', createShardBehavior({ shardId: 0, durability: 'memory', compactIntervalMs: 0 }) as Behavior<unknown>);
    await sys.spawn('apiserver', createApiServerBehavior({ port: 0, storeShards: 1, expectedNodes: 0 }) as Behavior<unknown>);
    await bootstrapped(sys);
    const pods = { group: '', resource: 'pods' };
    const list = await sys.ask<KList>('apiserver', { type: 'list', res: pods, opts: { namespace: 'default' } });
    await sys.ask('apiserver', { type: 'watch', res: pods, watchId: 'b', subscriber: 'test', opts: { resourceVersion: list.metadata.resourceVersion, allowBookmarks: true } });
    const cm = await sys.ask<KObject>('apiserver', { type: 'create', res: { group: '', resource: 'configmaps' }, namespace: 'default', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} } });
    expect(Number(cm.metadata.resourceVersion)).toBeGreaterThan(Number(list.metadata.resourceVersion));
    // The shard's progress tick (every 60 s for idle progressNotify watches) moves the pods
    // cache to the shard's head, and the next BOOKMARK carries it, as etcd progress
    // notifications do for kube-apiserver's cacher.
    for (let i = 0; i < 2; i++) {
      sys.clock.advance(60_000);
      await tick();
    }
    const bookmarks = (sys.inbox as WatchEventsMsg[]).filter((m) => m.watchId === 'b').flatMap((m) => m.events);
    expect(bookmarks.length).toBeGreaterThan(0);
    expect(bookmarks.every((e) => e.type === 'BOOKMARK')).toBe(true);
    expect(bookmarks.at(-1)!.object.metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
    await sys.ask('apiserver', { type: 'unwatch', watchId: 'b' });
  });

  test('apiserver - actor re-lists its caches when a store shard goes down and still serves', async () => {
    sys = new MiniSystem();
    const dataDir = mkdtempSync(join(tmpdir(), 'ka-apiserver-'));
    const shardParams = { shardId: 0, durability: 'async', dataDir, compactIntervalMs: 0 };
    await sys.spawn('store/0', createShardBehavior(shardParams) as Behavior<unknown>);
    await sys.spawn('apiserver', createApiServerBehavior({ port: 0, storeShards: 1, expectedNodes: 0 }) as Behavior<unknown>);
    // The apiserver bootstraps the system namespaces itself (a post-start hook), as kube-apiserver does.
    await bootstrapped(sys);
    // The shard restarts from its WAL; the apiserver hears it went down.
    await sys.stop('store/0');
    await sys.spawn('store/0', createShardBehavior(shardParams) as Behavior<unknown>);
    sys.down('store/0');
    sys.clock.advance(1);
    await tick();
    await sys.ask('apiserver', { type: 'create', res: { group: '', resource: 'pods' }, namespace: 'default', object: makePod('after').obj() });
    const got = await sys.ask<KObject>('apiserver', { type: 'get', res: { group: '', resource: 'pods' }, namespace: 'default', name: 'after' });
    expect(got.metadata.name).toBe('after');
  });
});

describe('apiserver - bootstrap', () => {
  test('apiserver - bootstrap creates the system namespaces once and tolerates existing ones', async () => {
    const created = new Set<string>(['default']);
    const handle = async (req: { type: string; object?: { metadata: { name?: string } } }): Promise<unknown> => {
      const name = req.object!.metadata.name!;
      if (created.has(name)) throw alreadyExists({ group: '', resource: 'namespaces' }, name);
      created.add(name);
      return req.object;
    };
    await ensureSystemNamespaces(handle as never);
    expect([...created].sort()).toEqual([...SYSTEM_NAMESPACES].sort());
  });

  test('apiserver - bootstrap retries while storage is unavailable, and rethrows other errors', async () => {
    const clock = new SimClock();
    let calls = 0;
    const p = retryWhileStorageUnavailable(clock, async () => {
      if (++calls < 3) throw new ActorNotFoundError('store/0');
      return 'ok';
    });
    for (let i = 0; i < 10 && calls < 3; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1_000);
    }
    await expect(p).resolves.toBe('ok');
    expect(calls).toBe(3);
    await expect(retryWhileStorageUnavailable(clock, async () => Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
  });
});
