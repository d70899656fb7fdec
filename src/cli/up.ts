/**
 * `kubeactor up`: start a topology, write the kubeconfig, report progress, serve until SIGINT or
 * SIGTERM, then shut down cleanly (every actor's stopped() hook runs, the store flushes).
 */
import { resolve } from 'node:path';
import { JsonLogger } from '../actors/logger.js';
import type { LogLevel } from '../actors/types.js';
import { totalNodes } from '../cluster/config.js';
import { loadTopologyArg } from './topology-arg.js';
import { startCluster, type Cluster } from '../cluster/cluster.js';
import { writeKubeconfig } from '../cluster/kubeconfig.js';

/** UpOptions are the parsed flags of `kubeactor up`. */
export interface UpOptions {
  config: string;
  port?: number;
  kubeconfig: string;
  dataDir?: string;
  keepData: boolean;
  inline: boolean;
  logLevel: string;
  readyTimeout: number;
}

const say = (line: string): void => {
  process.stdout.write(line + '\n');
};

/** runUp implements `kubeactor up`; resolves with the process exit code. */
export async function runUp(o: UpOptions): Promise<number> {
  if (!['debug', 'info', 'warn', 'error'].includes(o.logLevel)) {
    process.stderr.write(`kubeactor: --log-level: must be one of debug, info, warn, error (got "${o.logLevel}")\n`);
    return 2;
  }
  const topology = loadTopologyArg(o.config);
  if (!topology) return 2;
  const name = topology.metadata.name;
  const dataDir = resolve(o.dataDir ?? `.kubeactor/data/${name}`);
  const kubeconfig = resolve(o.kubeconfig);
  const log = new JsonLogger({ cluster: name }, o.logLevel as LogLevel);
  const started = Date.now();
  // The command serves until a signal arrives. Actor timers are unref'd (they never keep a host
  // alive), and inline mode has no worker threads, so hold the event loop open explicitly.
  const keepAlive = setInterval(() => {}, 1 << 30);
  say(`kubeactor: starting cluster "${name}" (${totalNodes(topology)} nodes) from ${o.config}`);

  let cluster: Cluster;
  try {
    cluster = await startCluster(topology, { port: o.port, dataDir, freshData: !o.keepData, mode: o.inline ? 'inline' : undefined, log, logLevel: o.logLevel as LogLevel });
  } catch (err) {
    process.stderr.write(`kubeactor: cannot start the cluster: ${(err as Error).message}\n`);
    clearInterval(keepAlive);
    return 1;
  }
  writeKubeconfig(kubeconfig, name, cluster.server);
  say(`kubeactor: apiserver listening on ${cluster.server}; kubeconfig written to ${kubeconfig}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      process.stderr.write('kubeactor: forced exit\n');
      process.exit(130);
    }
    stopping = true;
    say(`kubeactor: ${signal} received, stopping the cluster…`);
    await cluster.stop();
    clearInterval(keepAlive);
    say('kubeactor: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let lastReported = -1;
  try {
    await cluster.waitReady({
      timeoutMs: o.readyTimeout * 1000,
      onProgress: (p) => {
        if (p.nodesReady !== lastReported && !p.ready) {
          lastReported = p.nodesReady;
          say(`kubeactor: waiting for the cluster: ${p.nodesReady}/${p.nodesExpected} nodes Ready (${(p.elapsedMs / 1000).toFixed(1)} s)`);
        }
      },
    });
  } catch (err) {
    process.stderr.write(`kubeactor: ${(err as Error).message}\n`);
    await cluster.stop();
    clearInterval(keepAlive);
    return 1;
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const hosts = cluster.runtime.hosts().map((h) => h.name);
  say(`kubeactor: cluster "${name}" is ready: ${totalNodes(topology)} nodes Ready in ${secs} s on ${hosts.length} workers (${hosts.join(', ')})`);
  say('');
  say(`  export KUBECONFIG=${kubeconfig}`);
  say('  kubectl get nodes');
  say('');
  say('Press Ctrl-C to stop.');
  // Serve until a signal arrives: the runtime's workers keep the process alive.
  await new Promise<never>(() => {});
  return 0;
}
