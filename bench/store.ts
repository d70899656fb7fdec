/**
 * `npm run bench -- store [--json PATH] [--quick] [--kills N] [--rounds N] [--only put-1,watch-100] [--separate-only] [--no-warmup]`: the embedded store against a real
 * etcd 3.4 on loopback, the same workloads in one run, both under fsync durability:
 *
 *   put-1         pod-sized puts, 1 client in sequence           ops/s = acknowledged puts/s
 *   put-100       pod-sized puts, 100 concurrent clients
 *   watch-100     100 prefix watchers, 10 writers of pod-sized puts: ops/s = deliveries/s,
 *                 p99 = write issued → event delivered to a watcher
 *   list-150k     full prefix list of 150,000 keys (256-byte values): ops/s = keys listed/s,
 *                 p99 = one whole list
 *
 * Embedded = one `store-shard` actor on its own worker thread, driven by a client actor on
 * another worker (the apiserver's situation under `controlPlane: separate`: every call crosses
 * threads); and again with the client on the shard's worker (`controlPlane: shared`), reported as
 * `colocated`. Each round runs separate, colocated, etcd in turn. etcd = etcd3's gRPC
 * client in the main thread against /usr/bin/etcd on loopback (default fsync). Optionally
 * (`--kills N`) a write storm with N random kills of the shard's worker, reporting lost writes.
 *
 * This module is also the registry module of the bench's actor hosts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { RealClock } from '../src/actors/clock.js';
import { SeededRng } from '../src/actors/rng.js';
import { startRuntime } from '../src/actors/runtime.js';
import type { ActorRegistry, Behavior } from '../src/actors/types.js';
import { createStoreClient, shardRouter, type ActorStoreClient } from '../src/store/client.js';
import { createEtcdStoreClient } from '../src/store/etcd/etcd-client.js';
import { startEtcd } from '../src/store/etcd/etcd-process.js';
import { isStoreWatchMsg, type StoreWatchMsg } from '../src/store/protocol.js';
import { registry as storeRegistry } from '../src/store/testkit.js';
import type { StormReport } from '../src/store/storm.js';
import type { StoreClient } from '../src/store/types.js';

/** Result of one workload on one backend. */
interface Result {
  opsPerSec: number;
  p99Ms: number;
  /** deliveryP99Ms (embedded watch): shard publish → subscriber received, from the messages' sentAt. */
  deliveryP99Ms?: number;
}

type Workload = 'put-1' | 'put-100' | 'watch-100' | 'list-150k';
interface Sizes {
  puts1: number;
  puts100: number;
  watchEvents: number;
  listKeys: number;
  listRounds: number;
}
const FULL: Sizes = { puts1: 1500, puts100: 20_000, watchEvents: 2000, listKeys: 150_000, listRounds: 5 };
const QUICK: Sizes = { puts1: 300, puts100: 3000, watchEvents: 300, listKeys: 20_000, listRounds: 3 };

/** podValue is a pod-sized value (~1.3 KB, like a msgpack'd scheduled pod) whose first 8 bytes carry a timestamp. */
function podValue(i: number, stamp = 0): Uint8Array {
  const v = new Uint8Array(1300);
  new DataView(v.buffer).setFloat64(0, stamp);
  for (let j = 8; j < v.length; j++) v[j] = (i + j) & 0xff;
  return v;
}

/** median picks the round with the median throughput (its latency goes with it). */
function median(rs: Result[]): Result {
  return [...rs].sort((a, b) => a.opsPerSec - b.opsPerSec)[Math.floor(rs.length / 2)];
}

function p99(samples: number[]): number {
  if (samples.length === 0) return 0;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function puts(store: StoreClient, prefix: string, total: number, clients: number): Promise<Result> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const s = performance.now();
        await store.txn({ compare: [], success: [{ type: 'put', key: `${prefix}p${i}`, value: podValue(i) }], failure: [] });
        lat.push(performance.now() - s);
      }
    }),
  );
  const ms = performance.now() - t0;
  return { opsPerSec: round((total / ms) * 1000, 0), p99Ms: round(p99(lat)) };
}

