/**
 * createApiServer assembles registry, HTTP handler and readiness into one server object, fastify
 * style: inject() serves a request with no socket, listen() binds one. It takes the delegated
 * modules explicitly (deps); server.ts's build() passes the real ones.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, Logger, Rng } from '../actors/types.js';
import type { StoreClient } from '../store/types.js';
import type { ApiServerDeps } from './deps.js';
import { DEFAULT_VERSION, type VersionInfo } from './discovery.js';
import { handleHttp, type HttpContext } from './http-handler.js';
import { DEFAULT_MAX_BODY_BYTES, type HttpRequestLike, type InjectRequest, type InjectResponse, type ResponseWriter } from './http-types.js';
import type { PodLogSource } from './logs.js';
import type { ApiRequest } from './protocol.js';
import { clusterReadiness, type ReadinessReport } from './readiness.js';
import { ApiRegistry } from './registry.js';


/** DRAIN_LIMIT_BYTES: an oversized body up to this size is read and discarded; beyond it the connection is reset. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
/** ApiServerOptions configure a server. */
export interface ApiServerOptions {
  store: StoreClient;
  clock: Clock;
  rng: Rng;
  deps: ApiServerDeps;
  log?: Logger;
  /** serviceCIDR for Service cluster IPs (default 10.96.0.0/12). */
  serviceCIDR?: string;
  /** version overrides fields of /version (minor decides which kubectl the dispatcher runs). */
  version?: Partial<VersionInfo>;
  /** expectedNodes is the Ready-node count /readyz waits for (default 0). */
  expectedNodes?: number;
  /** readiness replaces the default /readyz checks. */
  readiness?: () => ReadinessReport;
  maxBodyBytes?: number;
  historySize?: number;
  /** podLogs reaches the kubelets for pods/log (the apiserver actor passes one). */
  podLogs?: PodLogSource;
}

/** ApiServer is a built (not necessarily listening) API server. */
export interface ApiServer {
  readonly registry: ApiRegistry;
  /** start fills the watch caches; handle/inject/listen call it implicitly. Idempotent. */
  start(): Promise<void>;
  /** handle executes an actor-protocol request (not watch/unwatch) and returns the reply body. */
  handle(req: ApiRequest): Promise<unknown>;
  /** inject serves one HTTP-like request without a socket. */
  inject(req: InjectRequest): Promise<InjectResponse>;
  /** listen binds node:http on port (0 = any) and resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** close stops listening, ends every watch and stops the caches. */
  close(): Promise<void>;
}

/** createApiServer: see the file comment. */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const registry = new ApiRegistry({ store: opts.store, clock: opts.clock, rng: opts.rng, deps: opts.deps, log: opts.log, serviceCIDR: opts.serviceCIDR, historySize: opts.historySize });
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let server: Server | undefined;
  let started: Promise<void> | undefined;
  const sockets = new Set<ServerResponse>();
  const ctx: HttpContext = {
    registry,
    // Custom resources print their CRD's columns; everything else the tables module's.
    deps: { ...opts.deps, toTable: (info, objs, o) => registry.crds.toTable(info, objs, o) ?? opts.deps.toTable(info, objs, o) },
    clock: opts.clock,
    version: { ...DEFAULT_VERSION, ...opts.version },
    readiness: opts.readiness ?? clusterReadiness(registry, opts.clock, opts.expectedNodes ?? 0),
    serverAddress: () => {
      const a = server?.address() as AddressInfo | null | undefined;
      return a ? `${a.address}:${a.port}` : '127.0.0.1:6443';
    },
    maxBodyBytes,
    podLogs: opts.podLogs,
  };
  const start = (): Promise<void> => (started ??= registry.start());

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    sockets.add(res);
    res.on('close', () => sockets.delete(res));
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBodyBytes;
    if (tooLarge) {
      // Discard the body instead of resetting the connection, so the client can read our 413
      // (a reset while it is still sending surfaces as ECONNRESET, not as the Status).
      // Answer only once the body is consumed: closing while the client still writes is EPIPE.
      if (declared <= DRAIN_LIMIT_BYTES) {
        for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.length;
      }
    } else {
      // Never break out of this loop: that destroys the request and resets the connection.
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > DRAIN_LIMIT_BYTES) {
          tooLarge = true;
          req.destroy();
          break;
        }
        if (size > maxBodyBytes) tooLarge = true;
        else chunks.push(chunk);
      }
    }
    const request: HttpRequestLike = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks), bodyTooLarge: tooLarge };
    const writer: ResponseWriter = {
      head: (code, headers) => {
        if (tooLarge) res.setHeader('Connection', 'close');
        res.writeHead(code, headers);
        res.flushHeaders();
      },
      write: (chunk) => {
        res.write(chunk);
      },
      end: (chunk) => {
        res.end(chunk);
        if (tooLarge && !req.readableEnded && declared > DRAIN_LIMIT_BYTES) req.destroy();
      },
      onClose: (fn) => {
        res.on('close', fn);
      },
    };
    await start();
    await handleHttp(ctx, request, writer);
  }

  return {
    registry,
    start,
    async handle(req) {
      await start();
      const { body } = await registry.execute(req);
      // Inline callers share this thread with the cache: hand them a copy they may mutate.
      return structuredClone(body);
    },
    async inject(ir) {
      await start();
      const payload = ir.payload;
      const body =
        payload === undefined ? Buffer.alloc(0) : typeof payload === 'string' ? Buffer.from(payload) : payload instanceof Uint8Array ? Buffer.from(payload) : Buffer.from(JSON.stringify(payload));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(ir.headers ?? {})) headers[k.toLowerCase()] = v;
      if (payload !== undefined && typeof payload === 'object' && !(payload instanceof Uint8Array) && !headers['content-type']) headers['content-type'] = 'application/json';
      return new Promise<InjectResponse>((resolve) => {
        let statusCode = 0;
        let outHeaders: Record<string, string> = {};
        let text = '';
        let done = false;
        const closers: (() => void)[] = [];
        const finish = (): void => {
          if (done) return;
          done = true;
          resolve({ statusCode, headers: outHeaders, body: text, json: <T>() => JSON.parse(text) as T });
        };
        const abort = (): void => {
          for (const fn of closers) fn();
          finish();
        };
        const writer: ResponseWriter = {
          head: (code, h) => {
            statusCode = code;
            outHeaders = h;
          },
          write: (chunk) => {
            text += chunk;
            ir.onChunk?.(chunk);
          },
          end: (chunk) => {
            if (chunk) {
              text += chunk;
              ir.onChunk?.(chunk);
            }
            finish();
          },
          onClose: (fn) => closers.push(fn),
        };
        void handleHttp(ctx, { method: ir.method, url: ir.url, headers, body, bodyTooLarge: body.length > maxBodyBytes }, writer);
        // Registered after the handler's synchronous part so that a watch has opened first.
        if (ir.signal?.aborted) abort();
        else ir.signal?.addEventListener('abort', abort, { once: true });
      });
    },
    async listen(port, host = '127.0.0.1') {
      await start();
      server = createServer((req, res) => {
        onRequest(req, res).catch((err: unknown) => {
          opts.log?.error('request failed', { error: String(err) });
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      });
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    async close() {
      registry.close();
      for (const res of sockets) res.end();
      const s = server;
      server = undefined;
      if (s) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
