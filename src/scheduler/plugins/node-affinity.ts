/**
 * NodeAffinity (lite): Filter enforces spec.nodeSelector and
 * affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution (terms ORed, expressions
 * ANDed; In, NotIn, Exists, DoesNotExist, Gt, Lt on labels). Preferred terms are not scored.
 */
import type { Pod } from '../../api/types.js';
import { Status } from '../framework/status.js';
import type { FilterPlugin, PluginFactory, PreFilterPlugin } from '../framework/types.js';

/** NAME is the plugin's registry name. */
export const NAME = 'NodeAffinity';
/** ERR_REASON is upstream's message. */
export const ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}
interface Term {
  matchExpressions?: Requirement[];
}

function requiredTerms(pod: Pod): Term[] | undefined {
  const affinity = pod.spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Term[] } } } | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

function matches(req: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const v = labels[req.key];
  switch (req.operator) {
    case 'In':
      return has && (req.values ?? []).includes(v);
    case 'NotIn':
      return !has || !(req.values ?? []).includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
      return has && Number(v) > Number(req.values?.[0]);
    case 'Lt':
      return has && Number(v) < Number(req.values?.[0]);
    default:
      return false;
  }
}

/** create builds the plugin (no args). */
export const create = (() =>
  ({
    name: NAME,
    preFilter(state, pod) {
      // Most pods have neither: skipping Filter saves a call per node.
      if (!pod.pod.spec.nodeSelector && !requiredTerms(pod.pod)) {
        state.skipFilter.add(NAME);
        return Status.skip();
      }
      return Status.success();
    },
    filter(_state, pod, node) {
      const sel = pod.pod.spec.nodeSelector ?? {};
      for (const k of Object.keys(sel)) if (node.labels[k] !== sel[k]) return Status.unresolvable(ERR_REASON);
      const terms = requiredTerms(pod.pod);
      if (terms && terms.length > 0) {
        const ok = terms.some((t) => (t.matchExpressions ?? []).length > 0 && (t.matchExpressions ?? []).every((r) => matches(r, node.labels)));
        if (!ok) return Status.unresolvable(ERR_REASON);
      }
      return Status.success();
    },
  }) satisfies PreFilterPlugin & FilterPlugin) satisfies PluginFactory;
