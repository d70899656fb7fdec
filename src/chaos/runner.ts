/**
 * runChaos: one chaos run, start to verdict.
 *
 *   start topology ─▶ nodes Ready ─▶ workload converged ─▶ t0
 *   [t0, t0+duration)   faults fire on schedule; workload scales/churns/writes; sampler lists
 *                       deployments, pods, nodes every sampleEveryMs (convergence, over-commit,
 *                       list resourceVersions monotonic)
 *   settle              faults lifted; wait until converged (≤ settleSeconds)
 *   verify              watcher caches == fresh lists, acknowledged writes read back, no pod on a
 *                       deleted node, no over-commit
 *
 * Everything runs on the cluster's clock, so the same code is deterministic under the simulator.
 */
import { SeededRng } from '../actors/rng.js';
import { isStatusError } from '../api/errors.js';
import type { Logger, LogLevel, Rng } from '../actors/types.js';
import { DEPLOYMENTS, NODES, PODS, REPLICASETS } from '../api/resources.js';
import type { Deployment, KList, Node, Pod } from '../api/types.js';
import { APISERVER, type ApiRequest } from '../apiserver/protocol.js';
import type { Topology } from '../cluster/config.js';
import { isNodeReady, startChaosCluster, type ChaosCluster } from './harness.js';
import { boundToMissingNodes, convergence, OrphanTracker, overCommitted, recoveryTimes, RvTracker } from './invariants.js';
import { type ChaosReport, type FaultRecord, type Sample } from './report.js';
import { expandFaults, type FaultSpec, type Scenario } from './scenario.js';
import { CHAOS_WATCHER, type CheckerReport, type VerifyResult } from './watch-checker.js';
import { NAMESPACE, WriteLedger, churnOne, deploymentName, workloadDeployment, type Asker } from './workload.js';
import { faultTargets } from './faults.js';

/** ChaosOptions: one run's choices. */
export interface ChaosOptions {
  topology: Topology;
  scenario: Scenario;
  seed: number;
  deterministic: boolean;
  /** durationSeconds overrides the scenario's. */
  durationSeconds?: number;
  log?: Logger;
  /** logLevel of worker hosts (error unless set). */
  logLevel?: LogLevel;
  /** progress is told one line per phase / fault (the CLI prints it). */
  progress?: (line: string) => void;
}

const ASK_MS = 5_000;

/** runChaos: see the module comment. Resolves with the report (passed false on any violation). */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const say = o.progress ?? (() => {});
  const spec = o.scenario.spec;
  const durationMs = (o.durationSeconds ?? spec.durationSeconds) * 1000;
  const cluster = await startChaosCluster(o.topology, { deterministic: o.deterministic, seed: o.seed, log: o.log, logLevel: o.logLevel });
  // When the supervisor gives up (a host cannot start any more), nothing will heal: end the run
  // with that reason instead of waiting on a cluster that is gone.
  let onEscalate: (e: { reason: string }) => void = () => {};
  const gaveUp = new Promise<never>((_, reject) => {
    onEscalate = (e) => reject(new Error(`the supervisor gave up: ${e.reason}`));
  });
  cluster.runtime.events.on('escalate', onEscalate);
  try {
    return await Promise.race([drive(cluster, o, durationMs, say), gaveUp]);
  } finally {
    cluster.runtime.events.off('escalate', onEscalate);
    await cluster.stop();
  }
}

