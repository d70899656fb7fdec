/**
 * transport bench: actor messages/s between two workers (one actor each) versus the best
 * hand-written equivalent in the same run: the same messages ({ type: 'm', body }), batched per
 * tick with msgpackr sequential records, over a bare MessagePort between two workers. The
 * difference is the runtime's cost: envelopes, routing, mailboxes, dispatch.
 *
 * Both sides use the same credit protocol: the sender keeps at most WINDOW messages in flight,
 * the receiver returns credit every WINDOW/4 messages and reads a field of every message.
 * Rounds are interleaved (actor, raw, actor, raw…) so VM speed drift hits both; the median is
 * reported. Timing: from main's "go" to the sender's "done" (the last credit arrived).
 *
 * This module is also the registry module of the actor hosts and the body of the raw workers.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Packr, Unpackr } from 'msgpackr';
import { startRuntime } from '../src/actors/runtime.js';
import type { ActorContext, ActorRegistry, Behavior } from '../src/actors/types.js';

const WINDOW = 4096;
const CREDIT_EVERY = WINDOW / 4;
const ROUNDS = 5;
type PayloadName = 'small' | 'pod';
const COUNTS: Record<PayloadName, number> = { small: 1_000_000, pod: 200_000 };

/** makePayloads returns 1024 distinct messages of a kind, cycled so nothing is cached. */
function makePayloads(kind: PayloadName): unknown[] {
  return Array.from({ length: 1024 }, (_, i) =>
    kind === 'small'
      ? { seq: i, ok: true }
      : {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `web-${i}-x7k2p`,
            namespace: 'default',
            uid: `6f1c${String(i).padStart(4, '0')}-8a3b-4c2d-9e1f-0a1b2c3d4e5f`,
            resourceVersion: String(100_000 + i),
            labels: { app: 'web', 'pod-template-hash': `h${i % 7}` },
          },
          spec: {
            nodeName: `node-${i % 100}`,
            containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
          },
          status: { phase: 'Running' },
        },
  );
}

// ---------------------------------------------------------------- actor side

type SenderMsg = { type: 'go'; n: number; payload: PayloadName; to: string } | { type: 'credit'; count: number };
type ReceiverMsg = { type: 'start'; n: number; from: string } | { type: 'm'; body: unknown };

function sender(): Behavior<SenderMsg> {
  let n = 0;
  let sent = 0;
  let acked = 0;
  let to = '';
  let payloads: unknown[] = [];
  let done: (() => void) | undefined;
  const pump = (ctx: ActorContext): void => {
    while (sent < n && sent - acked < WINDOW) ctx.tell(to, { type: 'm', body: payloads[sent++ & 1023] });
  };
  return {
    receive(ctx, msg) {
      switch (msg.type) {
        case 'go':
          ({ n, to } = msg);
          sent = acked = 0;
          payloads = makePayloads(msg.payload);
          ctx.tell(to, { type: 'start', n, from: ctx.self });
          return new Promise<void>((resolve) => {
            done = resolve;
            pump(ctx);
          });
        case 'credit':
          acked = msg.count;
          if (acked >= n) done?.();
          else pump(ctx);
          return undefined;
      }
    },
  };
}

function receiver(): Behavior<ReceiverMsg> {
  let n = 0;
  let count = 0;
  let from = '';
  let sink = 0;
  return {
    receive(ctx, msg) {
      switch (msg.type) {
        case 'start':
          ({ n, from } = msg);
          count = 0;
          return undefined;
        case 'm':
          sink += (msg.body as { seq?: number }).seq ?? 1; // read a field, as a real actor would
          if (++count % CREDIT_EVERY === 0 || count === n) ctx.tell(from, { type: 'credit', count });
          return undefined;
      }
    },
    stopped() {
      if (sink < 0) throw new Error('unreachable');
    },
  };
}

/** registry: the bench's actors (hosts import this module). */
export const registry: ActorRegistry = { sender, receiver };

async function actorRound(rt: Awaited<ReturnType<typeof startRuntime>>, payload: PayloadName, n: number): Promise<number> {
  const t0 = performance.now();
  await rt.ask('bench/tx', { type: 'go', n, payload, to: 'bench/rx' }, { timeoutMs: 600_000 });
  return n / ((performance.now() - t0) / 1000);
}

// ---------------------------------------------------------------- raw side

type RawBoot = { benchRole: 'raw-sender' | 'raw-receiver'; port: MessagePort };

