/**
 * `kubectl get pods --watch` started before the store shard's worker is killed keeps streaming
 * after the restart: the apiserver's watch cache re-lists from the recovered shard and the HTTP
 * watch goes on (or ends with a 410 that kubectl re-lists on; either way the new pod appears).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APISERVER, type ApiRequest } from '../../src/apiserver/protocol.js';
import { PODS } from '../../src/api/resources.js';
import type { Pod } from '../../src/api/types.js';
import { loadTopology } from '../../src/cluster/config.js';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { writeKubeconfig } from '../../src/cluster/kubeconfig.js';
import { KUBECTL, ROOT, eventually, tempDir } from '../e2e/helpers.js';

const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('store kill - kubectl watch', () => {
  let cluster: Cluster;
  let kubeconfig: string;
  let watch: ChildProcess | undefined;
  const ask = <R>(req: ApiRequest): Promise<R> => cluster.runtime.ask<R>(APISERVER, req, { timeoutMs: 5_000 });

  beforeAll(async () => {
    const dir = tempDir();
    cluster = await startCluster(loadTopology(join(ROOT, 'test/e2e/fixtures/e2e.yaml')), { dataDir: join(dir, 'data'), port: 0 });
    await cluster.waitReady({ timeoutMs: 120_000 });
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, 'e2e', cluster.server);
  }, 180_000);
  afterAll(async () => {
    watch?.kill('SIGTERM');
    await cluster?.stop();
  });

  it('store kill - kubectl get pods --watch keeps streaming across a store shard kill', async () => {
    let out = '';
    watch = spawn(KUBECTL, ['--kubeconfig', kubeconfig, 'get', 'pods', '-n', 'default', '--watch', '-o', 'name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    watch.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    watch.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    let exited: number | null | undefined;
    watch.once('exit', (code) => (exited = code));
    await ask({ type: 'create', res: PODS, namespace: 'default', object: pod('before-kill') });
    await eventually(async () => out.includes('pod/before-kill'), 30_000, 50);

    await cluster.runtime.kill('store-0');
    await cluster.runtime.whenRunning('store-0');
    await eventually(() => ask({ type: 'create', res: PODS, namespace: 'default', object: pod('after-kill') }).then(() => true), 30_000);
    await eventually(async () => out.includes('pod/after-kill'), 30_000, 50);
    expect(exited).toBeUndefined(); // the same kubectl process, still watching
    expect(out).not.toMatch(/error/i);
  }, 120_000);
});
