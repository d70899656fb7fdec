/**
 * Framework runs one profile's plugins at each extension point. Plugins are sorted into the
 * points they implement once, at construction; a throw inside a plugin becomes Status.error so a
 * buggy plugin fails one pod's cycle, not the scheduler.
 */
import { InvariantError } from '../../actors/errors.js';
import type { CycleState } from './cycle-state.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import { Status } from './status.js';
import type {
  AnyPlugin,
  BindPlugin,
  FilterPlugin,
  Handle,
  PermitPlugin,
  PluginRegistry,
  PostFilterPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  Profile,
  ReservePlugin,
  ScorePlugin,
} from './types.js';

/** UnknownPluginError: a profile names a plugin the registry does not have. */
export class UnknownPluginError extends Error {
  override readonly name = 'UnknownPluginError';
  constructor(readonly plugin: string) {
    super(`plugin "${plugin}" does not exist in the registry`);
  }
}

function guard(plugin: string, fn: () => Status): Status {
  try {
    return fn().withPlugin(plugin);
  } catch (err) {
    return Status.error(err).withPlugin(plugin);
  }
}

/** Framework is an instantiated profile. */
export class Framework {
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: { plugin: ScorePlugin; weight: number }[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly bind: BindPlugin[] = [];

  constructor(
    readonly profile: Profile,
    registry: PluginRegistry,
    handle: Handle,
  ) {
    for (const cfg of profile.plugins) {
      const factory = registry[cfg.name];
      if (!factory) throw new UnknownPluginError(cfg.name);
      const p: AnyPlugin = factory(cfg.args, handle);
      if (p.preFilter) this.preFilter.push(p as PreFilterPlugin);
      if (p.filter) this.filter.push(p as FilterPlugin);
      if (p.postFilter) this.postFilter.push(p as PostFilterPlugin);
      if (p.preScore) this.preScore.push(p as PreScorePlugin);
      if (p.score) this.score.push({ plugin: p as ScorePlugin, weight: cfg.weight ?? 1 });
      if (p.reserve) this.reserve.push(p as ReservePlugin);
      if (p.permit) this.permit.push(p as PermitPlugin);
      if (p.bind) this.bind.push(p as BindPlugin);
    }
    if (this.bind.length === 0) throw new InvariantError(`profile ${profile.schedulerName} has no bind plugin`);
  }

  /** runPreFilter stops at the first non-success, non-skip status. */
  runPreFilter(state: CycleState, pod: PodInfo): Status {
    for (const p of this.preFilter) {
      const s = guard(p.name, () => p.preFilter(state, pod));
      if (!s.isSuccess() && !s.isSkip()) return s;
    }
    return Status.success();
  }

  /** runFilter returns the first rejection for this node, or success. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    for (const p of this.filter) {
      if (state.skipFilter.has(p.name)) continue;
      const s = guard(p.name, () => p.filter(state, pod, node));
      if (!s.isSuccess()) return s;
    }
    return Status.success();
  }

  /** runPostFilter runs until one plugin succeeds (none do anything yet: no preemption). */
  runPostFilter(state: CycleState, pod: PodInfo, filtered: ReadonlyMap<string, Status>): Status {
    let last = Status.unschedulable();
    for (const p of this.postFilter) {
      last = guard(p.name, () => p.postFilter(state, pod, filtered));
      if (last.isSuccess()) return last;
    }
    return last;
  }

  /**
   * runScore returns the weighted sum of normalized scores per node (same order as nodes).
   * A plugin throwing fails the whole cycle, as upstream.
   */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] | Status {
    for (const p of this.preScore) {
      const s = guard(p.name, () => p.preScore(state, pod, nodes));
      if (!s.isSuccess() && !s.isSkip()) return s;
    }
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const { plugin, weight } of this.score) {
      try {
        for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i]);
        plugin.normalizeScore?.(state, pod, scores);
      } catch (err) {
        return Status.error(err).withPlugin(plugin.name);
      }
      for (let i = 0; i < nodes.length; i++) totals[i] += scores[i] * weight;
    }
    return totals;
  }

  /** runReserve reserves in order and unreserves everything on the first failure. */
  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const p of this.reserve) {
      const s = guard(p.name, () => p.reserve(state, pod, nodeName));
      if (!s.isSuccess()) {
        this.runUnreserve(state, pod, nodeName);
        return s;
      }
    }
    return Status.success();
  }

  /** runUnreserve undoes Reserve in reverse order; it must not fail. */
  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reserve.length - 1; i >= 0; i--) this.reserve[i].unreserve(state, pod, nodeName);
  }

  /** runPermit: any rejection (or Wait, unsupported) rejects. */
  runPermit(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const p of this.permit) {
      const s = guard(p.name, () => p.permit(state, pod, nodeName));
      if (!s.isSuccess()) return s.code === 'Wait' ? Status.unschedulable('Permit Wait is not supported').withPlugin(p.name) : s;
    }
    return Status.success();
  }

  /** runBind tries bind plugins in order until one does not Skip. */
  async runBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const p of this.bind) {
      let s: Status;
      try {
        s = (await p.bind(state, pod, nodeName)).withPlugin(p.name);
      } catch (err) {
        s = Status.error(err).withPlugin(p.name);
      }
      if (!s.isSkip()) return s;
    }
    return Status.error(new InvariantError('all bind plugins skipped'));
  }
}
