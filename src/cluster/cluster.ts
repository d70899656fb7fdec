/**
 * startCluster: bring a topology up on the actor runtime and wait until it is ready. Used by
 * `kubeactor up`, the e2e tests and the benches; nothing here speaks HTTP to the cluster except
 * the readiness probe, which asks /readyz exactly as a user would.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import type { Logger, LogLevel } from '../actors/types.js';
import { NOOP_LOGGER } from '../actors/logger.js';
import { startRuntime, type Runtime } from '../actors/runtime.js';
import { NODES } from '../api/resources.js';
import type { KList, Node } from '../api/types.js';
import { APISERVER, type ApiRequest } from '../apiserver/protocol.js';
import { totalNodes, type Topology } from './config.js';
import { planCluster, type ClusterPlan } from './topology.js';
import { registry } from './registry.js';

/** ClusterOptions: run-time choices that are not part of the topology file. */
export interface ClusterOptions {
  /** port overrides spec.apiserver.port; 0 picks a free port. */
  port?: number;
  /** dataDir holds the store's write-ahead logs. */
  dataDir: string;
  /** freshData removes dataDir's previous contents first (default true). */
  freshData?: boolean;
  /** mode overrides spec.mode. */
  mode?: 'workers' | 'inline';
  log?: Logger;
  /** logLevel of the worker hosts' JSON logs (default warn). */
  logLevel?: LogLevel;
  seed?: number;
}

/** ReadyProgress is reported while waiting for the cluster to become ready. */
export interface ReadyProgress {
  nodesReady: number;
  nodesExpected: number;
  ready: boolean;
  elapsedMs: number;
}

/** Cluster is a running topology. */
export interface Cluster {
  readonly name: string;
  readonly topology: Topology;
  readonly plan: ClusterPlan;
  readonly runtime: Runtime;
  /** server is the apiserver's URL, e.g. http://127.0.0.1:41873. */
  readonly server: string;
  readonly port: number;
  /** waitReady resolves when /readyz says ok; rejects after timeoutMs. */
  waitReady(opts?: { timeoutMs?: number; onProgress?: (p: ReadyProgress) => void }): Promise<void>;
  /** countReadyNodes lists nodes through the apiserver actor and counts Ready=True. */
  countReadyNodes(): Promise<number>;
  stop(): Promise<void>;
}

/** freePort asks the kernel for a free TCP port on host. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** httpStatus GETs url and resolves with the status code and body (never rejects on HTTP errors). */
export function httpGet(url: string, timeoutMs = 2_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function isReady(n: Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** startCluster starts every host of the topology; it does not wait for readiness. */
export async function startCluster(t: Topology, o: ClusterOptions): Promise<Cluster> {
  const log = o.log ?? NOOP_LOGGER;
  const host = t.spec.apiserver.bindAddress;
  const requested = o.port ?? t.spec.apiserver.port;
  const port = requested === 0 ? await freePort(host) : requested;
  if (o.freshData ?? true) rmSync(o.dataDir, { recursive: true, force: true });
  mkdirSync(o.dataDir, { recursive: true });
  const plan = planCluster(t, { port, dataDir: o.dataDir });
  const s = t.spec.supervision;
  const runtime = await startRuntime({
    mode: o.mode ?? t.spec.mode,
    hosts: plan.hosts,
    registry,
    registryModule: new URL('./registry.js', import.meta.url).href,
    supervision: {
      strategy: 'one_for_one',
      intensity: { maxRestarts: s.maxRestarts, periodMs: s.periodMs },
      backoff: { initialMs: s.backoffInitialMs, maxMs: s.backoffMaxMs, jitter: 0.2 },
    },
    timeScale: t.spec.timeScale,
    log,
    logLevel: o.logLevel,
    seed: o.seed,
  });
  const server = `http://${host}:${port}`;
  const expected = totalNodes(t);

  const countReadyNodes = async (): Promise<number> => {
    const req: ApiRequest = { type: 'list', res: NODES };
    const list = await runtime.ask<KList<Node>>(APISERVER, req, { timeoutMs: 10_000 });
    return list.items.filter(isReady).length;
  };

  return {
    name: t.metadata.name,
    topology: t,
    plan,
    runtime,
    server,
    port,
    countReadyNodes,
    async waitReady(opts = {}) {
      const start = Date.now();
      const timeoutMs = opts.timeoutMs ?? 120_000;
      for (;;) {
        const elapsedMs = Date.now() - start;
        let ready = false;
        try {
          ready = (await httpGet(`${server}/readyz`)).status === 200;
        } catch {
          // the apiserver is still starting (or restarting): keep polling
        }
        if (opts.onProgress) {
          let nodesReady = 0;
          try {
            nodesReady = await countReadyNodes();
          } catch {
            // not answering yet
          }
          opts.onProgress({ nodesReady, nodesExpected: expected, ready, elapsedMs });
        }
        if (ready) return;
        if (elapsedMs > timeoutMs) throw new Error(`cluster ${t.metadata.name} not ready after ${Math.round(timeoutMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await runtime.stop();
    },
  };
}
