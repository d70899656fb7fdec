/**
 * runHost is the body of a host worker: build the Host from workerData, link it to main through
 * parentPort and to peers through the ports main sends (PEER_UP), serve control RPC with comlink.
 *
 * Crash policy (let it crash): an actor crash logs, tells main why (EXIT with the error) and
 * exits the thread with code 1; main's supervisor restarts it.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { RealClock, ScaledClock } from './clock.js';
import { exposeControl } from './control.js';
import { C_EXIT, C_PEER_DOWN, C_PEER_UP, C_READY, C_START, C_STOP, MAIN_HOST, type ControlMessage } from './envelope.js';
import { serializeError } from './errors.js';
import { Host } from './host.js';
import { JsonLogger } from './logger.js';
import { SeededRng, randomSeed } from './rng.js';
import { PortLink } from './transport.js';
import type { ActorRegistry } from './types.js';
import type { WorkerBoot } from './worker-child.js';

/** runHost starts the host described by workerData, with actors from the registry module. */
export async function runHost(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runHost must run inside a worker thread');
  const boot = workerData as WorkerBoot;
  const mod = (await import(boot.registryModule)) as { registry?: ActorRegistry };
  if (!mod.registry) throw new Error(`${boot.registryModule} exports no registry`);
  const log = new JsonLogger({ host: boot.name }, boot.logLevel);
  const real = new RealClock();
  const clock = boot.timeScale === 1 ? real : new ScaledClock(real, boot.timeScale, boot.clockOrigin);
  const host = new Host({
    name: boot.name,
    actors: boot.actors,
    routes: boot.routes,
    registry: mod.registry,
    clock,
    rng: new SeededRng(boot.seed ?? randomSeed()),
    log,
    onCrash: (err) => die(err),
  });
  const peers = new Map<string, MessagePort>();

  function die(err: unknown): never {
    log.error('host crashed', { err: serializeError(err) });
    port!.postMessage([C_EXIT, serializeError(err)]);
    process.exit(1);
  }

  const mainLink = new PortLink(port, host);
  host.addLink(MAIN_HOST, mainLink);
  port.on('message', (m: unknown) => {
    if (m instanceof Uint8Array) {
      mainLink.receive(m);
      return;
    }
    const c = m as ControlMessage;
    switch (c[0]) {
      case C_PEER_UP: {
        const p = c[2] as MessagePort;
        const link = new PortLink(p, host);
        p.on('message', (b: Uint8Array) => link.receive(b));
        peers.get(c[1])?.close();
        peers.set(c[1], p);
        host.addLink(c[1], link);
        return;
      }
      case C_PEER_DOWN:
        host.removeLink(c[1], c[2]);
        peers.get(c[1])?.close();
        peers.delete(c[1]);
        return;
      case C_START:
        host.start().then(
          () => port.postMessage([C_READY]),
          (err) => die(err),
        );
        return;
      case C_STOP:
        void host.stop().then(() => process.exit(0));
        return;
      case C_READY:
      case C_EXIT:
        return;
    }
  });

  const elu = performance.eventLoopUtilization();
  exposeControl(
    {
      stats: () => {
        const mem = process.memoryUsage();
        const cpu = process.cpuUsage();
        return {
          ...host.stats(),
          rssBytes: mem.rss,
          heapUsedBytes: mem.heapUsed,
          cpuUserMicros: cpu.user,
          cpuSystemMicros: cpu.system,
          eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
        };
      },
      ping: () => 'pong',
    },
    boot.control,
  );
}
