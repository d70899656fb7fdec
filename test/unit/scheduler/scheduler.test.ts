import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { conflict } from '../../../src/api/errors.js';
import { EVENTS, LEASES, NODES, PODS } from '../../../src/api/resources.js';
import type { KEvent, Lease, Node, Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/index.js';
import { createSchedulerBehavior } from '../../../src/scheduler/actor.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { numFeasibleNodesToFind } from '../../../src/scheduler/schedule-one.js';
import { TestSystem, testLogger } from '../kubelet/harness.js';
import { makeNode, makePod } from './builders.js';

function setup(nodes = 3) {
  const clock = new SimClock();
  const api = new FakeApiClient({ clock });
  const sched = new Scheduler({ client: api, clock, rng: new SeededRng(7), log: testLogger() });
  for (let i = 0; i < nodes; i++) sched.onNodeAddOrUpdate(makeNode(`n${i}`).obj());
  return { clock, api, sched };
}

async function addPending(api: FakeApiClient, sched: Scheduler, pod: Pod): Promise<Pod> {
  const created = await api.create(PODS, pod);
  sched.onPodAddOrUpdate(created);
  return created;
}

describe('scheduler - numFeasibleNodesToFind', () => {
  it.each([
    [10, undefined, 10],
    [99, undefined, 99],
    // 50 − 100/125 = 50 − 0 = 50 % of 100 = 50 → at least 100
    [100, undefined, 100],
    // 50 − 1000/125 = 42 % → 420
    [1000, undefined, 420],
    // 50 − 5000/125 = 10 % → 500
    [5000, undefined, 500],
    // 50 − 10000/125 = −30 → floor 5 % → 500
    [10000, undefined, 500],
    [1000, 100, 1000],
    [1000, 1, 100],
  ])('%d nodes, pct %s → %d', (n, pct, want) => expect(numFeasibleNodesToFind(pct, n)).toBe(want));
});

describe('scheduler - scheduling cycle', () => {
  it('binds pending pods through pods/binding and assumes them in the cache', async () => {
    const { api, sched } = setup(3);
    for (let i = 0; i < 6; i++) await addPending(api, sched, makePod(`p${i}`).req({ cpu: '1' }).obj());
    expect(sched.scheduleBatch()).toBe(6);
    // Binds are in flight, not awaited one by one.
    expect(sched.stats.inFlight).toBe(6);
    await sched.idle();
    expect(api.countActions('bind')).toBe(6);
    const bound = api.all<Pod>(PODS).map((p) => p.spec.nodeName);
    expect(bound.every((n) => n !== undefined)).toBe(true);
    // LeastAllocated spreads 6 × 1 cpu over 3 × 4 cpu nodes: 2 each.
    const per = new Map<string, number>();
    for (const n of bound) per.set(n as string, (per.get(n as string) ?? 0) + 1);
    expect([...per.values()]).toEqual([2, 2, 2]);
    expect(sched.cache.node('n0')?.requested.milliCpu).toBe(2000);
  });

  it('parks pods that fit nowhere and writes PodScheduled=False once', async () => {
    const { api, sched } = setup(2);
    const p = await addPending(api, sched, makePod('big').req({ cpu: '8' }).obj());
    sched.scheduleBatch();
    await sched.idle();
    await Promise.resolve();
    expect(sched.queue.counts().unschedulable).toBe(1);
    const got = api.peek<Pod>(PODS, 'default', 'big');
    const cond = got?.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' });
    // A new node makes it schedulable: node events retry unschedulable pods (after backoff).
    sched.onNodeAddOrUpdate(makeNode('huge').alloc({ cpu: '16' }).obj());
    expect(sched.queue.counts().unschedulable).toBe(0);
    void p;
  });

  it.each([
    ['a heartbeat (conditions only)', (n: Node) => ({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True' as const, lastHeartbeatTime: 'later' }] } }), 1],
    ['more allocatable', (n: Node) => ({ ...n, status: { ...n.status, allocatable: { cpu: '64', memory: '8Gi', pods: '110' } } }), 0],
    ['a new label', (n: Node) => ({ ...n, metadata: { ...n.metadata, labels: { x: 'y' } } }), 0],
    ['cordon', (n: Node) => ({ ...n, spec: { ...n.spec, unschedulable: true } }), 0],
  ])('after %s, unschedulable pods left parked: %d', async (_name, change, parked) => {
    const { api, sched } = setup(1);
    await addPending(api, sched, makePod('big').req({ cpu: '8' }).obj());
    sched.scheduleBatch();
    expect(sched.queue.counts().unschedulable).toBe(1);
    sched.onNodeAddOrUpdate(change(makeNode('n0').obj()));
    expect(sched.queue.counts().unschedulable).toBe(parked);
  });

  it('retries a pod after its node appears, once the backoff has expired', async () => {
    const { api, clock, sched } = setup(0);
    await addPending(api, sched, makePod('p').obj());
    sched.scheduleBatch();
    expect(sched.queue.counts().unschedulable).toBe(1);
    sched.onNodeAddOrUpdate(makeNode('late').obj());
    expect(sched.scheduleBatch()).toBe(0); // still backing off (1 s after first attempt)
    clock.advance(1_000);
    sched.flush();
    expect(sched.scheduleBatch()).toBe(1);
    await sched.idle();
    expect(api.peek<Pod>(PODS, 'default', 'p')?.spec.nodeName).toBe('late');
  });

  it('forgets the assumed pod and backs off when the bind fails', async () => {
    const { api, clock, sched } = setup(1);
    await addPending(api, sched, makePod('p').req({ cpu: '3' }).obj());
    let fail = true;
    api.reactors.push((a) => {
      if (a.verb === 'bind' && fail) throw conflict({ group: '', resource: 'pods' }, 'p');
    });
    sched.scheduleBatch();
    expect(sched.cache.isAssumed('default/p')).toBe(true);
    await sched.idle();
    expect(sched.stats.bindFailures).toBe(1);
    expect(sched.cache.node('n0')?.requested.milliCpu).toBe(0);
    expect(sched.queue.counts().backoff).toBe(1);
    fail = false;
    clock.advance(1_000);
    sched.flush();
    sched.scheduleBatch();
    await sched.idle();
    expect(api.peek<Pod>(PODS, 'default', 'p')?.spec.nodeName).toBe('n0');
  });

  it('does not double-book: assumed pods count before their bind lands', async () => {
    const { api, sched } = setup(1);
    await addPending(api, sched, makePod('a').req({ cpu: '3' }).obj());
    await addPending(api, sched, makePod('b').req({ cpu: '3' }).obj());
    sched.scheduleBatch();
    await sched.idle();
    expect(api.countActions('bind')).toBe(1);
    expect(sched.stats.unschedulable).toBe(1);
  });

  it('ignores pods of another scheduler and pods being deleted', async () => {
    const { api, sched } = setup(1);
    await addPending(api, sched, makePod('other').scheduler('my-scheduler').obj());
    const del = makePod('dying').obj();
    del.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    sched.onPodAddOrUpdate(del);
    expect(sched.scheduleBatch()).toBe(0);
  });

  it('frees resources when a bound pod is deleted', async () => {
    const { api, sched } = setup(1);
    const p = await addPending(api, sched, makePod('a').req({ cpu: '4' }).obj());
    sched.scheduleBatch();
    await sched.idle();
    const bound = api.peek<Pod>(PODS, 'default', 'a') as Pod;
    sched.onPodAddOrUpdate(bound);
    expect(sched.cache.isAssumed('default/a')).toBe(false);
    expect(sched.cache.node('n0')?.requested.milliCpu).toBe(4000);
    sched.onPodDelete(bound);
    expect(sched.cache.node('n0')?.requested.milliCpu).toBe(0);
    void p;
  });

  it('pops higher priority first', async () => {
    const { api, sched } = setup(1);
    await addPending(api, sched, makePod('low').req({ cpu: '3' }).obj());
    await addPending(api, sched, makePod('high').req({ cpu: '3' }).priority(1000).obj());
    sched.scheduleBatch();
    await sched.idle();
    expect(api.peek<Pod>(PODS, 'default', 'high')?.spec.nodeName).toBe('n0');
    expect(api.peek<Pod>(PODS, 'default', 'low')?.spec.nodeName).toBeUndefined();
  });
});

describe('scheduler - events', () => {
  it('records Scheduled after a bind and FailedScheduling once per distinct message', async () => {
    const { api, sched } = setup(1);
    await addPending(api, sched, makePod('ok').obj());
    await addPending(api, sched, makePod('big').req({ cpu: '64' }).obj());
    sched.scheduleBatch();
    await sched.idle();
    sched.queue.moveAllToActiveOrBackoff();
    await Promise.resolve();
    const events = api.all<KEvent>(EVENTS, 'default');
    expect(events.map((e) => [e.reason, e.type, e.involvedObject.name, e.message])).toEqual(
      expect.arrayContaining([
        ['Scheduled', 'Normal', 'ok', 'Successfully assigned default/ok to n0'],
        ['FailedScheduling', 'Warning', 'big', '0/1 nodes are available: 1 Insufficient cpu.'],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(events[0].source?.component).toBe('default-scheduler');
  });

  it('drops events over the rate limit instead of slowing scheduling', async () => {
    const clock = new SimClock();
    const api = new FakeApiClient({ clock });
    const sched = new Scheduler({ client: api, clock, rng: new SeededRng(1), log: testLogger() }, { eventsPerSecond: 5 });
    sched.onNodeAddOrUpdate(makeNode('n0').obj());
    for (let i = 0; i < 20; i++) await addPending(api, sched, makePod(`p${i}`).obj());
    sched.scheduleBatch();
    await sched.idle();
    expect(api.countActions('bind')).toBe(20);
    expect(sched.events.sent).toBe(5);
    expect(sched.events.dropped).toBe(15);
  });

  it('writes no events when disabled', async () => {
    const clock = new SimClock();
    const api = new FakeApiClient({ clock });
    const sched = new Scheduler({ client: api, clock, rng: new SeededRng(1), log: testLogger() }, { eventsPerSecond: 0 });
    sched.onNodeAddOrUpdate(makeNode('n0').obj());
    await addPending(api, sched, makePod('p').obj());
    sched.scheduleBatch();
    await sched.idle();
    expect(api.countActions('create', 'events')).toBe(0);
  });
});

describe('scheduler - actor', () => {
  it('schedules pods from its informers and renews its leader lease every 2 s', async () => {
    const sys = new TestSystem();
    const api = new FakeApiClient({ clock: sys.clock });
    await api.create(NODES, makeNode('n0').obj());
    await api.create(PODS, makePod('p0').obj());
    await sys.spawn('scheduler', createSchedulerBehavior({}, { client: () => api, watcher: () => api.newWatcher() }));
    await sys.settle();
    expect(api.peek<Pod>(PODS, 'default', 'p0')?.spec.nodeName).toBe('n0');
    await api.create(PODS, makePod('p1').obj());
    await sys.settle();
    expect(api.peek<Pod>(PODS, 'default', 'p1')?.spec.nodeName).toBe('n0');
    const l1 = api.peek<Lease>(LEASES, 'kube-system', 'kube-scheduler');
    expect(l1?.spec).toMatchObject({ leaseDurationSeconds: 15 });
    expect(l1?.spec.holderIdentity).toMatch(/^kube-scheduler_/);
    await sys.advance(2_000);
    const l2 = api.peek<Lease>(LEASES, 'kube-system', 'kube-scheduler');
    expect(Date.parse(String(l2?.spec.renewTime)) - Date.parse(String(l1?.spec.renewTime))).toBe(2_000);
    const stats = await sys.ask<{ scheduled: number; synced: boolean }>('scheduler', { type: 'stats' });
    expect(stats).toMatchObject({ scheduled: 2, synced: true });
  });
});
