/**
 * Loading the --config topology for a command: a bad file is reported once, the same way by every
 * command (`kubeactor: invalid topology` and one `<file>: <field>: <problem>` line per problem).
 */
import { ConfigError, loadTopology, type Topology } from '../cluster/config.js';

/** loadTopologyArg returns the topology, or undefined after printing why it is invalid (exit code 2). */
export function loadTopologyArg(file: string): Topology | undefined {
  try {
    return loadTopology(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`kubeactor: invalid topology\n${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}
