import { describe, expect, test } from 'vitest';
import type { KList, KObject, Status } from '../../../src/api/types.js';
import { decodeProtobufObject, goDuration, isProtobufBody } from '../../../src/apiserver/protobuf/decode.js';
import { encodeProtobufObject } from '../../../src/apiserver/protobuf/encode.js';
import { makePod, newTestServer } from './helpers.js';

const PB = 'application/vnd.kubernetes.protobuf';
const ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';

/** Bodies recorded from kubectl 1.32.4 (`kubectl create …` against a capturing server). */
const KUBECTL_132: [string, string, string, KObject][] = [
  ['create namespace x', '/api/v1/namespaces', 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBeBIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', creationTimestamp: null }, spec: {}, status: {} } as unknown as KObject],
  ['create deployment d --image=nginx', '/apis/apps/v1/namespaces/default/deployments',
    'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EqMBChsKAWQSABoAIgAqADIAOABCAFoICgNhcHASAWQSdggBEgoKCAoDYXBwEgFkGl4KGgoAEgAaACIAKgAyADgAQgBaCAoDYXBwEgFkEkASIgoFbmdpbngSBW5naW54KgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgAEAAYACAAKAA4ABoAIgA=',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', creationTimestamp: null, labels: { app: 'd' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { creationTimestamp: null, labels: { app: 'd' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } }, strategy: {} }, status: { replicas: 0 } } as unknown as KObject],
  ['create configmap c --from-literal=a=b', '/api/v1/namespaces/default/configmaps', 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEhsKEQoBYxIAGgAiACoAMgA4AEIAEgYKAWESAWIaACIA',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: null }, data: { a: 'b' } } as unknown as KObject],
  ['create secret generic s --from-literal=a=b', '/api/v1/namespaces/default/secrets', 'azhzAAoMCgJ2MRIGU2VjcmV0Eh0KEQoBcxIAGgAiACoAMgA4AEIAEgYKAWESAWIaABoAIgA=',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', creationTimestamp: null }, data: { a: 'Yg==' } } as unknown as KObject],
  ['create service clusterip s --tcp=80:80', '/api/v1/namespaces/default/services',
    'azhzAAoNCgJ2MRIHU2VydmljZRJgChsKAXMSABoAIgAqADIAOABCAFoICgNhcHASAXMSPQoYCgU4MC04MBIDVENQGFAiBggAEFAaACgAEggKA2FwcBIBcxoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA==',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', creationTimestamp: null, labels: { app: 's' } }, spec: { ports: [{ name: '80-80', protocol: 'TCP', port: 80, targetPort: 80 }], selector: { app: 's' }, type: 'ClusterIP' }, status: { loadBalancer: {} } } as unknown as KObject],
  ['create job j --image=busybox', '/apis/batch/v1/namespaces/default/jobs',
    'azhzAAoPCghiYXRjaC92MRIDSm9iEngKEQoBahIAGgAiACoAMgA4AEIAElkyVwoQCgASABoAIgAqADIAOABCABJDEiAKAWoSB2J1c3lib3gqAEIAagByAIABAIgBAJABAKIBABoFTmV2ZXIyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBABoIIAAoADAAOgAaACIA',
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'j', image: 'busybox', resources: {} }], restartPolicy: 'Never' } } }, status: {} } as unknown as KObject],
  ['create cronjob cj --image=busybox --schedule=*/1 * * * *', '/apis/batch/v1/namespaces/default/cronjobs',
    'azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhKeAQoSCgJjahIAGgAiACoAMgA4AEIAEoUBCgsqLzEgKiAqICogKhoAKnQKEgoCY2oSABoAIgAqADIAOABCABJeMlwKEAoAEgAaACIAKgAyADgAQgASSBIhCgJjahIHYnVzeWJveCoAQgBqAHIAgAEAiAEAkAEAogEAGglPbkZhaWx1cmUyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBABoAGgAiAA==',
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', creationTimestamp: null }, spec: { schedule: '*/1 * * * *', jobTemplate: { metadata: { name: 'cj', creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'cj', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } } } } }, status: {} } as unknown as KObject],
  ['create deployment d0 --image=nginx --replicas=0', '/apis/apps/v1/namespaces/default/deployments',
    'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EqcBCh0KAmQwEgAaACIAKgAyADgAQgBaCQoDYXBwEgJkMBJ4CAASCwoJCgNhcHASAmQwGl8KGwoAEgAaACIAKgAyADgAQgBaCQoDYXBwEgJkMBJAEiIKBW5naW54EgVuZ2lueCoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd0', creationTimestamp: null, labels: { app: 'd0' } }, spec: { replicas: 0, selector: { matchLabels: { app: 'd0' } }, template: { metadata: { creationTimestamp: null, labels: { app: 'd0' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } }, strategy: {} }, status: { replicas: 0 } } as unknown as KObject],
];

