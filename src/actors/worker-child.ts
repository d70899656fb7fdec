/**
 * WorkerChild is one worker-thread host as a supervised child. start() spawns a fresh Worker,
 * wires it into the fabric (PEER_UP to both ends of every new channel), sends START and resolves
 * on READY. A worker that exits before READY is a start-up failure (start() rejects); after
 * READY its exit is reported once through onExit, and the fabric tells every other host PEER_DOWN.
 */
import { MessageChannel, Worker, type ResourceLimits } from 'node:worker_threads';
import { C_EXIT, C_READY, C_START, C_STOP, type ControlMessage } from './envelope.js';
import { StartupError, deserializeError, type SerializedError } from './errors.js';
import type { Fabric, HostChild } from './fabric.js';
import type { Host } from './host.js';
import { wrapControl, type HostProcessStats } from './control.js';
import { PortLink } from './transport.js';
import type { ExitInfo } from './supervisor.js';
import type { ActorId, ActorSpec, LogLevel } from './types.js';

/** WorkerBoot is the workerData a host worker starts from. */
export interface WorkerBoot {
  name: string;
  actors: ActorSpec[];
  routes: Map<ActorId, string>;
  /** registryModule: file URL of a compiled module exporting `registry`. */
  registryModule: string;
  /** seed makes the host's Rng deterministic (forked per actor). */
  seed?: number;
  timeScale: number;
  /** clockOrigin: the shared origin of scaled time, so every host agrees on now(). */
  clockOrigin: number;
  logLevel: LogLevel;
  /** control is the comlink port (HostControl). */
  control: import('node:worker_threads').MessagePort;
}

/** WorkerChildOptions: what a WorkerChild needs from the runtime. */
export interface WorkerChildOptions {
  name: string;
  workerPath: URL;
  boot: () => Omit<WorkerBoot, 'control'>;
  fabric: Fabric;
  mainHost: Host;
  execArgv?: string[];
  resourceLimits?: ResourceLimits;
  /** stopTimeoutMs bounds a clean stop before the worker is terminated (5 s). */
  stopTimeoutMs?: number;
  /**
   * heartbeat: after READY, ping the host over comlink every intervalMs; a host whose event loop
   * has not answered within timeoutMs is wedged (an endless loop never exits) and is terminated
   * with reason 'hung', so its supervisor restarts it. Off unless set.
   */
  heartbeat?: { intervalMs: number; timeoutMs: number };
}

/** WorkerChild: see the module comment. */
export class WorkerChild implements HostChild {
  readonly name: string;
  private worker: Worker | undefined;
  private control: ReturnType<typeof wrapControl> | undefined;
  private controlPort: import('node:worker_threads').MessagePort | undefined;
  private readonly listeners: ((info: ExitInfo) => void)[] = [];
  private ready = false;
  private ending: 'killed' | 'normal' | 'hung' | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private crashError: unknown;

  constructor(private readonly o: WorkerChildOptions) {
    this.name = o.name;
  }

  start(): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const boot: WorkerBoot = { ...this.o.boot(), control: port2 };
    const worker = new Worker(this.o.workerPath, {
      workerData: boot,
      transferList: [port2],
      execArgv: this.o.execArgv,
      resourceLimits: this.o.resourceLimits,
    });
    this.worker = worker;
    this.controlPort = port1;
    this.control = wrapControl(port1);
    this.ready = false;
    this.ending = undefined;
    this.crashError = undefined;
    const link = new PortLink(worker, this.o.mainHost);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: unknown) => {
        if (m instanceof Uint8Array) {
          link.receive(m);
          return;
        }
        const c = m as ControlMessage;
        if (c[0] === C_READY) {
          this.ready = true;
          this.startHeartbeat(worker);
          resolve();
        } else if (c[0] === C_EXIT && c[1]) this.crashError = deserializeError(c[1] as SerializedError);
      });
      worker.on('error', (err) => {
        this.crashError ??= err;
      });
      worker.on('exit', (code) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        clearInterval(this.heartbeat);
        this.controlPort?.close();
        const reason = this.ending ?? (code === 0 ? 'normal' : 'crash');
        this.o.fabric.detach(this.name, reason === 'normal' ? 'stopped' : 'worker-exit');
        if (!this.ready) {
          const why = this.crashError instanceof Error ? this.crashError.message : `exit code ${code}`;
          reject(new StartupError(`worker ${this.name} exited before READY: ${why}`, { cause: this.crashError }));
          return;
        }
        this.ready = false;
        for (const l of this.listeners) l({ reason, code, error: this.crashError });
      });
      this.o.fabric.attachWorker(this.name, worker, link);
      worker.postMessage([C_START]);
    });
  }

  async kill(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.ending = 'killed';
    await w.terminate();
  }

  /** stop asks the host to run its stopped() hooks and exit; after stopTimeoutMs it is terminated. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.ending = 'normal';
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.postMessage([C_STOP]);
    // Shutdown glue, not actor logic: a real timer bounds a host that hangs in stopped().
    const timer = setTimeout(() => void w.terminate(), this.o.stopTimeoutMs ?? 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** startHeartbeat: liveness glue on real timers (a wedged thread cannot be seen any other way). */
  private startHeartbeat(worker: Worker): void {
    const hb = this.o.heartbeat;
    if (!hb) return;
    let lastAnswer = performance.now();
    let inFlight = false;
    const control = this.control!;
    this.heartbeat = setInterval(() => {
      if (this.worker !== worker) return;
      if (performance.now() - lastAnswer > hb.timeoutMs) {
        this.ending = 'hung';
        void worker.terminate();
        return;
      }
      if (inFlight) return;
      inFlight = true;
      void control.ping().then(() => {
        inFlight = false;
        lastAnswer = performance.now();
      });
    }, hb.intervalMs);
    this.heartbeat.unref();
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.listeners.push(listener);
  }

  async stats(): Promise<HostProcessStats> {
    if (!this.control || !this.worker) throw new StartupError(`worker ${this.name} is not running`);
    return await this.control.stats();
  }
}
