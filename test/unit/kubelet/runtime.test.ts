import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../src/actors/rng.js';
import type { Pod } from '../../../src/api/types.js';
import { imageDigest, normalizeImage, SimRuntime } from '../../../src/kubelet/runtime/runtime.js';

const pod = (images: string[]): Pod => ({ metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });

describe('kubelet - runtime images', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
  ])('%s → %s', (input, want) => expect(normalizeImage(input)).toBe(want));
  it('derives a stable 64-hex digest per image', () => {
    expect(imageDigest('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(imageDigest('a')).toBe(imageDigest('a'));
    expect(imageDigest('a')).not.toBe(imageDigest('b'));
  });
});

describe('kubelet - runtime lifecycle', () => {
  it('starts containers with kubeactor:// ids and restores them from status', () => {
    const rt = new SimRuntime(new SeededRng(1));
    const sb = rt.runPod(pod(['nginx', 'busybox:1.36']), Date.UTC(2026, 0, 1));
    expect(sb.containers).toHaveLength(2);
    expect(sb.containers[0].containerID).toMatch(/^kubeactor:\/\/[0-9a-f]{64}$/);
    expect(sb.containers[0].imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    const statuses = SimRuntime.containerStatuses(sb);
    expect(statuses[1]).toMatchObject({ name: 'c1', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } });

    const after = new SimRuntime(new SeededRng(2));
    const p = pod(['nginx', 'busybox:1.36']);
    p.status = { phase: 'Running', containerStatuses: statuses };
    expect(after.restore(p)).toBe(true);
    expect(after.get('u1')?.containers.map((c) => c.containerID)).toEqual(sb.containers.map((c) => c.containerID));
  });

  it('refuses to restore pods without running containers of ours', () => {
    const rt = new SimRuntime(new SeededRng(1));
    const p = pod(['nginx']);
    p.status = { phase: 'Running', containerStatuses: [{ name: 'c0', image: 'x', imageID: 'y', containerID: 'containerd://abc', ready: true, restartCount: 0, state: { running: { startedAt: 'x' } } }] };
    expect(rt.restore(p)).toBe(false);
    p.status.containerStatuses = [];
    expect(rt.restore(p)).toBe(false);
  });
});
