import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { ActorNotFoundError, AskTimeoutError, InvariantError, WorkerDiedError } from '../../../src/actors/errors.js';
import { startRuntime, type HostSpec, type Runtime } from '../../../src/actors/runtime.js';
import { TeapotError, registry } from '../../../src/actors/testkit.js';
import { flush } from './fakes.js';

const T = { timeoutMs: 60_000 };
const probe = (id: string, params?: unknown) => ({ id, kind: 'probe', params });
const HOSTS: HostSpec[] = [
  { name: 'a', actors: [probe('p/a'), probe('p/a2'), probe('p/a3')] },
  { name: 'b', actors: [probe('p/b')] },
];

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function start(clock = new SimClock(), hosts = HOSTS, seed = 1) {
  rt = await startRuntime({ mode: 'inline', hosts, registry, clock, seed, supervision: { backoff: { initialMs: 100, maxMs: 100, jitter: 0 } } });
  return { rt, clock };
}

/** restarted kills a host and drives simulated time until its supervisor has it running again. */
async function restart(r: Runtime, clock: SimClock, host: string) {
  await r.kill(host);
  const back = r.whenRunning(host);
  await flush();
  clock.advance(100);
  await back;
}

describe('runtime (inline)', () => {
  it('runtime - per-sender ordering holds locally and across hosts', async () => {
    const { rt } = await start();
    await Promise.all([
      rt.ask('p/a', { type: 'send', to: 'p/b', count: 3000 }, T),
      rt.ask('p/a2', { type: 'send', to: 'p/b', count: 3000 }, T),
      rt.ask('p/a2', { type: 'send', to: 'p/a3', count: 3000 }, T),
    ]);
    await flush(20);
    const remote = await rt.ask<string[]>('p/b', { type: 'log' }, T);
    const local = await rt.ask<string[]>('p/a3', { type: 'log' }, T);
    const from = (log: string[], who: string) => log.filter((s) => s.startsWith(who + ':'));
    const seq = (who: string) => Array.from({ length: 3000 }, (_, i) => `${who}:${i}`);
    expect(from(remote, 'p/a')).toEqual(seq('p/a'));
    expect(from(remote, 'p/a2')).toEqual(seq('p/a2'));
    expect(local).toEqual(seq('p/a2'));
  });

  it('runtime - ask times out on the simulated clock with AskTimeoutError', async () => {
    const { rt, clock } = await start();
    let settled: unknown;
    rt.ask('p/b', { type: 'never' }, { timeoutMs: 1_000 }).catch((e) => (settled = e));
    await flush();
    clock.advance(999);
    await flush();
    expect(settled).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(settled).toBeInstanceOf(AskTimeoutError);
    expect(settled).toMatchObject({ target: 'p/b', timeoutMs: 1_000 });
  });

  it.each([
    { name: 'a registered class keeps its class and fields', msg: { type: 'fail-teapot', message: 'hot' }, cls: TeapotError, fields: { message: 'hot', pot: 'earl grey', code: 418 } },
    { name: 'a plain Error keeps name and message', msg: { type: 'fail', message: 'boom' }, cls: Error, fields: { name: 'Error', message: 'boom' } },
  ])('runtime - error round-trip across hosts: $name', async ({ msg, cls, fields }) => {
    const { rt } = await start();
    const err = await rt.ask('p/a', { type: 'ask', to: 'p/b', msg, timeoutMs: 5_000 }, T).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject(fields);
  });

  it('runtime - unknown actors and down hosts: ActorNotFoundError for asks, dead letters for tells', async () => {
    const { rt } = await start();
    await expect(rt.ask('nobody', { type: 'echo', value: 1 }, T)).rejects.toBeInstanceOf(ActorNotFoundError);
    await rt.kill('b');
    await expect(rt.ask('p/b', { type: 'echo', value: 1 }, T)).rejects.toBeInstanceOf(ActorNotFoundError);
    await rt.ask('p/a', { type: 'forward', to: 'p/b', msg: { type: 'record', value: 1 } }, T);
    const a = (await rt.stats()).find((s) => s.host === 'a');
    expect(a?.deadLetters).toBe(1);
  });

  it('runtime - asks in flight to a killed host reject with WorkerDiedError', async () => {
    const { rt } = await start();
    const pending = rt.ask('p/b', { type: 'never' }, T);
    const viaActor = rt.ask('p/a', { type: 'ask', to: 'p/b', msg: { type: 'never' }, timeoutMs: 60_000 }, T);
    await flush();
    await rt.kill('b');
    await expect(pending).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(viaActor).rejects.toBeInstanceOf(WorkerDiedError);
  });

  it('runtime - stop() fails asks still waiting instead of leaving them hanging', async () => {
    const { rt: r } = await start();
    const pending = r.ask('p/b', { type: 'never' }, T);
    await flush();
    await r.stop();
    rt = undefined;
    await expect(pending).rejects.toBeInstanceOf(WorkerDiedError);
  });

  it('runtime - a killed host comes back with its actors started again', async () => {
    const { rt, clock } = await start();
    const restarts: unknown[] = [];
    rt.events.on('restart', (e) => restarts.push(e));
    await rt.ask('p/b', { type: 'record', value: 'old' }, T);
    const before = await rt.ask<number>('p/b', { type: 'starts' }, T);
    await restart(rt, clock, 'b');
    expect(await rt.ask('p/b', { type: 'starts' }, T)).toBe(before + 1);
    expect(await rt.ask('p/b', { type: 'log' }, T)).toEqual([]); // fresh state
    expect(restarts).toEqual([{ child: 'b', reason: 'killed', restartsInWindow: 1, delayMs: 100 }]);
    expect(rt.hosts()).toEqual([
      { name: 'a', state: 'running', restarts: 0 },
      { name: 'b', state: 'running', restarts: 1 },
    ]);
  });

  it.each([
    { name: 'a throw from a tell handler', send: (r: Runtime) => r.tell('p/b', { type: 'crash' }), reply: undefined },
    { name: 'an InvariantError from an ask handler', send: (r: Runtime) => r.ask('p/b', { type: 'invariant' }, T), reply: InvariantError },
  ])('runtime - $name crashes the host and the supervisor restarts it', async ({ send, reply }) => {
    const { rt, clock } = await start();
    const exits: string[] = [];
    rt.events.on('exit', (e) => exits.push(`${e.child}:${e.reason}`));
    const back = rt.whenRunning('b');
    const answer = Promise.resolve(send(rt)).catch((e: unknown) => e);
    await flush();
    expect(exits).toEqual(['b:crash']);
    expect(rt.hosts()[1].state).toBe('restarting');
    clock.advance(100);
    await back;
    if (reply) expect(await answer).toBeInstanceOf(reply);
    expect(await rt.ask('p/b', { type: 'echo', value: 'ok' }, T)).toBe('ok');
  });

  it('runtime - monitor fires onDown once when the target host dies', async () => {
    const { rt, clock } = await start();
    await rt.ask('p/a', { type: 'monitor', target: 'p/b' }, T);
    await rt.kill('b');
    await flush();
    expect(await rt.ask('p/a', { type: 'downs' }, T)).toEqual([{ target: 'p/b', reason: 'worker-exit' }]);
    await restart(rt, clock, 'b');
    await rt.kill('b');
    await flush();
    expect(await rt.ask('p/a', { type: 'downs' }, T)).toHaveLength(1); // the monitor was used up
  });

  it('runtime - monitoring a down host reports not-found when it is back; an unknown id at once', async () => {
    const { rt, clock } = await start();
    await rt.ask('p/a', { type: 'monitor', target: 'ghost' }, T);
    await flush();
    expect(await rt.ask('p/a', { type: 'downs' }, T)).toEqual([{ target: 'ghost', reason: 'not-found' }]);
    await rt.kill('b');
    await rt.ask('p/a', { type: 'monitor', target: 'p/b' }, T);
    await flush();
    expect(await rt.ask('p/a', { type: 'downs' }, T)).toHaveLength(1);
    const back = rt.whenRunning('b');
    clock.advance(100);
    await back;
    await flush();
    expect(await rt.ask('p/a', { type: 'downs' }, T)).toEqual([
      { target: 'ghost', reason: 'not-found' },
      { target: 'p/b', reason: 'not-found' },
    ]);
  });

  it('runtime - a host whose actor fails started() is a start-up failure and startRuntime rejects', async () => {
    const hosts: HostSpec[] = [{ name: 'x', actors: [probe('p/x', { failStart: true })] }];
    const clock = new SimClock();
    const started = startRuntime({ mode: 'inline', hosts, registry, clock, supervision: { maxStartupFailures: 2, backoff: { initialMs: 10, maxMs: 10, jitter: 0 } } });
    const failed = expect(started).rejects.toThrow(/failed to start/);
    await flush();
    clock.advance(10);
    await flush();
    await failed;
  });

  it('runtime - timers fire on the simulated clock, replace by key, cancel, and die with their host', async () => {
    const { rt, clock } = await start();
    const log = () => rt.ask<unknown[]>('p/b', { type: 'log' }, T);
    await rt.ask('p/b', { type: 'timer', key: 'tick', delayMs: 100, repeat: true, value: 'tick' }, T);
    await rt.ask('p/b', { type: 'timer', key: 'once', delayMs: 50, value: 'old' }, T);
    await rt.ask('p/b', { type: 'timer', key: 'once', delayMs: 150, value: 'once' }, T); // replaces 'old'
    for (let t = 0; t < 7; t++) {
      clock.advance(50);
      await flush();
    }
    expect(await log()).toEqual(['tick', 'once', 'tick', 'tick']);
    await rt.ask('p/b', { type: 'cancel', key: 'tick' }, T);
    clock.advance(1_000);
    await flush();
    expect(await log()).toHaveLength(4);
    await rt.ask('p/b', { type: 'timer', key: 'tick', delayMs: 100, repeat: true, value: 'tick' }, T);
    const pending = clock.pending;
    await restart(rt, clock, 'b');
    expect(clock.pending).toBe(pending - 1); // the repeat timer died with the old incarnation
  });

  it('runtime - killing a host more often than the intensity allows escalates and stops every host', async () => {
    const clock = new SimClock();
    rt = await startRuntime({ mode: 'inline', hosts: HOSTS, registry, clock, supervision: { intensity: { maxRestarts: 1, periodMs: 60_000 }, backoff: { initialMs: 100, maxMs: 100, jitter: 0 } } });
    const escalations: string[] = [];
    rt.events.on('escalate', (e) => escalations.push(e.supervisor));
    await restart(rt, clock, 'b');
    await rt.kill('b');
    await flush();
    expect(escalations).toEqual(['runtime']);
    expect(rt.hosts().map((h) => h.state)).toEqual(['stopped', 'stopped']);
    await expect(rt.ask('p/a', { type: 'echo', value: 1 }, T)).rejects.toBeInstanceOf(ActorNotFoundError);
  });

  it('runtime - the same seed gives every actor the same random sequence', async () => {
    const draw = async (seed: number) => {
      const { rt } = await start(new SimClock(), HOSTS, seed);
      const v = [await rt.ask('p/a', { type: 'rand' }, T), await rt.ask('p/b', { type: 'rand' }, T)];
      await rt.stop();
      return v;
    };
    const [x, y, z] = [await draw(7), await draw(7), await draw(8)];
    expect(x).toEqual(y);
    expect(x).not.toEqual(z);
    expect(x[0]).not.toEqual(x[1]);
  });
});
