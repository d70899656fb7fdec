/**
 * Benchmark entry: `npm run bench -- <name> [args]`. Each bench is bench/<name>.ts exporting
 * `run(args: string[]): Promise<void>`; add a line to BENCHES to register one.
 */
const BENCHES: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  transport: () => import('./transport.js'),
  large: () => import('./large.js'),
  store: () => import('./store.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? BENCHES[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json PATH]\n`);
  process.exit(2);
}
await (await load()).run(args);
