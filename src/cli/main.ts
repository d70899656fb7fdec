#!/usr/bin/env node
/**
 * The kubeactor command line. Thin: parse arguments, call into src/cluster, print for people.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runUp } from './up.js';
import { runChaosCli } from './chaos.js';
import { runBenchDensity } from './bench.js';
import { PROFILE_TOOLS, runProfile } from './profile.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

const program = new Command();
program.name('kubeactor').description('A whole Kubernetes cluster as an actor system on Node.js worker threads').version('0.1.0');
// Usage errors exit 2 like every other bad-input path of the CLI (commander's default is 1);
// set before the subcommands are added, which inherit it.
program.exitOverride();

program
  .command('up')
  .description('start a cluster from a topology file and serve it until interrupted')
  .option('-c, --config <file>', 'topology file', 'config/default.yaml')
  .option('-p, --port <port>', 'apiserver port (0 picks a free one; default: the topology\'s)', port)
  .option('--kubeconfig <path>', 'where to write the kubeconfig', '.kubeactor/kubeconfig')
  .option('--data-dir <dir>', 'store data directory (default: .kubeactor/data/<cluster name>)')
  .option('--keep-data', 'resume from the data directory instead of starting empty', false)
  .option('--inline', 'run every actor on the main thread (profiling, debugging)', false)
  .option('--log-level <level>', 'debug | info | warn | error', 'warn')
  .option('--ready-timeout <seconds>', 'give up if the cluster is not ready in time', (v) => Number(v), 300)
  .action(async (opts) => {
    process.exitCode = await runUp(opts);
  });

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const bench = program.command('bench').description('benchmarks of a whole cluster');
bench
  .command('density')
  .description('clusterloader2-style density test: nodes Ready, pods through Deployments to Running, latencies, SLO verdict')
  .option('-c, --config <file>', 'topology file', 'config/default.yaml')
  .requiredOption('--pods <n>', 'pods to create', (v) => Number(v))
  .option('--qps <q>', 'pods per second to create (default: as fast as possible)', positiveNumber)
  .option('--pods-per-deployment <n>', 'replicas per Deployment', (v) => Number(v), 100)
  .option('--json <path>', 'write the result as JSON')
  .option('--html <path>', 'write an HTML report with charts')
  .option('--inline', 'run every actor on the main thread (what `kubeactor profile` uses)', false)
  .option('--timeout <seconds>', 'give up waiting for pods Running (default max(300, pods/10))', positiveNumber)
  .option('--ready-timeout <seconds>', 'give up waiting for nodes Ready', positiveNumber, 600)
  .option('--log-level <level>', 'debug | info | warn | error', 'error')
  .option('-q, --quiet', 'no progress output', false)
  .action(async (opts) => {
    process.exitCode = await runBenchDensity({ ...opts, perDeployment: opts.podsPerDeployment });
    // Let the event loop drain so 'beforeExit' fires (clinic doctor and bubbleprof flush their data
    // on it); if a stray handle keeps the process alive, flush them ourselves and leave.
    setTimeout(() => {
      if (process.listenerCount('beforeExit') === 0) process.exit();
      process.emit('beforeExit', Number(process.exitCode ?? 0));
      setTimeout(() => process.exit(), 30_000).unref();
    }, 5_000).unref();
  });

program
  .command('profile')
  .description(`profile the control plane with clinic.js over a density run (${PROFILE_TOOLS.join(' | ')})`)
  .argument('<tool>', PROFILE_TOOLS.join(' | '))
  .argument('[benchArgs...]', 'arguments of `bench density`, after --')
  .option('--dest <dir>', 'where clinic writes its data and report', '.kubeactor/profiles')
  .action(async (tool: string, benchArgs: string[], opts: { dest: string }) => {
    process.exitCode = await runProfile({ tool, dest: opts.dest, benchArgs });
  });

program
  .command('chaos')
  .description('run a chaos scenario (kills, paused nodes, link and disk faults) against a topology and check its invariants')
  .requiredOption('-c, --config <file>', 'topology file')
  .requiredOption('-s, --scenario <file>', 'chaos scenario file (config/chaos/*.yaml)')
  .option('--seed <n>', 'seed of every random choice (default: random, printed)', (v) => intArg(v))
  .option('--duration <seconds>', 'fault phase length (overrides the scenario)', (v) => positiveArg(v))
  .option('--json <path>', 'write the JSON report here')
  .option('--html <path>', 'write the HTML report (timeline SVG) here')
  .option('--deterministic', 'run every actor inline on virtual time: the run replays exactly from its seed', false)
  .option('--log-level <level>', 'debug | info | warn | error', 'error')
  .action(async (opts) => {
    process.exitCode = await runChaosCli(opts);
  });

function positiveArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function intArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
}
