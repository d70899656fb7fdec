/**
 * Wal is a shard's write-ahead log: one append-only file of frames
 *
 *   ┌──────────────┬──────────────┬──────────────────────────────┐
 *   │ u32 LE length│ u32 LE crc32 │ msgpack(WalRecord) (length B) │  … next frame
 *   └──────────────┴──────────────┴──────────────────────────────┘
 *
 * append() writes a whole group of records with one write and, under the 'fsync' policy, one
 * fdatasync; the shard acknowledges those writes only after it resolves. A thread killed
 * mid-write leaves at worst a torn last frame (short, or failing its crc): open() stops there and
 * truncates it, so only unacknowledged writes are lost. The crc (an addition to the brief's
 * "length + msgpack") tells a torn tail from a frame that merely looks long enough.
 * Snapshots and log generations (shard-storage.ts) bound how much of it is ever replayed.
 */
import { fdatasyncSync, writeSync } from 'node:fs';
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
    let rec: WalRecord;
    try {
      rec = packr.unpack(payload) as WalRecord;
    } catch {
      break; // crc matched but msgpack did not: treat as the tail, like a torn frame
    }
    records.push(rec);
    off += HEADER + len;
  }
  return { records, validBytes: off };
}

/** Wal: see the module comment. Not safe for concurrent append() calls: the shard serializes them. */
export class Wal {
  private constructor(
    private readonly fh: FileHandle,
    private readonly policy: WalSyncPolicy,
    /** file is the log's path. */
    readonly file: string,
  ) {}

  /** open reads the log at file (creating dirs and file as needed), truncates a torn tail, and opens it for appends. */
  static async open(file: string, policy: WalSyncPolicy): Promise<WalOpenResult> {
    await mkdir(join(file, '..'), { recursive: true });
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      buf = new Uint8Array(0);
    }
    const { records, validBytes } = decodeFrames(buf);
    const tornBytes = buf.length - validBytes;
    if (tornBytes > 0) await truncate(file, validBytes);
    const fh = await open(file, 'a');
    return { wal: new Wal(fh, policy, file), records, tornBytes };
  }

  /** read returns the records of a log file up to its first torn frame (none if it does not exist). */
  static async read(file: string): Promise<{ records: WalRecord[]; tornBytes: number; bytes: number }> {
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { records: [], tornBytes: 0, bytes: 0 };
    }
    const { records, validBytes } = decodeFrames(buf);
    return { records, tornBytes: buf.length - validBytes, bytes: buf.length };
  }

  /** create opens a new, empty log file for appends (truncating a leftover with the same name). */
  static async create(file: string, policy: WalSyncPolicy): Promise<Wal> {
    await mkdir(join(file, '..'), { recursive: true });
    const fh = await open(file, 'w');
    return new Wal(fh, policy, file);
  }

  /**
   * append writes the records as one write (+ one fdatasync under 'fsync'); resolves to the bytes
   * written. The I/O is synchronous on purpose: a shard owns its thread, a group flush blocks it for
   * about one fdatasync (~0.2 ms here), and the promise API would add two thread-pool round trips
   * (wake-ups of 50–300 µs each on this VM) to every acknowledged write. Writes that arrive during
   * the flush simply join the next group.
   */
  async append(records: WalRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const bytes = encodeFrames(records);
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fh.fd, bytes, written, bytes.length - written);
    if (this.policy === 'fsync') fdatasyncSync(this.fh.fd);
    return bytes.length;
  }

  /** close closes the file; later appends fail. */
  async close(): Promise<void> {
    await this.fh.close();
  }
}
