/**
 * Progress output of `kubeactor bench density`: a cli-progress bar on a terminal, a plain line
 * (at most one per `plainEveryMs`, and on every phase change) when stdout is a file or a pipe,
 * so CI logs stay readable.
 */
import { SingleBar } from 'cli-progress';

/** DensityProgress is one progress report of the density run. */
export interface DensityProgress {
  phase: 'starting' | 'nodes' | 'pods' | 'done';
  /** value/total of the phase: nodes Ready of nodes, or pods Running of pods. */
  value: number;
  total: number;
  elapsedSeconds: number;
  /** detail is a short free-text suffix (created/scheduled counts, throughput). */
  detail: string;
}

/** ProgressSink receives progress reports. */
export interface ProgressSink {
  update(p: DensityProgress): void;
  stop(): void;
}

/** plainProgressLine formats a report for a non-terminal. */
export function plainProgressLine(p: DensityProgress): string {
  const what = p.phase === 'nodes' ? 'nodes Ready' : p.phase === 'pods' ? 'pods Running' : p.phase;
  const count = p.phase === 'nodes' || p.phase === 'pods' ? ` ${p.value}/${p.total} ${what}` : ` ${what}`;
  return `[density ${p.elapsedSeconds.toFixed(1)} s]${count}${p.detail ? ` — ${p.detail}` : ''}`;
}

/** createProgress picks the bar on a TTY and plain lines elsewhere; `now` throttles plain lines. */
export function createProgress(out: NodeJS.WritableStream & { isTTY?: boolean }, opts: { plainEveryMs?: number; now?: () => number; quiet?: boolean } = {}): ProgressSink {
  if (opts.quiet) return { update() {}, stop() {} };
  if (out.isTTY) {
    let bar: SingleBar | undefined;
    let phase = '';
    return {
      update(p) {
        if (p.phase !== phase) {
          bar?.stop();
          phase = p.phase;
          bar = new SingleBar({ stream: out, format: `${p.phase.padEnd(6)} |{bar}| {value}/{total} {pct}% | {elapsed} s | {detail}`, hideCursor: true, clearOnComplete: false }, undefined);
          bar.start(Math.max(1, p.total), p.value, { detail: p.detail, elapsed: p.elapsedSeconds.toFixed(0), pct: 0 });
        }
        bar?.setTotal(Math.max(1, p.total));
        bar?.update(p.value, { detail: p.detail, elapsed: p.elapsedSeconds.toFixed(0), pct: p.total ? Math.floor((100 * p.value) / p.total) : 0 });
      },
      stop() {
        bar?.stop();
      },
    };
  }
  const every = opts.plainEveryMs ?? 5_000;
  const now = opts.now ?? (() => Date.now());
  let last = -Infinity;
  let lastPhase = '';
  let completed = false;
  return {
    update(p) {
      const t = now();
      const phaseChanged = p.phase !== lastPhase;
      const completes = p.value >= p.total && !completed;
      if (!phaseChanged && !completes && t - last < every) return;
      if (phaseChanged) completed = false;
      if (p.value >= p.total) completed = true;
      last = t;
      lastPhase = p.phase;
      out.write(plainProgressLine(p) + '\n');
    },
    stop() {},
  };
}
