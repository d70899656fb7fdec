/**
 * startEtcd (tests and the store bench; not used by clusters) runs a throwaway single-member etcd (/usr/bin/etcd, Debian's etcd-server 3.4) on free
 * loopback ports with its own data dir, for the conformance suite and the store bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** ETCD_BIN is where Debian installs etcd (override with KUBEACTOR_ETCD). */
export const ETCD_BIN = process.env.KUBEACTOR_ETCD ?? '/usr/bin/etcd';

/** etcdAvailable says whether the etcd binary exists. */
export function etcdAvailable(): boolean {
  return existsSync(ETCD_BIN);
}

/** RunningEtcd is a started etcd. */
export interface RunningEtcd {
  endpoint: string;
  dataDir: string;
  /** restart kills etcd (SIGKILL, a crash) and starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** startEtcd starts etcd and resolves once it serves clients (its log says so). */
export async function startEtcd(opts: { unsafeNoFsync?: boolean } = {}): Promise<RunningEtcd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubeactor-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${client}`;
  const args = [
    '--name', 'default',
    '--data-dir', dataDir,
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-cluster', `default=http://127.0.0.1:${peer}`,
    '--log-level', 'error',
    '--logger', 'zap',
  ];
  if (opts.unsafeNoFsync) args.push('--unsafe-no-fsync');
  let running = await launch(args, endpoint);
  return {
    endpoint,
    dataDir,
    async restart() {
      running.proc.kill('SIGKILL');
      await running.exited;
      running = await launch(args, endpoint);
    },
    async stop() {
      running.proc.kill('SIGTERM');
      await running.exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** launch starts the etcd process and resolves once it serves clients. */
async function launch(args: string[], endpoint: string): Promise<{ proc: ChildProcess; exited: Promise<void> }> {
  const proc: ChildProcess = spawn(ETCD_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' } });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // Ready when the client port accepts a health request.
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
    if (i === 199) throw new Error(`etcd did not become healthy: ${stderr}`);
  }
  return { proc, exited };
}
