/**
 * e2e: the workflows that live in the controllers, driven by the real kubectl against `kubeactor up`
 * (one shared 3-node cluster): set image and rollout status/history/undo/restart/pause/resume,
 * describe with the Events that the scheduler, controllers and kubelet record, logs, and
 * cordon/drain/uncordon with evictions honouring a PodDisruptionBudget.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, eventually, kubectl, kubectlOk, startCli, type CliCluster, type Obj } from './helpers.js';

const NS = 'roll';

interface Cond {
  type: string;
  status: string;
  reason?: string;
}

describe('e2e - kubectl rollout, describe with events, logs and drain', () => {
  let cluster: CliCluster;
  let kc: string;
  const ok = (args: string[], input?: string): Promise<string> => kubectlOk(kc, args, { input, timeoutMs: 100_000 });
  const json = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const image = async (): Promise<string> => ok(['get', 'deployment', 'web', '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  const rolledOut = async (): Promise<void> => {
    expect(await ok(['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=90s'])).toContain('deployment "web" successfully rolled out');
  };
  const revisions = async (): Promise<number[]> => {
    const out = await ok(['rollout', 'history', 'deployment/web', '-n', NS]);
    return out
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  };

  beforeAll(async () => {
    cluster = await startCli(join(ROOT, 'test/e2e/fixtures/e2e.yaml'));
    kc = cluster.kubeconfig;
    await ok(['create', 'namespace', NS]);
    await ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3', '-n', NS]);
  }, 180_000);

  afterAll(async () => {
    if (!cluster) return;
    const code = await cluster.stop();
    expect(code, cluster.output()).toBe(0);
  });

  it('e2e - set image rolls out a new ReplicaSet; rollout history lists both revisions', async () => {
    await rolledOut();
    expect(await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.26', '-n', NS])).toContain('deployment.apps/web image updated');
    await ok(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image 1.26', '-n', NS]);
    await rolledOut();
    expect(await revisions()).toEqual([1, 2]);
    // The controller copies the deployment's change-cause onto its new ReplicaSet, where history reads it.
    await eventually(async () => /^2\s+image 1\.26$/m.test(await ok(['rollout', 'history', 'deployment/web', '-n', NS])), 30_000);
    const r1 = await ok(['rollout', 'history', 'deployment/web', '-n', NS, '--revision=1']);
    expect(r1).toContain('deployment.apps/web with revision #1');
    expect(r1).toMatch(/Image:\s+nginx:1\.25/);
    const rs = (await json<{ items: Obj[] }>(['get', 'rs', '-n', NS, '-l', 'app=web'])).items;
    const byRev = Object.fromEntries(rs.map((r) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r]));
    expect(byRev['1'].spec.replicas).toBe(0);
    expect(byRev['2'].spec.replicas).toBe(3);
    expect(byRev['2'].spec.template.spec.containers[0].image).toBe('nginx:1.26');
  }, 120_000);

  it('e2e - rollout undo restores the previous template as a new revision; --to-revision picks one', async () => {
    expect(await ok(['rollout', 'undo', 'deployment/web', '-n', NS])).toContain('deployment.apps/web rolled back');
    await rolledOut();
    expect(await image()).toBe('nginx:1.25');
    // Revision 1's ReplicaSet is reused and becomes revision 3, as upstream.
    expect(await revisions()).toEqual([2, 3]);
    expect(await ok(['rollout', 'undo', 'deployment/web', '-n', NS, '--to-revision=2'])).toContain('rolled back');
    await rolledOut();
    expect(await image()).toBe('nginx:1.26');
    expect(await revisions()).toEqual([3, 4]);
    const bad = await kubectl(kc, ['rollout', 'undo', 'deployment/web', '-n', NS, '--to-revision=99']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unable to find specified revision 99 in history');
  }, 120_000);

  it('e2e - rollout restart stamps restartedAt on the template and replaces every pod', async () => {
    const before = new Set((await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items.map((p) => p.metadata.name));
    expect(await ok(['rollout', 'restart', 'deployment/web', '-n', NS])).toContain('deployment.apps/web restarted');
    const d = await json(['get', 'deployment', 'web', '-n', NS]);
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    await rolledOut();
    const after = await eventually(async () => {
      const pods = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items.filter((p) => !p.metadata.deletionTimestamp);
      return pods.length === 3 ? pods.map((p) => p.metadata.name as string) : undefined;
    }, 30_000);
    for (const name of after) expect(before.has(name)).toBe(false);
  }, 120_000);

  it('e2e - rollout pause holds template changes (DeploymentPaused); resume rolls them out', async () => {
    expect(await ok(['rollout', 'pause', 'deployment/web', '-n', NS])).toContain('deployment.apps/web paused');
    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.27', '-n', NS]);
    const paused = await eventually(async () => {
      const d = await json(['get', 'deployment', 'web', '-n', NS]);
      const p = (d.status.conditions as Cond[]).find((c) => c.type === 'Progressing');
      return p?.reason === 'DeploymentPaused' && d.status.observedGeneration === d.metadata.generation ? d : undefined;
    }, 30_000);
    expect(paused.spec.paused).toBe(true);
    expect(paused.status.updatedReplicas).toBe(0);
    const imgs = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items.map((p) => p.spec.containers[0].image);
    expect(imgs.every((i) => i !== 'nginx:1.27')).toBe(true);
    const st = await kubectl(kc, ['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=2s']);
    // kubectl has no paused case: the paused controller observed the change but made no new pods.
    expect(st.code).not.toBe(0);
    expect(st.stdout).toContain('Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...');
    expect(await ok(['rollout', 'resume', 'deployment/web', '-n', NS])).toContain('deployment.apps/web resumed');
    await rolledOut();
    expect((await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
    const d = await json(['get', 'deployment', 'web', '-n', NS]);
    expect((d.status.conditions as Cond[]).find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  }, 120_000);

  it('e2e - describe deployment, pod and node show the recorded events', async () => {
    const dep = await ok(['describe', 'deployment', 'web', '-n', NS]);
    expect(dep).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ (from 0 )?to 3/);
    expect(dep).toMatch(/NewReplicaSet:\s+web-\w+ \(3\/3 replicas created\)/);
    const pod = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items[0];
    const desc = await ok(['describe', 'pod', pod.metadata.name, '-n', NS]);
    expect(desc).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned roll\/\S+ to worker-\d/);
    for (const reason of ['Pulled', 'Created', 'Started']) expect(desc).toMatch(new RegExp(`Normal\\s+${reason}\\s+\\S+\\s+kubelet\\s+`));
    expect(desc).toMatch(/Controlled By:\s+ReplicaSet\/web-\w+/);
    const node = await ok(['describe', 'node', pod.spec.nodeName]);
    expect(node).toMatch(/Non-terminated Pods:/);
    expect(node).toContain(pod.metadata.name);
    expect(node).toMatch(/Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\./);
    expect(node).toMatch(/Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node worker-\d event: Registered Node worker-\d in Controller/);
    const events = await ok(['get', 'events', '-n', NS]);
    expect(events.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    for (const re of [/SuccessfulCreate\s+replicaset\/web-\w+\s+Created pod: web-/, /ScalingReplicaSet\s+deployment\/web\s+Scaled/, /Scheduled\s+pod\/web-/]) expect(events).toMatch(re);
    const fieldSel = await json<{ items: Obj[] }>(['get', 'events', '-n', NS, '--field-selector', `involvedObject.name=${pod.metadata.name}`]);
    expect(fieldSel.items.length).toBeGreaterThan(0);
    expect(fieldSel.items.every((e) => e.involvedObject.name === pod.metadata.name)).toBe(true);
  });

  it('e2e - kubectl logs prints the container log, with --tail and --timestamps', async () => {
    const pod = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items[0];
    const logs = await ok(['logs', pod.metadata.name, '-n', NS]);
    expect(logs.length).toBeGreaterThan(0);
    const tail = await ok(['logs', pod.metadata.name, '-n', NS, '--tail=1', '--timestamps']);
    expect(tail.trim().split('\n')).toHaveLength(1);
    expect(tail).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const c = pod.spec.containers[0].name as string;
    expect(await ok(['logs', pod.metadata.name, '-n', NS, '-c', c, '--tail=1'])).toBe(tail.replace(/^\S+ /, ''));
    const missing = await kubectl(kc, ['logs', pod.metadata.name, '-n', NS, '-c', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('container nope is not valid for pod');
    // -f keeps streaming: the first lines arrive, then the stream stays open until we stop it.
    const follow = spawn('/usr/bin/kubectl', ['--kubeconfig', kc, 'logs', '-f', '--tail=1', pod.metadata.name, '-n', NS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await eventually(async () => out.trim().split('\n').length >= 2, 30_000);
      expect(follow.exitCode).toBeNull();
    } finally {
      follow.kill('SIGTERM');
    }
  }, 60_000);

  it('e2e - cordon, drain blocked by a PodDisruptionBudget, drain after relaxing it, uncordon', async () => {
    await ok(['scale', 'deployment/web', '--replicas=3', '-n', NS]);
    await rolledOut();
    const pods = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items;
    const node = pods[0].spec.nodeName as string;
    expect(await ok(['cordon', node])).toContain(`node/${node} cordoned`);
    expect(await ok(['get', 'node', node])).toMatch(/Ready,SchedulingDisabled/);
    await ok(['create', 'pdb', 'web', '-n', NS, '--selector=app=web', '--min-available=3']);
    const blocked = await kubectl(kc, ['drain', node, '--ignore-daemonsets', '--timeout=5s']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget");
    expect((await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web', '--field-selector', `spec.nodeName=${node}`])).items.length).toBeGreaterThan(0);
    await ok(['patch', 'pdb', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"minAvailable":2}}']);
    const drained = await ok(['drain', node, '--ignore-daemonsets', '--timeout=60s']);
    expect(drained).toContain(`node/${node} drained`);
    expect(drained).toMatch(/evicting pod roll\/web-/);
    const onNode = (await json<{ items: Obj[] }>(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`])).items;
    expect(onNode.filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(0);
    await rolledOut();
    const now = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items;
    expect(now.every((p) => p.spec.nodeName !== node)).toBe(true);
    expect(await ok(['uncordon', node])).toContain(`node/${node} uncordoned`);
    expect((await json(['get', 'node', node])).spec.unschedulable).toBeFalsy();
  }, 120_000);
});
