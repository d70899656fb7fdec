/**
 * e2e: `kubeactor bench density` as a user runs it (the built CLI in a child process, stdout not a
 * TTY), on 100 nodes with 1,000 pods. Asserts the JSON is complete and consistent and the HTML
 * report has its charts; never asserts timings.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';

const TOPOLOGY = `apiVersion: kubeactor.io/v1alpha1
kind: ClusterTopology
metadata:
  name: density-e2e
spec:
  store: { shards: 1, durability: async }
  workers: { nodeHosts: 1, controlPlane: separate }
  nodePools:
    - name: worker
      count: 100
      capacity: { cpu: "8", memory: 32Gi, pods: 110 }
`;

const JSON_FIELDS = ['nodes', 'pods', 'nodesReadySeconds', 'podsRunningSeconds', 'schedulingThroughput', 'podStartupLatencyMs', 'apiLatencyMs', 'peakRssMB'];

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: ROOT, timeout: 280_000, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('e2e - kubeactor bench density', () => {
  it('e2e - 100 nodes / 1,000 pods: complete, consistent JSON and an HTML report', async () => {
    const dir = tempDir('kubeactor-density-e2e-');
    const config = join(dir, 'density.yaml');
    writeFileSync(config, TOPOLOGY);
    const json = join(dir, 'out/density.json');
    const html = join(dir, 'out/density.html');
    const r = await run(['bench', 'density', '--config', config, '--pods', '1000', '--pods-per-deployment', '250', '--json', json, '--html', html]);
    expect(r.stderr).not.toContain('density run failed');
    expect(r.code).toBe(0);

    const out = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(JSON_FIELDS);
    expect(out.nodes).toBe(100);
    expect(out.pods).toBe(1000);
    expect(out.nodesReadySeconds).toBeGreaterThan(0);
    expect(out.podsRunningSeconds).toBeGreaterThan(0);
    const tp = out.schedulingThroughput as { avg: number; max: number };
    expect(Object.keys(tp)).toEqual(['avg', 'max']);
    expect(tp.avg).toBeGreaterThan(0);
    expect(tp.max).toBeGreaterThanOrEqual(tp.avg);
    const st = out.podStartupLatencyMs as { p50: number; p90: number; p99: number };
    expect(Object.keys(st)).toEqual(['p50', 'p90', 'p99']);
    expect(st.p50).toBeGreaterThan(0);
    expect(st.p50).toBeLessThanOrEqual(st.p90);
    expect(st.p90).toBeLessThanOrEqual(st.p99);
    // Pods can start no later than the whole run took.
    expect(st.p50).toBeLessThanOrEqual((out.podsRunningSeconds as number) * 1000 + 1000);
    const api = out.apiLatencyMs as Record<string, { p50: number; p99: number }>;
    for (const key of ['POST deployments', 'POST replicasets', 'POST pods', 'POST pods/binding']) expect(api, key).toHaveProperty(key);
    expect(Object.keys(api).some((k) => /^(PUT|PATCH) pods\/status$/.test(k))).toBe(true);
    for (const [key, v] of Object.entries(api)) {
      expect(key).toMatch(/^[A-Z]+ [a-z]+(\/[a-z]+)?$/);
      expect(v.p50, key).toBeLessThanOrEqual(v.p99);
    }
    expect(out.peakRssMB).toBeGreaterThan(0);

    // People's output: plain progress lines (stdout is a pipe), the tables, where the files went.
    expect(r.stdout).toMatch(/\[density [\d.]+ s\] 100\/100 nodes Ready/);
    expect(r.stdout).toMatch(/1000\/1000 pods Running/);
    expect(r.stdout).toContain('| SLO');
    expect(r.stdout).toContain(`JSON written to ${json}`);
    expect(existsSync(html)).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    expect(page).not.toMatch(/<script/);
  }, 300_000);
});
