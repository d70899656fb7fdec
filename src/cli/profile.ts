/**
 * `kubeactor profile <doctor|flame|bubbleprof|heapprofiler> -- <bench args>`: run clinic.js over
 * `kubeactor bench density --inline <bench args>` and say where the report is.
 *
 * Why inline: clinic samples the main thread only (its probes are preloaded into the main
 * isolate; worker threads are other isolates it never sees). In worker mode the main thread runs
 * just the supervisor and the CLI, so a profile would show an idle loop. `--inline` puts every
 * actor — store, apiserver, scheduler, controllers, kubelets — on the main thread, so the flame
 * graph, doctor's event-loop delay and bubbleprof's async flows are the control plane's own.
 * The cost is that contention between threads is not in the picture; `bench density` without
 * `--inline` measures that.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** PROFILE_TOOLS are the clinic tools `kubeactor profile` runs. */
export const PROFILE_TOOLS = ['doctor', 'flame', 'bubbleprof', 'heapprofiler'] as const;
/** ProfileTool is one of {@link PROFILE_TOOLS}. */
export type ProfileTool = (typeof PROFILE_TOOLS)[number];

/** ProfileOptions are the parsed flags of `kubeactor profile`. */
export interface ProfileOptions {
  tool: string;
  /** dest is where clinic writes its data and HTML (default .kubeactor/profiles). */
  dest: string;
  benchArgs: string[];
}

/** clinicCommand builds clinic's argv for a tool: collect, then render the HTML, never open a browser. */
export function clinicCommand(tool: ProfileTool, dest: string, cliMain: string, benchArgs: readonly string[]): string[] {
  const args = [...benchArgs];
  if (!args.includes('--inline')) args.push('--inline');
  return [tool, '--open=false', `--dest=${dest}`, '--', process.execPath, cliMain, 'bench', 'density', ...args];
}

/** newestReport finds the newest `.html` clinic wrote under dest after `since` (ms). */
export function newestReport(dest: string, since: number): string | undefined {
  if (!existsSync(dest)) return undefined;
  let best: { path: string; mtime: number } | undefined;
  for (const name of readdirSync(dest)) {
    if (!name.endsWith('.html')) continue;
    const path = join(dest, name);
    const mtime = statSync(path).mtimeMs;
    if (mtime >= since && (!best || mtime > best.mtime)) best = { path, mtime };
  }
  return best?.path;
}

/** runProfile implements the command; resolves with the exit code. */
export async function runProfile(o: ProfileOptions): Promise<number> {
  if (!(PROFILE_TOOLS as readonly string[]).includes(o.tool)) {
    process.stderr.write(`kubeactor: profile: unknown tool "${o.tool}" (one of ${PROFILE_TOOLS.join(', ')})\n`);
    return 2;
  }
  let clinicBin: string;
  try {
    clinicBin = createRequire(import.meta.url).resolve('clinic/bin.js');
  } catch {
    process.stderr.write('kubeactor: profile needs clinic (npm install --save-dev clinic)\n');
    return 2;
  }
  const dest = resolve(o.dest);
  mkdirSync(dest, { recursive: true });
  const cliMain = fileURLToPath(new URL('./main.js', import.meta.url));
  const argv = clinicCommand(o.tool as ProfileTool, dest, cliMain, o.benchArgs);
  process.stdout.write(`kubeactor: clinic ${argv.join(' ')}\n`);
  const since = Date.now() - 1000;
  // NO_INSIGHT: clinic otherwise asks (and waits) whether it may send usage insights.
  const code = await new Promise<number>((resolvePromise) => {
    const child = spawn(process.execPath, [clinicBin, ...argv], { stdio: 'inherit', env: { ...process.env, NO_INSIGHT: '1' } });
    child.on('exit', (c, signal) => resolvePromise(c ?? (signal ? 1 : 0)));
    child.on('error', () => resolvePromise(1));
  });
  const report = newestReport(dest, since);
  if (!report) {
    process.stderr.write(`kubeactor: clinic ${o.tool} exited with ${code} and wrote no report under ${dest}\n`);
    return code || 1;
  }
  process.stdout.write(`kubeactor: clinic ${o.tool} report: ${report}\n`);
  return code;
}
