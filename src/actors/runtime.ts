/**
 * startRuntime: the top-level API. It builds the routing table from the host specs, starts one
 * supervised child per host (worker threads, or inline hosts on this thread) under one
 * Supervisor, and gives main a `$main` host to tell/ask any actor from.
 *
 *   main thread ─ Supervisor ─┬─ WorkerChild "control"  ─ Worker(dist/workers/host.js)
 *               │             └─ WorkerChild "nodes-0"  ─ Worker(...)
 *               └─ Host "$main" (no actors; the runtime's client) ── links to every host
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { EventEmitter } from 'eventemitter3';
import { RealClock, ScaledClock } from './clock.js';
import type { BackoffOptions } from './backoff.js';
import { MAIN_HOST } from './envelope.js';
import { InvariantError } from './errors.js';
import { Fabric, type HostChild } from './fabric.js';
import { fnv1a } from './placement.js';
import { Host, type LinkFault } from './host.js';
import { InlineChild } from './inline-child.js';
import { NOOP_LOGGER } from './logger.js';
import { SeededRng, randomSeed } from './rng.js';
import { Supervisor, type ChildState, type RestartType, type Strategy, type SupervisorEvents } from './supervisor.js';
import type { ActorId, ActorRegistry, ActorSpec, AskOptions, Clock, Logger, LogLevel, Rng } from './types.js';
import { WorkerChild } from './worker-child.js';
import type { HostProcessStats } from './control.js';

/** HostSpec: a host's name and the actors it runs. */
export interface HostSpec {
  name: string;
  actors: ActorSpec[];
  /** restart type of this host under the runtime's supervisor (permanent unless set). */
  restart?: RestartType;
}

/** RuntimeOptions configure startRuntime. */
export interface RuntimeOptions {
  mode: 'workers' | 'inline';
  hosts: HostSpec[];
  /** registry: the behaviour factories (inline mode builds actors from it). */
  registry?: ActorRegistry;
  /** registryModule: absolute path or file URL of a module exporting `registry` (worker mode). */
  registryModule?: string;
  supervision?: {
    strategy?: Strategy;
    intensity?: { maxRestarts: number; periodMs: number };
    backoff?: BackoffOptions;
    maxStartupFailures?: number;
  };
  /** clock for main and inline hosts (SimClock in tests). Workers use real time × timeScale. */
  clock?: Clock;
  /** rng: a SeededRng makes every host deterministic (forked per host, then per actor). */
  rng?: Rng;
  /** seed: shorthand for rng = new SeededRng(seed). */
  seed?: number;
  timeScale?: number;
  log?: Logger;
  /** logLevel of worker hosts' JSON logs (warn unless set). */
  logLevel?: LogLevel;
  execArgv?: string[];
  resourceLimits?: ResourceLimits;
  /** heartbeat (worker mode): terminate a host whose event loop stops answering; see WorkerChildOptions. */
  heartbeat?: { intervalMs: number; timeoutMs: number };
  /** budget: messages per drain turn per host. */
  budget?: number;
  /** scheduler (inline mode): runs hosts' drain turns instead of setImmediate (the simulator's hook). */
  scheduler?: (fn: () => void) => void;
  /** tracer (inline mode): sees every message dispatched to an actor, as (host, actor, msg). */
  tracer?: (host: string, to: ActorId, msg: unknown) => void;
}

/** HostInfo is a host's name, state and restart count. */
export interface HostInfo {
  name: string;
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  restarts: number;
}

/** RuntimeEvents: the supervisor's events, re-emitted on the runtime's bus. */
export type RuntimeEvents = SupervisorEvents;

/** Runtime is a running actor system. */
export interface Runtime {
  readonly events: EventEmitter<RuntimeEvents>;
  /** tell sends from the built-in `$main` client. */
  tell(to: ActorId, msg: unknown): void;
  /** ask from `$main`; same rejections as ActorContext.ask. */
  ask<R = unknown>(to: ActorId, msg: unknown, opts: AskOptions): Promise<R>;
  /** kill hard-terminates a host (chaos); its supervisor restarts it per its spec. */
  kill(hostName: string): Promise<void>;
  /** stats returns each running host's counters, plus `$main`'s. */
  stats(): Promise<HostProcessStats[]>;
  hosts(): HostInfo[];
  /** whenRunning resolves once the host is running again (after a restart). */
  whenRunning(hostName: string): Promise<void>;
  /** stop stops every host cleanly (stopped() hooks run), last started first. */
  stop(): Promise<void>;
  /**
   * setFault delays or drops messages arriving at a host (chaos); undefined clears it. It lasts
   * across the host's restarts until cleared.
   */
  setFault(hostName: string, fault: LinkFault | undefined): void;
}

