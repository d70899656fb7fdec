/**
 * Cluster topology files (config/*.yaml): schema, defaults and validation. A bad file is reported
 * as `<file>: <field path>: <problem>` and never half-applied.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { RESOURCES } from '../api/resources.js';

const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[KMGTPE]i?|m|k)?$/;
const quantity = z.union([z.string().regex(QUANTITY, 'must be a Kubernetes quantity such as "4", "500m" or "16Gi"'), z.number().nonnegative()]).transform(String);
const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a valid label key');
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.96.0.0/12');

const taint = z
  .object({
    key: labelKey,
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  })
  .strict();

const nodePool = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lower-case letters, digits, "-")'),
    count: z.number().int().positive().max(100_000),
    capacity: z
      .object({ cpu: quantity.default('4'), memory: quantity.default('16Gi'), pods: z.number().int().positive().max(10_000).default(110) })
      .strict()
      .default({ cpu: '4', memory: '16Gi', pods: 110 }),
    labels: z.record(labelKey, z.string().max(63)).default({}),
    taints: z.array(taint).default([]),
  })
  .strict();

const durability = z.enum(['fsync', 'async', 'memory']);

/** TOPOLOGY_SCHEMA is the schema of a topology file's `spec` (and the defaults it fills in). */
const spec = z
  .object({
    /** mode: 'workers' spreads actors over worker threads; 'inline' runs everything on one thread. */
    mode: z.enum(['workers', 'inline']).default('workers'),
    /** timeScale > 1 makes cluster time run faster than wall time (leases, grace periods, ages). */
    timeScale: z.number().positive().max(1000).default(1),
    apiserver: z
      .object({ port: z.number().int().min(0).max(65535).default(0), bindAddress: z.string().default('127.0.0.1') })
      .strict()
      .default({ port: 0, bindAddress: '127.0.0.1' }),
    store: z
      .object({
        shards: z.number().int().min(1).max(64).default(1),
        durability: durability.default('fsync'),
        /** byPrefix pins resources (e.g. "pods", "apps/deployments") to a shard index. */
        byPrefix: z.record(z.string(), z.number().int().min(0)).default({}),
        /**
         * split spreads a resource over shards of its own, e.g. { pods: 3 }: 3 more shards
         * (store/<shards>…) hold only pods, each pod on one of them, with one revision counter
         * between them so the resource keeps one resourceVersion sequence (docs/store.md).
         */
        split: z.record(z.string(), z.number().int().min(2).max(31)).default({}),
        /** backend: the embedded shards (default) or a real etcd v3 cluster at endpoints (shards/durability then unused). */
        backend: z.enum(['embedded', 'etcd']).default('embedded'),
        /** endpoints: etcd client URLs, e.g. ["http://127.0.0.1:2379"] (backend etcd). */
        endpoints: z.array(z.string().regex(/^https?:\/\/.+/, 'an http(s):// URL')).default([]),
      })
      .strict()
      .default({ shards: 1, durability: 'fsync', byPrefix: {}, split: {}, backend: 'embedded', endpoints: [] }),
    workers: z
      .object({
        /** nodeHosts: how many worker threads host the virtual nodes' kubelets and kube-proxies. */
        nodeHosts: z.number().int().min(1).max(64).default(1),
        /** controlPlane: 'separate' gives store, apiserver, scheduler and controllers a worker each; 'shared' one for all. */
        controlPlane: z.enum(['separate', 'shared']).default('separate'),
      })
      .strict()
      .default({ nodeHosts: 1, controlPlane: 'separate' }),
    network: z
      .object({
        clusterCIDR: cidr.default('10.128.0.0/9'),
        nodeCIDRMaskSize: z.number().int().min(16).max(28).default(24),
        serviceCIDR: cidr.default('10.96.0.0/12'),
        nodeCIDR: cidr.default('172.18.0.0/16'),
      })
      .strict()
      .default({ clusterCIDR: '10.128.0.0/9', nodeCIDRMaskSize: 24, serviceCIDR: '10.96.0.0/12', nodeCIDR: '172.18.0.0/16' }),
    nodePools: z.array(nodePool).min(1),
    supervision: z
      .object({
        maxRestarts: z.number().int().min(0).default(20),
        periodMs: z.number().int().positive().default(10_000),
        backoffInitialMs: z.number().int().min(0).default(20),
        backoffMaxMs: z.number().int().positive().default(2_000),
      })
      .strict()
      .default({ maxRestarts: 20, periodMs: 10_000, backoffInitialMs: 20, backoffMaxMs: 2_000 }),
  })
  .strict();