describe('apiserver - protobuf decoding', () => {
  test.each(KUBECTL_132)('apiserver - protobuf decodes kubectl 1.32 `%s` to the JSON kubectl 1.31 would send', (_cmd, _url, b64, want) => {
    const body = Buffer.from(b64, 'base64');
    expect(isProtobufBody(body)).toBe(true);
    expect(decodeProtobufObject(body)).toEqual(want);
  });

  test('apiserver - protobuf round-trips a pod with quantities, IntOrString, inline structs, times and pointer zeros', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns1', labels: { a: '' }, creationTimestamp: '2026-01-02T03:04:05Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] },
      spec: {
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsUser: 0, runAsNonRoot: false },
        volumes: [{ name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } }, { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
        containers: [{
          name: 'app',
          image: 'nginx',
          args: ['', '-x'],
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1' } },
          envFrom: [{ configMapRef: { name: 'cm' } }],
          env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: 80 } },
        }],
      },
    };
    const back = decodeProtobufObject(encodeProtobufObject(pod));
    expect(back).toEqual(pod);
  });

  test('apiserver - protobuf fields named with a capital in generated.proto get their JSON name', () => {
    const cfg = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v' }, webhooks: [{ name: 'w.example.com', sideEffects: 'None', admissionReviewVersions: ['v1'], clientConfig: { url: 'https://x' } }] };
    expect(decodeProtobufObject(encodeProtobufObject(cfg))).toEqual(cfg);
  });

  test.each([
    [0, '0s'],
    [1_500_000_000, '1.5s'],
    [3_600_000_000_000, '1h0m0s'],
    [90_000_000_000, '1m30s'],
    [2_000_000, '2ms'],
  ])('apiserver - protobuf Duration %d ns is %s', (ns, want) => {
    expect(goDuration(ns)).toBe(want);
  });

  test.each([
    ['no magic prefix', Buffer.from('{"kind":"Namespace"}'), /k8s/],
    ['truncated envelope', Buffer.from('azhzAAoPCgJ2MRIJTmFtZXNw', 'base64'), /could not be decoded as protobuf/],
    ['unknown kind', Buffer.from(encodeEnvelopeOnly('v1', 'Nonsense')), /no protobuf message is known for v1, Kind=Nonsense/],
    ['no kind', Buffer.from(encodeEnvelopeOnly('v1', '')), /no kind/],
  ])('apiserver - protobuf rejects a body with %s as 400', (_what, body, message) => {
    let err: unknown;
    try {
      decodeProtobufObject(body);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((err as Error).message).toMatch(message);
  });
});

/** encodeEnvelopeOnly builds "k8s\0" + Unknown{typeMeta} with an empty raw. */
function encodeEnvelopeOnly(apiVersion: string, kind: string): Uint8Array {
  const enc = (s: string): number[] => [...Buffer.from(s)];
  const tm = [0x0a, apiVersion.length, ...enc(apiVersion), 0x12, kind.length, ...enc(kind)];
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, tm.length, ...tm]);
}

describe('apiserver - protobuf request bodies over HTTP', () => {
  test.each(KUBECTL_132.filter(([, url]) => url === '/api/v1/namespaces' || url.includes('/deployments') || url.includes('/services')))(
    'apiserver - protobuf POST of kubectl 1.32 `%s` is created (201, JSON reply)',
    async (_cmd, url, b64, want) => {
      const t = await newTestServer();
      const res = await t.inject({ method: 'POST', url: `${url}?fieldManager=kubectl-create&fieldValidation=Strict`, headers: { 'content-type': PB, accept: ACCEPT }, payload: Buffer.from(b64, 'base64') });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      const obj = res.json<KObject>();
      expect(obj.kind).toBe(want.kind);
      expect(obj.metadata.name).toBe(want.metadata.name);
      expect(obj.metadata.uid).toBeTruthy();
    },
  );

  test('apiserver - protobuf garbage body is a 400 Status and nothing is written', async () => {
    const t = await newTestServer();
    const before = await t.get<KList>('/api/v1/namespaces');
    const body = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.from([0x0a, 0xff, 0xff, 0x01])]);
    const res = await t.inject({ method: 'POST', url: '/api/v1/namespaces', headers: { 'content-type': PB }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest' });
    const after = await t.get<KList>('/api/v1/namespaces');
    expect(after.items.length).toBe(before.items.length);
  });

  test('apiserver - protobuf body of another kind than the URL is a 400', async () => {
    const t = await newTestServer();
    const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'zz' } });
    const res = await t.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', headers: { 'content-type': PB }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json<Status>().message).toMatch(/kind/);
  });

  test('apiserver - protobuf pod create keeps runAsUser 0 and the configMap volume', async () => {
    const t = await newTestServer();
    const pod = makePod('pb').with((p) => {
      const spec = p.spec as Record<string, unknown>;
      spec.securityContext = { runAsUser: 0 };
      spec.volumes = [{ name: 'v', configMap: { name: 'cm' } }];
    }).obj();
    const res = await t.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', headers: { 'content-type': PB }, payload: encodeProtobufObject(pod) });
    expect(res.statusCode, res.body).toBe(201);
    const spec = res.json<KObject>().spec as { securityContext: { runAsUser: number }; volumes: { configMap: { name: string } }[] };
    expect(spec.securityContext.runAsUser).toBe(0);
    expect(spec.volumes[0].configMap.name).toBe('cm');
  });

  test('apiserver - protobuf DeleteOptions body on DELETE is honoured (drain fallback)', async () => {
    const t = await newTestServer();
    await t.create('/api/v1/namespaces/default/pods', makePod('gone').obj());
    const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    const res = await t.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/pods/gone', headers: { 'content-type': PB }, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const get = await t.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/gone' });
    expect(get.statusCode).toBe(404);
  });
});
