import { afterEach, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../../src/api/meta.js';
import { JOBS, PODS } from '../../../src/api/resources.js';
import type { Pod } from '../../../src/api/types.js';
import type { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { jobController } from '../../../src/controllers/job.js';
import { ttlAfterFinishedController } from '../../../src/controllers/job-ttl.js';
import { formatIndexes, parseIndexes, type Job, type JobSpec } from '../../../src/controllers/job-util.js';
import { ensureNamespace, harness, type Harness } from './harness.js';

function makeJob(name: string, spec: Partial<JobSpec> = {}): Job {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  };
}

const podsOf = (fake: FakeApiClient, job: string): Pod[] => fake.all<Pod>(PODS).filter((p) => p.metadata.ownerReferences?.[0]?.name === job);
const jobOf = (fake: FakeApiClient, name: string): Job => fake.peek<Job>(JOBS, 'default', name) as Job;
const running = (p: Pod): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;
const cond = (j: Job, type: string) => j.status?.conditions?.find((c) => c.type === type);

/** finish sets the phase of running (non-terminal) pods of job, at most n of them. */
async function finish(h: Harness, job: string, phase: 'Succeeded' | 'Failed', n = Infinity): Promise<void> {
  let done = 0;
  for (const p of podsOf(h.fake, job)) {
    if (done >= n || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' || p.metadata.deletionTimestamp) continue;
    await h.fake.updateStatus(PODS, { ...p, status: { ...p.status, phase } });
    done++;
  }
  await h.settle();
}

let h: Harness;
afterEach(() => h?.stop());

async function start(): Promise<Harness> {
  h = harness();
  await ensureNamespace(h.fake);
  await h.start(jobController());
  await h.start(ttlAfterFinishedController());
  return h;
}

describe('job - completions', () => {
  it('runs one pod and completes when it succeeds: status, conditions, completionTime', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('pi'));
    await h.settle();
    const pods = podsOf(h.fake, 'pi');
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(pods[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', controller: true, blockOwnerDeletion: true });
    expect(jobOf(h.fake, 'pi').status).toMatchObject({ active: 1, ready: 0 });
    expect(jobOf(h.fake, 'pi').status?.startTime).toBeTruthy();
    await finish(h, 'pi', 'Succeeded');
    const j = jobOf(h.fake, 'pi');
    expect(j.status).toMatchObject({ active: 0, succeeded: 1, failed: 0 });
    expect(j.status?.completionTime).toBeTruthy();
    expect(cond(j, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(cond(j, 'SuccessCriteriaMet')?.status).toBe('True');
  });

  it.each([
    [5, 2, [2, 2, 1]],
    [3, 5, [3]],
  ])('completions %i with parallelism %i runs waves of %j pods', async (completions, parallelism, waves) => {
    await start();
    await h.fake.create(JOBS, makeJob('w', { completions, parallelism }));
    await h.settle();
    for (const wave of waves) {
      expect(podsOf(h.fake, 'w').filter(running)).toHaveLength(wave);
      await finish(h, 'w', 'Succeeded');
    }
    expect(jobOf(h.fake, 'w').status?.succeeded).toBe(completions);
    expect(cond(jobOf(h.fake, 'w'), 'Complete')?.status).toBe('True');
    expect(podsOf(h.fake, 'w')).toHaveLength(completions);
  });

  it('Indexed: one pod per index with the completion-index annotation/label, completedIndexes', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('ix', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await h.settle();
    const pods = podsOf(h.fake, 'ix');
    const idx = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(idx).toEqual(['0', '1', '2']);
    expect(pods.map((p) => p.metadata.labels?.['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2']);
    expect(pods.find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1')?.metadata.name).toMatch(/^ix-1-/);
    // index 1 fails → replaced with the same index; 0 and 2 succeed
    const byIdx = (i: string) => podsOf(h.fake, 'ix').find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === i && running(p))!;
    for (const [i, phase] of [['0', 'Succeeded'], ['1', 'Failed'], ['2', 'Succeeded']] as const) await h.fake.updateStatus(PODS, { ...byIdx(i), status: { phase } });
    await h.settle();
    expect(jobOf(h.fake, 'ix').status).toMatchObject({ completedIndexes: '0,2', succeeded: 2, failed: 1, active: 1 });
    await h.fake.updateStatus(PODS, { ...byIdx('1'), status: { phase: 'Succeeded' } });
    await h.settle();
    expect(jobOf(h.fake, 'ix').status).toMatchObject({ completedIndexes: '0-2', succeeded: 3 });
    expect(cond(jobOf(h.fake, 'ix'), 'Complete')?.status).toBe('True');
  });

  it('index sets round-trip through the compressed interval format', () => {
    expect(formatIndexes(new Set([5, 0, 1, 2, 7, 8]))).toBe('0-2,5,7-8');
    expect([...parseIndexes('0-2,5,7-8')]).toEqual([0, 1, 2, 5, 7, 8]);
  });
});

describe('job - failures', () => {
  it('replaces failed pods until backoffLimit, then Failed with BackoffLimitExceeded', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('bad', { backoffLimit: 2 }));
    await h.settle();
    for (let i = 0; i < 3; i++) await finish(h, 'bad', 'Failed');
    const j = jobOf(h.fake, 'bad');
    expect(j.status).toMatchObject({ failed: 3, active: 0 });
    expect(cond(j, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(cond(j, 'FailureTarget')?.status).toBe('True');
    expect(podsOf(h.fake, 'bad')).toHaveLength(3);
  });

  it('replaces a failed pod only after the pod-failure back-off (10 s, then 20 s)', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('bo', { backoffLimit: 6 }));
    await h.settle();
    const failNow = async (): Promise<void> => {
      const p = podsOf(h.fake, 'bo').find(running)!;
      const at = rfc3339(h.clock.now());
      await h.fake.updateStatus(PODS, { ...p, status: { phase: 'Failed', containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt: at } } }] } });
      await h.settle();
    };
    await failNow();
    expect(podsOf(h.fake, 'bo').filter(running)).toHaveLength(0);
    await h.advance(9_000);
    expect(podsOf(h.fake, 'bo').filter(running)).toHaveLength(0);
    await h.advance(2_000);
    expect(podsOf(h.fake, 'bo').filter(running)).toHaveLength(1);
    await failNow();
    await h.advance(19_000);
    expect(podsOf(h.fake, 'bo').filter(running)).toHaveLength(0);
    await h.advance(2_000);
    expect(podsOf(h.fake, 'bo').filter(running)).toHaveLength(1);
    expect(jobOf(h.fake, 'bo').status?.failed).toBe(2);
  });

  it('activeDeadlineSeconds fails the job with DeadlineExceeded and deletes its active pods', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }));
    await h.settle();
    expect(podsOf(h.fake, 'slow').filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    await h.advance(29_000);
    expect(cond(jobOf(h.fake, 'slow'), 'Failed')).toBeUndefined();
    await h.advance(2_000);
    expect(cond(jobOf(h.fake, 'slow'), 'Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(podsOf(h.fake, 'slow').filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(0);
  });
});

