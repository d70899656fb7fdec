import { describe, expect, it } from 'vitest';
import { PODS } from '../../../src/api/resources.js';
import type { Container, Pod } from '../../../src/api/types.js';
import type { FakeApiClient } from '../../../src/client/index.js';
import { containerLifetime, crashLoopBackoffMs, podLifetime } from '../../../src/kubelet/lifetime.js';
import { createBoundPod, nodeSpec, startHost } from './fixtures.js';

const podWith = (c: Partial<Container>, annotations?: Record<string, string>, restartPolicy = 'Never'): Pod => ({
  metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { restartPolicy, containers: [{ name: 'c', image: 'nginx', ...c }] },
});

describe('kubelet - container lifetime rules', () => {
  const cases: [string, Partial<Container>, Record<string, string> | undefined, { runMs: number; exitCode: number } | undefined][] = [
    ['nginx runs forever', {}, undefined, undefined],
    ['busybox without command exits 0 at once', { image: 'busybox' }, undefined, { runMs: 0, exitCode: 0 }],
    ['docker.io/library/alpine:3 is a shell image', { image: 'docker.io/library/alpine:3.20' }, undefined, { runMs: 0, exitCode: 0 }],
    ['sleep 5', { command: ['sleep', '5'] }, undefined, { runMs: 5000, exitCode: 0 }],
    ['sleep infinity runs forever', { command: ['sleep', 'infinity'] }, undefined, undefined],
    ['/bin/false exits 1', { command: ['/bin/false'] }, undefined, { runMs: 0, exitCode: 1 }],
    ['echo exits 0', { command: ['echo', 'hello'] }, undefined, { runMs: 0, exitCode: 0 }],
    ['date exits 0', { command: ['date'] }, undefined, { runMs: 0, exitCode: 0 }],
    ['sh -c script sums sleeps, exit N', { command: ['sh', '-c', 'sleep 2; echo hi && sleep 3; exit 7'] }, undefined, { runMs: 5000, exitCode: 7 }],
    ['sh -c with a loop runs forever', { command: ['sh', '-c', 'while true; do sleep 1; done'] }, undefined, undefined],
    ['busybox args replace the shell CMD', { image: 'busybox', args: ['sleep', '2'] }, undefined, { runMs: 2000, exitCode: 0 }],
    ['nginx args are the server: forever', { args: ['-g', 'daemon off;'] }, undefined, undefined],
    ['perl one-liner finishes', { image: 'perl', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }, undefined, { runMs: 1000, exitCode: 0 }],
    ['annotations override everything', { command: ['sleep', '1000'] }, { 'kubeactor.io/run-seconds': '3', 'kubeactor.io/exit-code': '2' }, { runMs: 3000, exitCode: 2 }],
    ['exit-code annotation alone exits at once', {}, { 'kubeactor.io/exit-code': '1' }, { runMs: 0, exitCode: 1 }],
  ];
  it.each(cases)('%s', (_n, c, ann, want) => {
    const pod = podWith(c, ann);
    expect(containerLifetime(pod, pod.spec.containers[0])).toEqual(want);
  });

  it('a shell image without command runs on under restartPolicy Always (placeholder deployments), exits under OnFailure', () => {
    for (const [policy, want] of [['Always', undefined], ['OnFailure', { runMs: 0, exitCode: 0 }]] as const) {
      const pod = podWith({ image: 'busybox:1.36' }, undefined, policy);
      expect(containerLifetime(pod, pod.spec.containers[0])).toEqual(want);
    }
    const explicit = podWith({ image: 'busybox', command: ['false'] }, undefined, 'Always');
    expect(containerLifetime(explicit, explicit.spec.containers[0])).toEqual({ runMs: 0, exitCode: 1 });
  });

  it('a pod finishes with its longest container and its first non-zero exit', () => {
    const pod: Pod = { metadata: { name: 'p' }, spec: { restartPolicy: 'Never', containers: [{ name: 'a', command: ['sleep', '4'] }, { name: 'b', command: ['false'] }] } };
    expect(podLifetime(pod)).toEqual({ runMs: 4000, exitCode: 1 });
    pod.spec.containers.push({ name: 'forever', image: 'nginx' });
    expect(podLifetime(pod)).toBeUndefined();
  });

  it('crash-loop back-off doubles from 10 s up to 5 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(crashLoopBackoffMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });
});

const get = (api: FakeApiClient, name: string): Pod => api.peek<Pod>(PODS, 'default', name) as Pod;

describe('kubelet - containers that finish', () => {
  it('restartPolicy Never + exit 0 → Succeeded, terminated Completed, Ready False', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'once', 'node-1', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '5'] }] });
    await sys.advance(2_000, 250);
    expect(get(api, 'once').status?.phase).toBe('Running');
    await sys.advance(5_000, 250);
    const pod = get(api, 'once');
    expect(pod.status?.phase).toBe('Succeeded');
    const cs = pod.status?.containerStatuses?.[0];
    expect(cs?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs?.state.terminated?.startedAt).toBeTruthy();
    expect(cs?.state.terminated?.finishedAt).toBeTruthy();
    expect(cs?.ready).toBe(false);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('restartPolicy Never + non-zero exit → Failed with reason Error', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'bad', 'node-1', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] });
    await sys.advance(2_000, 250);
    const pod = get(api, 'bad');
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.containerStatuses?.[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('restartPolicy OnFailure restarts a failing container, but a successful one completes', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'retry', 'node-1', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['false'] }] });
    await createBoundPod(api, 'ok', 'node-1', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] });
    await sys.advance(25_000, 500);
    const retry = get(api, 'retry');
    expect(retry.status?.phase).toBe('Running');
    expect(retry.status?.containerStatuses?.[0].restartCount).toBeGreaterThanOrEqual(1);
    expect(get(api, 'ok').status?.phase).toBe('Succeeded');
  });

  it('restartPolicy Always crash-loops: CrashLoopBackOff, lastState.terminated, growing restartCount', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'crash', 'node-1', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 0; exit 0'] }] });
    await sys.advance(1_000, 250);
    let cs = get(api, 'crash').status?.containerStatuses?.[0];
    expect(cs?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(cs?.lastState).toMatchObject({ terminated: { exitCode: 0, reason: 'Completed' } });
    expect(cs?.restartCount).toBe(0);
    expect(get(api, 'crash').status?.phase).toBe('Running');
    // restarts after 10 s, then 20 s: 2 restarts by t = 31 s
    await sys.advance(31_000, 500);
    cs = get(api, 'crash').status?.containerStatuses?.[0];
    expect(cs?.restartCount).toBe(2);
  });

  it('a deleted finished pod is removed and its IP released', async () => {
    const { sys, api } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'done', 'node-1', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] });
    await sys.advance(2_000, 250);
    expect(get(api, 'done').status?.phase).toBe('Succeeded');
    const stats = await sys.ask<{ ipsAllocated: number }>('kubelet/node-1', { type: 'stats' });
    expect(stats.ipsAllocated).toBe(0);
    await api.delete(PODS, 'default', 'done');
    await sys.advance(1_000, 250);
    expect(api.peek(PODS, 'default', 'done')).toBeUndefined();
  });
});

describe('kubelet - finishing across a kubelet restart', () => {
  it('a restored Running pod still exits at its original deadline (counted from startedAt)', async () => {
    const { sys, api, registry, specs } = await startHost([nodeSpec(1)]);
    await createBoundPod(api, 'long', 'node-1', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '20'] }] });
    await sys.advance(10_000, 500);
    expect(get(api, 'long').status?.phase).toBe('Running');
    sys.kill('kubelet/node-1');
    const spec = specs.find((s) => s.id === 'kubelet/node-1');
    if (!spec) throw new Error('no kubelet spec');
    await sys.spawn(spec.id, registry.kubelet(spec.params, spec));
    await sys.advance(8_000, 500);
    expect(get(api, 'long').status?.phase).toBe('Running');
    await sys.advance(3_000, 500);
    expect(get(api, 'long').status?.phase).toBe('Succeeded');
  });
});
