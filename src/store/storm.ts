/**
 * The `store-storm` actor: a write storm against the store plus a watcher that must see every
 * acknowledged write exactly once, in revision order, across shard kills. Used by the kill test
 * (test/unit/store/kill.test.ts) and the store bench's kill workload; it lives in src/ because
 * worker threads load compiled code only.
 *
 * - Writers put fresh keys `<prefix>k<i>` with `concurrency` in flight, retrying a write until it
 *   is acknowledged (a failed attempt may or may not have been applied, as with etcd).
 * - Every acknowledged revision must exceed every revision acknowledged before the write began
 *   (revisions never go backwards).
 * - The watch resumes after a shard-down from the last revision it saw + 1; if that was
 *   compacted it re-lists and continues from the list's revision (recorded in `relists`).
 */
import type { ActorContext, ActorId, Behavior } from '../actors/types.js';
import { createStoreClient, shardRouter, type ActorStoreClient } from './client.js';
import { CompactedError } from './errors.js';
import { isStoreWatchMsg, type StoreWatchMsg } from './protocol.js';

/** StormMsg is the storm actor's protocol (asks) plus the store's watch pushes. */
export type StormMsg =
  | { type: 'stormStart'; prefix: string; writes: number; concurrency: number }
  | { type: 'stormReport' }
  /** stormStop: writers finish their current write and take no new key. */
  | { type: 'stormStop' }
  | StoreWatchMsg;

/** StormReport is what the storm saw. */
export interface StormReport {
  done: boolean;
  /** acked: [key, revision] of every acknowledged write. */
  acked: [string, number][];
  /** backwards: writes acknowledged at a revision ≤ one acknowledged before they began. */
  backwards: string[];
  /** events: [key, modRevision] of every watch event, in arrival order. */
  events: [string, number][];
  /** failedAttempts: write attempts that failed (shard down) and were retried. */
  failedAttempts: number;
  /** watchRestarts: times the watch was re-opened after a shard-down. */
  watchRestarts: number;
  relists: number;
}

/**
 * StormParams: `shards` routes like the cluster's shard router (store/0 alone by default);
 * `split` makes every key under its prefix live in a split group of those shard indexes, with
 * the group's shared revision counter (the storm then runs against the merged group).
 */
export interface StormParams {
  shards?: number;
  split?: { prefix: string; members: number[]; sequence: SharedArrayBuffer };
}

/** createStormBehavior builds the storm actor (one shard, store/0 unless params say otherwise). */
export function createStormBehavior(params: unknown): Behavior<StormMsg> {
  const p = (params ?? {}) as StormParams;
  const shards = p.shards ?? 1;
  let client: ActorStoreClient;
  const report: StormReport = { done: false, acked: [], backwards: [], events: [], failedAttempts: 0, watchRestarts: 0, relists: 0 };
  let maxAcked = 0;
  let lastSeen = 0;
  let stopped = false;

  const sleep = (ctx: ActorContext, ms: number) => new Promise<void>((r) => ctx.clock.setTimeout(r, ms));

  const watchFrom = async (ctx: ActorContext, prefix: string, from: number): Promise<void> => {
    for (;;) {
      try {
        await client.watch(
          { key: prefix, prefix: true, startRevision: from },
          {
            events: (evs) => {
              for (const e of evs) {
                report.events.push([e.kv.key, e.kv.modRevision]);
                lastSeen = e.kv.modRevision;
              }
            },
            canceled: (err) => {
              if (err instanceof CompactedError) {
                report.relists++;
                void relist(ctx, prefix);
              } else {
                report.watchRestarts++;
                void watchFrom(ctx, prefix, lastSeen + 1);
              }
            },
          },
        );
        return;
      } catch {
        await sleep(ctx, 20); // the shard is restarting
      }
    }
  };

  const relist = async (ctx: ActorContext, prefix: string): Promise<void> => {
    for (;;) {
      try {
        const list = await client.range(prefix, { prefix: true, keysOnly: true });
        lastSeen = list.revision;
        return watchFrom(ctx, prefix, list.revision + 1);
      } catch {
        await sleep(ctx, 20);
      }
    }
  };

  const writeOne = async (ctx: ActorContext, key: string): Promise<void> => {
    const before = maxAcked;
    for (;;) {
      try {
        const r = await client.txn({ compare: [], success: [{ type: 'put', key, value: new TextEncoder().encode(key) }], failure: [] });
        report.acked.push([key, r.revision]);
        if (r.revision <= before) report.backwards.push(`${key}@${r.revision} after ${before}`);
        if (r.revision > maxAcked) maxAcked = r.revision;
        return;
      } catch {
        report.failedAttempts++;
        await sleep(ctx, 10);
      }
    }
  };

  const storm = async (ctx: ActorContext, msg: { prefix: string; writes: number; concurrency: number }): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < msg.writes && !stopped) await writeOne(ctx, `${msg.prefix}k${next++}`);
    };
    await Promise.all(Array.from({ length: msg.concurrency }, worker));
    report.done = true;
  };

  return {
    started(ctx) {
      const split = p.split;
      client = createStoreClient(ctx, shardRouter({ shards, split: split ? { [split.prefix]: split.members } : undefined }), {
        timeoutMs: 3_000,
        groups: split ? [{ prefix: split.prefix, shards: split.members.map((m) => `store/${m}`), sequence: split.sequence }] : undefined,
      });
    },
    async receive(ctx, msg) {
      if (isStoreWatchMsg(msg)) return client.deliver(msg);
      switch (msg.type) {
        case 'stormStart': {
          // The watch starts at the head before the first write, so it must see every write.
          const head = (await client.range(msg.prefix, { prefix: true, countOnly: true })).revision;
          lastSeen = head;
          await watchFrom(ctx, msg.prefix, head + 1);
          void storm(ctx, msg);
          return head;
        }
        case 'stormReport':
          return report;
        case 'stormStop':
          stopped = true;
          return undefined;
      }
    },
    onDown(_ctx, target: ActorId) {
      if (target.startsWith('store/')) client.shardDown(target);
    },
  };
}
