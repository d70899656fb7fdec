/**
 * e2e: `kubeactor chaos` as a user runs it: a 20-second scenario on real worker threads that kills
 * every role (store shard, apiserver, scheduler, controller-manager, node host) while Deployments
 * scale, pods churn and acknowledged writes pile up; every invariant must hold, the JSON report
 * must be complete and the HTML report self-contained.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../src/chaos/report.js';
import { ROOT, tempDir } from './helpers.js';

describe('e2e - kubeactor chaos on worker threads', () => {
  it('e2e - a 20-second run with kills of every role passes its invariants and writes both reports', async () => {
    const dir = tempDir('kubeactor-chaos-');
    const json = join(dir, 'chaos.json');
    const html = join(dir, 'chaos.html');
    const args = ['dist/src/cli/main.js', 'chaos', '--config', 'config/default.yaml', '--scenario', 'config/chaos/every-role.yaml', '--duration', '20', '--seed', '3', '--json', json, '--html', html];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, args, { cwd: ROOT, timeout: 280_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('PASSED');
    const r = JSON.parse(readFileSync(json, 'utf8')) as ChaosReport;
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['seed', 'durationSeconds', 'kills', 'maxRecoveryMs', 'convergedSeconds', 'acknowledgedWritesLost', 'invariantViolations', 'passed']));
    expect(r).toMatchObject({ seed: 3, durationSeconds: 20, acknowledgedWritesLost: 0, invariantViolations: [], passed: true, mode: 'workers' });
    const killed = new Set(r.faults.filter((f) => f.action === 'kill' && !f.skipped).map((f) => f.target.replace(/-\d+$/, '')));
    for (const role of ['store', 'apiserver', 'scheduler', 'controller-manager', 'nodes']) expect(killed, role).toContain(role);
    expect(r.kills).toBeGreaterThanOrEqual(5);
    expect(r.acknowledgedWrites).toBeGreaterThan(10);
    expect(r.convergedSeconds).not.toBeNull();
    expect(r.watch.map((w) => w.resource).sort()).toEqual(['deployments', 'nodes', 'pods', 'replicasets']);
    // The apiserver was killed, so every watch had to re-list at least once after the first list.
    for (const w of r.watch) expect(w.relists, w.resource).toBeGreaterThanOrEqual(2);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|<link|src="http/);
  }, 300_000);
});
