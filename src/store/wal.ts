/**
 * Wal is a shard's write-ahead log: one file of frames
 *
 *   ┌──────────────┬──────────────┬────────────────────────────────────────┐
 *   │ u32 LE length│ u32 LE crc32 │ msgpack(WalRecord | WalRecord[]) (length B) │  … next frame … zeros
 *   └──────────────┴──────────────┴────────────────────────────────────────┘
 *
 * append() writes a whole group of records as one frame (an array) with one write and, under the
 * 'fsync' policy, one fdatasync; the shard acknowledges those writes only after it resolves. A
 * frame is all or nothing, like the group it carries. A thread killed mid-write leaves at worst a
 * torn last frame (short, or failing its crc): open() stops there and truncates it, so only
 * unacknowledged writes are lost. The crc (an addition to the brief's "length + msgpack") tells a
 * torn tail from a frame that merely looks long enough. Single-record frames (the format before
 * group frames, and snapshots) read the same.
 *
 * Preallocation (etcd's WAL does the same with 64 MB segments): under 'fsync' the file is
 * zero-filled ahead of the writes, in the background, so an append overwrites blocks that already
 * exist and its fdatasync flushes data only — no block allocation, no inode size change, no
 * journal commit. Measured on this VM: 95–100 µs instead of 143–150 µs for a 1.3 KB write, 122 µs
 * instead of 221 µs for a 130 KB group. A log therefore ends in zeros: a zero length after the last
 * frame is its clean end, and only non-zero bytes past the last valid frame count as torn.
 * Snapshots and log generations (shard-storage.ts) bound how much of it is ever replayed.
 */
import { fdatasyncSync, writeSync, writevSync } from 'node:fs';
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import type { WalRecord } from './mvcc.js';

const HEADER = 8;
// Plain maps, not records: a log must decode without state shared with the writer.
// copyBuffers: a replayed value must not pin the whole log buffer in memory.
const packr = new Packr({ useRecords: false, copyBuffers: true });

/** DEFAULT_PREALLOC_BYTES: how far ahead of the writes an 'fsync' log is zero-filled. */
export const DEFAULT_PREALLOC_BYTES = 4 * 1024 * 1024;
/** zeros is the source of preallocation writes (one per thread, allocated on first use). */
let zeros: Uint8Array | undefined;
const ZERO_CHUNK = 1024 * 1024;

/** WalSyncPolicy: 'fsync' = write + fdatasync per group, 'async' = write only. */
export type WalSyncPolicy = 'fsync' | 'async';

/** WalOpenResult is the log, ready to append, and what it held. */
export interface WalOpenResult {
  wal: Wal;
  records: WalRecord[];
  /** tornBytes is how many bytes of a torn tail open() cut off (0 for a clean log). */
  tornBytes: number;
}

/**
 * walFile names shard n's log inside dataDir: generation `gen` is `store-<n>.<gen>.wal` (a new
 * generation starts at every shard start and every snapshot); without gen, the single log of
 * issue 2 (`store-<n>.wal`, read as generation 0).
 */
export function walFile(dataDir: string, shardId: number, gen?: number): string {
  return join(dataDir, gen === undefined ? `store-${shardId}.wal` : `store-${shardId}.${gen}.wal`);
}

/** encodeFrames turns records into one buffer of frames (one write for the whole group). */
export function encodeFrames(records: WalRecord[]): Uint8Array {
  const payloads = records.map((r) => packr.pack(r));
  let size = 0;
  for (const p of payloads) size += HEADER + p.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const p of payloads) {
    view.setUint32(off, p.length, true);
    view.setUint32(off + 4, crc32(p), true);
    out.set(p, off + HEADER);
    off += HEADER + p.length;
  }
  return out;
}

/**
 * encodeGroup turns a group of records into one frame: its 8-byte header and its payload, for a
 * vectored write (the payload is msgpackr's own buffer: no copy into a frame buffer).
 */
export function encodeGroup(records: WalRecord[]): [Uint8Array, Uint8Array] {
  const payload = packr.pack(records);
  const header = new Uint8Array(HEADER);
  const view = new DataView(header.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  return [header, payload];
}

/** decodeFrames reads frames until the end or the first torn/invalid one; validBytes is where it stopped. */
export function decodeFrames(buf: Uint8Array): { records: WalRecord[]; validBytes: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: WalRecord[] = [];
  let off = 0;
  while (off + HEADER <= buf.length) {
    const len = view.getUint32(off, true);
    const crc = view.getUint32(off + 4, true);
    if (off + HEADER + len > buf.length) break;
    const payload = buf.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== crc) break;
    if (len === 0) break; // the zeros of a preallocated tail (an empty payload's crc is 0 too)
    let rec: WalRecord | WalRecord[];
    try {
      rec = packr.unpack(payload) as WalRecord | WalRecord[];
    } catch {
      break; // crc matched but msgpack did not: treat as the tail, like a torn frame
    }
    if (Array.isArray(rec)) for (const r of rec) records.push(r);
    else records.push(rec);
    off += HEADER + len;
  }
  return { records, validBytes: off };
}

/**
 * tornTailBytes is how many bytes after the last valid frame are damage rather than preallocated
 * zeros: up to and including the last non-zero byte (0 when the rest of the file is all zeros).
 */
export function tornTailBytes(buf: Uint8Array, validBytes: number): number {
  const z = zeroChunk();
  for (let end = buf.length; end > validBytes; ) {
    const start = Math.max(validBytes, end - z.length);
    const chunk = buf.subarray(start, end);
    if (Buffer.compare(chunk, z.subarray(0, chunk.length)) !== 0) {
      let i = chunk.length - 1;
      while (chunk[i] === 0) i--;
      return start + i + 1 - validBytes;
    }
    end = start;
  }
  return 0;
}

