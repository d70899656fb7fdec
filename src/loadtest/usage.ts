/**
 * UsageSampler: peak RSS of the process, and per worker its peak V8 heap and CPU share, from
 * runtime.stats(). Node 20 has no per-thread CPU counter, so a worker's CPU is its event-loop
 * utilization (the share of time its thread was busy), which is what "one core's %" means for a
 * single-threaded actor host. RSS is per process: every worker shares it.
 */
import type { HostInfo, Runtime } from '../actors/runtime.js';
import type { WorkerUsage } from './result.js';

const MB = 2 ** 20;

interface HostPeak {
  heapBytes: number;
  elu: number;
  msgsIn: number;
}

/** UsageSampler: see the file comment. */
export class UsageSampler {
  private peakRss = 0;
  private readonly hosts = new Map<string, HostPeak>();
  private inFlight = false;
  private readonly cpu0 = process.cpuUsage();
  private cpuMicros = 0;

  /** sampleProcess reads this process's RSS and CPU only (cheap, no worker round trip). */
  sampleProcess(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
    const c = process.cpuUsage(this.cpu0);
    this.cpuMicros = c.user + c.system;
  }

  /** sample asks every host for its stats; a sample still in flight makes this one a no-op. */
  async sample(runtime: Runtime): Promise<void> {
    this.sampleProcess();
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      for (const s of await runtime.stats()) {
        this.peakRss = Math.max(this.peakRss, s.rssBytes);
        const prev = this.hosts.get(s.host);
        this.hosts.set(s.host, { heapBytes: Math.max(prev?.heapBytes ?? 0, s.heapUsedBytes), elu: s.eventLoopUtilization, msgsIn: s.msgsIn });
      }
    } catch {
      // a host is restarting: the next sample catches up
    } finally {
      this.inFlight = false;
    }
  }

  /** peakRssMB is the largest process RSS seen. */
  get peakRssMB(): number {
    return Math.round(this.peakRss / MB);
  }

  /** processCpuSeconds is user+system CPU of the whole process since the sampler was made. */
  get processCpuSeconds(): number {
    return Math.round(this.cpuMicros / 10_000) / 100;
  }

  /** workers lists each host's peaks, in the runtime's host order ($main last). */
  workers(infos: readonly HostInfo[]): WorkerUsage[] {
    const restarts = new Map(infos.map((h) => [h.name, h.restarts]));
    return [...this.hosts.entries()].map(([host, p]) => ({
      host,
      peakHeapMB: Math.round(p.heapBytes / MB),
      cpuPercent: Math.round(p.elu * 1000) / 10,
      msgsIn: p.msgsIn,
      restarts: restarts.get(host) ?? 0,
    }));
  }
}
