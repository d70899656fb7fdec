import { describe, expect, it } from 'vitest';
import type { Behavior } from '../../../src/actors/types.js';
import { PODS } from '../../../src/api/resources.js';
import type { Pod } from '../../../src/api/types.js';
import type { LogStreamMsg, PodLogRequest } from '../../../src/apiserver/logs.js';
import { lineCount, readLog, rfc3339Nano, type ContainerLogSource } from '../../../src/kubelet/runtime/logs.js';
import { createBoundPod, nodeSpec, startHost } from './fixtures.js';

const SRC: ContainerLogSource = { container: 'web', image: 'nginx', pod: 'default/p', node: 'n1', startedAtMs: Date.UTC(2026, 0, 1), periodMs: 10_000 };

describe('kubelet - simulated log model', () => {
  it.each([
    [-1, 0],
    [0, 2],
    [9_999, 2],
    [10_000, 3],
    [95_000, 11],
  ])('kubelet - a container %d ms after start has %d lines', (dt, n) => {
    expect(lineCount(SRC, SRC.startedAtMs + dt)).toBe(n);
  });

  it.each([
    ['all', {}, ['kubeactor: starting container web (image nginx)', 'kubeactor: container web of pod default/p is running on node n1', 'kubeactor: web alive, tick 1', 'kubeactor: web alive, tick 2']],
    ['tailLines=1', { tailLines: 1 }, ['kubeactor: web alive, tick 2']],
    ['tailLines=0', { tailLines: 0 }, []],
    ['sinceMs after start', { sinceMs: SRC.startedAtMs + 15_000 }, ['kubeactor: web alive, tick 2']],
  ])('kubelet - readLog with %s', (_name, sel, want) => {
    const { text } = readLog(SRC, SRC.startedAtMs + 25_000, sel);
    expect(text === '' ? [] : text.trimEnd().split('\n')).toEqual(want);
  });

  it('kubelet - readLog timestamps prefix RFC 3339 nano times and limitBytes cuts the body', () => {
    const { text } = readLog(SRC, SRC.startedAtMs + 10_000, { timestamps: true, tailLines: 1 });
    expect(text).toBe('2026-01-01T00:00:10.000000000Z kubeactor: web alive, tick 1\n');
    expect(rfc3339Nano(Date.UTC(2026, 0, 1, 0, 0, 1, 250))).toBe('2026-01-01T00:00:01.250000000Z');
    expect(readLog(SRC, SRC.startedAtMs, { limitBytes: 9 }).text).toBe('kubeactor');
  });

  it('kubelet - the ring keeps the last 1000 lines', () => {
    const { text } = readLog(SRC, SRC.startedAtMs + 2_000 * 10_000, {});
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)).toBe('kubeactor: web alive, tick 2000');
  });
});

function collector(got: LogStreamMsg[]): Behavior<LogStreamMsg> {
  return { receive: (_ctx, msg) => void got.push(msg) };
}

async function runningPod() {
  const h = await startHost([nodeSpec(1)]);
  const created = await createBoundPod(h.api, 'web-1', 'node-1');
  await h.sys.advance(300);
  expect(h.api.peek<Pod>(PODS, 'default', 'web-1')?.status?.phase).toBe('Running');
  const req: PodLogRequest = { namespace: 'default', pod: 'web-1', uid: String(created.metadata.uid), container: 'web' };
  return { ...h, req };
}

describe('kubelet - pods/log', () => {
  it('kubelet - answers a log read with the container start lines, then periodic lines as time passes', async () => {
    const { sys, req } = await runningPod();
    const first = await sys.ask<{ text: string }>('kubelet/node-1', { type: 'podLogs', ...req });
    expect(first.text.split('\n').slice(0, 2)).toEqual(['kubeactor: starting container web (image docker.io/library/nginx:1.27)', 'kubeactor: container web of pod default/web-1 is running on node node-1']);
    await sys.advance(30_000, 1_000);
    const later = await sys.ask<{ text: string }>('kubelet/node-1', { type: 'podLogs', ...req, tailLines: 2 });
    expect(later.text).toBe('kubeactor: web alive, tick 2\nkubeactor: web alive, tick 3\n');
  });

  it.each([
    ['previous', { previous: true }, 'previous terminated container "web" in pod "web-1" not found'],
    ['an unknown pod uid', { uid: 'nope' }, 'pods "web-1" not found'],
    ['an unknown container', { container: 'side' }, 'container "side" in pod "web-1" is waiting to start: ContainerCreating'],
  ])('kubelet - a log read with %s fails: %s', async (_what, over, message) => {
    const { sys, req } = await runningPod();
    await expect(sys.ask('kubelet/node-1', { type: 'podLogs', ...req, ...over })).rejects.toThrow(message);
  });

  it('kubelet - a container that is still starting is "waiting to start"', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    const created = await createBoundPod(api, 'slow', 'node-1');
    await sys.settle();
    await expect(sys.ask('kubelet/node-1', { type: 'podLogs', namespace: 'default', pod: 'slow', uid: created.metadata.uid, container: 'web' })).rejects.toThrow(
      'container "web" in pod "slow" is waiting to start: ContainerCreating',
    );
  });

  it('kubelet - a follow stream pushes the log, then each new line, and ends when the pod goes', async () => {
    const { sys, api, req } = await runningPod();
    const got: LogStreamMsg[] = [];
    await sys.spawn('sink', collector(got));
    sys.tell('kubelet/node-1', { type: 'followLogs', streamId: 's1', subscriber: 'sink', ...req, tailLines: 1 });
    await sys.settle();
    expect(got).toEqual([{ type: 'logLines', streamId: 's1', text: 'kubeactor: container web of pod default/web-1 is running on node node-1\n' }]);
    await sys.advance(20_500, 500);
    expect(got.slice(1).map((m) => (m.type === 'logLines' ? m.text : 'END'))).toEqual(['kubeactor: web alive, tick 1\n', 'kubeactor: web alive, tick 2\n']);
    await api.delete(PODS, 'default', 'web-1', { gracePeriodSeconds: 0 });
    await sys.advance(1_000);
    expect(got.at(-1)).toEqual({ type: 'logEnd', streamId: 's1' });
  });

  it('kubelet - unfollow stops a stream and its timer', async () => {
    const { sys, req } = await runningPod();
    const got: LogStreamMsg[] = [];
    await sys.spawn('sink', collector(got));
    sys.tell('kubelet/node-1', { type: 'followLogs', streamId: 's1', subscriber: 'sink', ...req, tailLines: 0 });
    await sys.settle();
    sys.tell('kubelet/node-1', { type: 'unfollowLogs', streamId: 's1' });
    await sys.advance(30_000, 1_000);
    expect(got).toEqual([]);
  });

  it('kubelet - a follow of a container that does not run ends at once with the error', async () => {
    const { sys, req } = await runningPod();
    const got: LogStreamMsg[] = [];
    await sys.spawn('sink', collector(got));
    sys.tell('kubelet/node-1', { type: 'followLogs', streamId: 's2', subscriber: 'sink', ...req, previous: true });
    await sys.settle();
    expect(got).toEqual([{ type: 'logEnd', streamId: 's2', error: 'previous terminated container "web" in pod "web-1" not found' }]);
  });
});
