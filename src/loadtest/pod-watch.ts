/**
 * PodWatch: the bench's view of its pods, through the apiserver's HTTP API exactly as a
 * clusterloader2 measurement (client-go) would see them: LIST for a resourceVersion, then a
 * chunked WATCH from it, re-watched from the last seen resourceVersion when the stream ends,
 * re-listed after 410 Gone. Every event is handed to `onEvent` with the moment it was read.
 * Uses HTTP and not the actor protocol on purpose: "Running observed by a watch" is a user's
 * observation, and the main thread hosts no actors that could receive pushed watch events.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { KList, Pod } from '../api/types.js';

/** PodWatchOptions configure a PodWatch. */
export interface PodWatchOptions {
  /** server is the apiserver URL, e.g. http://127.0.0.1:41873. */
  server: string;
  namespace: string;
  onEvent: (type: string, pod: Pod, nowMs: number) => void;
  /** now: the observation clock (ms); Date.now by default — the bench measures wall time. */
  now?: () => number;
  /** onError reports a stream failure; the watch retries after it. */
  onError?: (err: Error) => void;
}

interface WatchLine {
  type: string;
  object: Pod & { code?: number; metadata: Pod['metadata'] };
}

function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`GET ${url}: ${res.statusCode} ${body.slice(0, 200)}`));
        else resolve(JSON.parse(body) as T);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** PodWatch: see the file comment. */
export class PodWatch {
  private rv = '';
  private stopped = false;
  private current?: ClientRequest;
  private readonly now: () => number;
  private done?: Promise<void>;

  constructor(private readonly o: PodWatchOptions) {
    this.now = o.now ?? (() => Date.now());
  }

  private get base(): string {
    return `${this.o.server}/api/v1/namespaces/${encodeURIComponent(this.o.namespace)}/pods`;
  }

  /** start lists (pods already there are reported as ADDED) and opens the watch; resolves once it is open. */
  async start(): Promise<void> {
    await this.relist();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    this.done = this.loop(opened);
    await open;
  }

  private async relist(): Promise<void> {
    const list = await getJson<KList<Pod>>(this.base);
    const now = this.now();
    for (const p of list.items) this.o.onEvent('ADDED', p, now);
    this.rv = list.metadata.resourceVersion ?? '';
  }

  private async loop(opened: () => void): Promise<void> {
    let first = true;
    while (!this.stopped) {
      try {
        const gone = await this.watchOnce(() => {
          if (first) opened();
          first = false;
        });
        if (gone && !this.stopped) await this.relist();
      } catch (err) {
        if (this.stopped) break;
        this.o.onError?.(err as Error);
        await new Promise((r) => setTimeout(r, 500));
        try {
          await this.relist();
        } catch {
          // the apiserver is restarting: the next round tries again
        }
      }
    }
    if (first) opened();
  }

  /** watchOnce streams one watch request; resolves true after 410 Gone, false when the stream ended. */
  private watchOnce(onOpen: () => void): Promise<boolean> {
    const url = `${this.base}?watch=1&allowWatchBookmarks=true&timeoutSeconds=600&resourceVersion=${encodeURIComponent(this.rv)}`;
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'application/json' } }, (res: IncomingMessage) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          if (res.statusCode === 410) resolve(true);
          else reject(new Error(`watch ${url}: HTTP ${res.statusCode}`));
          return;
        }
        onOpen();
        let buf = '';
        let gone = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const ev = JSON.parse(line) as WatchLine;
            if (ev.type === 'ERROR') {
              gone = ev.object.code === 410;
              continue;
            }
            if (ev.object.metadata?.resourceVersion) this.rv = ev.object.metadata.resourceVersion;
            if (ev.type === 'BOOKMARK') continue;
            this.o.onEvent(ev.type, ev.object, this.now());
          }
        });
        res.on('end', () => resolve(gone));
        res.on('error', reject);
      });
      this.current = req;
      req.on('error', reject);
      req.end();
    });
  }

  /** stop ends the watch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.destroy();
    await this.done?.catch(() => undefined);
  }
}
