/**
 * The kubelet actor (kind 'kubelet', id `kubelet/<node>`): registers its Node, renews its
 * Lease, and drives the pods bound to it through the simulated runtime.
 *
 *   bound pod ──▶ starting (IP allocated, start timer ~startupLatency) ──▶ running (ONE status write)
 *   deletionTimestamp ──▶ terminating (stop timer = min(grace, stopLatency)) ──▶ delete(grace 0, uid precondition)
 *
 * Pods arrive from the node host's shared informer (`pods` on sync, `podUpsert` / `podDelete`
 * per event); the kubelet never watches on its own. After a restart it rebuilds runtime and IPAM
 * state from the status of pods that are already Running, so they stay Running with their IPs.
 */
import type { ActorContext, Behavior } from '../actors/types.js';
import { isConflict, isNotFound } from '../api/errors.js';
import { NODES, PODS } from '../api/resources.js';
import type { Node, Pod } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import type { KubeletLogMsg } from '../apiserver/logs.js';
import { KubeletEventBudget, KubeletEvents, type EventBudgetSource } from './events.js';
import { PodIpam } from './ipam.js';
import { KubeletLogs, type LogTickMsg } from './log-streams.js';
import { NodeLease } from './node-lease.js';
import { crashLoopBackoffMs, podLifetime } from './lifetime.js';
import { isTerminalPhase, runningStatus } from './pod-status.js';
import { heartbeatPatch, registerNode } from './registration.js';
import { SimRuntime } from './runtime/runtime.js';
import { DEFAULT_TIMING, type VirtualNodeSpec } from './types.js';

/** KubeletParams are a VirtualNodeSpec plus the id of the node host that feeds it pods. */
export type KubeletParams = VirtualNodeSpec & { hostId?: string };

/** KubeletPodMsg is what a node host tells a kubelet. */
export type KubeletPodMsg = { type: 'pods'; pods: Pod[] } | { type: 'podUpsert'; pod: Pod } | { type: 'podDelete'; pod: Pod };

/** KubeletStats is the reply to the `stats` ask. */
export interface KubeletStats {
  registered: boolean;
  pods: Record<PodRecord['state'], number>;
  ipsAllocated: number;
  leaseRenewals: number;
  statusWrites: number;
}

/** KubeletMsg is the kubelet's whole protocol (timers included); `stats` is an ask. */
export type KubeletMsg =
  | KubeletPodMsg
  | { type: 'register' }
  | { type: 'renewLease' }
  | { type: 'heartbeat' }
  | { type: 'startContainers'; uid: string }
  | { type: 'stopContainers'; uid: string }
  | { type: 'retryStatus'; uid: string }
  /** containersExited: the pod's containers reached the end of their lifetime (lifetime.ts). */
  | { type: 'containersExited'; uid: string }
  /** restartContainers: a crash-loop back-off is over. */
  | { type: 'restartContainers'; uid: string }
  /** pause (chaos): stop renewing the Lease and the NodeStatus, as a node cut off from the control plane; false resumes. */
  | { type: 'pause'; paused: boolean }
  | { type: 'stats' }
  /** pods/log: reads (an ask), follow streams and their timers (log-streams.ts). */
  | KubeletLogMsg
  | LogTickMsg;

interface PodRecord {
  uid: string;
  pod: Pod;
  /** finished: the containers exited for good (restartPolicy); the terminal status is (being) written. */
  state: 'starting' | 'running' | 'finished' | 'terminating';
  /** exitCode of the last run, once the containers exited. */
  exitCode?: number;
  podIP?: string;
  startTimeMs: number;
  writing: boolean;
  /** writtenRv is the resourceVersion our Running write produced (events older than it are stale). */
  writtenRv?: string;
}

const RETRY_MS = 1_000;

/**
 * createKubeletBehavior builds a kubelet for one virtual node. eventBudget gives the event budget
 * it shares with the other kubelets of its host (see events.ts); by default it gets its own.
 */