/** startRuntime starts every host and resolves when all are READY; rejects if one cannot start. */
export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const log = o.log ?? NOOP_LOGGER;
  const timeScale = o.timeScale ?? 1;
  // One origin for every host's scaled clock, so all agree on now() (workers rebuild it).
  const real = new RealClock();
  const clockOrigin = real.now();
  const clock = o.clock ?? (timeScale === 1 ? real : new ScaledClock(real, timeScale, clockOrigin));
  const rootRng = o.rng ?? new SeededRng(o.seed ?? randomSeed());
  const seeded = rootRng instanceof SeededRng ? rootRng : undefined;
  const routes = buildRoutes(o.hosts);
  const registry = o.registry ?? {};
  const main = new Host({
    name: MAIN_HOST,
    actors: [],
    routes,
    registry,
    clock,
    rng: rootRng,
    log,
    scheduler: o.scheduler,
    onCrash: (err) => log.error('$main host crashed', { err }),
  });
  await main.start(); // no actors: this only lets its queue (replies) drain
  const fabric = new Fabric(main);
  const children = new Map<string, HostChild>();
  // Per-host seeds are drawn once; each incarnation of a host derives its own seed from it and its
  // start count. A run still replays exactly from the root seed, but a restarted host does not
  // repeat its previous life's random choices (generated pod names would collide with the ones it
  // already created).
  const baseSeeds = new Map(o.hosts.map((h) => [h.name, seeded ? Math.floor(seeded.next() * 2 ** 32) : undefined]));
  const starts = new Map<string, number>();
  const seeds = {
    get(name: string): number | undefined {
      const base = baseSeeds.get(name);
      if (base === undefined) return undefined;
      const n = starts.get(name) ?? 0;
      starts.set(name, n + 1);
      return n === 0 ? base : fnv1a(`${base}/${n}`);
    },
  };

  if (o.mode === 'inline') {
    if (!o.registry) throw new InvariantError('inline mode needs a registry');
    for (const h of o.hosts) {
      children.set(
        h.name,
        new InlineChild(
          h.name,
          () => ({
            name: h.name,
            actors: h.actors,
            routes,
            registry,
            clock,
            rng: ((seed) => (seed !== undefined ? new SeededRng(seed) : rootRng))(seeds.get(h.name)),
            log: log.child({ host: h.name }),
            budget: o.budget,
            scheduler: o.scheduler,
            tracer: o.tracer,
          }),
          fabric,
        ),
      );
    }
  } else {
    if (!o.registryModule) throw new InvariantError('worker mode needs registryModule');
    const registryModule = compiledUrl(o.registryModule).href;
    const workerPath = workerEntryUrl();
    for (const h of o.hosts) {
      children.set(
        h.name,
        new WorkerChild({
          name: h.name,
          workerPath,
          fabric,
          mainHost: main,
          execArgv: o.execArgv,
          resourceLimits: o.resourceLimits,
          heartbeat: o.heartbeat,
          boot: () => ({
            name: h.name,
            actors: h.actors,
            routes,
            registryModule,
            seed: seeds.get(h.name),
            timeScale,
            clockOrigin,
            logLevel: o.logLevel ?? 'warn',
          }),
        }),
      );
    }
  }

  const sup = new Supervisor(
    o.hosts.map((h) => ({ child: children.get(h.name)!, restart: h.restart })),
    {
      name: 'runtime',
      strategy: o.supervision?.strategy,
      intensity: o.supervision?.intensity,
      backoff: o.supervision?.backoff,
      maxStartupFailures: o.supervision?.maxStartupFailures,
      clock,
      rng: rootRng,
      log,
    },
  );
  const events = new EventEmitter<RuntimeEvents>();
  const waiters = new Map<string, (() => void)[]>();
  const workerFaults = new Map<string, LinkFault>();
  sup.on('start', (e) => {
    const fault = workerFaults.get(e.child);
    if (fault) main.sendFault(e.child, fault);
    events.emit('start', e);
    for (const w of waiters.get(e.child) ?? []) w();
    waiters.delete(e.child);
  });
  sup.on('exit', (e) => events.emit('exit', e));
  sup.on('restart', (e) => events.emit('restart', e));
  sup.on('escalate', (e) => events.emit('escalate', e));
  await sup.start();

  const state = (name: string): ChildState | undefined => sup.children().find((c) => c.name === name)?.state;
  return {
    events,
    tell: (to, msg) => main.tell(to, msg),
    ask: (to, msg, opts) => main.ask(to, msg, opts),
    async kill(name) {
      const child = children.get(name);
      if (!child) throw new InvariantError(`no host ${name}`);
      await child.kill();
    },
    async stats() {
      const out: HostProcessStats[] = [];
      for (const [name, child] of children) if (state(name) === 'running') out.push(await child.stats());
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      out.push({ ...main.stats(), rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system, eventLoopUtilization: 0 });
      return out;
    },
    hosts: () =>
      sup.children().map((c) => ({
        name: c.name,
        state: c.state === 'idle' ? 'starting' : c.state,
        restarts: c.restarts,
      })),
    whenRunning(name) {
      if (state(name) === 'running') return Promise.resolve();
      return new Promise((r) => waiters.set(name, [...(waiters.get(name) ?? []), r]));
    },
    async stop() {
      await sup.stop();
      main.teardown();
    },
    setFault(name, fault) {
      const child = children.get(name);
      if (!child) throw new InvariantError(`no host ${name}`);
      if (child instanceof InlineChild) return child.setFault(fault);
      // A worker hears it as a FAULT batch on main's data link; a restarted worker hears it again.
      if (fault) workerFaults.set(name, fault);
      else workerFaults.delete(name);
      main.sendFault(name, fault);
    },
  };
}

