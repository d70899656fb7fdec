/**
 * The etcd backend resumes a watch whose gRPC stream broke (etcd crashed and came back), from
 * the revision after the last one it delivered, as etcd's clientv3 does for kube-apiserver: the
 * watcher sees every write once, in order, and is never canceled. Needs /usr/bin/etcd (skipped
 * locally without it; CI installs it and then this must run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/actors/clock.js';
import { SeededRng } from '../../src/actors/rng.js';
import { createEtcdStoreClient, type EtcdStoreClient } from '../../src/store/etcd/etcd-client.js';
import type { StoreWatchEvent, TxnRequest } from '../../src/store/types.js';
import { etcdAvailable, startEtcd, type RunningEtcd } from './etcd-server.js';

const put = (key: string, v: string): TxnRequest => ({ compare: [], success: [{ type: 'put', key, value: new TextEncoder().encode(v) }], failure: [] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!etcdAvailable() && !process.env.CI)('etcd watch resume', () => {
  let etcd: RunningEtcd;
  let client: EtcdStoreClient;
  beforeAll(async () => {
    etcd = await startEtcd();
    client = createEtcdStoreClient({ endpoints: [etcd.endpoint], clock: new RealClock(), rng: new SeededRng(5), compactIntervalMs: 0, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await client?.close();
    await etcd?.stop();
  });

  it('etcd watch resume - a watch goes on across an etcd crash and restart, without gap or repeat', async () => {
    const events: StoreWatchEvent[] = [];
    let canceled: Error | undefined;
    await client.watch({ key: '/registry/resume/', prefix: true }, { events: (evs) => events.push(...evs), canceled: (err) => (canceled = err) });
    const before = await client.txn(put('/registry/resume/a', '1'));
    for (let i = 0; i < 200 && events.length < 1; i++) await sleep(10);
    await etcd.restart(); // SIGKILL: the stream breaks; the client re-opens it from before.revision + 1
    let after: number | undefined;
    for (let i = 0; i < 100 && after === undefined; i++) {
      after = await client.txn(put('/registry/resume/b', '2')).then((r) => r.revision, () => undefined); // retried until etcd serves again
      if (after === undefined) await sleep(100);
    }
    expect(after).toBeGreaterThan(before.revision);
    await client.txn(put('/registry/resume/c', '3'));
    for (let i = 0; i < 500 && events.length < 3; i++) await sleep(10);
    expect(canceled).toBeUndefined();
    expect(events.map((e) => e.kv.key.slice('/registry/resume/'.length))).toEqual(['a', 'b', 'c']);
    const revs = events.map((e) => e.kv.modRevision);
    expect(revs.every((r, i) => i === 0 || r > revs[i - 1])).toBe(true);
  }, 60_000);
});
