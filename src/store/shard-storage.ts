/**
 * ShardStorage is a shard's files: a snapshot plus write-ahead log generations.
 *
 *   store-<n>.snap          frames like the WAL's (length, crc32, msgpack): a header (revisions,
 *                           leases, walGen, number of chunks) then the key histories in chunks of
 *                           ~1 MiB; written to a unique .tmp, fsynced, renamed, directory fsynced.
 *                           walGen is the first WAL generation NOT contained in it. (Version 1, one
 *                           frame holding the whole state, is still read.)
 *   store-<n>.<gen>.wal     WAL generations; recovery replays every gen ≥ walGen in order
 *
 * Recovery = load the snapshot, replay the generations after it (skipping records the snapshot
 * already holds), **seal** them — `store-<n>.seal` records how many bytes of each generation were
 * replayed, written durably before anything new is — and start a new generation; then, if any
 * log was replayed, write a fresh snapshot at the head in the background (it makes the replayed
 * generations dead and deletes them), while the shard already serves. So recovery time is one
 * snapshot load plus the log written since the last snapshot, and a killed incarnation's last
 * write, if it ever landed late in an old generation, lies past that generation's seal (or in a
 * generation already below walGen) and is never replayed: it can never be mistaken for a new
 * write (issue 2's "stray frame" hazard). A snapshot at start used to be written before serving
 * for that reason; the seal costs a millisecond instead.
 *
 * While running, a snapshot is taken in the background once the log since the last one reaches
 * `snapshotBytes` and at least the size of the last snapshot (amortised O(1) per byte written):
 * the state is captured at the durable head synchronously, appends move to a new generation at
 * once, and the snapshot file is written while writes go on: chunk by chunk, each chunk encoded
 * and then handed to the thread pool, so a 200 MB snapshot never stops the shard for more than
 * the encoding of one chunk (a few ms) at a time.
 */
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../actors/types.js';
import { WalCorruptError } from './errors.js';
import { Mvcc } from './mvcc.js';
import type { MvccOptions, MvccState, WalRecord } from './mvcc.js';
import { Wal, decodeFrames, encodeFrames, walFile } from './wal.js';
import type { WalOptions, WalSyncPolicy } from './wal.js';

/** DEFAULT_SNAPSHOT_BYTES: log bytes after which a running shard snapshots (64 MiB, like a bbolt-less etcd's snapshot-count). */
export const DEFAULT_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** RecoveryStats describes what open() found and did. */
export interface RecoveryStats {
  snapshotRevision: number;
  snapshotBytes: number;
  walRecords: number;
  tornBytes: number;
  revision: number;
  ms: number;
}

/** snapshotFile names shard n's snapshot. */
export function snapshotFile(dataDir: string, shardId: number): string {
  return join(dataDir, `store-${shardId}.snap`);
}

/** SnapshotV1 is issue 3's first format: the whole state in one frame. */
interface SnapshotV1 {
  v: 1;
  walGen: number;
  state: MvccState;
}

/** SnapshotHeader is the first frame of a version-2 snapshot; `chunks` SnapshotChunk frames follow. */
interface SnapshotHeader extends Omit<MvccState, 'keys'> {
  v: 2;
  walGen: number;
  chunks: number;
}

/** SnapshotChunk is a run of key histories (an object, so the WAL decoder does not flatten it). */
interface SnapshotChunk {
  k: MvccState['keys'];
}

/** SNAPSHOT_CHUNK_BYTES: value bytes per snapshot chunk (one encode between two yields). */
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

/** ShardStorage: see the module comment. */
export class ShardStorage {
  private bytesSinceSnapshot = 0;
  private running: Promise<void> | undefined;

  private constructor(
    private readonly dataDir: string,
    private readonly shardId: number,
    private readonly policy: WalSyncPolicy,
    private readonly log: Logger,
    private readonly tmpTag: string,
    private wal: Wal,
    private gen: number,
    private lastSnapshotBytes: number,
    private readonly snapshotBytes: number,
    private readonly walOptions: WalOptions,
  ) {}

