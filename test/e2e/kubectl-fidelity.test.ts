/**
 * e2e: everyday kubectl workflows against `kubeactor up` (one shared 3-node cluster), with the
 * /usr/bin/kubectl dispatcher (it picks the client matching the server's /version) and, where a
 * wire difference matters (protobuf create bodies from 1.32+, apply/patch paths), the pinned 1.29
 * and 1.33 binaries. Asserts what kubectl prints and what the server stored, never timings.
 * Workflows that live in the controllers (rollout history/undo/restart/pause, events, drain) are
 * covered in kubectl-rollout.test.ts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, eventually, kubectl, kubectlOk, pinnedKubectl, startCli, tempDir, type CliCluster, type Obj } from './helpers.js';

const NS = 'fid';

describe('e2e - kubectl fidelity: get, create, apply, replace, patch, label, delete', () => {
  let cluster: CliCluster;
  let kc: string;
  const dir = tempDir('kubeactor-fid-');
  const ok = (args: string[], input?: string): Promise<string> => kubectlOk(kc, args, { input });
  const json = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

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

  it('e2e - kubectl create makes a namespace, deployment, configmap, secret, service, job and cronjob', async () => {
    const cases: [string[], string][] = [
      [['create', 'namespace', 'made'], 'namespace/made created'],
      [['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3', '-n', NS], 'deployment.apps/web created'],
      [['create', 'configmap', 'cm1', '--from-literal=a=b', '-n', NS], 'configmap/cm1 created'],
      [['create', 'secret', 'generic', 's1', '--from-literal=pw=hunter2', '-n', NS], 'secret/s1 created'],
      [['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080', '-n', NS], 'service/svc1 created'],
      [['create', 'job', 'j1', '--image=busybox', '-n', NS, '--', 'echo', 'hi'], 'job.batch/j1 created'],
      [['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *', '-n', NS, '--', 'echo', 'hi'], 'cronjob.batch/cj1 created'],
    ];
    for (const [args, want] of cases) expect(await ok(args)).toContain(want);
    const secret = await json(['get', 'secret', 's1', '-n', NS]);
    expect(Buffer.from(secret.data.pw, 'base64').toString()).toBe('hunter2');
    const svc = await json(['get', 'service', 'svc1', '-n', NS]);
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });
    expect(svc.spec.clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    const cj = await json(['get', 'cronjob', 'cj1', '-n', NS]);
    expect(cj.spec.schedule).toBe('*/5 * * * *');
    const ns = await json(['get', 'namespace', 'made']);
    expect(ns.status.phase).toBe('Active');
    const st = await ok(['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=90s']);
    expect(st).toContain('successfully rolled out');
  }, 120_000);

  it.each(['1.29', '1.33'])('e2e - pinned kubectl %s creates, gets and deletes a configmap', async (minor) => {
    const bin = pinnedKubectl(minor);
    const name = `pinned-${minor.replace('.', '-')}`;
    expect(await kubectlOk(kc, ['version', '--client'], { bin })).toContain(`v${minor}`);
    expect(await kubectlOk(kc, ['create', 'configmap', name, '--from-literal=v=' + minor, '-n', NS], { bin })).toContain(`configmap/${name} created`);
    expect(await kubectlOk(kc, ['get', 'configmap', name, '-n', NS, '-o', 'jsonpath={.data.v}'], { bin })).toBe(minor);
    expect(await kubectlOk(kc, ['apply', '-f', '-'], { bin, input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${NS}}\ndata: {v: "applied"}\n` })).toContain(`configmap/${name} configured`);
    const dep = `pinned-${minor.replace('.', '-')}`;
    expect(await kubectlOk(kc, ['create', 'deployment', dep, '--image=busybox', '-n', NS], { bin })).toContain(`deployment.apps/${dep} created`);
    expect(await kubectlOk(kc, ['explain', 'deployment.spec.strategy.type'], { bin })).toMatch(/FIELD:\s+type <string>/);
    await kubectlOk(kc, ['delete', 'deployment', dep, '-n', NS], { bin });
    expect(await kubectlOk(kc, ['get', 'deployments', '-n', NS, '-l', 'app=web'], { bin })).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+/);
    expect(await kubectlOk(kc, ['delete', 'configmap', name, '-n', NS], { bin })).toContain(`configmap "${name}" deleted`);
  });

  it('e2e - kubectl get -o wide/yaml/json, -A, -l and --show-labels', async () => {
    const wide = await ok(['get', 'pods', '-n', NS, '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const all = await ok(['get', 'pods', '-A']);
    expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    // web's 3 pods (job j1's Completed pod is listed too since the Job controller exists).
    expect(all.trim().split('\n').slice(1).filter((l) => l.startsWith(NS) && /\sweb-/.test(l))).toHaveLength(3);
    const yaml = await ok(['get', 'deployment', 'web', '-n', NS, '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    const list = await json<{ kind: string; items: unknown[] }>(['get', 'pods', '-n', NS, '-l', 'app=web']);
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(3);
    expect((await json<{ items: unknown[] }>(['get', 'pods', '-n', NS, '-l', 'app notin (web),!job-name'])).items).toHaveLength(0);
    const labels = await ok(['get', 'deployment', 'web', '-n', NS, '--show-labels']);
    expect(labels.split('\n')[0]).toMatch(/\sLABELS$/);
    expect(labels).toContain('app=web');
    const nodes = await ok(['get', 'nodes', '-o', 'wide']);
    expect(nodes.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/);
  });

  it('e2e - kubectl get -w prints the initial list and then a change', async () => {
    const child = spawn('/usr/bin/kubectl', ['--kubeconfig', kc, 'get', 'configmaps', '-n', NS, '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    try {
      await eventually(async () => /cm1/.test(out), 30_000);
      await ok(['create', 'configmap', 'watched', '-n', NS]);
      await eventually(async () => /ADDED\s+watched/.test(out), 30_000);
      await ok(['delete', 'configmap', 'watched', '-n', NS]);
      await eventually(async () => /DELETED\s+watched/.test(out), 30_000);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('e2e - kubectl apply: create, unchanged re-apply, configured, --server-side with conflicts and --force-conflicts', async () => {
    const manifest = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: ${NS}, labels: {a: "1"}}\ndata: {k1: ${v}}\n`;
    const p = file('applied.yaml', manifest('v1'));
    expect(await ok(['apply', '-f', p])).toContain('configmap/applied created');
    expect(await ok(['apply', '-f', p])).toContain('configmap/applied unchanged');
    writeFileSync(p, manifest('v2'));
    expect(await ok(['apply', '-f', p])).toContain('configmap/applied configured');
    const cm = await json(['get', 'cm', 'applied', '-n', NS]);
    expect(cm.data).toEqual({ k1: 'v2' });
    expect(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"k1":"v2"');

    expect(await ok(['apply', '--server-side', '-f', p])).toContain('configmap/applied serverside-applied');
    const other = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: ${NS}}\ndata: {k1: theirs}\n`;
    const conflict = await kubectl(kc, ['apply', '--server-side', '--field-manager=other', '-f', '-'], { input: other });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl"');
    expect(conflict.stderr).toContain('.data.k1');
    expect((await json(['get', 'cm', 'applied', '-n', NS])).data).toEqual({ k1: 'v2' });
    expect(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], other)).toContain('serverside-applied');
    const after = await json(['get', 'cm', 'applied', '-n', NS, '--show-managed-fields']);
    expect(after.data).toEqual({ k1: 'theirs' });
    const managers = (after.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('other/Apply');
  });

  it('e2e - kubectl apply --validate=strict rejects an unknown field with the server message and stores nothing', async () => {
    const bad = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: strict, namespace: ${NS}}\nspec:\n  replicaz: 2\n  selector: {matchLabels: {app: strict}}\n  template:\n    metadata: {labels: {app: strict}}\n    spec: {containers: [{name: c, image: busybox}]}\n`;
    const r = await kubectl(kc, ['apply', '--validate=strict', '-f', '-'], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown field "spec.replicaz"/);
    const get = await kubectl(kc, ['get', 'deployment', 'strict', '-n', NS]);
    expect(get.stderr).toContain('NotFound');
  });

  it('e2e - edit-style PUT: get -o json | modify | replace, and a stale resourceVersion is a conflict', async () => {
    const cm = await json(['get', 'cm', 'cm1', '-n', NS]);
    const stale = structuredClone(cm);
    cm.data.added = 'by-replace';
    expect(await ok(['replace', '-f', '-'], JSON.stringify(cm))).toContain('configmap/cm1 replaced');
    expect((await json(['get', 'cm', 'cm1', '-n', NS])).data).toEqual({ a: 'b', added: 'by-replace' });
    stale.data.lost = 'update';
    const r = await kubectl(kc, ['replace', '-f', '-'], { input: JSON.stringify(stale) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
    expect((await json(['get', 'cm', 'cm1', '-n', NS])).data.lost).toBeUndefined();
  });

  it('e2e - kubectl edit saves the edited object with a PUT (KUBE_EDITOR as a script)', async () => {
    const editor = file('editor.sh', '#!/bin/sh\nsed -i "s/^  a: b$/  a: edited/" "$1"\n');
    const out = await kubectlOk(kc, ['edit', 'configmap', 'cm1', '-n', NS], { env: { KUBE_EDITOR: `sh ${editor}` } });
    expect(out).toContain('configmap/cm1 edited');
    expect((await json(['get', 'cm', 'cm1', '-n', NS])).data.a).toBe('edited');
    const noop = await kubectl(kc, ['edit', 'configmap', 'cm1', '-n', NS], { env: { KUBE_EDITOR: 'true' } });
    expect(noop.code).toBe(0);
    expect(noop.stderr).toContain('Edit cancelled, no changes made.');
  });

  it('e2e - kubectl patch: json, merge and strategic (containers merged by name)', async () => {
    await ok(['patch', 'deployment', 'web', '-n', NS, '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/j","value":"1"}]']);
    await ok(['patch', 'deployment', 'web', '-n', NS, '--type=merge', '-p', '{"metadata":{"labels":{"m":"2"}}}']);
    await ok(['patch', 'deployment', 'web', '-n', NS, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"b"}]}]}}}}']);
    const d = await json(['get', 'deployment', 'web', '-n', NS]);
    expect(d.metadata.labels).toMatchObject({ app: 'web', j: '1', m: '2' });
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.25', env: [{ name: 'A', value: 'b' }] });
    const bad = await kubectl(kc, ['patch', 'deployment', 'web', '-n', NS, '--type=json', '-p', '[{"op":"test","path":"/metadata/name","value":"nope"}]']);
    expect(bad.code).not.toBe(0);
    // kube-apiserver answers a failed JSON-patch test with 422, which kubectl prints as "invalid".
    expect(bad.stderr).toContain('The request is invalid: testing value /metadata/name failed');
  });

  it('e2e - kubectl label and annotate: add, refuse without --overwrite, overwrite, remove', async () => {
    expect(await ok(['label', 'cm', 'cm1', 'tier=fe', '-n', NS])).toContain('configmap/cm1 labeled');
    const r = await kubectl(kc, ['label', 'cm', 'cm1', 'tier=be', '-n', NS]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("'tier' already has a value (fe), and --overwrite is false");
    await ok(['label', 'cm', 'cm1', 'tier=be', '--overwrite', '-n', NS]);
    expect(await ok(['annotate', 'cm', 'cm1', 'note=hello', '-n', NS])).toContain('configmap/cm1 annotated');
    let cm = await json(['get', 'cm', 'cm1', '-n', NS]);
    expect(cm.metadata.labels).toEqual({ tier: 'be' });
    expect(cm.metadata.annotations.note).toBe('hello');
    await ok(['label', 'cm', 'cm1', 'tier-', '-n', NS]);
    await ok(['annotate', 'cm', 'cm1', 'note-', '-n', NS]);
    cm = await json(['get', 'cm', 'cm1', '-n', NS]);
    expect(cm.metadata.labels?.tier).toBeUndefined();
    expect(cm.metadata.annotations?.note).toBeUndefined();
  });

  it('e2e - kubectl scale changes replicas and the pods follow', async () => {
    expect(await ok(['scale', 'deployment/web', '--replicas=5', '-n', NS])).toContain('deployment.apps/web scaled');
    await eventually(async () => (await json(['get', 'deployment', 'web', '-n', NS])).status.readyReplicas === 5, 60_000);
    await ok(['scale', 'deployment/web', '--replicas=2', '-n', NS]);
    await eventually(async () => (await json<{ items: unknown[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items.length === 2, 60_000);
  }, 90_000);

  it('e2e - kubectl delete --cascade=orphan keeps the ReplicaSet and releases it; background and foreground remove the pods', async () => {
    for (const name of ['orph', 'bg', 'fg']) await ok(['create', 'deployment', name, '--image=busybox', '--replicas=2', '-n', NS]);
    for (const name of ['orph', 'bg', 'fg']) await eventually(async () => (await json(['get', 'deployment', name, '-n', NS])).status.readyReplicas === 2, 60_000);
    await ok(['delete', 'deployment', 'orph', '-n', NS, '--cascade=orphan']);
    await ok(['delete', 'deployment', 'bg', '-n', NS, '--cascade=background']);
    await ok(['delete', 'deployment', 'fg', '-n', NS, '--cascade=foreground']);
    const rsOf = async (app: string): Promise<Obj[]> => (await json<{ items: Obj[] }>(['get', 'rs', '-n', NS, '-l', `app=${app}`])).items;
    const podsOf = async (app: string): Promise<Obj[]> => (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', `app=${app}`])).items;
    await eventually(async () => (await rsOf('bg')).length === 0 && (await podsOf('bg')).length === 0 && (await rsOf('fg')).length === 0 && (await podsOf('fg')).length === 0, 60_000);
    const orphans = await eventually(async () => {
      const rs = await rsOf('orph');
      return rs.length === 1 && !rs[0].metadata.ownerReferences?.length ? rs : undefined;
    }, 30_000);
    expect(orphans[0].spec.replicas).toBe(2);
    expect(await podsOf('orph')).toHaveLength(2);
    await ok(['delete', 'rs', '-n', NS, '-l', 'app=orph']);
  }, 120_000);

  it('e2e - a finalizer holds a deleted object with a deletionTimestamp until it is removed', async () => {
    await ok(['create', 'configmap', 'held', '-n', NS]);
    await ok(['patch', 'cm', 'held', '-n', NS, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    await ok(['delete', 'cm', 'held', '-n', NS, '--wait=false']);
    const held = await json(['get', 'cm', 'held', '-n', NS]);
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(held.metadata.finalizers).toEqual(['example.com/hold']);
    await ok(['patch', 'cm', 'held', '-n', NS, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await eventually(async () => (await kubectl(kc, ['get', 'cm', 'held', '-n', NS])).stderr.includes('NotFound'), 30_000);
  });

  it('e2e - kubectl delete pod --grace-period and --force; the ReplicaSet replaces the pod', async () => {
    const pods = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items;
    const [a, b] = pods.map((p) => p.metadata.name as string);
    expect(await ok(['delete', 'pod', a, '-n', NS, '--grace-period=5'])).toContain(`pod "${a}" deleted`);
    const forced = await kubectl(kc, ['delete', 'pod', b, '-n', NS, '--grace-period=0', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('Immediate deletion does not wait for confirmation');
    await eventually(async () => {
      const now = (await json<{ items: Obj[] }>(['get', 'pods', '-n', NS, '-l', 'app=web'])).items;
      const names = now.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running').map((p) => p.metadata.name);
      return names.length === 2 && !names.includes(a) && !names.includes(b);
    }, 60_000);
  }, 90_000);

  it('e2e - deleting a namespace empties it, then it is gone', async () => {
    await ok(['create', 'configmap', 'inside', '-n', 'made']);
    await ok(['create', 'deployment', 'inside', '--image=busybox', '--replicas=2', '-n', 'made']);
    await eventually(async () => (await json<{ items: unknown[] }>(['get', 'pods', '-n', 'made'])).items.length === 2, 60_000);
    expect(await ok(['delete', 'namespace', 'made', '--wait=false'])).toContain('namespace "made" deleted');
    const created = await kubectl(kc, ['create', 'configmap', 'late', '-n', 'made']);
    if (created.code !== 0) expect(created.stderr).toMatch(/because it is being terminated|not found/);
    await eventually(async () => (await kubectl(kc, ['get', 'namespace', 'made'])).stderr.includes('NotFound'), 90_000);
    for (const kind of ['configmaps', 'deployments', 'replicasets', 'pods']) {
      expect((await json<{ items: unknown[] }>(['get', kind, '-n', 'made'])).items, kind).toHaveLength(0);
    }
  }, 120_000);

  it('e2e - kubectl get -o wide for deployments and replicasets shows containers, images and selector', async () => {
    const d = await ok(['get', 'deployment', 'web', '-n', NS, '-o', 'wide']);
    expect(d.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(d.split('\n')[1]).toMatch(/^web\s+\d\/\d\s+\d\s+\d\s+\S+\s+nginx\s+nginx:1\.25\s+app=web$/);
    const rs = await ok(['get', 'rs', '-n', NS, '-l', 'app=web', '-o', 'wide']);
    expect(rs.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
  });

  it('e2e - kubectl api-resources, api-versions and explain', async () => {
    const res = await ok(['api-resources']);
    expect(res.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    for (const re of [/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^pods\s+po\s+v1\s+true\s+Pod$/m, /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m, /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m]) {
      expect(res).toMatch(re);
    }
    const versions = (await ok(['api-versions'])).trim().split('\n');
    expect(versions).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1']));
    const explain = await ok(['explain', 'deployment.spec.replicas']);
    expect(explain).toContain('FIELD: replicas <integer>');
    const pods = await ok(['explain', 'pods.spec.containers']);
    expect(pods).toMatch(/FIELD: containers <\[\]Container>/);
  });

  it('e2e - a CRD is served: kubectl applies custom resources, gets them by short name, defaults and validates them', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wg]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, default: 1}
              color: {type: string}
              replicas: {type: integer}
          status:
            type: object
            properties:
              replicas: {type: integer}
`;
    expect(await ok(['apply', '-f', '-'], crd)).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    await eventually(async () => (await ok(['api-resources', '--api-group=example.com'])).includes('widgets'), 30_000);
    expect((await ok(['api-versions'])).split('\n')).toEqual(expect.arrayContaining(['apiextensions.k8s.io/v1', 'example.com/v1']));
    const w = `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: ${NS}}\nspec: {color: red}\n`;
    expect(await ok(['apply', '-f', '-'], w)).toContain('widget.example.com/w1 created');
    const got = await json(['get', 'wg', 'w1', '-n', NS]);
    expect(got.spec).toEqual({ color: 'red', size: 1 });
    expect(await ok(['get', 'widgets', '-n', NS])).toMatch(/^NAME\s+AGE\nw1\s+/);
    const bad = await kubectl(kc, ['apply', '-f', '-'], { input: `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2, namespace: ${NS}}\nspec: {size: big}\n` });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/spec\.size/);
    // The scale and status subresources.
    expect(await ok(['scale', 'widget', 'w1', '--replicas=3', '-n', NS])).toContain('widget.example.com/w1 scaled');
    expect((await json(['get', 'wg', 'w1', '-n', NS])).spec.replicas).toBe(3);
    await ok(['patch', 'wg', 'w1', '-n', NS, '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3},"spec":{"color":"ignored"}}']);
    const st = await json(['get', 'wg', 'w1', '-n', NS]);
    expect(st.status).toEqual({ replicas: 3 });
    expect(st.spec.color).toBe('red');
    expect(await ok(['delete', 'wg', 'w1', '-n', NS])).toContain('widget.example.com "w1" deleted');
  }, 60_000);
});
