/**
 * Extension points of the scheduling framework (kube-scheduler's framework/interface.go), one
 * small interface each. A plugin implements the ones it needs; a throw is a bug that the
 * framework turns into Status.error.
 *
 * Cycle for one pod:
 *
 *   PreFilter → Filter(each node, until enough feasible) → PostFilter (only if none fit)
 *     → PreScore → Score(each feasible node) → NormalizeScore → select host
 *     → Reserve → Permit → Bind (async; many binds in flight)
 */
import type { ApiClient } from '../../client/types.js';
import type { KObject, Pod } from '../../api/types.js';
import type { CycleState } from './cycle-state.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { Status } from './status.js';

/** MAX_NODE_SCORE is the top of the normalized score range (framework.MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

/** Plugin is anything with a name; extension points are the interfaces below. */
export interface Plugin {
  readonly name: string;
}

/** PreFilterPlugin computes per-pod state once before filtering; Skip disables its Filter. */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo): Status;
}

/** FilterPlugin decides if pod may run on one node. Must be pure and fast: it runs per node. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

/** PostFilterPlugin runs when no node fits (preemption upstream). */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, filtered: ReadonlyMap<string, Status>): Status;
}

/** PreScorePlugin prepares state for Score over the feasible nodes. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

/** ScorePlugin ranks a feasible node in [0, MAX_NODE_SCORE] (after normalizeScore, if any). */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** normalizeScore rewrites scores in place (same order as nodes) into [0, MAX_NODE_SCORE]. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: number[]): void;
}

/** ReservePlugin claims resources for the chosen node; unreserve undoes it if a later step fails. */
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** PermitPlugin approves (or rejects) the binding. Wait is not supported and counts as a rejection. */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): Status;
}

/** BindPlugin writes the binding; Skip lets the next bind plugin try. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

/** VolumeLookup reads the scheduler's PVC and StorageClass caches (VolumeBinding's listers). */
export interface VolumeLookup {
  claim(namespace: string, name: string): KObject | undefined;
  storageClass(name: string): KObject | undefined;
}

/** Handle is what plugin factories may use. */
export interface Handle {
  readonly client: ApiClient;
  /** volumes is absent when the scheduler runs without PVC caches (VolumeBinding then skips). */
  readonly volumes?: VolumeLookup;
}

/** AnyPlugin is a plugin with any subset of extension points. */
export type AnyPlugin = Plugin & Partial<PreFilterPlugin & FilterPlugin & PostFilterPlugin & PreScorePlugin & ScorePlugin & ReservePlugin & PermitPlugin & BindPlugin>;

/** PluginFactory builds a plugin from its args (from the profile) and the framework handle. */
export type PluginFactory = (args: unknown, handle: Handle) => AnyPlugin;

/** PluginRegistry maps plugin names to factories. */
export type PluginRegistry = Readonly<Record<string, PluginFactory>>;

/** Profile picks plugins and weights scores (KubeSchedulerProfile, flattened). */
export interface Profile {
  schedulerName: string;
  /** plugins in run order; weight applies to Score (default 1). */
  plugins: { name: string; weight?: number; args?: unknown }[];
  /** percentageOfNodesToScore; 0 or undefined means adaptive (max(5, 50 − nodes/125)). */
  percentageOfNodesToScore?: number;
}

/** PodLike narrows what the framework needs from a pod. */
export type PodLike = Pod;
