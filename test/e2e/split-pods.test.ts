/**
 * A cluster whose pods live in a split group (config/split-pods.yaml: pods over store/1..3 with
 * one revision counter), driven by real kubectl: a Deployment's pods spread over the three
 * shards, `kubectl get pods --watch` sees every pod in resourceVersion order, and keeps streaming
 * when one pod shard's worker is killed; the rollout completes again after the kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/cluster/config.js';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { writeKubeconfig } from '../../src/cluster/kubeconfig.js';
import type { StoreShardStatus } from '../../src/store/protocol.js';
import { KUBECTL, ROOT, eventually, kubectlOk, tempDir } from './helpers.js';

describe('e2e split pods', () => {
  let cluster: Cluster;
  let kubeconfig: string;
  let watch: ChildProcess | undefined;

  beforeAll(async () => {
    const dir = tempDir();
    cluster = await startCluster(loadTopology(join(ROOT, 'config/split-pods.yaml')), { dataDir: join(dir, 'data'), port: 0 });
    await cluster.waitReady({ timeoutMs: 120_000 });
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, 'split', cluster.server);
  }, 180_000);
  afterAll(async () => {
    watch?.kill('SIGTERM');
    await cluster?.stop();
  });

  const podKeys = async (shard: string): Promise<number> => {
    const r = await cluster.runtime.ask<{ kvs: unknown[] }>(shard, { type: 'storeRange', key: '/registry/pods/', opts: { prefix: true, countOnly: true } }, { timeoutMs: 5_000 });
    return (r as unknown as { count: number }).count;
  };

  it('e2e split pods - a deployment spreads over the pod shards; watch and rollout survive a pod shard kill', async () => {
    // --output-watch-events prints ADDED/MODIFIED/DELETED with each object's resourceVersion.
    let out = '';
    watch = spawn(KUBECTL, ['--kubeconfig', kubeconfig, 'get', 'pods', '-n', 'default', '--watch', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name} {.object.metadata.resourceVersion}{"\\n"}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    watch.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    watch.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    let exited: number | null | undefined;
    watch.once('exit', (code) => (exited = code));

    await kubectlOk(kubeconfig, ['create', 'deployment', 'web', '--image=nginx', '--replicas=30']);
    await kubectlOk(kubeconfig, ['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    const counts = await Promise.all(['store/1', 'store/2', 'store/3'].map(podKeys));
    // Each pod hashes to one member: with 30 pods, a member left empty has odds of 3·(2/3)^30 ≈ 2e-5.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    expect(counts.filter((n) => n === 0)).toEqual([]); // every member holds some pods
    expect(await podKeys('store/0')).toBe(0); // and the other shard none

    // Kill one pod shard under the watch, then scale: the new pods come through the same kubectl.
    await cluster.runtime.kill('store-2');
    await cluster.runtime.whenRunning('store-2');
    await eventually(() => kubectl0(['scale', 'deployment/web', '--replicas=36']), 60_000, 250);
    await kubectlOk(kubeconfig, ['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    const names = JSON.parse(await kubectlOk(kubeconfig, ['get', 'pods', '-n', 'default', '-o', 'json'])).items.map((p: { metadata: { name: string } }) => p.metadata.name);
    expect(names).toHaveLength(36);
    await eventually(async () => names.every((n: string) => out.includes(` ${n} `)), 30_000, 100);
    expect(exited).toBeUndefined(); // the same kubectl process, still watching
    // Pods written on three shards reach the watch as one stream whose resourceVersions never go
    // back, across the kill too (a re-list would replay objects at their current versions: not older).
    const rvs = out.split('\n').filter((l) => /^(ADDED|MODIFIED|DELETED) /.test(l)).map((l) => Number(l.split(' ')[2]));
    expect(rvs.length).toBeGreaterThanOrEqual(36);
    expect(rvs.every((rv) => Number.isInteger(rv) && rv > 0)).toBe(true);
    expect(rvs.filter((rv, i) => i > 0 && rv < rvs[i - 1])).toEqual([]);
    const status = await cluster.runtime.ask<StoreShardStatus>('store/2', { type: 'storeStatus' }, { timeoutMs: 5_000 });
    expect(status.keys).toBeGreaterThan(0);
  }, 240_000);

  const kubectl0 = async (args: string[]): Promise<boolean> => {
    await kubectlOk(kubeconfig, args);
    return true;
  };
});
