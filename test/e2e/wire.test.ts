/**
 * e2e: issue 4's wire features against `kubeactor up`, with the real kubectl — protobuf request
 * bodies (kubectl 1.32 through the dispatcher and the pinned 1.33), pods/log, drain honouring a
 * PodDisruptionBudget, a CustomResourceDefinition with custom resources, and invalid input.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kubectl, kubectlOk, pinnedKubectl, startCli, tempDir, ROOT, type CliCluster } from './helpers.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: WidgetSpec is the desired state of a Widget.
            required: [size]
            properties:
              size: {type: integer, minimum: 1, description: How big the widget is.}
              color: {type: string, enum: [red, blue], default: blue}
              replicas: {type: integer, default: 1}
          status:
            type: object
            properties:
              replicas: {type: integer}
`;

const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3}
`;

describe('e2e - wire: protobuf, logs, eviction with PDBs, CRDs, invalid input', () => {
  let cluster: CliCluster;
  let kc: string;
  let server: string;
  const dir = tempDir('kubeactor-wire-');

  beforeAll(async () => {
    cluster = await startCli(join(ROOT, 'test/e2e/fixtures/e2e.yaml'));
    kc = cluster.kubeconfig;
    server = /server:\s*(\S+)/.exec(readFileSync(kc, 'utf8'))![1];
  }, 180_000);

  afterAll(async () => {
    if (cluster) expect(await cluster.stop(), cluster.output()).toBe(0);
  });

  it.each([
    ['1.32 (dispatcher)', undefined, 'p32'],
    ['1.33', pinnedKubectl('1.33'), 'p33'],
  ])('e2e - kubectl %s create <generator> sends protobuf bodies that are created', async (_v, bin, ns) => {
    const run = (args: string[]): Promise<string> => kubectlOk(kc, args, { bin });
    expect(await run(['create', 'namespace', ns])).toContain(`namespace/${ns} created`);
    expect(await run(['-n', ns, 'create', 'deployment', 'd', '--image=nginx'])).toContain('deployment.apps/d created');
    expect(await run(['-n', ns, 'create', 'configmap', 'c', '--from-literal=a=b'])).toContain('configmap/c created');
    expect(await run(['-n', ns, 'create', 'secret', 'generic', 's', '--from-literal=a=b'])).toContain('secret/s created');
    expect(await run(['-n', ns, 'create', 'service', 'clusterip', 's', '--tcp=80:80'])).toContain('service/s created');
    expect(await run(['-n', ns, 'create', 'job', 'j', '--image=busybox'])).toContain('job.batch/j created');
    expect(await run(['-n', ns, 'create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *'])).toContain('cronjob.batch/cj created');
    expect(await run(['-n', ns, 'get', 'secret', 's', '-o', 'jsonpath={.data.a}'])).toBe('Yg==');
    expect(await run(['-n', ns, 'get', 'service', 's', '-o', 'jsonpath={.spec.ports[0].targetPort}'])).toBe('80');
    expect(await run(['-n', ns, 'get', 'cronjob', 'cj', '-o', 'jsonpath={.spec.schedule}'])).toBe('*/1 * * * *');
  });

  it('e2e - kubectl logs: plain, --tail, --timestamps, --previous, -f', async () => {
    await kubectlOk(kc, ['create', 'deployment', 'logs', '--image=nginx']);
    await kubectlOk(kc, ['rollout', 'status', 'deployment/logs', '--timeout=60s'], { timeoutMs: 70_000 });
    const pod = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=logs', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const all = await kubectlOk(kc, ['logs', pod]);
    expect(all.split('\n')[0]).toBe('kubeactor: starting container nginx (image docker.io/library/nginx:latest)');
    expect((await kubectlOk(kc, ['logs', pod, '--tail=1'])).trim().split('\n')).toHaveLength(1);
    expect(await kubectlOk(kc, ['logs', `deployment/logs`, '-c', 'nginx', '--tail=1', '--timestamps'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z kubeactor: /);
    const prev = await kubectl(kc, ['logs', pod, '--previous']);
    expect(prev.code).not.toBe(0);
    expect(prev.stderr).toContain(`previous terminated container "nginx" in pod "${pod}" not found`);
    // -f streams: the first lines arrive while the response stays open.
    const follow = spawn('/usr/bin/kubectl', ['--kubeconfig', kc, 'logs', pod, '-f', '--tail=1']);
    let out = '';
    follow.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    await eventually(async () => out.includes('kubeactor:'), 20_000, 100);
    expect(follow.exitCode).toBeNull();
    follow.kill('SIGINT');
  });

  it('e2e - drain honours a PodDisruptionBudget: 429 while it disallows, evicts once it allows', async () => {
    await kubectlOk(kc, ['create', 'deployment', 'guarded', '--image=nginx', '--replicas=2']);
    await kubectlOk(kc, ['rollout', 'status', 'deployment/guarded', '--timeout=60s'], { timeoutMs: 70_000 });
    await kubectlOk(kc, ['create', 'poddisruptionbudget', 'guarded', '--selector=app=guarded', '--min-available=2']);
    const node = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={.items[0].spec.nodeName}'])).trim();
    const blocked = await kubectl(kc, ['drain', node, '--ignore-daemonsets', '--timeout=6s'], { timeoutMs: 30_000 });
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    await kubectlOk(kc, ['patch', 'pdb', 'guarded', '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
    const drained = await kubectlOk(kc, ['drain', node, '--ignore-daemonsets', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(drained).toContain(`node/${node} drained`);
    await kubectlOk(kc, ['uncordon', node]);
    const status = JSON.parse(await kubectlOk(kc, ['get', 'pdb', 'guarded', '-o', 'jsonpath={.status}'])) as { disruptedPods?: object; expectedPods: number };
    expect(status.expectedPods).toBe(2);
  });

  it('e2e - a CRD: apply, Established, custom resources with defaults, columns, explain, scale, validation, delete', async () => {
    writeFileSync(join(dir, 'crd.yaml'), CRD);
    writeFileSync(join(dir, 'w1.yaml'), WIDGET);
    expect(await kubectlOk(kc, ['apply', '-f', join(dir, 'crd.yaml')])).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    await kubectlOk(kc, ['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(await kubectlOk(kc, ['apply', '-f', join(dir, 'w1.yaml')])).toContain('widget.example.com/w1 created');
    const table = await kubectlOk(kc, ['get', 'wd']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+SIZE$/);
    expect(table.split('\n')[1]).toMatch(/^w1\s+3$/);
    expect(await kubectlOk(kc, ['get', 'widget', 'w1', '-o', 'jsonpath={.spec.color}'])).toBe('blue');
    expect(await kubectlOk(kc, ['explain', 'widget.spec'])).toContain('How big the widget is.');
    await kubectlOk(kc, ['scale', 'widget', 'w1', '--replicas=4']);
    expect(await kubectlOk(kc, ['get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
    expect(await kubectlOk(kc, ['apply', '--server-side', '-f', join(dir, 'w1.yaml')])).toContain('serverside-applied');
    const bad = await kubectl(kc, ['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"size":"x"}}']);
    expect(bad.stderr).toContain('spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"');
    expect(await kubectlOk(kc, ['api-resources', '--api-group=example.com'])).toMatch(/widgets\s+wd\s+example.com\/v1\s+true\s+Widget/);
    await kubectlOk(kc, ['delete', 'crd', 'widgets.example.com'], { timeoutMs: 60_000 });
    const gone = await kubectl(kc, ['get', 'widgets']);
    expect(gone.code).not.toBe(0);
  });

  it.each([
    ['malformed JSON', 'application/json', Buffer.from('{"apiVersion":'), 400, 'could not be decoded as JSON'],
    ['malformed YAML', 'application/yaml', Buffer.from('a: [1,\n b'), 400, 'could not be decoded as YAML'],
    ['malformed protobuf', 'application/vnd.kubernetes.protobuf', Buffer.from([0x6b, 0x38, 0x73, 0, 0x0a, 0xff, 0xff]), 400, 'could not be decoded as protobuf'],
    ['a wrong type', 'application/json', Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: { a: 1 } })), 400, 'cannot unmarshal number into Go struct field ConfigMap.data of type string'],
  ])('e2e - POST with %s (%s) is a 4xx Status and nothing is written', async (_what, ct, body, code, message) => {
    const res = await fetch(`${server}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'content-type': ct }, body });
    expect(res.status).toBe(code);
    const st = (await res.json()) as { kind: string; message: string };
    expect(st.kind).toBe('Status');
    expect(st.message).toContain(message);
    expect(await kubectlOk(kc, ['get', 'configmaps', '-o', 'name'])).not.toContain('configmap/bad');
  });

  it('e2e - an oversized body is refused (413, or the connection is cut while still sending) and nothing is written', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } });
    const status = await fetch(`${server}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
      async (res) => {
        expect(((await res.json()) as { reason: string }).reason).toBe('RequestEntityTooLarge');
        return res.status;
      },
      () => 413,
    );
    expect(status).toBe(413);
    expect(await kubectlOk(kc, ['get', 'configmaps', '-o', 'name'])).not.toContain('configmap/huge');
  });
});