async function drive(c: ChaosCluster, o: ChaosOptions, durationMs: number, say: (l: string) => void): Promise<ChaosReport> {
  const spec = o.scenario.spec;
  const w = spec.workload;
  const rng: Rng = new SeededRng(o.seed ^ 0x5eed);
  const ask: Asker = <R>(req: ApiRequest) => c.runtime.ask<R>(APISERVER, req, { timeoutMs: ASK_MS });
  const violations: string[] = [];
  const startedAt = c.clock.now();

  if (!(await c.waitNodesReady(300_000))) throw new Error('nodes did not become Ready');
  say(`nodes Ready after ${((c.clock.now() - startedAt) / 1000).toFixed(1)} s`);
  for (let i = 0; i < w.deployments; i++) {
    // A create whose reply was lost (apiserver restart) may have happened: AlreadyExists is success.
    await retry(c, () => ask({ type: 'create', res: DEPLOYMENTS, namespace: NAMESPACE, object: workloadDeployment(i, w) }).catch((err: unknown) => {
      if (!isStatusError(err, 'AlreadyExists')) throw err;
    }));
  }
  const ledger = new WriteLedger();
  for (let i = 0; i < w.deployments; i++) ledger.replicas.set(deploymentName(i), w.replicas);

  const samples: Sample[] = [];
  const rvs = new RvTracker();
  const orphans = new OrphanTracker();
  let t0 = c.clock.now();
  const sampleOnce = async (): Promise<Sample> => {
    const at = c.clock.now() - t0;
    try {
      const [deps, pods, nodes, rss] = await Promise.all([
        ask<KList<Deployment>>({ type: 'list', res: DEPLOYMENTS, opts: { namespace: NAMESPACE } }),
        ask<KList<Pod>>({ type: 'list', res: PODS }),
        ask<KList<Node>>({ type: 'list', res: NODES }),
        ask<KList>({ type: 'list', res: REPLICASETS }),
      ]);
      for (const [res, l] of [['deployments', deps], ['pods', pods], ['nodes', nodes], ['replicasets', rss]] as const) {
        const v = rvs.observe(res, l.metadata.resourceVersion, at);
        if (v) violations.push(v);
      }
      for (const v of overCommitted(nodes.items, pods.items)) violations.push(`${v} at ${at} ms`);
      violations.push(...orphans.observe(nodes.items, pods.items, at, spec.orphanGraceSeconds * 1000));
      const cv = convergence(deps.items, pods.items);
      const s: Sample = { atMs: at, desired: cv.desired, ready: cv.ready, converged: cv.converged, nodesReady: nodes.items.filter(isNodeReady).length, available: true, ...(cv.converged ? {} : { lagging: cv.lagging.slice(0, 5) }) };
      samples.push(s);
      return s;
    } catch {
      const s: Sample = { atMs: at, desired: 0, ready: 0, converged: false, nodesReady: 0, available: false };
      samples.push(s);
      return s;
    }
  };

  // Initial convergence, before any fault.
  const initDeadline = c.clock.now() + spec.settleSeconds * 1000;
  while (!(await sampleOnce()).converged) {
    if (c.clock.now() > initDeadline) throw new Error('the workload did not converge before the faults started');
    await c.sleep(spec.sampleEveryMs);
  }
  samples.length = 0;
  t0 = c.clock.now();
  say(`workload converged (${w.deployments} deployments × ${w.replicas}); faults start for ${durationMs / 1000} s`);

  // Fault phase: the sampler, the workload loops and the fault schedule run side by side.
  const run = { phase: 'faults' as 'faults' | 'settle' | 'done' };
  const faults: FaultRecord[] = [];
  const undo: (() => void)[] = [];
  const loop = async (everyS: number, body: () => Promise<unknown>): Promise<void> => {
    if (everyS <= 0) return;
    while (run.phase === 'faults') {
      await c.sleep(everyS * 1000);
      if (run.phase === 'faults') await body();
    }
  };
  const sampler = (async () => {
    while (run.phase !== 'done') {
      await sampleOnce();
      await c.sleep(spec.sampleEveryMs);
    }
  })();
  const workers = [
    loop(w.scaleEverySeconds, () => ledger.scale(ask, deploymentName(rng.int(w.deployments)), 1 + rng.int(w.maxReplicas))),
    loop(w.churnEverySeconds, () => churnOne(ask, rng)),
    loop(w.ledgerEverySeconds, () => ledger.writeOne(ask)),
  ];
  for (const f of expandFaults(spec.faults, durationMs)) {
    const wait = t0 + f.atMs - c.clock.now();
    if (wait > 0) await c.sleep(wait);
    const rec = fire(c, f.fault, rng, undo, ask, o.log);
    rec.atMs = c.clock.now() - t0;
    faults.push(rec);
    say(`${(rec.atMs / 1000).toFixed(1)} s  ${rec.action} ${rec.target}${rec.skipped ? ` (skipped: ${rec.skipped})` : ''}`);
  }
  const rest = t0 + durationMs - c.clock.now();
  if (rest > 0) await c.sleep(rest);
  run.phase = 'settle';
  for (const u of undo.splice(0)) u();
  await Promise.all(workers);
  const faultsEndMs = c.clock.now() - t0;
  say(`faults over at ${(faultsEndMs / 1000).toFixed(1)} s; waiting for convergence (≤ ${spec.settleSeconds} s)`);

  // Settle: converged = several samples in a row, so a passing moment is not taken for the end.
  let convergedAtMs: number | undefined;
  const settleDeadline = c.clock.now() + spec.settleSeconds * 1000;
  let streak = 0;
  while (c.clock.now() < settleDeadline) {
    const s = await sampleOnce();
    streak = s.converged ? streak + 1 : 0;
    if (s.converged && convergedAtMs === undefined) convergedAtMs = s.atMs;
    if (!s.converged) convergedAtMs = undefined;
    if (streak >= 3) break;
    await c.sleep(spec.sampleEveryMs);
  }
  run.phase = 'done';
  await sampler;
  if (streak < 3) violations.push(`deployments did not converge within ${spec.settleSeconds} s after the faults`);

  // Final verification.
  const lost = await retry(c, () => ledger.lost(ask));
  violations.push(...lost);
  const [pods, nodes] = await retry(c, () => Promise.all([ask<KList<Pod>>({ type: 'list', res: PODS }), ask<KList<Node>>({ type: 'list', res: NODES })]));
  violations.push(...boundToMissingNodes(nodes.items, pods.items), ...overCommitted(nodes.items, pods.items));
  let verify: VerifyResult = { mismatches: [], syncing: ['(not run)'] };
  for (let i = 0; i < 20; i++) {
    verify = await retry(c, () => c.runtime.ask<VerifyResult>(CHAOS_WATCHER, { type: 'checkerVerify' }, { timeoutMs: 15_000 }));
    if (verify.mismatches.length === 0 && verify.syncing.length === 0) break;
    await c.sleep(500);
  }
  violations.push(...verify.mismatches.map((m) => `watch: ${m}`), ...verify.syncing.map((r) => `watch: ${r} never re-synced`));
  const checker = await retry(c, () => c.runtime.ask<CheckerReport>(CHAOS_WATCHER, { type: 'checkerReport' }, { timeoutMs: 15_000 }));
  violations.push(...checker.violations.map((v) => `watch: ${v}`));

  const endMs = convergedAtMs ?? c.clock.now() - t0;
  const rec = recoveryTimes(faults.filter((f) => !f.skipped).map((f) => f.atMs), samples, endMs);
  rec.forEach((r, i) => (faults.filter((f) => !f.skipped)[i].recoveryMs = r.recoveryMs));
  return {
    seed: o.seed,
    scenario: o.scenario.metadata.name,
    mode: o.deterministic ? 'deterministic' : 'workers',
    durationSeconds: durationMs / 1000,
    kills: faults.filter((f) => f.action === 'kill' && !f.skipped).length,
    faults,
    maxRecoveryMs: rec.reduce((m, r) => Math.max(m, r.recoveryMs), 0),
    convergedSeconds: convergedAtMs === undefined ? null : Math.max(0, (convergedAtMs - faultsEndMs) / 1000),
    acknowledgedWrites: ledger.acked.size + [...ledger.replicas.values()].filter((v) => v !== undefined).length,
    acknowledgedWritesLost: lost.length,
    watch: checker.streams,
    invariantViolations: violations,
    passed: violations.length === 0,
    samples,
    ...(c.sim ? { trace: { hash: c.sim.traceHash(), messages: c.sim.messages } } : {}),
  };
}