export function createKubeletBehavior(params: KubeletParams, client: (ctx: ActorContext) => ApiClient, eventBudget: EventBudgetSource = () => new KubeletEventBudget()): Behavior<KubeletMsg> {
  const spec = params;
  const timing = { ...DEFAULT_TIMING, ...spec.timing };
  const pods = new Map<string, PodRecord>();
  const ipam = new PodIpam(spec.podCIDR);
  let api: ApiClient;
  let runtime: SimRuntime;
  let lease: NodeLease;
  let logs: KubeletLogs;
  let events: KubeletEvents;
  let node: Node | undefined;
  let since = 0;
  let statusWrites = 0;
  let registerFailures = 0;
  /** paused: heartbeats are skipped (timers keep ticking so resuming needs no bookkeeping). */
  let paused = false;

  const jitter = (ms: number, spread: number, ctx: ActorContext): number => Math.max(0, Math.round(ms * (1 - spread + 2 * spread * ctx.rng.next())));

  function register(ctx: ActorContext): void {
    registerNode(api, ctx.clock, spec, since).then(
      (n) => {
        if (!node) events.nodeStarted();
        node = n;
        registerFailures = 0;
        ctx.log.info('node registered', { node: spec.nodeName });
        ctx.tell(ctx.self, { type: 'renewLease' });
        ctx.setTimer('heartbeat', jitter(timing.statusUpdateMs, 0.1, ctx), { type: 'heartbeat' });
      },
      (err: unknown) => {
        registerFailures++;
        ctx.log.warn('unable to register node with API server', { node: spec.nodeName, err: String(err) });
        ctx.setTimer('register', jitter(Math.min(7_000, 200 * 2 ** registerFailures), 0.2, ctx), { type: 'register' });
      },
    );
  }

  function renewLease(ctx: ActorContext): void {
    if (paused) return ctx.setTimer('renewLease', timing.leaseRenewMs, { type: 'renewLease' });
    lease.renew(node).then(
      () => ctx.setTimer('renewLease', jitter(timing.leaseRenewMs, 0.1, ctx), { type: 'renewLease' }),
      (err: unknown) => {
        ctx.log.warn('failed to update lease', { node: spec.nodeName, err: String(err) });
        ctx.setTimer('renewLease', jitter(Math.min(RETRY_MS, timing.leaseRenewMs), 0.2, ctx), { type: 'renewLease' });
      },
    );
  }

  function heartbeat(ctx: ActorContext): void {
    if (paused) return ctx.setTimer('heartbeat', timing.statusUpdateMs, { type: 'heartbeat' });
    const next = (): void => ctx.setTimer('heartbeat', jitter(timing.statusUpdateMs, 0.1, ctx), { type: 'heartbeat' });
    api.patch<Node>(NODES, undefined, spec.nodeName, 'merge', heartbeatPatch(ctx.clock.now(), since), { subresource: 'status' }).then(
      (n) => {
        node = n;
        next();
      },
      (err: unknown) => {
        ctx.log.warn('error updating node status', { node: spec.nodeName, err: String(err) });
        if (isNotFound(err)) return register(ctx);
        next();
      },
    );
  }

  function upsert(ctx: ActorContext, pod: Pod): void {
    if (pod.spec.nodeName !== spec.nodeName) return;
    const uid = String(pod.metadata.uid);
    let rec = pods.get(uid);
    if (isTerminalPhase(pod)) {
      // Our own finished pod: keep the exited sandbox (logs) until the pod is deleted, free the IP.
      if (rec && rec.state === 'finished') {
        rec.pod = pod;
        ipam.release(uid);
      } else if (rec) forget(ctx, rec);
      return;
    }
    if (!rec) {
      rec = { uid, pod, state: 'starting', startTimeMs: ctx.clock.now(), writing: false };
      pods.set(uid, rec);
      if (pod.status?.phase === 'Running' && runtime.restore(pod)) {
        // The runtime survived our restart: keep the pod (and its IP) as it is, no write.
        rec.state = 'running';
        rec.podIP = pod.status.podIP;
        if (rec.podIP && !ipam.restore(rec.podIP, uid)) ctx.log.warn('pod IP outside podCIDR or taken', { pod: podRef(pod), ip: rec.podIP });
        scheduleExit(ctx, rec);
      } else if (!pod.metadata.deletionTimestamp) {
        ctx.setTimer(`start/${uid}`, jitter(timing.startupLatencyMs, 0.5, ctx), { type: 'startContainers', uid });
      }
    }
    rec.pod = pod;
    if (pod.metadata.deletionTimestamp) return beginTermination(ctx, rec);
    // The Running status was lost (a failed write, or an apiserver that restarted): write again.
    if ((rec.state === 'running' || rec.state === 'finished') && pod.status?.phase !== 'Running' && !rec.writing && newerThan(pod.metadata.resourceVersion, rec.writtenRv)) writeRunning(ctx, rec);
  }

  function startContainers(ctx: ActorContext, uid: string): void {
    const rec = pods.get(uid);
    if (!rec || rec.state !== 'starting') return;
    try {
      rec.podIP = ipam.allocate(uid);
    } catch (err) {
      ctx.log.warn('failed to create pod sandbox', { pod: podRef(rec.pod), err: String(err) });
      ctx.setTimer(`start/${uid}`, 10_000, { type: 'startContainers', uid });
      return;
    }
    runtime.runPod(rec.pod, ctx.clock.now());
    rec.state = 'running';
    events.containersStarted(rec.pod);
    writeRunning(ctx, rec);
    scheduleExit(ctx, rec);
  }

  /** scheduleExit arms the exit timer of containers with a finite lifetime (from their startedAt, so a restarted kubelet keeps the deadline). */
  function scheduleExit(ctx: ActorContext, rec: PodRecord): void {
    const life = podLifetime(rec.pod);
    const sandbox = runtime.get(rec.uid);
    if (!life || !sandbox) return;
    const started = Math.max(...sandbox.containers.map((c) => Date.parse(c.startedAt)).filter(Number.isFinite), 0);
    const left = started > 0 ? started + life.runMs - ctx.clock.now() : life.runMs;
    rec.exitCode = life.exitCode;
    ctx.setTimer(`exit/${rec.uid}`, Math.max(0, left), { type: 'containersExited', uid: rec.uid });
  }

  /**
   * containersExited applies restartPolicy: Never (or OnFailure after exit 0) → the pod is
   * finished (Succeeded / Failed); otherwise the containers wait in CrashLoopBackOff and restart
   * after 10 s · 2^restarts (≤ 5 min). One status write per transition.
   */
  function containersExited(ctx: ActorContext, uid: string): void {
    const rec = pods.get(uid);
    if (!rec || rec.state !== 'running') return;
    const code = rec.exitCode ?? 0;
    const sandbox = runtime.exitPod(uid, code, ctx.clock.now());
    if (!sandbox) return;
    const policy = rec.pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Never' || (policy === 'OnFailure' && code === 0)) {
      rec.state = 'finished';
      return writeRunning(ctx, rec);
    }
    const restarts = Math.max(0, ...sandbox.containers.map((c) => c.restartCount ?? 0));
    runtime.backOff(uid);
    writeRunning(ctx, rec);
    ctx.setTimer(`restart/${uid}`, crashLoopBackoffMs(restarts + 1), { type: 'restartContainers', uid });
  }

  function restartContainers(ctx: ActorContext, uid: string): void {
    const rec = pods.get(uid);
    if (!rec || rec.state !== 'running' || !runtime.restartPod(uid, ctx.clock.now())) return;
    writeRunning(ctx, rec);
    scheduleExit(ctx, rec);
  }

  function writeRunning(ctx: ActorContext, rec: PodRecord): void {
    const sandbox = runtime.get(rec.uid);
    if (!sandbox || !rec.podIP) return;
    rec.writing = true;
    const phase = rec.state !== 'finished' ? 'Running' : rec.exitCode === 0 ? 'Succeeded' : 'Failed';
    const status = runningStatus({ pod: rec.pod, sandbox, podIP: rec.podIP, hostIP: spec.nodeIP, startTimeMs: rec.startTimeMs, nowMs: ctx.clock.now() }, phase);
    const { namespace, name } = rec.pod.metadata;
    api.patch<Pod>(PODS, namespace, String(name), 'merge', { status }, { subresource: 'status' }).then(
      (written) => {
        rec.writing = false;
        rec.writtenRv = written.metadata.resourceVersion;
        statusWrites++;
      },
      (err: unknown) => {
        rec.writing = false;
        if (isNotFound(err)) return forget(ctx, rec);
        ctx.log.warn('failed to update pod status', { pod: podRef(rec.pod), err: String(err) });
        ctx.setTimer(`retry/${rec.uid}`, jitter(RETRY_MS, 0.2, ctx), { type: 'retryStatus', uid: rec.uid });
      },
    );
  }

  function beginTermination(ctx: ActorContext, rec: PodRecord): void {
    if (rec.state === 'terminating') return;
    const wasRunning = rec.state === 'running';
    rec.state = 'terminating';
    for (const t of ['start', 'retry', 'exit', 'restart']) ctx.cancelTimer(`${t}/${rec.uid}`);
    const grace = rec.pod.metadata.deletionGracePeriodSeconds ?? rec.pod.spec.terminationGracePeriodSeconds ?? 30;
    const stopMs = wasRunning ? Math.min(grace * 1000, jitter(timing.stopLatencyMs, 0.5, ctx)) : 0;
    if (wasRunning) events.containersStopping(rec.pod);
    ctx.setTimer(`stop/${rec.uid}`, stopMs, { type: 'stopContainers', uid: rec.uid });
  }

  function stopContainers(ctx: ActorContext, uid: string): void {
    const rec = pods.get(uid);
    if (!rec || rec.state !== 'terminating') return;
    runtime.removePod(uid);
    ipam.release(uid);
    const { namespace, name } = rec.pod.metadata;
    api.delete(PODS, namespace, String(name), { gracePeriodSeconds: 0, preconditions: { uid } }).then(
      () => forget(ctx, rec),
      (err: unknown) => {
        // NotFound: already gone. Conflict on the uid precondition: a new pod of that name, not ours.
        if (isNotFound(err) || isConflict(err)) return forget(ctx, rec);
        ctx.log.warn('failed to delete pod', { pod: podRef(rec.pod), err: String(err) });
        ctx.setTimer(`stop/${uid}`, jitter(RETRY_MS, 0.2, ctx), { type: 'stopContainers', uid });
      },
    );
  }

  function forget(ctx: ActorContext, rec: PodRecord): void {
    for (const t of ['start', 'stop', 'retry', 'exit', 'restart']) ctx.cancelTimer(`${t}/${rec.uid}`);
    runtime.removePod(rec.uid);
    ipam.release(rec.uid);
    pods.delete(rec.uid);
    logs.podGone(ctx, rec.uid);
  }

  function replaceAll(ctx: ActorContext, list: Pod[]): void {
    const seen = new Set(list.map((p) => String(p.metadata.uid)));
    for (const rec of [...pods.values()]) if (!seen.has(rec.uid)) forget(ctx, rec);
    for (const p of list) upsert(ctx, p);
  }

  return {
    started(ctx) {
      api = client(ctx);
      runtime = new SimRuntime(ctx.rng);
      logs = new KubeletLogs(spec.nodeName, (uid) => (pods.has(uid) ? (runtime.get(uid) ?? null) : undefined));
      lease = new NodeLease(api, ctx.clock, spec.nodeName);
      events = new KubeletEvents({ client: api, clock: ctx.clock, log: ctx.log, nodeName: spec.nodeName, budget: eventBudget(ctx.clock) });
      since = ctx.clock.now();
      register(ctx);
      if (params.hostId) ctx.tell(params.hostId, { type: 'kubeletStarted', nodeName: spec.nodeName });
    },
    receive(ctx, msg) {
      switch (msg.type) {
        case 'pods':
          return replaceAll(ctx, msg.pods);
        case 'podUpsert':
          return upsert(ctx, msg.pod);
        case 'podDelete': {
          const rec = pods.get(String(msg.pod.metadata.uid));
          if (rec) forget(ctx, rec);
          return;
        }
        case 'register':
          return register(ctx);
        case 'renewLease':
          return renewLease(ctx);
        case 'heartbeat':
          return heartbeat(ctx);
        case 'pause':
          if (paused && !msg.paused && node) {
            paused = false;
            ctx.tell(ctx.self, { type: 'renewLease' });
            ctx.tell(ctx.self, { type: 'heartbeat' });
          }
          paused = msg.paused;
          ctx.log.info(paused ? 'node paused (chaos)' : 'node resumed', { node: spec.nodeName });
          return;
        case 'startContainers':
          return startContainers(ctx, msg.uid);
        case 'stopContainers':
          return stopContainers(ctx, msg.uid);
        case 'retryStatus': {
          const rec = pods.get(msg.uid);
          if (rec && (rec.state === 'running' || rec.state === 'finished') && !rec.writing) writeRunning(ctx, rec);
          return;
        }
        case 'containersExited':
          return containersExited(ctx, msg.uid);
        case 'restartContainers':
          return restartContainers(ctx, msg.uid);
        case 'podLogs':
          return logs.read(ctx, msg);
        case 'followLogs':
          return logs.follow(ctx, msg);
        case 'unfollowLogs':
          return logs.unfollow(ctx, msg.streamId);
        case 'logTick':
          return logs.tick(ctx, msg.streamId);
        case 'stats': {
          const counts = { starting: 0, running: 0, finished: 0, terminating: 0 };
          for (const r of pods.values()) counts[r.state]++;
          return { registered: node !== undefined, pods: counts, ipsAllocated: ipam.allocated, leaseRenewals: lease.renewals, statusWrites } satisfies KubeletStats;
        }
        default:
          return assertNever(msg);
      }
    },
    onDown(ctx, target) {
      // A log follower (the apiserver) went away: its streams have no reader any more.
      logs.subscriberDown(ctx, target);
    },
  };
}

/**
 * newerThan: is event rv after the rv of our own write? kubeactor's resourceVersions are store
 * revisions (integers); anything else is treated as newer, which at worst costs one extra write.
 */
function newerThan(rv: string | undefined, written: string | undefined): boolean {
  if (!written || !rv) return true;
  const a = Number(rv);
  const b = Number(written);
  return !Number.isFinite(a) || !Number.isFinite(b) || a > b;
}

function podRef(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

function assertNever(x: never): never {
  throw new Error(`unexpected kubelet message ${JSON.stringify(x)}`);
}
