/**
 * e2e: the chaos primitive. Every worker of a running cluster is hard-killed in turn through the
 * runtime's kill(); after each kill the supervisor restarts it and the cluster converges again:
 * the Deployment is back at its desired Running count, and a change made after the kill is acted on.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENTS, NODES, PODS } from '../../src/api/resources.js';
import type { Deployment, KList, Node, Pod } from '../../src/api/types.js';
import { APISERVER, type ApiRequest } from '../../src/apiserver/protocol.js';
import { loadTopology } from '../../src/cluster/config.js';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { writeKubeconfig } from '../../src/cluster/kubeconfig.js';
import { ROOT, eventually, kubectlOk, tempDir } from './helpers.js';

const ASK = { timeoutMs: 5_000 };

describe('e2e - killing any worker: the supervisor restarts it and the cluster converges', () => {
  let cluster: Cluster;
  let kubeconfig: string;
  const ask = <R>(req: ApiRequest): Promise<R> => cluster.runtime.ask<R>(APISERVER, req, ASK);

  const runningPods = async (): Promise<Pod[]> => {
    const list = await ask<KList<Pod>>({ type: 'list', res: PODS, opts: { namespace: 'default', labelSelector: 'app=chaos' } });
    return list.items.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
  };
  const converged = async (replicas: number): Promise<boolean> => {
    const pods = await runningPods();
    const nodes = await ask<KList<Node>>({ type: 'list', res: NODES });
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return pods.length === replicas && ready.length === 3;
  };
  const scale = (replicas: number): Promise<unknown> =>
    ask({ type: 'patch', res: DEPLOYMENTS, namespace: 'default', name: 'chaos', patchType: 'merge', patch: { spec: { replicas } } });

  beforeAll(async () => {
    const dir = tempDir();
    cluster = await startCluster(loadTopology(join(ROOT, 'test/e2e/fixtures/e2e.yaml')), { dataDir: join(dir, 'data'), port: 0 });
    await cluster.waitReady({ timeoutMs: 120_000 });
    kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, 'e2e', cluster.server);
    const dep: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'chaos', namespace: 'default' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'chaos' } },
        template: { metadata: { labels: { app: 'chaos' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    };
    await ask({ type: 'create', res: DEPLOYMENTS, namespace: 'default', object: dep });
    await eventually(() => converged(4), 60_000);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('e2e - every host is killed once and the Deployment converges after each kill', async () => {
    const hosts = cluster.runtime.hosts().map((h) => h.name);
    expect(hosts).toEqual(expect.arrayContaining(['store-0', 'apiserver', 'scheduler', 'controller-manager', 'nodes-0']));
    let replicas = 4;
    for (const host of hosts) {
      const before = cluster.runtime.hosts().find((h) => h.name === host)!.restarts;
      await cluster.runtime.kill(host);
      await cluster.runtime.whenRunning(host);
      expect(cluster.runtime.hosts().find((h) => h.name === host)!.restarts, host).toBe(before + 1);
      // A change made after the restart must be acted on by the restarted components.
      replicas = replicas === 4 ? 6 : 4;
      await eventually(() => scale(replicas).then(() => true), 30_000);
      await eventually(() => converged(replicas), 90_000);
    }
    // And the real kubectl still sees the same cluster.
    const out = await kubectlOk(kubeconfig, ['get', 'deployment', 'chaos', '-o', 'jsonpath={.status.readyReplicas}']);
    expect(Number(out)).toBe(replicas);
  }, 600_000);
});
