/**
 * startChaosCluster brings a topology up for a chaos run, in one of two modes:
 *
 *   workers        the topology as configured (real threads, real time × timeScale, WAL on disk),
 *                  plus a `chaos` host running the watch checker.
 *   deterministic  every host inline on this thread, driven by a Simulator (virtual time, seeded
 *                  randomness, the simulator schedules every drain turn): store durability
 *                  'memory', the apiserver without an HTTP listener — no real I/O at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../actors/clock.js';
import { NOOP_LOGGER } from '../actors/logger.js';
import { startRuntime, type HostSpec, type Runtime } from '../actors/runtime.js';
import type { Clock, Logger, LogLevel } from '../actors/types.js';
import { NODES } from '../api/resources.js';
import type { KList, Node } from '../api/types.js';
import { APISERVER, type ApiRequest } from '../apiserver/protocol.js';
import { totalNodes, type Topology } from '../cluster/config.js';
import { planCluster } from '../cluster/topology.js';
import { Simulator } from '../sim/simulator.js';
import { registry } from './registry.js';
import { CHAOS_WATCHER, CHAOS_WATCHER_KIND } from './watch-checker.js';

/** CHAOS_HOST is the host of the chaos watcher (never a kill target). */
export const CHAOS_HOST = 'chaos';

/** ChaosClusterOptions: how to start. */
export interface ChaosClusterOptions {
  deterministic: boolean;
  seed: number;
  log?: Logger;
  /** logLevel of worker hosts (error unless set: a chaos run makes every component complain). */
  logLevel?: LogLevel;
}

/** ChaosCluster is a running topology as the chaos runner sees it. */
export interface ChaosCluster {
  readonly runtime: Runtime;
  /** clock: the runner's time (virtual in deterministic mode). */
  readonly clock: Clock;
  readonly nodeNames: string[];
  readonly sim?: Simulator;
  sleep(ms: number): Promise<void>;
  /** waitNodesReady resolves when every node is Ready (false on timeout). */
  waitNodesReady(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** isNodeReady reports Ready=True. */
export function isNodeReady(n: Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** simTopology is the deterministic variant of a topology: inline, embedded store in memory (no I/O). */
export function simTopology(t: Topology): Topology {
  // An external etcd would be real I/O: the simulation always uses the embedded shards.
  const store = { ...t.spec.store, durability: 'memory' as const, backend: 'embedded' as const, endpoints: [] };
  return { ...t, spec: { ...t.spec, mode: 'inline', store } };
}

/** startChaosCluster: see the module comment. */
export async function startChaosCluster(topology: Topology, o: ChaosClusterOptions): Promise<ChaosCluster> {
  const log = o.log ?? NOOP_LOGGER;
  const t = o.deterministic ? simTopology(topology) : topology;
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeactor-chaos-'));
  const plan = planCluster(t, { port: 0, dataDir });
  const hosts: HostSpec[] = plan.hosts.map((h) => ({
    ...h,
    actors: h.actors.map((a) => (a.kind === 'apiserver' && o.deterministic ? { ...a, params: { ...(a.params as object), listen: false } } : a)),
  }));
  hosts.push({ name: CHAOS_HOST, actors: [{ id: CHAOS_WATCHER, kind: CHAOS_WATCHER_KIND }] });
  const s = t.spec.supervision;
  const supervision = {
    strategy: 'one_for_one' as const,
    intensity: { maxRestarts: Math.max(s.maxRestarts, 1000), periodMs: s.periodMs },
    backoff: { initialMs: s.backoffInitialMs, maxMs: s.backoffMaxMs, jitter: 0.2 },
  };
  let sim: Simulator | undefined;
  let clock: Clock;
  let runtime: Runtime;
  if (o.deterministic) {
    sim = new Simulator();
    sim.start();
    clock = sim.clock;
    runtime = await startRuntime({ mode: 'inline', hosts, registry, supervision, clock, seed: o.seed, log, scheduler: sim.scheduler, tracer: sim.tracer });
  } else {
    // apiserver port 0: the actor binds a free port itself (nobody needs HTTP during a chaos run).
    clock = new RealClock();
    runtime = await startRuntime({
      mode: t.spec.mode,
      hosts,
      registry,
      registryModule: new URL('./registry.js', import.meta.url).href,
      supervision,
      timeScale: t.spec.timeScale,
      seed: o.seed,
      log,
      logLevel: o.logLevel ?? 'error',
    });
  }
  const sleep = (ms: number): Promise<void> => new Promise((r) => clock.setTimeout(r, ms));
  const expected = totalNodes(t);
  return {
    runtime,
    clock,
    sim,
    nodeNames: plan.nodes.map((n) => n.nodeName),
    sleep,
    async waitNodesReady(timeoutMs) {
      const deadline = clock.now() + timeoutMs;
      while (clock.now() < deadline) {
        try {
          const list = await runtime.ask<KList<Node>>(APISERVER, { type: 'list', res: NODES } satisfies ApiRequest, { timeoutMs: 5_000 });
          if (list.items.filter(isNodeReady).length >= expected) return true;
        } catch {
          // still starting
        }
        await sleep(200);
      }
      return false;
    },
    async stop() {
      await runtime.stop();
      await sim?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
