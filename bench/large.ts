/**
 * `npm run bench -- large [--config FILE] [--replicas N] [--json PATH]`: bring a topology up
 * (config/large.yaml: 1,000 nodes), time all nodes Ready, then create one Deployment with N
 * replicas (5,000) and time all pods Running. Samples the process's RSS (main thread and every
 * worker: they share the process) to report the peak. A bench, not a test: it prints numbers.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOYMENTS, PODS } from '../src/api/resources.js';
import type { Deployment, KList, Pod } from '../src/api/types.js';
import { APISERVER, type ApiRequest } from '../src/apiserver/protocol.js';
import { loadTopology, totalNodes } from '../src/cluster/config.js';
import { startCluster } from '../src/cluster/cluster.js';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/** run executes the bench. */
export async function run(args: string[]): Promise<void> {
  const config = arg(args, 'config', 'config/large.yaml');
  const replicas = Number(arg(args, 'replicas', '5000'));
  const jsonPath = args.includes('--json') ? arg(args, 'json', '') : '';
  const t = loadTopology(config);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const t0 = Date.now();
  const cluster = await startCluster(t, { dataDir: join(tmpdir(), `kubeactor-bench-${process.pid}`), port: 0 });
  const ask = <R>(req: ApiRequest): Promise<R> => cluster.runtime.ask<R>(APISERVER, req, { timeoutMs: 60_000 });
  let last = '';
  await cluster.waitReady({
    timeoutMs: 600_000,
    onProgress: (p) => {
      const line = `nodes Ready ${p.nodesReady}/${p.nodesExpected}`;
      if (line !== last) process.stdout.write(`  ${(p.elapsedMs / 1000).toFixed(1)} s: ${line}\n`);
      last = line;
    },
  });
  const nodesReadySeconds = (Date.now() - t0) / 1000;
  process.stdout.write(`${totalNodes(t)} nodes Ready in ${nodesReadySeconds.toFixed(1)} s\n`);

  const dep: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'density', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'density' } },
      template: {
        metadata: { labels: { app: 'density' } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
  const t1 = Date.now();
  await ask({ type: 'create', res: DEPLOYMENTS, namespace: 'default', object: dep });
  let running = 0;
  while (running < replicas) {
    await new Promise((r) => setTimeout(r, 1000));
    const list = await ask<KList<Pod>>({ type: 'list', res: PODS, opts: { namespace: 'default', labelSelector: 'app=density' } });
    running = list.items.filter((p) => p.status?.phase === 'Running').length;
    process.stdout.write(`  ${((Date.now() - t1) / 1000).toFixed(1)} s: ${list.items.length} pods, ${running} Running\n`);
    if (Date.now() - t1 > 900_000) throw new Error('pods not Running after 15 minutes');
  }
  const podsRunningSeconds = (Date.now() - t1) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const result = {
    config,
    nodes: totalNodes(t),
    pods: replicas,
    nodesReadySeconds: Number(nodesReadySeconds.toFixed(2)),
    podsRunningSeconds: Number(podsRunningSeconds.toFixed(2)),
    podsPerSecond: Math.round(replicas / podsRunningSeconds),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    workers: cluster.runtime.hosts().map((h) => h.name),
  };
  process.stdout.write(
    [
      '',
      '| metric | value |',
      '|---|---|',
      `| nodes Ready | ${result.nodes} in ${result.nodesReadySeconds} s |`,
      `| pods Running | ${result.pods} in ${result.podsRunningSeconds} s (${result.podsPerSecond} pods/s) |`,
      `| peak RSS | ${result.peakRssMB} MB |`,
      `| workers | ${result.workers.join(', ')} |`,
      '',
    ].join('\n'),
  );
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify(result, null, 2));
  await cluster.stop();
}