/** fire applies one fault now and returns its record; undo collects what must be lifted at the end. */
function fire(c: ChaosCluster, f: FaultSpec, rng: Rng, undo: (() => void)[], ask: Asker, log: Logger | undefined): FaultRecord {
  const rec: FaultRecord = { atMs: 0, action: f.action, target: '' };
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[rng.int(xs.length)] : undefined);
  const later = (ms: number, fn: () => void): void => {
    let done = false;
    const once = (): void => {
      if (!done) fn();
      done = true;
    };
    c.clock.setTimeout(once, ms);
    undo.push(once);
  };
  switch (f.action) {
    case 'kill': {
      const target = pick(faultTargets(c.runtime.hosts(), f.role, { runningOnly: true }));
      if (!target) return { ...rec, target: f.role, skipped: 'no running host of that role' };
      // Not awaited: a worker's terminate() takes a while, and the schedule must keep its pace.
      c.runtime.kill(target).catch((err: unknown) => log?.warn('chaos kill failed', { target, err: String(err) }));
      return { ...rec, target };
    }
    case 'pauseNode':
    case 'deleteNode': {
      const node = f.node === 'random' ? pick(c.nodeNames) : f.node;
      if (!node) return { ...rec, target: f.node, skipped: 'no node' };
      const pause = (paused: boolean) => (): void => c.runtime.tell(`kubelet/${node}`, { type: 'pause', paused });
      // A partition outlives a kubelet restart: a restarted node host gets its paused nodes paused again.
      const again = (e: { child: string }): void => {
        if (e.child.startsWith('nodes-')) pause(true)();
      };
      pause(true)();
      c.runtime.events.on('start', again);
      // deleteNode: the Node object goes too (its pods must be garbage-collected); on resume the
      // kubelet's heartbeat finds it gone and registers it again.
      if (f.action === 'deleteNode') void ask({ type: 'delete', res: NODES, name: node }).catch(() => undefined);
      later(f.durationSeconds * 1000, () => {
        c.runtime.events.off('start', again);
        pause(false)();
      });
      return { ...rec, target: node, durationMs: f.durationSeconds * 1000 };
    }
    case 'delay': {
      const host = pick(faultTargets(c.runtime.hosts(), f.host, { runningOnly: false }));
      if (!host) return { ...rec, target: f.host, skipped: 'no such host' };
      try {
        c.runtime.setFault(host, { delayMs: f.delayMs, dropRate: f.dropRate });
      } catch (err) {
        return { ...rec, target: host, skipped: (err as Error).message };
      }
      later(f.durationSeconds * 1000, () => c.runtime.setFault(host, undefined));
      return { ...rec, target: `${host} +${f.delayMs} ms drop ${f.dropRate}`, durationMs: f.durationSeconds * 1000 };
    }
    case 'slowDisk': {
      const shard = `store/${f.shard}`;
      c.runtime.tell(shard, { type: '$diskLatency', ms: f.latencyMs });
      later(f.durationSeconds * 1000, () => c.runtime.tell(shard, { type: '$diskLatency', ms: 0 }));
      return { ...rec, target: `${shard} +${f.latencyMs} ms/flush`, durationMs: f.durationSeconds * 1000 };
    }
    default:
      return f satisfies never;
  }
}

/** retry runs fn until it resolves (the apiserver may be restarting), up to 60 s of cluster time. */
async function retry<T>(c: ChaosCluster, fn: () => Promise<T>): Promise<T> {
  const deadline = c.clock.now() + 60_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (c.clock.now() > deadline) throw err;
      await c.sleep(250);
    }
  }
}
