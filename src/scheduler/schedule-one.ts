/**
 * The scheduling algorithm for one pod (schedule_one.go): filter the nodes, stopping once
 * enough are feasible (percentageOfNodesToScore), score them, pick the best (ties at random).
 * Synchronous on purpose: it reads the cache, so nothing may change under it.
 */
import type { Rng } from '../actors/types.js';
import { CycleState } from './framework/cycle-state.js';
import type { Framework } from './framework/framework.js';
import type { NodeInfo, PodInfo } from './framework/node-info.js';
import type { Status } from './framework/status.js';

/** MIN_FEASIBLE_NODES_TO_FIND is upstream's floor (100 nodes). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND is upstream's adaptive floor (5 %). */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** FitError: no node fits; message is what `kubectl describe pod` shows under FailedScheduling. */
export class FitError extends Error {
  override readonly name = 'FitError';
  constructor(
    readonly pod: string,
    readonly numAllNodes: number,
    readonly diagnosis: ReadonlyMap<string, Status>,
  ) {
    super(fitErrorMessage(numAllNodes, diagnosis));
  }
}

/** fitErrorMessage renders "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable." */
export function fitErrorMessage(numAllNodes: number, diagnosis: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  for (const s of diagnosis.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  const base = `0/${numAllNodes} nodes are available`;
  return parts.length ? `${base}: ${parts.join(', ')}.` : `${base}.`;
}

/**
 * numFeasibleNodesToFind: all nodes below 100; otherwise percentage (adaptive: 50 − n/125,
 * at least 5 %) of the nodes, at least 100.
 */
export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.floor(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((numAllNodes * pct) / 100));
}

/** ScheduleResult is where the pod goes and how much work it took. */
export interface ScheduleResult {
  nodeName: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  /** nextStartIndex rotates the filter start so successive pods spread over the node list. */
  nextStartIndex: number;
  state: CycleState;
}

/** schedulePod runs PreFilter, Filter, Score and selects a host; throws FitError or an Error status's cause. */
export function schedulePod(fwk: Framework, pod: PodInfo, nodes: readonly NodeInfo[], rng: Rng, startIndex = 0): ScheduleResult {
  const state = new CycleState();
  const n = nodes.length;
  const diagnosis = new Map<string, Status>();
  if (n === 0) throw new FitError(pod.key, 0, diagnosis);
  const pre = fwk.runPreFilter(state, pod);
  if (pre.code === 'Error') throw pre.error instanceof Error ? pre.error : new Error(pre.message());
  if (!pre.isSuccess()) {
    for (const node of nodes) diagnosis.set(node.name, pre);
    throw new FitError(pod.key, n, diagnosis);
  }
  const want = numFeasibleNodesToFind(fwk.profile.percentageOfNodesToScore, n);
  const feasible: NodeInfo[] = [];
  let evaluated = 0;
  for (; evaluated < n && feasible.length < want; evaluated++) {
    const node = nodes[(startIndex + evaluated) % n];
    const s = fwk.runFilter(state, pod, node);
    if (s.isSuccess()) feasible.push(node);
    else if (s.code === 'Error') throw s.error instanceof Error ? s.error : new Error(s.message());
    else diagnosis.set(node.name, s);
  }
  const nextStartIndex = (startIndex + evaluated) % n;
  if (feasible.length === 0) {
    fwk.runPostFilter(state, pod, diagnosis);
    throw new FitError(pod.key, n, diagnosis);
  }
  if (feasible.length === 1) return { nodeName: feasible[0].name, evaluatedNodes: evaluated, feasibleNodes: 1, nextStartIndex, state };
  const scores = fwk.runScore(state, pod, feasible);
  if (!Array.isArray(scores)) throw scores.error instanceof Error ? scores.error : new Error(scores.message());
  return { nodeName: selectHost(feasible, scores, rng), evaluatedNodes: evaluated, feasibleNodes: feasible.length, nextStartIndex, state };
}

/** selectHost picks the highest score; ties are broken uniformly at random (reservoir sampling). */
export function selectHost(nodes: readonly NodeInfo[], scores: readonly number[], rng: Rng): string {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    if (scores[i] > scores[best]) {
      best = i;
      ties = 1;
    } else if (scores[i] === scores[best]) {
      ties++;
      if (rng.int(ties) === 0) best = i;
    }
  }
  return nodes[best].name;
}