async function watchFanOut(store: StoreClient, prefix: string, events: number, watchers: number): Promise<Result> {
  const lat: number[] = [];
  let delivered = 0;
  const cancels: { cancel(): void }[] = [];
  let allDone: () => void = () => {};
  const done = new Promise<void>((r) => (allDone = r));
  for (let w = 0; w < watchers; w++) {
    cancels.push(
      await store.watch(
        { key: prefix, prefix: true },
        {
          events: (evs) => {
            const now = performance.now();
            for (const e of evs) {
              lat.push(now - new DataView(e.kv.value.buffer, e.kv.value.byteOffset, 8).getFloat64(0));
              if (++delivered === events * watchers) allDone();
            }
          },
          canceled: (err) => {
            throw err;
          },
        },
      ),
    );
  }
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < events) {
        const i = next++;
        await store.txn({ compare: [], success: [{ type: 'put', key: `${prefix}w${i}`, value: podValue(i, performance.now()) }], failure: [] });
      }
    }),
  );
  await done;
  const ms = performance.now() - t0;
  for (const c of cancels) c.cancel();
  return { opsPerSec: round((delivered / ms) * 1000, 0), p99Ms: round(p99(lat)) };
}

async function list(store: StoreClient, prefix: string, keys: number, rounds: number): Promise<Result> {
  const value = new Uint8Array(256).fill(7);
  for (let i = 0; i < keys; i += 100) {
    const ops = Array.from({ length: Math.min(100, keys - i) }, (_, j) => ({ type: 'put' as const, key: `${prefix}${String(i + j).padStart(7, '0')}`, value }));
    await store.txn({ compare: [], success: ops, failure: [] });
  }
  const lat: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const s = performance.now();
    const res = await store.range(prefix, { prefix: true });
    if (res.kvs.length !== keys) throw new Error(`list returned ${res.kvs.length} keys, expected ${keys}`);
    lat.push(performance.now() - s);
  }
  const total = lat.reduce((a, b) => a + b, 0);
  return { opsPerSec: round((keys * rounds * 1000) / total, 0), p99Ms: round(p99(lat)) };
}

async function runWorkload(store: StoreClient, w: Workload, sizes: Sizes, round: number): Promise<Result> {
  switch (w) {
    case 'put-1':
      return puts(store, `/registry/pods/put1-${round}/`, sizes.puts1, 1);
    case 'put-100':
      return puts(store, `/registry/pods/put100-${round}/`, sizes.puts100, 100);
    case 'watch-100':
      return watchFanOut(store, `/registry/pods/watch-${round}/`, sizes.watchEvents, 100);
    case 'list-150k':
      return list(store, `/registry/pods/list-${round}/`, sizes.listKeys, sizes.listRounds);
  }
}

type DriverMsg = { type: 'benchRun'; workload: Workload; sizes: Sizes; round: number } | StoreWatchMsg;

/** deliveryLags collects, per received batch, now − sentAt (the shard's publish time; same wall clock). */
const deliveryLags: number[] = [];

/** driver is the embedded side's client actor: it runs a workload against its store client. */
function driver(): Behavior<DriverMsg> {
  let client: ActorStoreClient;
  return {
    started(ctx) {
      client = createStoreClient(ctx, shardRouter({ shards: 1 }), { timeoutMs: 120_000 });
    },
    receive(_ctx, msg) {
      if (isStoreWatchMsg(msg)) {
        if (msg.type === 'storeWatchEvents' && msg.sentAt !== undefined && msg.events.length > 0) deliveryLags.push(Date.now() - msg.sentAt);
        return client.deliver(msg);
      }
      deliveryLags.length = 0;
      return runWorkload(client, msg.workload, msg.sizes, msg.round).then((r) =>
        msg.workload === 'watch-100' ? { ...r, deliveryP99Ms: round(p99(deliveryLags)) } : r,
      );
    },
  };
}