function rawWorker(boot: RawBoot): void {
  const port = boot.port;
  if (boot.benchRole === 'raw-receiver') {
    const unpackr = new Unpackr({ useRecords: true, sequential: true });
    let n = 0;
    let count = 0;
    let sink = 0;
    port.on('message', (m: Uint8Array | { n: number }) => {
      if (!(m instanceof Uint8Array)) {
        n = m.n;
        count = 0;
        return;
      }
      const batch = unpackr.unpack(m) as { type: 'm'; body: { seq?: number } }[];
      for (const msg of batch) {
        sink += msg.body.seq ?? 1;
        if (++count % CREDIT_EVERY === 0 || count === n) port.postMessage(count);
      }
    });
    return;
  }
  const packr = new Packr({ useRecords: true, sequential: true });
  let n = 0;
  let sent = 0;
  let acked = 0;
  let payloads: unknown[] = [];
  const pump = (): void => {
    const batch: unknown[] = [];
    while (sent < n && sent - acked < WINDOW) batch.push({ type: 'm', body: payloads[sent++ & 1023] });
    if (batch.length) port.postMessage(new Uint8Array(packr.pack(batch)));
  };
  port.on('message', (count: number) => {
    acked = count;
    if (acked >= n) parentPort!.postMessage('done');
    else pump();
  });
  parentPort!.on('message', (go: { n: number; payload: PayloadName }) => {
    n = go.n;
    sent = acked = 0;
    payloads = makePayloads(go.payload);
    port.postMessage({ n });
    pump();
  });
}

if (!isMainThread && (workerData as Partial<RawBoot> | undefined)?.benchRole) rawWorker(workerData as RawBoot);

async function startRaw(): Promise<{ round(p: PayloadName, n: number): Promise<number>; stop(): Promise<void> }> {
  const { port1, port2 } = new MessageChannel();
  const self = new URL(import.meta.url);
  const rx = new Worker(self, { workerData: { benchRole: 'raw-receiver', port: port2 }, transferList: [port2] });
  const tx = new Worker(self, { workerData: { benchRole: 'raw-sender', port: port1 }, transferList: [port1] });
  await Promise.all([rx, tx].map((w) => new Promise((r) => w.once('online', r))));
  return {
    round(payload, n) {
      const t0 = performance.now();
      return new Promise((resolve) => {
        tx.once('message', () => resolve(n / ((performance.now() - t0) / 1000)));
        tx.postMessage({ n, payload });
      });
    },
    async stop() {
      await Promise.all([rx.terminate(), tx.terminate()]);
    },
  };
}

// ---------------------------------------------------------------- driver

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);

/** run executes the bench; args: [--json PATH] [--scale F] (F multiplies message counts). */
export async function run(args: string[]): Promise<void> {
  const jsonPath = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  const scale = args.includes('--scale') ? Number(args[args.indexOf('--scale') + 1]) : 1;
  const rt = await startRuntime({
    mode: 'workers',
    registryModule: fileURLToPath(import.meta.url),
    hosts: [
      { name: 'tx', actors: [{ id: 'bench/tx', kind: 'sender' }] },
      { name: 'rx', actors: [{ id: 'bench/rx', kind: 'receiver' }] },
    ],
  });
  const raw = await startRaw();
  const result: Record<string, { actorMsgsPerSec: number; rawMsgsPerSec: number; ratio: number; rounds: { actor: number[]; raw: number[] } }> = {};
  try {
    for (const payload of ['small', 'pod'] as const) {
      const n = Math.round(COUNTS[payload] * scale);
      await actorRound(rt, payload, n); // warm-up: JIT and record structures, both sides alike
      await raw.round(payload, n);
      const a: number[] = [];
      const r: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        a.push(await actorRound(rt, payload, n));
        r.push(await raw.round(payload, n));
      }
      const actorMsgsPerSec = Math.round(median(a));
      const rawMsgsPerSec = Math.round(median(r));
      result[payload] = { actorMsgsPerSec, rawMsgsPerSec, ratio: Number((actorMsgsPerSec / rawMsgsPerSec).toFixed(3)), rounds: { actor: a.map(Math.round), raw: r.map(Math.round) } };
    }
  } finally {
    await raw.stop();
    await rt.stop();
  }
  const rows = Object.entries(result).map(([p, x]) => `| ${p.padEnd(7)} | ${fmt(x.actorMsgsPerSec).padStart(9)} | ${fmt(x.rawMsgsPerSec).padStart(9)} | ${x.ratio.toFixed(2).padStart(5)} | ${x.rounds.actor.map(fmt).join(' ')} / ${x.rounds.raw.map(fmt).join(' ')} |`);
  process.stdout.write(
    [
      `transport: worker → worker, window ${WINDOW}, median of ${ROUNDS} interleaved rounds`,
      '| payload | actor/s   | raw/s     | ratio | rounds actor / raw |',
      '|---------|-----------|-----------|-------|--------------------|',
      ...rows,
      '',
    ].join('\n'),
  );
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ payloads: result }, null, 2) + '\n');
}
