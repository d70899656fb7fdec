/**
 * e2e: a new user's session. `kubeactor up` is started as a process, exactly as `npm start` does,
 * and driven with the real kubectl (the /usr/bin/kubectl dispatcher picks the client from the
 * server's /version). Asserts behaviour, never timings.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, eventually, kubectl, kubectlOk, startCli, type CliCluster } from './helpers.js';

const FIX = join(ROOT, 'test/e2e/fixtures');

interface PodRow {
  name: string;
  ready: string;
  status: string;
  ip: string;
  node: string;
}

function parsePodsWide(out: string): PodRow[] {
  return out
    .trim()
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const c = l.trim().split(/\s+/);
      return { name: c[0], ready: c[1], status: c[2], ip: c[5], node: c[6] };
    });
}

describe('e2e - kubectl workflow against kubeactor up', () => {
  let cluster: CliCluster;
  let kc: string;

  beforeAll(async () => {
    cluster = await startCli(join(FIX, 'e2e.yaml'));
    kc = cluster.kubeconfig;
  }, 180_000);

  afterAll(async () => {
    if (!cluster) return;
    const code = await cluster.stop();
    expect(code, cluster.output()).toBe(0);
    expect(cluster.output()).toContain('stopped');
  });

  it('e2e - kubectl get nodes shows 3 Ready nodes', async () => {
    const out = await kubectlOk(kc, ['get', 'nodes']);
    const rows = out.trim().split('\n').slice(1);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatch(/^worker-\d\s+Ready\s+/);
  });

  it('e2e - apply a Deployment, rollout status completes, pods Running with IPs on nodes', async () => {
    const applied = await kubectlOk(kc, ['apply', '-f', join(FIX, 'deployment-v1.yaml')]);
    expect(applied).toContain('deployment.apps/web created');
    const status = await kubectlOk(kc, ['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(status).toContain('successfully rolled out');
    const pods = parsePodsWide(await kubectlOk(kc, ['get', 'pods', '-o', 'wide']));
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.status).toBe('Running');
      expect(p.ready).toBe('1/1');
      expect(p.ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(p.node).toMatch(/^worker-\d$/);
    }
  });

  it('e2e - a Service gets a ClusterIP and Endpoints with the ready pod IPs', async () => {
    await kubectlOk(kc, ['apply', '-f', join(FIX, 'service.yaml')]);
    const svc = JSON.parse(await kubectlOk(kc, ['get', 'service', 'web', '-o', 'json']));
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const ips = await eventually(async () => {
      const ep = JSON.parse(await kubectlOk(kc, ['get', 'endpoints', 'web', '-o', 'json']));
      const addrs: { ip: string }[] = ep.subsets?.[0]?.addresses ?? [];
      return addrs.length === 3 ? addrs.map((a) => a.ip) : undefined;
    });
    const podIps = parsePodsWide(await kubectlOk(kc, ['get', 'pods', '-o', 'wide'])).map((p) => p.ip);
    expect([...ips].sort()).toEqual([...podIps].sort());
  });

  it('e2e - re-applying with a new image rolls out a new ReplicaSet', async () => {
    const applied = await kubectlOk(kc, ['apply', '-f', join(FIX, 'deployment-v2.yaml')]);
    expect(applied).toContain('deployment.apps/web configured');
    await kubectlOk(kc, ['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    const rs = JSON.parse(await kubectlOk(kc, ['get', 'replicasets', '-o', 'json'])).items as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }[];
    expect(rs).toHaveLength(2);
    const byImage = Object.fromEntries(rs.map((r) => [r.spec.template.spec.containers[0].image, r.spec.replicas]));
    expect(byImage).toEqual({ 'nginx:1.25': 0, 'nginx:1.27': 3 });
    const images = await eventually(async () => {
      const out = await kubectlOk(kc, ['get', 'pods', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
      const list = out.trim().split(/\s+/);
      return list.length === 3 && list.every((i) => i === 'nginx:1.27') ? list : undefined;
    });
    expect(images).toHaveLength(3);
  });

  it('e2e - kubectl get pods -w streams changes while kubectl scale works', async () => {
    const watch = spawn('/usr/bin/kubectl', ['--kubeconfig', kc, 'get', 'pods', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let streamed = '';
    watch.stdout.setEncoding('utf8').on('data', (c: string) => (streamed += c));
    try {
      // The initial list arrives first; only then scale, so the new pods must come from the watch.
      await eventually(async () => streamed.split('\n').filter((l) => /Running/.test(l)).length >= 3);
      const initialLines = streamed.split('\n').length;
      expect(await kubectlOk(kc, ['scale', 'deployment/web', '--replicas=10'])).toContain('scaled');
      await eventually(async () => {
        const pods = parsePodsWide(await kubectlOk(kc, ['get', 'pods', '-o', 'wide']));
        return pods.length === 10 && pods.every((p) => p.status === 'Running');
      }, 90_000);
      await eventually(async () => {
        const names = new Set(streamed.split('\n').slice(1).map((l) => l.split(/\s+/)[0]).filter(Boolean));
        return names.size >= 10 && streamed.split('\n').length > initialLines;
      });
      expect(streamed).toMatch(/Pending|ContainerCreating/);
    } finally {
      watch.kill('SIGTERM');
    }
  });

  it('e2e - invalid input gets a clear 422 and writes nothing', async () => {
    const bad = `apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec:
  replicas: 1
  selector: { matchLabels: { app: broken } }
  template:
    metadata: { labels: { app: broken } }
    spec: { containers: [ { name: c } ] }
`;
    const r = await kubectl(kc, ['apply', '-f', '-'], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is invalid/);
    expect(r.stderr).toContain('spec.template.spec.containers[0].image');
    const get = await kubectl(kc, ['get', 'deployment', 'broken']);
    expect(get.stderr).toContain('NotFound');
  });

  it('e2e - kubectl delete deployment removes its ReplicaSets and pods', async () => {
    expect(await kubectlOk(kc, ['delete', 'deployment', 'web'], { timeoutMs: 90_000 })).toContain('deleted');
    await eventually(async () => {
      const rs = JSON.parse(await kubectlOk(kc, ['get', 'replicasets', '-o', 'json'])).items;
      const pods = JSON.parse(await kubectlOk(kc, ['get', 'pods', '-o', 'json'])).items;
      return rs.length === 0 && pods.length === 0;
    }, 90_000);
  });
});
