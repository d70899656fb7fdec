/**
 * Test harness for controllers: runs a ControllerDefinition against a FakeApiClient on one
 * thread with a SimClock, plus builders and a tiny "kubelet" that makes pods Running/Ready.
 */
import { SimClock } from '../../../src/actors/clock.js';
import { SeededRng } from '../../../src/actors/rng.js';
import { rfc3339 } from '../../../src/api/meta.js';
import { NAMESPACES, PODS } from '../../../src/api/resources.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { startController, type ControllerHandle } from '../../../src/controllers/runtime/controller.js';
import type { ControllerDefinition } from '../../../src/controllers/runtime/types.js';
import { silentLog } from '../client/fake-actor-context.js';

export const tick = () => new Promise<void>((r) => setImmediate(r));

export interface Harness {
  clock: SimClock;
  fake: FakeApiClient;
  handles: ControllerHandle[];
  start(def: ControllerDefinition): Promise<ControllerHandle>;
  /** settle runs until no controller has queued or in-flight work (delayed keys wait for the clock). */
  settle(maxRounds?: number): Promise<void>;
  /** advance moves the clock in steps, settling after each. */
  advance(ms: number, stepMs?: number): Promise<void>;
  stop(): void;
}

export function harness(seed = 1): Harness {
  const clock = new SimClock();
  const fake = new FakeApiClient({ clock, rng: new SeededRng(seed) });
  const handles: ControllerHandle[] = [];
  const h: Harness = {
    clock,
    fake,
    handles,
    async start(def) {
      const handle = startController(def, { client: fake, watcher: fake.newWatcher(), clock, rng: new SeededRng(seed + handles.length + 1), log: silentLog });
      handles.push(handle);
      await handle.synced;
      return handle;
    },
    async settle(maxRounds = 10_000) {
      let quiet = 0;
      for (let i = 0; i < maxRounds; i++) {
        await tick();
        if (handles.every((x) => x.idle())) {
          if (++quiet >= 3) return;
        } else quiet = 0;
      }
      throw new Error(`controllers did not settle: ${JSON.stringify(handles.map((x) => x.stats()))}`);
    },
    async advance(ms, stepMs = 1000) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(Math.min(stepMs, ms - t));
        await h.settle();
      }
    },
    stop() {
      for (const x of handles) x.stop();
    },
  };
  return h;
}

export async function ensureNamespace(fake: FakeApiClient, name = 'default'): Promise<void> {
  if (!fake.peek(NAMESPACES, undefined, name)) await fake.create(NAMESPACES, { metadata: { name } });
}

/** makeRS builds a ReplicaSet selecting app=<app>. */
export function makeRS(name: string, replicas: number, app = name, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...extra },
  };
}

/** makeDeployment builds a Deployment selecting app=<name>. */
export function makeDeployment(name: string, replicas: number, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...extra,
    },
  };
}

/** makePod builds a bare pod with labels. */
export function makePod(name: string, labels: Record<string, string>, extra: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c' }], ...extra } };
}

let ipSeq = 0;
/** runPods is a stand-in kubelet: binds unbound pods to node-1 and makes them Running + Ready. */
export async function runPods(fake: FakeApiClient, clock: SimClock, filter: (p: Pod) => boolean = () => true): Promise<number> {
  let n = 0;
  for (const p of fake.all<Pod>(PODS)) {
    if (!filter(p) || p.metadata.deletionTimestamp) continue;
    if (!p.spec.nodeName) await fake.bind(String(p.metadata.namespace), String(p.metadata.name), 'node-1');
    const cur = fake.peek<Pod>(PODS, p.metadata.namespace, String(p.metadata.name))!;
    if (cur.status?.phase === 'Running') continue;
    const now = rfc3339(clock.now());
    ipSeq++;
    await fake.updateStatus(PODS, {
      ...cur,
      status: {
        ...cur.status,
        phase: 'Running',
        podIP: `10.0.${(ipSeq >> 8) & 255}.${ipSeq & 255}`,
        conditions: [
          ...(cur.status?.conditions ?? []).filter((c) => c.type !== 'Ready'),
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
      },
    });
    n++;
  }
  return n;
}

/** finishTerminating removes pods that are gracefully terminating (the kubelet's final delete). */
export async function finishTerminating(fake: FakeApiClient): Promise<number> {
  let n = 0;
  for (const p of fake.all<Pod>(PODS)) {
    if (!p.metadata.deletionTimestamp) continue;
    await fake.delete(PODS, p.metadata.namespace, String(p.metadata.name), { gracePeriodSeconds: 0 });
    n++;
  }
  return n;
}