  /** open recovers the shard's state and returns storage ready to append to a fresh generation. */
  static async open(
    opts: { dataDir: string; shardId: number; policy: WalSyncPolicy; log: Logger; tmpTag: string; snapshotBytes?: number; walPreallocBytes?: number; mvcc?: MvccOptions; now: () => number },
  ): Promise<{ storage: ShardStorage; mvcc: Mvcc; stats: RecoveryStats }> {
    const t0 = opts.now();
    const { dataDir, shardId } = opts;
    await mkdir(dataDir, { recursive: true });
    const snap = await readSnapshot(snapshotFile(dataDir, shardId));
    const mvcc = snap ? Mvcc.restore(snap.body.state, opts.mvcc) : new Mvcc(opts.mvcc);
    const fromGen = snap?.body.walGen ?? 0;
    const gens = (await listGens(dataDir, shardId)).filter((g) => g >= fromGen);
    // Generations sealed by an earlier start are read only up to their sealed length.
    const seal = await readSeal(sealFile(dataDir, shardId));
    let walRecords = 0;
    let tornBytes = 0;
    const sealed: [gen: number, bytes: number][] = [];
    for (const g of gens) {
      const r = await Wal.read(walFile(dataDir, shardId, g === 0 ? undefined : g), seal.get(g));
      // A torn tail (a write cut by a kill) is only ever the end of a generation: later ones follow it.
      tornBytes += r.tornBytes;
      for (const rec of r.records) mvcc.replay(rec);
      walRecords += r.records.length;
      sealed.push([g, r.bytes]);
    }
    // Seal what was replayed before anything new is written: a frame that lands in an old
    // generation later (a write of a dead incarnation still in flight) is past its seal and is
    // never replayed, so it cannot shadow a write of this incarnation at the same revision.
    if (gens.length > 0) await writeSeal(dataDir, shardId, opts.tmpTag, sealed);
    const gen = Math.max(fromGen, ...gens) + 1;
    const walOptions: WalOptions = {
      preallocBytes: opts.walPreallocBytes,
      onPreallocError: (err) => opts.log.warn('store wal: preallocation failed; appends go on without it', { shard: shardId, err: err.message }),
    };
    const wal = await Wal.create(walFile(dataDir, shardId, gen), opts.policy, walOptions);
    const storage = new ShardStorage(dataDir, shardId, opts.policy, opts.log, opts.tmpTag, wal, gen, snap?.bytes ?? 0, opts.snapshotBytes ?? DEFAULT_SNAPSHOT_BYTES, walOptions);
    if (walRecords > 0) {
      // Replayed log becomes a snapshot, in the background: the shard serves meanwhile (a restart
      // of a 150,000-pod shard took 1.4–1.6 s with the snapshot written first, 1.0 s without).
      storage.background(storage.writeSnapshot(mvcc.exportState(mvcc.revision), gen));
    } else {
      // Nothing to replay: the snapshot on disk is current, and the generations hold nothing.
      for (const g of gens) await unlinkQuiet(walFile(dataDir, shardId, g === 0 ? undefined : g));
    }
    const stats: RecoveryStats = {
      snapshotRevision: snap?.body.state.revision ?? 0,
      snapshotBytes: snap?.bytes ?? 0,
      walRecords,
      tornBytes,
      revision: mvcc.revision,
      ms: opts.now() - t0,
    };
    return { storage, mvcc, stats };
  }

  /** append writes a group of records to the current generation (one write, + fdatasync under fsync). */
  async append(records: WalRecord[]): Promise<void> {
    if (records.length === 0) return;
    const bytes = await this.wal.append(records);
    this.bytesSinceSnapshot += bytes;
  }

  /** snapshotDue says the log since the last snapshot is big enough to snapshot now. */
  get snapshotDue(): boolean {
    return this.running === undefined && this.bytesSinceSnapshot >= Math.max(this.snapshotBytes, this.lastSnapshotBytes);
  }

  /**
   * snapshot moves appends to a new generation, then writes `state` (captured by the caller at
   * the durable head, before any record of the new generation) in the background.
   */
  async startSnapshot(state: MvccState): Promise<void> {
    const gen = this.gen + 1;
    const next = await Wal.create(walFile(this.dataDir, this.shardId, gen), this.policy, this.walOptions);
    const old = this.wal;
    this.wal = next;
    this.gen = gen;
    this.bytesSinceSnapshot = 0;
    await old.close();
    this.background(this.writeSnapshot(state, gen));
  }

  /** settled resolves once no snapshot is being written (tests; close() waits for it too). */
  async settled(): Promise<void> {
    await this.running;
  }

  private background(snapshot: Promise<void>): void {
    this.running = snapshot
      .catch((err: unknown) => this.log.error('store snapshot failed; the log generations stay', { shard: this.shardId, err: String(err) }))
      .finally(() => (this.running = undefined));
  }

  /** close waits for a running snapshot and closes the log. */
  async close(): Promise<void> {
    await this.running;
    await this.wal.close();
  }