/** buildRoutes makes the routing table (actor id → host name); a duplicate id is an InvariantError. */
export function buildRoutes(hosts: HostSpec[]): Map<ActorId, string> {
  const routes = new Map<ActorId, string>();
  for (const h of hosts) {
    if (h.name === MAIN_HOST) throw new InvariantError(`host name ${MAIN_HOST} is reserved`);
    for (const a of h.actors) {
      const prev = routes.get(a.id);
      if (prev !== undefined) throw new InvariantError(`actor ${a.id} placed on both ${prev} and ${h.name}`);
      routes.set(a.id, h.name);
    }
  }
  return routes;
}

/** projectRoot is the repository root, whether this module runs from src/ (tsx, vitest) or dist/. */
function projectRoot(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../', here) : new URL('../../../', here);
}

/** workerEntryUrl is dist/workers/host.js: workers always run compiled code. */
export function workerEntryUrl(): URL {
  return new URL('dist/workers/host.js', projectRoot());
}

/**
 * compiledUrl maps a module path to the file a worker can import: a project file outside dist/
 * given as `.ts` — or as a `.js` sibling that only exists compiled, as
 * `new URL('./registry.js', import.meta.url)` yields when the caller runs from src/ under
 * vitest or tsx — is replaced by its compiled twin under dist/ (src/x.ts → dist/src/x.js).
 */
export function compiledUrl(pathOrUrl: string): URL {
  const url = pathOrUrl.startsWith('file:') ? new URL(pathOrUrl) : pathToFileURL(pathOrUrl);
  const root = projectRoot();
  const inProject = url.href.startsWith(root.href) && !url.href.startsWith(new URL('dist/', root).href);
  const isTs = url.pathname.endsWith('.ts');
  if (!inProject || (!isTs && (!url.pathname.endsWith('.js') || existsSync(fileURLToPath(url))))) return url;
  const rel = url.href.slice(root.href.length).replace(/\.(ts|js)$/, '.js');
  const out = new URL('dist/' + rel, root);
  if (!existsSync(fileURLToPath(out))) throw new InvariantError(`${fileURLToPath(out)} not built: run \`npx tsc -p .\` first`);
  return out;
}
