import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clinicCommand, newestReport, PROFILE_TOOLS } from '../../../src/cli/profile.js';

describe('loadtest - kubeactor profile', () => {
  it.each(PROFILE_TOOLS)('runs clinic %s over an inline density bench without opening a browser', (tool) => {
    const argv = clinicCommand(tool, '/tmp/p', '/x/main.js', ['--config', 'c.yaml', '--pods', '10']);
    expect(argv.slice(0, 4)).toEqual([tool, '--open=false', '--dest=/tmp/p', '--']);
    expect(argv.slice(5)).toEqual(['/x/main.js', 'bench', 'density', '--config', 'c.yaml', '--pods', '10', '--inline']);
  });

  it('does not add --inline twice', () => {
    expect(clinicCommand('flame', '/d', '/m.js', ['--inline']).filter((a) => a === '--inline')).toHaveLength(1);
  });

  it('finds the newest HTML report written since the run started', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeactor-profile-test-'));
    expect(newestReport(join(dir, 'missing'), 0)).toBeUndefined();
    writeFileSync(join(dir, 'old.clinic-doctor.html'), '');
    utimesSync(join(dir, 'old.clinic-doctor.html'), 1000, 1000);
    writeFileSync(join(dir, 'new.clinic-doctor.html'), '');
    writeFileSync(join(dir, 'data.json'), '');
    expect(newestReport(dir, 5_000_000)).toBe(join(dir, 'new.clinic-doctor.html'));
    expect(newestReport(dir, Date.now() + 60_000)).toBeUndefined();
  });
});
