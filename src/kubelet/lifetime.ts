/**
 * Container lifetime: how long a simulated container runs and how it exits, decided from the pod
 * alone so every run is deterministic (documented in docs/nodes.md, "Containers that finish").
 *
 * Order: the pod annotations `kubeactor.io/run-seconds` / `kubeactor.io/exit-code`; else the
 * command/args (`sleep N`, `true`, `echo …`, `date`, `false`, `exit N`, shell scripts made of
 * those, and `perl|python|node -e …` one-liners); else an image whose default command is a shell
 * with no command exits 0 at once — in pods with restartPolicy OnFailure / Never only: under
 * Always (Deployments, DaemonSets…) it runs until deleted, because `busybox` is the everyday
 * stand-in image of tests and demos and a crash-looping stand-in is never Ready (deviation,
 * see docs/nodes.md); everything else runs until deleted.
 */
import type { Container, Pod } from '../api/types.js';

/** RUN_SECONDS_ANNOTATION overrides how long every container of the pod runs. */
export const RUN_SECONDS_ANNOTATION = 'kubeactor.io/run-seconds';
/** EXIT_CODE_ANNOTATION overrides every container's exit code (default 0). */
export const EXIT_CODE_ANNOTATION = 'kubeactor.io/exit-code';

/** Lifetime is a finite run: the container exits with exitCode after runMs. */
export interface Lifetime {
  runMs: number;
  exitCode: number;
}

/** SHELL_IMAGES are images whose default command is a shell: without a command they exit 0 at once. */
export const SHELL_IMAGES = ['busybox', 'alpine', 'bash', 'ubuntu', 'debian'];
const INTERPRETERS = ['perl', 'python', 'python3', 'node', 'ruby'];
const SHELLS = ['sh', 'bash', 'ash', 'dash', 'zsh'];

function imageName(image: string | undefined): string {
  const ref = (image ?? '').split('@')[0];
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return last.split(':')[0];
}

const base = (s: string): string => s.slice(s.lastIndexOf('/') + 1);

/** parseSeconds reads `5`, `1.5`, `10s`, `2m`, `1h` (`infinity` and garbage → undefined). */
function parseSeconds(s: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(s ?? '');
  if (!m) return undefined;
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]] ?? 1;
  return Number(m[1]) * mult;
}

/** argvLifetime interprets one simple command; undefined = runs forever (or unknown). */
function argvLifetime(argv: string[]): Lifetime | undefined {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) return undefined;
  switch (base(cmd)) {
    case 'sleep': {
      const s = parseSeconds(rest[0]);
      return s === undefined ? undefined : { runMs: Math.round(s * 1000), exitCode: 0 };
    }
    case 'true':
    case 'echo':
    case 'date':
    case 'printf':
    case ':':
      return { runMs: 0, exitCode: 0 };
    case 'false':
      return { runMs: 0, exitCode: 1 };
    case 'exit': {
      const code = rest[0] === undefined ? 0 : Number(rest[0]);
      return Number.isInteger(code) ? { runMs: 0, exitCode: code & 255 } : undefined;
    }
  }
  if (SHELLS.includes(base(cmd))) {
    const c = rest.indexOf('-c');
    return c >= 0 && rest[c + 1] !== undefined ? scriptLifetime(rest[c + 1]) : undefined;
  }
  // `perl -Mbignum=bpi -wle 'print bpi(2000)'` and friends compute and exit.
  if (INTERPRETERS.includes(base(cmd)) && rest.some((a) => /^-\w*[ec]\w*$/.test(a))) return { runMs: 1000, exitCode: 0 };
  return undefined;
}

/** scriptLifetime runs a `sh -c` script of simple statements joined by `;`, `&&` or newlines. */
function scriptLifetime(script: string): Lifetime | undefined {
  let runMs = 0;
  for (const stmt of script.split(/;|&&|\n/).map((s) => s.trim()).filter((s) => s !== '')) {
    const words = stmt.split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, ''));
    const l = argvLifetime(words);
    if (!l) return undefined;
    runMs += l.runMs;
    if (l.exitCode !== 0 || words[0] === 'exit') return { runMs, exitCode: l.exitCode };
  }
  return { runMs, exitCode: 0 };
}

/** containerLifetime decides how container c of pod runs: a Lifetime, or undefined to run until deleted. */
export function containerLifetime(pod: Pod, c: Container): Lifetime | undefined {
  const ann = pod.metadata.annotations ?? {};
  const runS = parseSeconds(ann[RUN_SECONDS_ANNOTATION]);
  const code = ann[EXIT_CODE_ANNOTATION] !== undefined ? Number(ann[EXIT_CODE_ANNOTATION]) : undefined;
  if (runS !== undefined) return { runMs: Math.round(runS * 1000), exitCode: Number.isInteger(code) ? (code as number) & 255 : 0 };
  if (code !== undefined && Number.isInteger(code)) return { runMs: 0, exitCode: code & 255 };
  const command = (c.command as string[] | undefined) ?? [];
  const args = (c.args as string[] | undefined) ?? [];
  const shellImage = SHELL_IMAGES.includes(imageName(c.image));
  if (command.length > 0) return argvLifetime([...command, ...args]);
  // args replace the image's CMD; for a shell image the CMD was the shell, so args are the argv.
  if (args.length > 0) return shellImage ? argvLifetime(args) : undefined;
  const restartAlways = (pod.spec.restartPolicy ?? 'Always') === 'Always';
  return shellImage && !restartAlways ? { runMs: 0, exitCode: 0 } : undefined;
}

/** podLifetime combines the containers: the pod's containers finish when the longest does; the first non-zero exit wins. */
export function podLifetime(pod: Pod): Lifetime | undefined {
  let runMs = 0;
  let exitCode = 0;
  for (const c of pod.spec.containers) {
    const l = containerLifetime(pod, c);
    if (!l) return undefined;
    runMs = Math.max(runMs, l.runMs);
    if (exitCode === 0) exitCode = l.exitCode;
  }
  return { runMs, exitCode };
}

/** crashLoopBackoffMs is the kubelet's restart backoff: 10 s doubling per restart, capped at 5 min. */
export function crashLoopBackoffMs(restartCount: number): number {
  return Math.min(300_000, 10_000 * 2 ** Math.max(0, restartCount - 1));
}