/** registry: the store's actors plus the bench driver (hosts import this module). */
export const registry: ActorRegistry = { ...storeRegistry, 'store-bench-driver': () => driver() };

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/** run is the bench entry (bench/run.ts). */
export async function run(args: string[]): Promise<void> {
  const sizes = args.includes('--quick') ? QUICK : FULL;
  // Default under .kubeactor/ (git-ignored) so a bench run never dirties the tree.
  const jsonPath = arg(args, 'json', join('.kubeactor', 'bench-store.json'));
  mkdirSync(dirname(jsonPath), { recursive: true });
  const kills = Number(arg(args, 'kills', '20'));
  const all: Workload[] = ['put-1', 'put-100', 'watch-100', 'list-150k'];
  // --only a,b runs a subset (e.g. re-measuring watch latency on a quieter machine).
  const only = arg(args, 'only', '');
  const workloads = only ? all.filter((w) => only.split(',').includes(w)) : all;
  const dir = await mkdtemp(join(tmpdir(), 'kubeactor-bench-store-'));
  const ASK = { timeoutMs: 600_000 };

  // Both backends run side by side and each workload alternates embedded, etcd, embedded, …
  // (median of `rounds`): on a shared machine, load drift then hits both alike.
  const rounds = Number(arg(args, 'rounds', args.includes('--quick') ? '1' : '3'));
  const embedded: Record<string, Result> = {};
  const colocatedRes: Record<string, Result> = {};
  const etcdRes: Record<string, Result> = {};
  const etcd = await startEtcd();
  const client = createEtcdStoreClient({ endpoints: [etcd.endpoint], clock: new RealClock(), rng: new SeededRng(1), compactIntervalMs: 0, timeoutMs: 600_000 });
  // Two placements of the embedded store, each its own runtime, shard and data dir:
  //   separate   the driver on another worker than the shard, as `workers.controlPlane: separate`
  //              (the default) places the apiserver: every call crosses threads;
  //   colocated  the driver on the shard's worker, as `controlPlane: shared` puts the apiserver
  //              beside its store (k3s-style, an in-process datastore): no thread hop per call.
  // --separate-only skips the second one.
  const both = !args.includes('--separate-only');
  const warmup = !args.includes('--no-warmup') && !args.includes('--quick');
  const start = async (placement: 'separate' | 'colocated') => {
    const shard = { id: 'store/0', kind: 'store-shard', params: { shardId: 0, dataDir: join(dir, placement), durability: 'fsync' } };
    const driver = { id: 'driver', kind: 'store-bench-driver' };
    return startRuntime({
      mode: 'workers',
      hosts:
        placement === 'colocated'
          ? [{ name: 'store-0', actors: [shard, driver] }]
          : [
              { name: 'store-0', actors: [shard] },
              { name: 'client', actors: [driver] },
            ],
      registryModule: fileURLToPath(import.meta.url),
    });
  };
  const rtSeparate = await start('separate');
  const rtColocated = both ? await start('colocated') : undefined;
  try {
    for (const w of workloads) {
      const e: Result[] = [];
      const c: Result[] = [];
      const t: Result[] = [];
      // The 150k list preloads its keys each round: one round (of sizes.listRounds lists) is enough.
      // One warm-up round per backend first (JIT, first allocations, etcd's and the shard's
      // first log segment), discarded: round 0 was consistently the slowest for all three.
      if (w !== 'list-150k' && warmup) {
        const msg = { type: 'benchRun', workload: w, sizes, round: -1 };
        await rtSeparate.ask<Result>('driver', msg, ASK);
        if (rtColocated) await rtColocated.ask<Result>('driver', msg, ASK);
        await runWorkload(client, w, sizes, -1);
      }
      for (let r = 0; r < (w === 'list-150k' ? 1 : rounds); r++) {
        const msg = { type: 'benchRun', workload: w, sizes, round: r };
        e.push(await rtSeparate.ask<Result>('driver', msg, ASK));
        if (rtColocated) c.push(await rtColocated.ask<Result>('driver', msg, ASK));
        t.push(await runWorkload(client, w, sizes, r));
        process.stderr.write(`${w} round ${r}: embedded ${JSON.stringify(e[r])}${rtColocated ? ` colocated ${JSON.stringify(c[r])}` : ''} etcd ${JSON.stringify(t[r])}\n`);
      }
      embedded[w] = median(e);
      if (rtColocated) colocatedRes[w] = median(c);
      etcdRes[w] = median(t);
    }
  } finally {
    await rtSeparate.stop();
    await rtColocated?.stop();
    await client.close();
    await etcd.stop();
  }

  let storm: Record<string, number> | undefined;
  if (kills > 0) storm = await killStorm(join(dir, 'storm'), kills);
  await rm(dir, { recursive: true, force: true });

  const result = {
    sizes,
    rounds,
    warmupRounds: warmup ? 1 : 0,
    workloads: workloads.map((name) => ({
      name,
      // embedded: the shard on its own worker, the client on another (the default placement).
      embedded: embedded[name],
      etcd: etcdRes[name],
      // ratio: embedded throughput over etcd's (> 1 = embedded faster).
      ratio: round(embedded[name].opsPerSec / etcdRes[name].opsPerSec),
      // colocated: the client on the shard's worker (`controlPlane: shared`), against the same etcd rounds.
      ...(both ? { colocated: { embedded: colocatedRes[name], ratio: round(colocatedRes[name].opsPerSec / etcdRes[name].opsPerSec) } } : {}),
    })),
    killStorm: storm,
  };
  writeFileSync(jsonPath, JSON.stringify(result, null, 2));
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `${'workload'.padEnd(12)}${pad('embedded ops/s', 16)}${pad('p99 ms', 9)}${pad('etcd ops/s', 12)}${pad('p99 ms', 9)}${pad('ratio', 8)}` +
      (both ? `${pad('colocated ops/s', 17)}${pad('p99 ms', 9)}${pad('ratio', 8)}` : ''),
  );
  for (const w of result.workloads) {
    console.log(
      `${w.name.padEnd(12)}${pad(w.embedded.opsPerSec, 16)}${pad(w.embedded.p99Ms, 9)}${pad(w.etcd.opsPerSec, 12)}${pad(w.etcd.p99Ms, 9)}${pad(w.ratio + '×', 8)}` +
        (w.colocated ? `${pad(w.colocated.embedded.opsPerSec, 17)}${pad(w.colocated.embedded.p99Ms, 9)}${pad(w.colocated.ratio + '×', 8)}` : ''),
    );
  }
  const watch = result.workloads.find((w) => w.name === 'watch-100');
  if (watch) {
    console.log(`watch delivery p99, shard publish → subscriber: ${watch.embedded.deliveryP99Ms} ms (separate)` + (watch.colocated ? `, ${watch.colocated.embedded.deliveryP99Ms} ms (colocated)` : ''));
  }
  if (storm) console.log(`kill storm: ${JSON.stringify(storm)}`);
  console.log(`json: ${jsonPath}`);
}