const topology = z
  .object({
    apiVersion: z.literal('kubeactor.io/v1alpha1'),
    kind: z.literal('ClusterTopology'),
    metadata: z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label') }).strict(),
    spec,
  })
  .strict();

/** Topology is a validated topology file with every default filled in. */
export type Topology = z.output<typeof topology>;
/** NodePool is one pool of identical virtual nodes. */
export type NodePool = Topology['spec']['nodePools'][number];

/** ConfigError names the file and the field that is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(problems.map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** parseTopology validates an already-parsed document; `file` is used in error messages. */
export function parseTopology(doc: unknown, file: string): Topology {
  const res = topology.safeParse(doc);
  if (!res.success) {
    throw new ConfigError(
      file,
      res.error.issues.map((i) => {
        // zod reports unknown keys at the parent; name the key itself, like kubectl's strict decoding.
        if (i.code === 'unrecognized_keys') {
          const base = formatPath(i.path);
          return { path: i.keys.map((k) => (base ? `${base}.${k}` : k)).join(', '), message: 'unknown field' };
        }
        return { path: formatPath(i.path), message: i.message };
      }),
    );
  }
  const t = res.data;
  const names = new Set<string>();
  t.spec.nodePools.forEach((p, i) => {
    if (names.has(p.name)) throw new ConfigError(file, [{ path: `spec.nodePools[${i}].name`, message: `duplicate pool name "${p.name}"` }]);
    names.add(p.name);
  });
  if (t.spec.store.backend === 'etcd' && t.spec.store.endpoints.length === 0) {
    throw new ConfigError(file, [{ path: 'spec.store.endpoints', message: 'backend etcd needs at least one endpoint' }]);
  }
  for (const [prefix, shard] of Object.entries(t.spec.store.byPrefix)) {
    const bad = resourceNameProblem(prefix);
    if (bad) throw new ConfigError(file, [{ path: `spec.store.byPrefix.${prefix}`, message: bad }]);
    if (shard >= t.spec.store.shards) throw new ConfigError(file, [{ path: `spec.store.byPrefix.${prefix}`, message: `shard ${shard} does not exist (spec.store.shards is ${t.spec.store.shards})` }]);
  }
  for (const resource of Object.keys(t.spec.store.split)) {
    const bad = resourceNameProblem(resource);
    if (bad) throw new ConfigError(file, [{ path: `spec.store.split.${resource}`, message: bad }]);
    if (t.spec.store.backend === 'etcd') throw new ConfigError(file, [{ path: `spec.store.split.${resource}`, message: 'split needs the embedded store (a real etcd has one revision for everything already)' }]);
    if (resource in t.spec.store.byPrefix) throw new ConfigError(file, [{ path: `spec.store.split.${resource}`, message: `${resource} is also pinned by spec.store.byPrefix: a resource is either split or pinned` }]);
  }
  return t;
}

/** BUILTIN_RESOURCES: how the topology names built-in resources ("pods", "apps/deployments"). */
const BUILTIN_RESOURCES = new Set(RESOURCES.map((r) => (r.group ? `${r.group}/${r.resource}` : r.resource)));

/**
 * resourceNameProblem checks a resource named in spec.store: a built-in resource ("pods",
 * "apps/deployments") or a key prefix ("/registry/example.com/widgets/", e.g. for a CRD).
 */
function resourceNameProblem(name: string): string | undefined {
  if (name.startsWith('/registry/')) return undefined;
  if (BUILTIN_RESOURCES.has(name)) return undefined;
  return `unknown resource "${name}": use a built-in resource as kubectl names it with its group ("pods", "apps/deployments") or a key prefix "/registry/<group>/<resource>/"`;
}

/** loadTopology reads, parses and validates a topology YAML file. */
export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(err as Error).message}` }]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const e = err as YAMLParseError;
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ConfigError(file, [{ path: where, message: `invalid YAML: ${e.message.split('\n')[0]}` }]);
  }
  return parseTopology(doc, file);
}

/** totalNodes counts the virtual nodes of a topology. */
export function totalNodes(t: Topology): number {
  return t.spec.nodePools.reduce((n, p) => n + p.count, 0);
}