  private async writeSnapshot(state: MvccState, walGen: number): Promise<void> {
    const { keys, ...rest } = state;
    const chunks = chunkKeys(keys);
    const header: SnapshotHeader = { v: 2, walGen, ...rest, chunks: chunks.length };
    const file = snapshotFile(this.dataDir, this.shardId);
    const tmp = `${file}.${this.tmpTag}.tmp`;
    const fh = await open(tmp, 'w');
    let size = 0;
    try {
      // Each frame is encoded just before its write: the await between two writes lets the
      // shard serve txns, so the snapshot costs no long pause however big the state is.
      for (const body of [header, ...chunks.map((k): SnapshotChunk => ({ k }))]) {
        const bytes = encodeFrames([body as unknown as WalRecord]);
        let written = 0;
        while (written < bytes.length) written += (await fh.write(bytes, written, bytes.length - written, size + written)).bytesWritten;
        size += bytes.length;
      }
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await fsyncDir(this.dataDir);
    this.lastSnapshotBytes = size;
    // Everything below walGen is in the snapshot now; leftover tmp files are dead incarnations'.
    for (const g of await listGens(this.dataDir, this.shardId)) if (g < walGen) await unlinkQuiet(walFile(this.dataDir, this.shardId, g === 0 ? undefined : g));
    for (const f of await readdir(this.dataDir)) {
      const tmpOf = f.startsWith(`store-${this.shardId}.snap.`) || f.startsWith(`store-${this.shardId}.seal.`);
      if (tmpOf && f.endsWith('.tmp') && !f.includes(this.tmpTag)) await unlinkQuiet(join(this.dataDir, f));
    }
  }
}

async function readSnapshot(file: string): Promise<{ body: { walGen: number; state: MvccState }; bytes: number } | undefined> {
  let buf: Uint8Array;
  try {
    buf = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // A snapshot is renamed into place only once complete: an unreadable one is corruption.
  const { records, validBytes } = decodeFrames(buf);
  const frames = records as unknown as (SnapshotV1 | SnapshotHeader | SnapshotChunk)[];
  const head = frames[0];
  const complete =
    validBytes === buf.length &&
    head !== undefined &&
    'v' in head &&
    ((head.v === 1 && frames.length === 1) || (head.v === 2 && frames.length === head.chunks + 1 && frames.slice(1).every((f) => 'k' in f)));
  if (!complete) throw new WalCorruptError(file, validBytes, 'snapshot frames are incomplete or fail their crc');
  if (head.v === 1) return { body: head, bytes: buf.length };
  const { v: _v, walGen, chunks: _n, ...rest } = head as SnapshotHeader;
  const keys: MvccState['keys'] = [];
  for (const f of frames.slice(1) as SnapshotChunk[]) for (const kv of f.k) keys.push(kv);
  return { body: { walGen, state: { ...rest, keys } }, bytes: buf.length };
}

/** chunkKeys splits key histories into runs of about SNAPSHOT_CHUNK_BYTES of values each. */
function chunkKeys(keys: MvccState['keys']): MvccState['keys'][] {
  const out: MvccState['keys'][] = [];
  let cur: MvccState['keys'] = [];
  let bytes = 0;
  for (const kh of keys) {
    cur.push(kh);
    for (const e of kh[1]) bytes += 64 + kh[0].length + (e.kv?.value.length ?? 0);
    if (bytes >= SNAPSHOT_CHUNK_BYTES) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** sealFile names shard n's seal: the replayed length of each generation at the last start. */
export function sealFile(dataDir: string, shardId: number): string {
  return join(dataDir, `store-${shardId}.seal`);
}

async function readSeal(file: string): Promise<Map<number, number>> {
  let buf: Uint8Array;
  try {
    buf = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const { records, validBytes } = decodeFrames(buf);
  const body = records[0] as unknown as { v?: number; gens?: [number, number][] } | undefined;
  if (validBytes !== buf.length || body?.v !== 1 || !Array.isArray(body.gens)) throw new WalCorruptError(file, validBytes, 'seal frame is incomplete or fails its crc');
  return new Map(body.gens);
}

/** writeSeal replaces the seal durably (tmp, fdatasync, rename, directory fsync): about a millisecond. */
async function writeSeal(dataDir: string, shardId: number, tmpTag: string, gens: [number, number][]): Promise<void> {
  const file = sealFile(dataDir, shardId);
  const tmp = `${file}.${tmpTag}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.write(encodeFrames([{ v: 1, gens } as unknown as WalRecord]));
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(dataDir);
}

/** listGens returns the WAL generations present for a shard, ascending (0 = the issue-2 single log). */
async function listGens(dataDir: string, shardId: number): Promise<number[]> {
  const re = new RegExp(`^store-${shardId}\\.(?:(\\d+)\\.)?wal$`);
  const gens: number[] = [];
  for (const f of await readdir(dataDir)) {
    const m = re.exec(f);
    if (m) gens.push(m[1] === undefined ? 0 : Number(m[1]));
  }
  return gens.sort((a, b) => a - b);
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function unlinkQuiet(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
