/**
 * e2e: StatefulSet and DaemonSet controllers driven by the real kubectl against `kubeactor up`
 * (one 3-node cluster): ordered stable pods with claims, `rollout status/history/undo sts`,
 * one daemon pod per node and `rollout status/history/undo ds` across an image update.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, eventually, kubectlOk, startCli, type CliCluster, type Obj } from './helpers.js';

const NS = 'sets';

const STS = `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web, namespace: ${NS} }
spec:
  serviceName: web
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: nginx, image: "nginx:1.25" }] }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;

const DS = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: ${NS} }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { containers: [{ name: agent, image: "busybox:1.36" }] }
`;

describe('e2e - StatefulSet and DaemonSet with kubectl', () => {
  let cluster: CliCluster;
  let kc: string;
  const ok = (args: string[], input?: string): Promise<string> => kubectlOk(kc, args, { input, timeoutMs: 60_000 });
  const json = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const revisions = async (res: string): Promise<number[]> =>
    (await ok(['rollout', 'history', res, '-n', NS]))
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => Number(l.trim().split(/\s+/)[0]));

  beforeAll(async () => {
    cluster = await startCli(join(ROOT, 'test/e2e/fixtures/e2e.yaml'));
    kc = cluster.kubeconfig;
    await ok(['create', 'namespace', NS]);
  }, 150_000);

  afterAll(async () => {
    if (!cluster) return;
    const code = await cluster.stop();
    expect(code, cluster.output()).toBe(0);
  });

  it('e2e - statefulset: ordered stable pods with claims; rollout status, history and undo; scale down', async () => {
    await ok(['apply', '-f', '-'], STS);
    expect(await ok(['rollout', 'status', 'sts/web', '-n', NS, '--timeout=50s'])).toContain('partitioned roll out complete: 3 new pods have been updated');
    const pods = await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web']);
    expect(pods.items.map((p) => p.metadata.name).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(pods.items.map((p) => p.spec.hostname).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    const pvcs = await json<{ items: Obj[] }>(['get', 'pvc', '-n', NS]);
    expect(pvcs.items.map((c) => c.metadata.name).sort()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    // The scheduler's VolumeBinding keeps pods Pending until the PV controller has bound their claims.
    expect(pvcs.items.map((c) => c.status.phase)).toEqual(['Bound', 'Bound', 'Bound']);
    const created = pods.items.map((p) => [p.metadata.name, Date.parse(p.metadata.creationTimestamp)] as const).sort();
    expect(created[0][1]).toBeLessThanOrEqual(created[1][1]);
    expect(created[1][1]).toBeLessThanOrEqual(created[2][1]);

    await ok(['set', 'image', 'sts/web', 'nginx=nginx:1.26', '-n', NS]);
    await eventually(async () => (await json(['get', 'sts/web', '-n', NS])).status?.updatedReplicas === 3, 50_000);
    await ok(['rollout', 'status', 'sts/web', '-n', NS, '--timeout=50s']);
    expect(await revisions('sts/web')).toEqual([1, 2]);
    const r2 = await ok(['rollout', 'history', 'sts/web', '-n', NS, '--revision=2']);
    expect(r2).toContain('statefulset.apps/web with revision #2');
    expect(r2).toContain('nginx:1.26');
    expect(await ok(['rollout', 'undo', 'sts/web', '-n', NS])).toContain('rolled back');
    await eventually(async () => {
      const s = await json(['get', 'sts/web', '-n', NS]);
      return s.spec.template.spec.containers[0].image === 'nginx:1.25' && s.status?.updatedReplicas === 3 && s.status?.currentRevision === s.status?.updateRevision;
    }, 50_000);
    expect(await revisions('sts/web')).toEqual([2, 3]);
    // Scale down removes the highest ordinals; the claims stay (whenScaled: Retain).
    await ok(['scale', 'sts/web', '--replicas=1', '-n', NS]);
    await eventually(async () => {
      const left = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items.map((p) => p.metadata.name);
      return left.length === 1 && left[0] === 'web-0';
    }, 50_000);
    expect((await json<{ items: Obj[] }>(['get', 'pvc', '-n', NS])).items).toHaveLength(3);
  }, 150_000);

  it('e2e - daemonset: one pod per node; rollout status, history and undo across an image update', async () => {
    await ok(['apply', '-f', '-'], DS);
    expect(await ok(['rollout', 'status', 'ds/agent', '-n', NS, '--timeout=50s'])).toContain('daemon set "agent" successfully rolled out');
    const nodes = async (): Promise<string[]> => (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=agent'])).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.nodeName).sort();
    const all = (await json<{ items: Obj[] }>(['get', 'nodes'])).items.map((n) => n.metadata.name).sort();
    expect(await nodes()).toEqual(all);
    await ok(['set', 'image', 'ds/agent', 'agent=busybox:1.37', '-n', NS]);
    expect(await ok(['rollout', 'status', 'ds/agent', '-n', NS, '--timeout=50s'])).toContain('successfully rolled out');
    const ds = await json(['get', 'ds/agent', '-n', NS]);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: all.length, updatedNumberScheduled: all.length, numberAvailable: all.length });
    expect(await revisions('ds/agent')).toEqual([1, 2]);
    expect(await ok(['rollout', 'undo', 'ds/agent', '-n', NS])).toContain('rolled back');
    expect(await ok(['rollout', 'status', 'ds/agent', '-n', NS, '--timeout=50s'])).toContain('successfully rolled out');
    const images = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=agent'])).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0].image);
    expect(images).toEqual(all.map(() => 'busybox:1.36'));
  }, 120_000);
});
