import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadTopology, parseTopology, totalNodes } from '../../../src/cluster/config.js';

const ROOT = resolve(import.meta.dirname, '../../..');

const base = () => ({
  apiVersion: 'kubeactor.io/v1alpha1',
  kind: 'ClusterTopology',
  metadata: { name: 't' },
  spec: { nodePools: [{ name: 'worker', count: 2 }] },
});

describe('cluster config - shipped topologies', () => {
  it.each([
    ['config/default.yaml', 3],
    ['config/large.yaml', 1000],
  ])('cluster config - %s loads with %i nodes', (file, nodes) => {
    const t = loadTopology(join(ROOT, file));
    expect(totalNodes(t)).toBe(nodes);
  });

  it('cluster config - defaults are filled in', () => {
    const t = parseTopology(base(), 'x.yaml');
    expect(t.spec.mode).toBe('workers');
    expect(t.spec.store).toEqual({ shards: 1, durability: 'fsync', byPrefix: {}, split: {}, backend: 'embedded', endpoints: [] });
    expect(t.spec.nodePools[0].capacity).toEqual({ cpu: '4', memory: '16Gi', pods: 110 });
    expect(t.spec.apiserver.port).toBe(0);
  });
});

describe('cluster config - errors name the file and the field', () => {
  const cases: { name: string; mutate: (d: any) => void; expected: RegExp }[] = [
    { name: 'unknown field', mutate: (d) => (d.spec.nodePool = []), expected: /^x\.yaml: spec\.nodePool: unknown field/m },
    { name: 'wrong type', mutate: (d) => (d.spec.nodePools[0].count = 'three'), expected: /^x\.yaml: spec\.nodePools\[0\]\.count: /m },
    { name: 'non-positive count', mutate: (d) => (d.spec.nodePools[0].count = 0), expected: /spec\.nodePools\[0\]\.count:/ },
    { name: 'bad quantity', mutate: (d) => (d.spec.nodePools[0].capacity = { cpu: 'lots' }), expected: /spec\.nodePools\[0\]\.capacity\.cpu: must be a Kubernetes quantity/ },
    { name: 'bad durability', mutate: (d) => (d.spec.store = { durability: 'sometimes' }), expected: /spec\.store\.durability:/ },
    { name: 'no pools', mutate: (d) => (d.spec.nodePools = []), expected: /spec\.nodePools:/ },
    { name: 'duplicate pool', mutate: (d) => d.spec.nodePools.push({ name: 'worker', count: 1 }), expected: /spec\.nodePools\[1\]\.name: duplicate pool name "worker"/ },
    { name: 'etcd without endpoints', mutate: (d) => (d.spec.store = { backend: 'etcd' }), expected: /spec\.store\.endpoints: backend etcd needs at least one endpoint/ },
    { name: 'shard out of range', mutate: (d) => (d.spec.store = { shards: 2, byPrefix: { pods: 5 } }), expected: /spec\.store\.byPrefix\.pods: shard 5 does not exist/ },
    { name: 'unknown resource pinned', mutate: (d) => (d.spec.store = { shards: 2, byPrefix: { pod: 1 } }), expected: /spec\.store\.byPrefix\.pod: unknown resource "pod"/ },
    { name: 'split of one shard', mutate: (d) => (d.spec.store = { split: { pods: 1 } }), expected: /spec\.store\.split\.pods:/ },
    { name: 'split of an unknown resource', mutate: (d) => (d.spec.store = { split: { deployments: 2 } }), expected: /spec\.store\.split\.deployments: unknown resource "deployments"/ },
    { name: 'split and pinned', mutate: (d) => (d.spec.store = { shards: 2, byPrefix: { pods: 1 }, split: { pods: 2 } }), expected: /spec\.store\.split\.pods: pods is also pinned/ },
    { name: 'split on etcd', mutate: (d) => (d.spec.store = { backend: 'etcd', endpoints: ['http://127.0.0.1:2379'], split: { pods: 2 } }), expected: /spec\.store\.split\.pods: split needs the embedded store/ },
    { name: 'bad pool name', mutate: (d) => (d.spec.nodePools[0].name = 'Worker_1'), expected: /spec\.nodePools\[0\]\.name: must be a DNS-1123 label/ },
    { name: 'bad taint effect', mutate: (d) => (d.spec.nodePools[0].taints = [{ key: 'a', effect: 'Never' }]), expected: /spec\.nodePools\[0\]\.taints\[0\]\.effect:/ },
    { name: 'wrong kind', mutate: (d) => (d.kind = 'Cluster'), expected: /^x\.yaml: kind: /m },
  ];
  it.each(cases)('cluster config - $name', ({ mutate, expected }) => {
    const doc = base();
    mutate(doc);
    let err: unknown;
    try {
      parseTopology(doc, 'x.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(expected);
  });

  it('cluster config - invalid YAML names the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'spec:\n  nodePools: [\n');
    expect(() => loadTopology(file)).toThrow(/broken\.yaml: line \d+, column \d+: invalid YAML/);
  });

  it('cluster config - a missing file is a ConfigError naming it', () => {
    expect(() => loadTopology('/nonexistent/t.yaml')).toThrow(/\/nonexistent\/t\.yaml: cannot read file/);
  });
});
