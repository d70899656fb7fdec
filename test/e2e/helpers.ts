/**
 * e2e helpers: run the real kubectl (/usr/bin/kubectl, the version dispatcher) against a cluster,
 * start the kubeactor CLI as a user would, and poll for conditions without wall-clock assertions.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

/** Obj is parsed kubectl/-o json output: the tests assert its shape rather than type it. */
export type Obj = Record<string, any>;

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** KubectlOptions: a timeout, stdin, and which kubectl binary (default: the dispatcher). */
export interface KubectlOptions {
  timeoutMs?: number;
  input?: string;
  /** bin is a kubectl binary, e.g. one from pinnedKubectl(). */
  bin?: string;
  /** env adds environment variables (e.g. KUBE_EDITOR for `kubectl edit`). */
  env?: Record<string, string>;
}

/** pinnedKubectl is the path of the pinned kubectl of a minor version (e.g. '1.29'). */
export function pinnedKubectl(minor: string): string {
  return `/usr/lib/google-cloud-sdk/bin/kubectl.${minor}`;
}

/** kubectl runs one command with a private cache dir; never throws on a non-zero exit. */
export function kubectl(kubeconfig: string, args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      opts.bin ?? KUBECTL,
      ['--kubeconfig', kubeconfig, ...args],
      { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...opts.env, KUBECONFIG: kubeconfig } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** kubectlOk runs kubectl and throws with its stderr when it fails. */
export async function kubectlOk(kubeconfig: string, args: string[], opts: KubectlOptions = {}): Promise<string> {
  const r = await kubectl(kubeconfig, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** eventually polls fn until it returns a truthy value, or throws the last error after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error('condition not met');
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** tempDir makes a fresh directory under the OS temp dir. */
export function tempDir(prefix = 'kubeactor-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** CliCluster is a `kubeactor up` process. */
export interface CliCluster {
  proc: ChildProcess;
  kubeconfig: string;
  output(): string;
  /** stop sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** startCli runs `node dist/src/cli/main.js up …` and resolves once it prints that the cluster is ready. */
export async function startCli(config: string, extraArgs: string[] = [], readyTimeoutMs = 120_000): Promise<CliCluster> {
  const dir = tempDir();
  const kubeconfig = join(dir, 'kubeconfig');
  const proc = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'up', '--config', config, '--port', '0', '--kubeconfig', kubeconfig, '--data-dir', join(dir, 'data'), ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster not ready in ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    const check = (): void => {
      if (/is ready/.test(out)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kubeactor up exited with ${code} before ready:\n${out}`));
    });
  });
  return {
    proc,
    kubeconfig,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGINT');
      return exited;
    },
  };
}
