/**
 * e2e: Jobs and CronJobs with the real kubectl against `kubeactor up` (3 nodes): a busybox Job
 * completes (kubectl wait, COMPLETIONS 1/1, pod Completed), an Indexed Job, a failing Job stops at
 * its backoffLimit, and a CronJob creates a Job that completes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, eventually, kubectlOk, startCli, type CliCluster, type Obj } from './helpers.js';

const NS = 'batch';

describe('e2e - jobs and cronjobs with kubectl', () => {
  let cluster: CliCluster;
  let kc: string;
  const ok = (args: string[], input?: string): Promise<string> => kubectlOk(kc, args, { input, timeoutMs: 60_000 });
  const json = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;

  beforeAll(async () => {
    cluster = await startCli(join(ROOT, 'test/e2e/fixtures/e2e.yaml'));
    kc = cluster.kubeconfig;
    await ok(['create', 'namespace', NS]);
  }, 180_000);

  afterAll(async () => {
    if (!cluster) return;
    const code = await cluster.stop();
    expect(code, cluster.output()).toBe(0);
  });

  it('kubectl create job --image=busybox completes; wait, get jobs 1/1, pod Completed', async () => {
    await ok(['create', 'job', 'hello', '--image=busybox', '-n', NS]);
    expect(await ok(['wait', '--for=condition=complete', 'job/hello', '-n', NS, '--timeout=30s'])).toContain('job.batch/hello condition met');
    const table = await ok(['get', 'jobs', '-n', NS]);
    expect(table).toMatch(/hello\s+(Complete\s+)?1\/1/);
    const pods = await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'job-name=hello']);
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0].status.phase).toBe('Succeeded');
    expect(pods.items[0].status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await ok(['get', 'pods', '-n', NS, '-l', 'job-name=hello'])).toContain('Completed');
    // The exited container keeps its log until the pod is deleted.
    expect((await ok(['logs', 'job/hello', '-n', NS])).length).toBeGreaterThan(0);
  }, 60_000);

  it('an Indexed job with parallelism runs every index; a failing job stops at its backoffLimit', async () => {
    const manifest = `apiVersion: batch/v1
kind: Job
metadata: { name: idx, namespace: ${NS} }
spec:
  completions: 3
  parallelism: 2
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox, command: ["sh", "-c", "sleep 1"] }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: boom, namespace: ${NS} }
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox, command: ["sh", "-c", "exit 2"] }]
`;
    await ok(['apply', '-f', '-'], manifest);
    await ok(['wait', '--for=condition=complete', 'job/idx', '-n', NS, '--timeout=30s']);
    const idx = await json(['get', 'job', 'idx', '-n', NS]);
    expect(idx.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    await ok(['wait', '--for=condition=failed', 'job/boom', '-n', NS, '--timeout=30s']);
    const boom = await json(['get', 'job', 'boom', '-n', NS]);
    expect(boom.status.failed).toBe(2);
    expect(boom.status.conditions.find((c: Obj) => c.type === 'Failed').reason).toBe('BackoffLimitExceeded');
  }, 60_000);

  it('a CronJob creates a Job that completes, and records lastScheduleTime', async () => {
    await ok(['create', 'cronjob', 'every', '--image=busybox', '--schedule=@every 2s', '-n', NS]);
    const job = await eventually(async () => {
      const list = await json<{ items: Obj[] }>(['get', 'jobs', '-n', NS]);
      return list.items.find((j) => j.metadata.ownerReferences?.[0]?.kind === 'CronJob');
    }, 20_000);
    expect(job.metadata.name).toMatch(/^every-\d+$/);
    await ok(['wait', '--for=condition=complete', `job/${job.metadata.name}`, '-n', NS, '--timeout=30s']);
    const cj = await json(['get', 'cronjob', 'every', '-n', NS]);
    expect(cj.status.lastScheduleTime).toBeTruthy();
    await eventually(async () => (await json(['get', 'cronjob', 'every', '-n', NS])).status.lastSuccessfulTime, 20_000);
  }, 60_000);
});