/** killStorm: a write storm with `kills` random kills of the shard's worker; counts what was lost. */
async function killStorm(dataDir: string, kills: number): Promise<Record<string, number>> {
  const rng = new SeededRng(42);
  const rt = await startRuntime({
    mode: 'workers',
    hosts: [
      { name: 'store-0', actors: [{ id: 'store/0', kind: 'store-shard', params: { shardId: 0, dataDir, durability: 'fsync', snapshotBytes: 256 * 1024 } }] },
      { name: 'client', actors: [{ id: 'storm', kind: 'store-storm' }] },
    ],
    registryModule: fileURLToPath(import.meta.url),
    supervision: { backoff: { initialMs: 10, maxMs: 50, jitter: 0 }, intensity: { maxRestarts: kills + 10, periodMs: 600_000 } },
  });
  const T = { timeoutMs: 60_000 };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    const writes = 1_000_000; // stopped after the last kill
    await rt.ask('storm', { type: 'stormStart', prefix: '/registry/pods/storm/', writes, concurrency: 32 }, T);
    for (let k = 0; k < kills; k++) {
      await sleep(20 + rng.int(200));
      await rt.kill('store-0');
      await rt.whenRunning('store-0');
    }
    await rt.ask('storm', { type: 'stormStop' }, T);
    let r: StormReport;
    for (;;) {
      r = await rt.ask<StormReport>('storm', { type: 'stormReport' }, T);
      if (r.done) break;
      await sleep(50);
    }
    const maxAcked = Math.max(...r.acked.map(([, rev]) => rev));
    for (let i = 0; i < 200 && !r.events.some(([, rev]) => rev >= maxAcked); i++) {
      await sleep(20);
      r = await rt.ask<StormReport>('storm', { type: 'stormReport' }, T);
    }
    const final = await rt.ask<{ kvs: { key: string; modRevision: number }[] }>('store/0', { type: 'storeRange', key: '/registry/pods/storm/', opts: { prefix: true, keysOnly: true } }, T);
    const byKey = new Map(final.kvs.map((kv) => [kv.key, kv.modRevision]));
    const seen = new Set(r.events.map(([k, rev]) => `${k}@${rev}`));
    const revs = r.events.map(([, rev]) => rev);
    return {
      kills,
      writesAcked: r.acked.length,
      lostAckedWrites: r.acked.filter(([k, rev]) => byKey.get(k) !== rev).length,
      revisionsBackwards: r.backwards.length,
      watchEventsMissing: r.acked.filter(([k, rev]) => !seen.has(`${k}@${rev}`)).length,
      watchOutOfOrder: revs.filter((rev, i) => i > 0 && rev <= revs[i - 1]).length,
      failedAttemptsRetried: r.failedAttempts,
      watchResumes: r.watchRestarts,
    };
  } finally {
    await rt.stop();
  }
}
