/**
 * e2e: the CLI's answer to bad input — a CLI message naming the file and the field, exit code 2,
 * and no cluster started.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';

function cli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

describe('cli - bad input gets a clear error and exit code 2', () => {
  const dir = tempDir('kubeactor-cli-');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    ['apiVersion: kubeactor.io/v1alpha1', 'kind: ClusterTopology', 'metadata: { name: t }', 'spec:', '  nodePools:', '    - { name: worker, count: -1 }', '  store: { shards: 1, durability: sometimes }'].join('\n'),
  );

  it.each([
    ['up', ['up', '--config', bad], /bad\.yaml: spec\.nodePools\[0\]\.count: /],
    ['up (second problem in the same file)', ['up', '--config', bad], /bad\.yaml: spec\.store\.durability: /],
    ['bench density', ['bench', 'density', '--config', bad, '--pods', '10'], /bad\.yaml: spec\.nodePools\[0\]\.count: /],
    ['a missing file', ['up', '--config', join(dir, 'missing.yaml')], /missing\.yaml: cannot read file/],
    ['a bad --log-level', ['up', '--config', 'config/default.yaml', '--log-level', 'loud'], /--log-level: must be one of debug, info, warn, error/],
    ['a bad --port', ['up', '--port', '70000'], /must be a port number from 0 to 65535/],
  ])('cli - %s', async (_name, args, message) => {
    const r = await cli(args);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(message);
    expect(r.out).not.toMatch(/is ready/);
  });
});
