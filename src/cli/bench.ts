/**
 * `kubeactor bench density`: run src/loadtest/density.ts against a topology file, show progress,
 * print the tables and the SLO verdict, write --json and --html. Exit code: 0 when every pod ran
 * (an SLO miss is reported, not an error: the bench measures), 1 when the run did not complete,
 * 2 on bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { JsonLogger } from '../actors/logger.js';
import type { LogLevel } from '../actors/types.js';
import { loadTopologyArg } from './topology-arg.js';
import { DensityTimeoutError, runDensity } from '../loadtest/density.js';
import { createProgress } from '../loadtest/progress.js';
import { renderDensityHtml } from '../loadtest/report-html.js';
import { formatDensityReport } from '../loadtest/report-text.js';
import type { DensityReport } from '../loadtest/result.js';

/** DensityCliOptions are the parsed flags of `kubeactor bench density`. */
export interface DensityCliOptions {
  config: string;
  pods: number;
  qps?: number;
  perDeployment: number;
  json?: string;
  html?: string;
  inline: boolean;
  timeout?: number;
  readyTimeout: number;
  logLevel: string;
  quiet: boolean;
}

function write(path: string, text: string): string {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  return abs;
}

function emit(report: DensityReport, o: DensityCliOptions): void {
  process.stdout.write('\n' + formatDensityReport(report));
  if (o.json) process.stdout.write(`JSON written to ${write(o.json, JSON.stringify(report.json, null, 2) + '\n')}\n`);
  if (o.html) process.stdout.write(`HTML report written to ${write(o.html, renderDensityHtml(report))}\n`);
}

/** runBenchDensity implements the command; resolves with the exit code. */
export async function runBenchDensity(o: DensityCliOptions): Promise<number> {
  if (!Number.isInteger(o.pods) || o.pods < 1) {
    process.stderr.write('kubeactor: --pods must be a positive integer\n');
    return 2;
  }
  if (o.qps !== undefined && !(o.qps > 0)) {
    process.stderr.write('kubeactor: --qps must be a positive number\n');
    return 2;
  }
  const topology = loadTopologyArg(o.config);
  if (!topology) return 2;
  const progress = createProgress(process.stdout, { quiet: o.quiet });
  try {
    const report = await runDensity({
      topology,
      config: o.config,
      pods: o.pods,
      qps: o.qps,
      perDeployment: o.perDeployment,
      mode: o.inline ? 'inline' : undefined,
      readyTimeoutSeconds: o.readyTimeout,
      runningTimeoutSeconds: o.timeout,
      onProgress: (p) => progress.update(p),
      log: new JsonLogger({ bench: 'density' }, o.logLevel as LogLevel),
    });
    progress.stop();
    emit(report, o);
    return 0;
  } catch (err) {
    progress.stop();
    if (err instanceof DensityTimeoutError) {
      process.stderr.write(`kubeactor: ${err.message}\n`);
      emit(err.report, o);
      return 1;
    }
    process.stderr.write(`kubeactor: density run failed: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
