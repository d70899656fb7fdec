/**
 * e2e: the disruption, serviceaccount and persistentvolume controllers driven by the real kubectl
 * against `kubeactor up` (3 nodes): the `standard` default StorageClass, dynamic provisioning and
 * binding of a class-less claim, static binding, reclaim on claim deletion, the `default`
 * ServiceAccount of a new namespace, and `kubectl get pdb` ALLOWED DISRUPTIONS.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, eventually, kubectlOk, startCli, type CliCluster } from './helpers.js';

const NS = 'vol';

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: ${NS} }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 2Gi } }
`;

const STATIC = `apiVersion: v1
kind: PersistentVolume
metadata: { name: manual-small }
spec:
  capacity: { storage: 1Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: /data/small }
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: manual-big }
spec:
  capacity: { storage: 5Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: /data/big }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: manual, namespace: ${NS} }
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 3Gi } }
`;

describe('e2e - volumes, PodDisruptionBudgets and ServiceAccounts', () => {
  let cluster: CliCluster;
  let kc: string;
  const ok = (args: string[], input?: string): Promise<string> => kubectlOk(kc, args, { input, timeoutMs: 30_000 });

  beforeAll(async () => {
    cluster = await startCli(join(ROOT, 'test/e2e/fixtures/e2e.yaml'));
    kc = cluster.kubeconfig;
    await ok(['create', 'namespace', NS]);
  }, 120_000);

  afterAll(async () => {
    if (!cluster) return;
    const code = await cluster.stop();
    expect(code, cluster.output()).toBe(0);
  });

  it('e2e - a new namespace gets the default ServiceAccount, recreated after deletion', async () => {
    await eventually(async () => (await ok(['get', 'serviceaccounts', '-n', NS, '-o', 'name'])).includes('serviceaccount/default'), 20_000);
    await ok(['delete', 'serviceaccount', 'default', '-n', NS]);
    await eventually(async () => (await ok(['get', 'serviceaccounts', '-n', NS, '-o', 'name'])).includes('serviceaccount/default'), 20_000);
  }, 45_000);

  it('e2e - a claim without a class gets standard, a provisioned pvc-<uid> volume, and is Bound; deleting it deletes the volume', async () => {
    expect(await ok(['get', 'storageclass'])).toMatch(/^standard \(default\)\s+kubeactor\.io\/hostpath\s+Delete\s+Immediate/m);
    await ok(['apply', '-f', '-'], CLAIM);
    await eventually(async () => (await ok(['get', 'pvc', 'data', '-n', NS, '-o', 'jsonpath={.status.phase}'])) === 'Bound', 20_000);
    const uid = await ok(['get', 'pvc', 'data', '-n', NS, '-o', 'jsonpath={.metadata.uid}']);
    const row = await ok(['get', 'pvc', 'data', '-n', NS, '--no-headers']);
    expect(row).toMatch(new RegExp(`^data\\s+Bound\\s+pvc-${uid}\\s+2Gi\\s+RWO\\s+standard`));
    expect(await ok(['get', 'pv', `pvc-${uid}`, '--no-headers'])).toMatch(new RegExp(`^pvc-${uid}\\s+2Gi\\s+RWO\\s+Delete\\s+Bound\\s+${NS}/data\\s+standard`));
    await ok(['delete', 'pvc', 'data', '-n', NS]);
    await eventually(async () => !(await ok(['get', 'pv', '-o', 'name'])).includes(`pvc-${uid}`), 20_000);
  }, 60_000);

  it('e2e - a claim binds the smallest fitting static volume; Retain leaves it Released', async () => {
    await ok(['apply', '-f', '-'], STATIC);
    await eventually(async () => (await ok(['get', 'pvc', 'manual', '-n', NS, '-o', 'jsonpath={.spec.volumeName}/{.status.phase}'])) === 'manual-big/Bound', 20_000);
    expect(await ok(['get', 'pv', 'manual-small', '-o', 'jsonpath={.status.phase}'])).toBe('Available');
    await ok(['delete', 'pvc', 'manual', '-n', NS]);
    await eventually(async () => (await ok(['get', 'pv', 'manual-big', '-o', 'jsonpath={.status.phase}'])) === 'Released', 20_000);
  }, 60_000);

  it('e2e - kubectl get pdb shows ALLOWED DISRUPTIONS as the pods become ready', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3', '-n', NS]);
    await ok(['create', 'pdb', 'web', '-n', NS, '--selector=app=web', '--min-available=2']);
    await ok(['create', 'pdb', 'web-pct', '-n', NS, '--selector=app=web', '--max-unavailable=50%']);
    await ok(['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=40s']);
    await eventually(async () => /^web\s+2\s+N\/A\s+1\s/m.test(await ok(['get', 'pdb', '-n', NS])), 20_000);
    // maxUnavailable 50% of 3 = ceil(1.5) = 2 → desired 1, allowed 2.
    await eventually(async () => /^web-pct\s+N\/A\s+50%\s+2\s/m.test(await ok(['get', 'pdb', '-n', NS])), 20_000);
    const st = JSON.parse(await ok(['get', 'pdb', 'web-pct', '-n', NS, '-o', 'json'])) as { status: Record<string, unknown> };
    expect(st.status).toMatchObject({ expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
    await ok(['scale', 'deployment/web', '--replicas=1', '-n', NS]);
    await eventually(async () => /^web\s+2\s+N\/A\s+0\s/m.test(await ok(['get', 'pdb', '-n', NS])), 30_000);
  }, 90_000);
});
