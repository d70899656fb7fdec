import { afterEach, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../../src/api/meta.js';
import { CRONJOBS, JOBS } from '../../../src/api/resources.js';
import { cronJobController } from '../../../src/controllers/cronjob.js';
import { CronScheduleError, parseSchedule } from '../../../src/controllers/cronjob-schedule.js';
import type { CronJob, CronJobSpec, Job } from '../../../src/controllers/job-util.js';
import { ensureNamespace, harness, type Harness } from './harness.js';

const T = Date.UTC(2026, 0, 5, 10, 0, 0); // Monday 2026-01-05 10:00:00 UTC
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cronjob - schedule parsing', () => {
  const cases: [string, string | undefined, number, string][] = [
    ['*/15 * * * *', undefined, T, '2026-01-05T10:15:00.000Z'],
    ['0 * * * *', undefined, T, '2026-01-05T11:00:00.000Z'],
    ['@hourly', undefined, T + 1, '2026-01-05T11:00:00.000Z'],
    ['30 2 * * *', undefined, T, '2026-01-06T02:30:00.000Z'],
    ['@daily', undefined, T, '2026-01-06T00:00:00.000Z'],
    ['0 9 * * MON-FRI', undefined, Date.UTC(2026, 0, 9, 10), '2026-01-12T09:00:00.000Z'],
    ['0 0 * * 7', undefined, T, '2026-01-11T00:00:00.000Z'],
    ['0 0 1 */3 *', undefined, T, '2026-04-01T00:00:00.000Z'],
    ['0 0 1 JAN,jul *', undefined, T, '2026-07-01T00:00:00.000Z'],
    ['5,10-12 8 * * *', undefined, T, '2026-01-06T08:05:00.000Z'],
    ['0 0 13 * FRI', undefined, T, '2026-01-09T00:00:00.000Z'], // dom OR dow when both restricted
    ['@yearly', undefined, T, '2027-01-01T00:00:00.000Z'],
    ['@weekly', undefined, T, '2026-01-11T00:00:00.000Z'],
    ['@every 90s', undefined, T, '2026-01-05T10:01:30.000Z'],
    ['0 9 * * *', 'Europe/Berlin', T, '2026-01-06T08:00:00.000Z'], // 09:00 CET = 08:00 UTC
    ['0 9 * * *', 'America/New_York', Date.UTC(2026, 6, 1), '2026-07-01T13:00:00.000Z'], // EDT
  ];
  it.each(cases)('%s (%s) after %s', (expr, tz, after, want) => {
    expect(iso(parseSchedule(expr, tz).next(after))).toBe(want);
  });

  it.each(['* * * *', '61 * * * *', '* * 0 * *', 'x * * * *', '*/0 * * * *', '@every', '@every -1s'])('rejects %s', (expr) => {
    expect(() => parseSchedule(expr)).toThrow(CronScheduleError);
  });
  it('rejects an unknown time zone', () => {
    expect(() => parseSchedule('* * * * *', 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
  it('Feb 30 never comes', () => {
    expect(parseSchedule('0 0 30 2 *').next(T)).toBeUndefined();
  });
});

function makeCronJob(name: string, spec: Partial<CronJobSpec> = {}): CronJob {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

let h: Harness;
afterEach(() => h?.stop());
const jobs = (): Job[] => h.fake.all<Job>(JOBS).filter((j) => !j.metadata.deletionTimestamp).sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
const cj = (name: string): CronJob => h.fake.peek<CronJob>(CRONJOBS, 'default', name) as CronJob;

async function start(): Promise<void> {
  h = harness();
  h.clock.advance(T - h.clock.now() + 30_000); // 10:00:30
  await ensureNamespace(h.fake);
  await h.start(cronJobController());
}

async function finishJob(j: Job, type: 'Complete' | 'Failed'): Promise<void> {
  const now = rfc3339(h.clock.now());
  await h.fake.updateStatus(JOBS, { ...j, status: { ...(type === 'Complete' ? { completionTime: now } : {}), conditions: [{ type, status: 'True', lastTransitionTime: now }] } });
  await h.settle();
}

describe('cronjob - scheduling', () => {
  it('creates <name>-<minutes since epoch> at each schedule time and tracks active / lastScheduleTime', async () => {
    await start();
    await h.fake.create(CRONJOBS, makeCronJob('tick'));
    await h.settle();
    expect(jobs()).toHaveLength(0);
    await h.advance(31_000);
    expect(jobs().map((j) => j.metadata.name)).toEqual([`tick-${(T + 60_000) / 60_000}`]);
    const j = jobs()[0];
    expect(j.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    expect(j.metadata.labels).toMatchObject({ team: 'a' });
    expect(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(rfc3339(T + 60_000));
    expect(cj('tick').status?.lastScheduleTime).toBe(rfc3339(T + 60_000));
    expect(cj('tick').status?.active?.map((r) => r.name)).toEqual([j.metadata.name]);
    await finishJob(j, 'Complete');
    expect(cj('tick').status?.active).toBeUndefined();
    expect(cj('tick').status?.lastSuccessfulTime).toBeTruthy();
    await h.advance(60_000);
    expect(jobs()).toHaveLength(2);
  });

  it('Forbid skips while a job runs; Replace deletes the running job; Allow runs them side by side', async () => {
    await start();
    for (const policy of ['Forbid', 'Replace', 'Allow'] as const) await h.fake.create(CRONJOBS, makeCronJob(policy.toLowerCase(), { concurrencyPolicy: policy }));
    await h.advance(31_000);
    await h.advance(60_000);
    const names = (prefix: string) => jobs().filter((j) => String(j.metadata.name).startsWith(prefix + '-')).length;
    expect(names('forbid')).toBe(1);
    expect(names('replace')).toBe(1);
    expect(cj('replace').status?.active?.[0].name).toBe(`replace-${(T + 120_000) / 60_000}`);
    expect(names('allow')).toBe(2);
  });

  it('suspend stops creating jobs', async () => {
    await start();
    await h.fake.create(CRONJOBS, makeCronJob('s', { suspend: true }));
    await h.advance(180_000, 10_000);
    expect(jobs()).toHaveLength(0);
  });

  it('startingDeadlineSeconds: a missed time too long ago is skipped, a recent one runs', async () => {
    await start();
    await h.fake.create(CRONJOBS, makeCronJob('late', { schedule: '0 * * * *', startingDeadlineSeconds: 60, suspend: true }));
    await h.fake.create(CRONJOBS, makeCronJob('ok', { schedule: '0 * * * *', startingDeadlineSeconds: 300, suspend: true }));
    await h.settle();
    h.clock.advance(T + 3_600_000 + 120_000 - h.clock.now()); // 11:02, the 11:00 run was missed by 120 s
    for (const name of ['late', 'ok']) await h.fake.patch(CRONJOBS, 'default', name, 'merge', { spec: { suspend: false } });
    await h.settle();
    expect(jobs().map((j) => j.metadata.name)).toEqual([`ok-${(T + 3_600_000) / 60_000}`]);
  });

  it('keeps successfulJobsHistoryLimit / failedJobsHistoryLimit finished jobs', async () => {
    await start();
    await h.fake.create(CRONJOBS, makeCronJob('hist', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 }));
    await h.advance(31_000);
    for (let i = 0; i < 4; i++) {
      const running = jobs().filter((j) => !j.status?.conditions);
      for (const j of running) await finishJob(j, i < 3 ? 'Complete' : 'Failed');
      await h.advance(60_000);
    }
    const finished = jobs().filter((j) => j.status?.conditions);
    expect(finished.filter((j) => j.status?.conditions?.[0].type === 'Complete')).toHaveLength(2);
    expect(finished.filter((j) => j.status?.conditions?.[0].type === 'Failed')).toHaveLength(1);
  });
});
