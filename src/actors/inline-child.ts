/**
 * InlineChild runs a host on the main thread, as a supervised child that behaves like a worker:
 * kill() is a teardown without stopped() hooks, a crash is reported as an exit, and the fabric
 * tells every other host peer-up / peer-down exactly as main does for workers.
 */
import { Host, type HostOptions, type LinkFault } from './host.js';
import type { Fabric, HostChild } from './fabric.js';
import type { HostProcessStats } from './control.js';
import type { ExitInfo } from './supervisor.js';
import { StartupError } from './errors.js';

/** InlineChild: see the module comment. */
export class InlineChild implements HostChild {
  private host: Host | undefined;
  private readonly listeners: ((info: ExitInfo) => void)[] = [];
  private ready = false;
  /** fault: chaos on this host's inbound links; kept across restarts (a network fault outlives a crash). */
  private fault: LinkFault | undefined;

  constructor(
    readonly name: string,
    private readonly hostOptions: () => Omit<HostOptions, 'onCrash'>,
    private readonly fabric: Fabric,
  ) {}

  async start(): Promise<void> {
    const host = new Host({ ...this.hostOptions(), onCrash: (err) => this.ended(host, { reason: 'crash', error: err }) });
    this.host = host;
    this.ready = false;
    host.setFault(this.fault);
    this.fabric.attachInline(this.name, host);
    try {
      await host.start();
    } catch (err) {
      host.teardown();
      this.fabric.detach(this.name, 'worker-exit');
      throw new StartupError(`host ${this.name} failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (host.isDead) throw new StartupError(`host ${this.name} crashed while starting`);
    this.ready = true;
  }

  async kill(): Promise<void> {
    const host = this.host;
    if (!host || host.isDead) return;
    host.teardown();
    this.ended(host, { reason: 'killed' });
  }

  async stop(): Promise<void> {
    const host = this.host;
    if (!host || host.isDead) return;
    await host.stop();
    this.ended(host, { reason: 'normal' });
  }

  /** setFault sets (or clears) the inbound link fault of this host and its later incarnations. */
  setFault(fault: LinkFault | undefined): void {
    this.fault = fault;
    this.host?.setFault(fault);
  }

  onExit(listener: (info: ExitInfo) => void): void {
    this.listeners.push(listener);
  }

  async stats(): Promise<HostProcessStats> {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const base = this.host?.stats() ?? { host: this.name, actors: 0, mailboxDepth: 0, msgsIn: 0, msgsOut: 0, deadLetters: 0, pendingAsks: 0 };
    return { ...base, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system, eventLoopUtilization: 0 };
  }

  /** ended runs once per incarnation: peers hear peer-down, the supervisor hears the exit. */
  private ended(host: Host, info: ExitInfo): void {
    if (this.host !== host) return;
    this.host = undefined;
    host.teardown();
    this.fabric.detach(this.name, info.reason === 'normal' ? 'stopped' : 'worker-exit');
    if (!this.ready) return; // start() reports pre-READY deaths
    this.ready = false;
    for (const l of this.listeners) l(info);
  }
}
