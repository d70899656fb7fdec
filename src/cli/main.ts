#!/usr/bin/env node
/**
 * The kubeactor command line. Thin: parse arguments, call into src/cluster, print for people.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runUp } from './up.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

const program = new Command();
program.name('kubeactor').description('A whole Kubernetes cluster as an actor system on Node.js worker threads').version('0.1.0');

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

await program.parseAsync(process.argv);