function zeroChunk(): Uint8Array {
  return (zeros ??= new Uint8Array(ZERO_CHUNK));
}

/** WalOptions tunes a log opened for appends. */
export interface WalOptions {
  /** preallocBytes: zero-fill this far ahead of the writes (fsync policy only; 0 = never). Default 4 MiB. */
  preallocBytes?: number;
  /** onPreallocError hears a failed background zero-fill (appends go on, into unfilled space). */
  onPreallocError?(err: Error): void;
}

/** Wal: see the module comment. Not safe for concurrent append() calls: the shard serializes them. */
export class Wal {
  /** pos is where the next frame goes: the end of the last one. */
  private pos: number;
  /** filledEnd: bytes below it exist on disk (written frames or synced zeros). */
  private filledEnd: number;
  /** filling is the background zero-fill in progress, of [fillFrom, fillFrom + preallocBytes). */
  private filling: Promise<void> | undefined;
  private fillFrom = 0;
  private readonly preallocBytes: number;

  private constructor(
    private readonly fh: FileHandle,
    private readonly policy: WalSyncPolicy,
    /** file is the log's path. */
    readonly file: string,
    start: number,
    private readonly opts: WalOptions,
  ) {
    this.pos = start;
    this.filledEnd = start;
    this.preallocBytes = policy === 'fsync' ? Math.max(0, opts.preallocBytes ?? DEFAULT_PREALLOC_BYTES) : 0;
    this.maybeFill();
  }

  /** open reads the log at file (creating dirs and file as needed), truncates a torn tail, and opens it for appends. */
  static async open(file: string, policy: WalSyncPolicy, opts: WalOptions = {}): Promise<WalOpenResult> {
    await mkdir(join(file, '..'), { recursive: true });
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      buf = new Uint8Array(0);
    }
    const { records, validBytes } = decodeFrames(buf);
    const tornBytes = tornTailBytes(buf, validBytes);
    if (buf.length > validBytes) await truncate(file, validBytes);
    const fh = await open(file, buf.length > 0 ? 'r+' : 'w');
    return { wal: new Wal(fh, policy, file, validBytes, opts), records, tornBytes };
  }

  /**
   * read returns the records of a log file up to its first torn frame (none if it does not
   * exist); `limit` ignores everything past that many bytes (a sealed generation, see
   * shard-storage.ts). `bytes` is where the valid frames end.
   */
  static async read(file: string, limit?: number): Promise<{ records: WalRecord[]; tornBytes: number; bytes: number }> {
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { records: [], tornBytes: 0, bytes: 0 };
    }
    if (limit !== undefined && buf.length > limit) buf = buf.subarray(0, limit);
    const { records, validBytes } = decodeFrames(buf);
    return { records, tornBytes: tornTailBytes(buf, validBytes), bytes: validBytes };
  }

  /** create opens a new, empty log file for appends (truncating a leftover with the same name). */
  static async create(file: string, policy: WalSyncPolicy, opts: WalOptions = {}): Promise<Wal> {
    await mkdir(join(file, '..'), { recursive: true });
    const fh = await open(file, 'w');
    return new Wal(fh, policy, file, 0, opts);
  }

  /**
   * append writes the records as one frame with one write (+ one fdatasync under 'fsync'); resolves
   * to the bytes written. The I/O is synchronous on purpose: a shard owns its thread, a group flush
   * blocks it for about one fdatasync (~0.1 ms here), and the promise API would add two thread-pool
   * round trips (wake-ups of 50–300 µs each on this VM) to every acknowledged write. Writes that
   * arrive during the flush simply join the next group.
   */
  async append(records: WalRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const [header, payload] = encodeGroup(records);
    const size = header.length + payload.length;
    // Never write where a background zero-fill may still land: it would overwrite the frame.
    if (this.filling && this.pos + size > this.fillFrom) await this.filling;
    let written = writevSync(this.fh.fd, [header, payload], this.pos);
    while (written < size) {
      const rest = written < header.length ? concat(header.subarray(written), payload) : payload.subarray(written - header.length);
      written += writeSync(this.fh.fd, rest, 0, rest.length, this.pos + written);
    }
    this.pos += size;
    if (this.pos > this.filledEnd) this.filledEnd = this.pos;
    if (this.policy === 'fsync') fdatasyncSync(this.fh.fd);
    this.maybeFill();
    return size;
  }

  /** maybeFill starts zero-filling the next stretch once the writes come within half of it. */
  private maybeFill(): void {
    if (this.preallocBytes === 0 || this.filling || this.filledEnd - this.pos > this.preallocBytes / 2) return;
    // Leave the first few frames after `pos` to plain appends, so nothing waits for the fill.
    const from = Math.max(this.filledEnd, this.pos + Math.min(64 * 1024, this.preallocBytes / 4));
    this.fillFrom = from;
    this.filling = this.zeroFill(from, this.preallocBytes)
      .then(() => {
        this.filledEnd = Math.max(this.filledEnd, from + this.preallocBytes);
      })
      .catch((err: unknown) => {
        // Appends still work (into unallocated space, at the old speed); stop trying.
        this.filledEnd = Number.POSITIVE_INFINITY;
        this.opts.onPreallocError?.(err as Error);
      })
      .finally(() => {
        this.filling = undefined;
      });
  }

  private async zeroFill(from: number, bytes: number): Promise<void> {
    const z = zeroChunk();
    for (let off = 0; off < bytes; off += z.length) await this.fh.write(z, 0, Math.min(z.length, bytes - off), from + off);
    await this.fh.datasync();
  }

  /** close waits for a zero-fill in progress and closes the file; later appends fail. */
  async close(): Promise<void> {
    await this.filling;
    await this.fh.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