describe('job - suspend and ttl', () => {
  it('suspend deletes active pods and sets Suspended; resume creates pods again', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('s', { parallelism: 2, completions: 4 }));
    await h.settle();
    expect(podsOf(h.fake, 's')).toHaveLength(2);
    await h.fake.patch(JOBS, 'default', 's', 'merge', { spec: { suspend: true } });
    await h.settle();
    expect(podsOf(h.fake, 's').filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(0);
    expect(cond(jobOf(h.fake, 's'), 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended' });
    expect(jobOf(h.fake, 's').status?.active).toBe(0);
    await h.fake.patch(JOBS, 'default', 's', 'merge', { spec: { suspend: false } });
    await h.settle();
    expect(podsOf(h.fake, 's').filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    expect(cond(jobOf(h.fake, 's'), 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
  });

  it('ttlSecondsAfterFinished deletes the finished job after the TTL, not before', async () => {
    await start();
    await h.fake.create(JOBS, makeJob('t', { ttlSecondsAfterFinished: 10 }));
    await h.settle();
    await finish(h, 't', 'Succeeded');
    await h.advance(9_000);
    expect(h.fake.peek(JOBS, 'default', 't')).toBeDefined();
    await h.advance(2_000);
    expect(h.fake.peek(JOBS, 'default', 't')).toBeUndefined();
  });

  it('a job without completions completes once a pod succeeded and none is active', async () => {
    await start();
    const spec = makeJob('q', { parallelism: 2 }).spec;
    delete spec.completions;
    await h.fake.create(JOBS, { metadata: { name: 'q', namespace: 'default' }, spec });
    await h.settle();
    expect(podsOf(h.fake, 'q')).toHaveLength(2);
    await finish(h, 'q', 'Succeeded', 1);
    expect(cond(jobOf(h.fake, 'q'), 'Complete')).toBeUndefined();
    expect(podsOf(h.fake, 'q')).toHaveLength(2);
    await finish(h, 'q', 'Succeeded');
    expect(cond(jobOf(h.fake, 'q'), 'Complete')?.status).toBe('True');
  });
});
