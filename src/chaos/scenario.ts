/**
 * Chaos scenario files (config/chaos/*.yaml): a workload and a schedule of faults. Validated with
 * zod like topology files; a bad file is reported as `<file>: <field path>: <problem>`.
 *
 *   spec.workload   Deployments that scale, pods that churn, a ledger of acknowledged writes
 *   spec.faults[]   at / every / until (seconds from the start of the run) + one action:
 *                   kill (by role or random), pauseNode, deleteNode, delay (link fault), slowDisk
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../cluster/config.js';

/** ROLES a kill can target; `random` picks any host. */
export const ROLES = ['store', 'apiserver', 'scheduler', 'controller', 'nodehost', 'random'] as const;
/** Role is a kill target. */
export type Role = (typeof ROLES)[number];

const timing = {
  /** at: first firing, seconds after the workload started. */
  at: z.number().nonnegative(),
  /** every: repeat period in seconds (absent: once). */
  every: z.number().positive().optional(),
  /** until: last possible firing (default: the end of the fault phase). */
  until: z.number().nonnegative().optional(),
};

const fault = z.discriminatedUnion('action', [
  z.object({ ...timing, action: z.literal('kill'), role: z.enum(ROLES).default('random') }).strict(),
  z
    .object({ ...timing, action: z.literal('pauseNode'), node: z.string().default('random'), durationSeconds: z.number().positive() })
    .strict(),
  z
    .object({ ...timing, action: z.literal('deleteNode'), node: z.string().default('random'), durationSeconds: z.number().positive() })
    .strict(),
  z
    .object({
      ...timing,
      action: z.literal('delay'),
      /** host: a host name, or a role (its hosts), or random. */
      host: z.string().default('random'),
      delayMs: z.number().int().nonnegative().default(0),
      dropRate: z.number().min(0).max(1).default(0),
      durationSeconds: z.number().positive(),
    })
    .strict(),
  z
    .object({ ...timing, action: z.literal('slowDisk'), shard: z.number().int().nonnegative().default(0), latencyMs: z.number().int().positive(), durationSeconds: z.number().positive() })
    .strict(),
]);

const workload = z
  .object({
    /** deployments: how many Deployments the workload runs. */
    deployments: z.number().int().min(1).max(100).default(3),
    /** replicas: each Deployment's initial replicas. */
    replicas: z.number().int().min(0).max(1000).default(3),
    /** maxReplicas: scaling picks a count in [1, maxReplicas]. */
    maxReplicas: z.number().int().min(1).max(1000).default(6),
    /** scaleEverySeconds: one Deployment is scaled this often (0: never). */
    scaleEverySeconds: z.number().nonnegative().default(2),
    /** churnEverySeconds: one random workload pod is deleted this often (0: never). */
    churnEverySeconds: z.number().nonnegative().default(1),
    /** ledgerEverySeconds: one ledger object is created this often (acknowledged-write check). */
    ledgerEverySeconds: z.number().nonnegative().default(0.5),
    /** podRequests: every workload container's requests (the over-commit check sums them). */
    podRequests: z.object({ cpu: z.string().default('100m'), memory: z.string().default('64Mi') }).strict().default({ cpu: '100m', memory: '64Mi' }),
  })
  .strict();

const scenario = z
  .object({
    apiVersion: z.literal('kubeactor.io/v1alpha1'),
    kind: z.literal('ChaosScenario'),
    metadata: z.object({ name: z.string().min(1) }).strict(),
    spec: z
      .object({
        /** durationSeconds: how long faults and workload run (the CLI's --duration overrides). */
        durationSeconds: z.number().positive().default(60),
        /** settleSeconds: after the faults, how long the cluster has to converge. */
        settleSeconds: z.number().positive().default(120),
        /** orphanGraceSeconds: how long a pod may stay bound to a deleted node before it is a violation. */
        orphanGraceSeconds: z.number().positive().default(30),
        /** sampleEveryMs: how often convergence and invariants are sampled. */
        sampleEveryMs: z.number().int().positive().default(500),
        workload: workload.default(workload.parse({})),
        faults: z.array(fault).default([]),
      })
      .strict(),
  })
  .strict();

/** Scenario is a validated scenario with defaults filled in. */
export type Scenario = z.output<typeof scenario>;
/** FaultSpec is one entry of spec.faults. */
export type FaultSpec = Scenario['spec']['faults'][number];
/** WorkloadSpec is spec.workload. */
export type WorkloadSpec = Scenario['spec']['workload'];

/** parseScenario validates a parsed document; `file` names it in errors. */
export function parseScenario(doc: unknown, file: string): Scenario {
  const res = scenario.safeParse(doc);
  if (!res.success) throw new ConfigError(file, res.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  return res.data;
}

/** loadScenario reads and validates a scenario YAML file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(err as Error).message}` }]);
  }
  return parseScenario(parseYaml(text), file);
}

/** FaultFiring is one planned firing of a fault, at `atMs` after the start. */
export interface FaultFiring {
  atMs: number;
  fault: FaultSpec;
}

/** expandFaults turns the schedule into firings within [0, durationMs), sorted by time (stable). */
export function expandFaults(faults: readonly FaultSpec[], durationMs: number): FaultFiring[] {
  const out: FaultFiring[] = [];
  for (const f of faults) {
    const first = f.at * 1000;
    if (f.every === undefined) {
      if (first < durationMs) out.push({ atMs: Math.round(first), fault: f });
      continue;
    }
    const until = Math.min(durationMs, f.until !== undefined ? f.until * 1000 + 1 : durationMs);
    for (let t = first; t < until; t += f.every * 1000) out.push({ atMs: Math.round(t), fault: f });
  }
  return out.map((x, i) => ({ x, i })).sort((a, b) => a.x.atMs - b.x.atMs || a.i - b.i).map((e) => e.x);
}
