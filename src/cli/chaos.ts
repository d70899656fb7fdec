/**
 * `kubeactor chaos`: run a chaos scenario against a topology and judge it. Prints the faults as
 * they fire and a summary; writes the JSON and HTML reports when asked. Exit code 0 when every
 * invariant held, 1 when one broke (or the run could not finish), 2 for a bad file or flag.
 */
import { writeFileSync } from 'node:fs';
import { JsonLogger } from '../actors/logger.js';
import { randomSeed } from '../actors/rng.js';
import type { LogLevel } from '../actors/types.js';
import { runChaos } from '../chaos/runner.js';
import { reportHtml, summary } from '../chaos/report.js';
import { loadScenario } from '../chaos/scenario.js';
import { ConfigError, loadTopology } from '../cluster/config.js';

/** ChaosCliOptions are the parsed flags of `kubeactor chaos`. */
export interface ChaosCliOptions {
  config: string;
  scenario: string;
  seed?: number;
  duration?: number;
  json?: string;
  html?: string;
  deterministic: boolean;
  logLevel: string;
}

const say = (line: string): void => {
  process.stdout.write(line + '\n');
};

/** runChaosCli implements `kubeactor chaos`; resolves with the process exit code. */
export async function runChaosCli(o: ChaosCliOptions): Promise<number> {
  let topology;
  let scenario;
  try {
    topology = loadTopology(o.config);
    scenario = loadScenario(o.scenario);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`kubeactor: invalid file\n${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const seed = o.seed ?? randomSeed();
  const started = Date.now();
  say(`kubeactor chaos: scenario "${scenario.metadata.name}" on "${topology.metadata.name}" (${o.deterministic ? 'deterministic' : 'workers'}), seed ${seed}`);
  let report;
  try {
    report = await runChaos({
      topology,
      scenario,
      seed,
      deterministic: o.deterministic,
      durationSeconds: o.duration,
      log: new JsonLogger({ chaos: scenario.metadata.name }, o.logLevel as LogLevel),
      logLevel: o.logLevel as LogLevel,
      progress: (l) => say(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${l}`),
    });
  } catch (err) {
    process.stderr.write(`kubeactor chaos: the run could not finish: ${(err as Error).message}\n`);
    return 1;
  }
  say(summary(report));
  if (o.json) writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
  if (o.html) writeFileSync(o.html, reportHtml(report));
  if (o.json || o.html) say(`reports: ${[o.json, o.html].filter(Boolean).join(', ')}`);
  return report.passed ? 0 : 1;
}
