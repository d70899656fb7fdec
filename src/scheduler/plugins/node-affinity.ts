/**
 * NodeAffinity (lite): Filter enforces spec.nodeSelector and
 * affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorTerms are
 * ORed, and inside one term matchExpressions (In, NotIn, Exists, DoesNotExist, Gt, Lt on labels)
 * and matchFields (In/NotIn on metadata.name, the only field upstream supports) are ANDed. A term
 * with neither matches nothing, as upstream. Preferred terms are not scored. The matcher is
 * exported because the DaemonSet controller decides placement with the same rules
 * (component-helpers/scheduling/corev1/nodeaffinity upstream).
 */
import type { Pod } from '../../api/types.js';
import { Status } from '../framework/status.js';
import type { FilterPlugin, PluginFactory, PreFilterPlugin } from '../framework/types.js';

/** NAME is the plugin's registry name. */
export const NAME = 'NodeAffinity';
/** ERR_REASON is upstream's message. */
export const ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

/** NodeSelectorRequirement is one expression of a node selector term. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}
/** NodeSelectorTerm ANDs its label expressions and field requirements. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}
/** NodeFacts are what a node selector can look at: the node's name and labels. */
export interface NodeFacts {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** requiredNodeSelectorTerms returns the pod's required node affinity terms, if any. */
export function requiredNodeSelectorTerms(pod: Pod): NodeSelectorTerm[] | undefined {
  const affinity = pod.spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

function matches(req: NodeSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
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

function fieldMatches(req: NodeSelectorRequirement, node: NodeFacts): boolean {
  // Upstream only knows metadata.name and only In/NotIn for fields; anything else never matches.
  if (req.key !== 'metadata.name') return false;
  if (req.operator === 'In') return (req.values ?? []).includes(node.name);
  if (req.operator === 'NotIn') return !(req.values ?? []).includes(node.name);
  return false;
}

/** termMatches: a term with requirements whose expressions and fields all hold. */
export function termMatches(term: NodeSelectorTerm, node: NodeFacts): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => matches(r, node.labels)) && fields.every((r) => fieldMatches(r, node));
}

/** podMatchesNodeSelectorAndAffinity: nodeSelector labels and the required terms (any) hold for node. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: NodeFacts): boolean {
  const sel = pod.spec.nodeSelector ?? {};
  for (const k of Object.keys(sel)) if (node.labels[k] !== sel[k]) return false;
  const terms = requiredNodeSelectorTerms(pod);
  if (terms && terms.length > 0 && !terms.some((t) => termMatches(t, node))) return false;
  return true;
}

/** create builds the plugin (no args). */
export const create = (() =>
  ({
    name: NAME,
    preFilter(state, pod) {
      // Most pods have neither: skipping Filter saves a call per node.
      if (!pod.pod.spec.nodeSelector && !requiredNodeSelectorTerms(pod.pod)) {
        state.skipFilter.add(NAME);
        return Status.skip();
      }
      return Status.success();
    },
    filter(_state, pod, node) {
      return podMatchesNodeSelectorAndAffinity(pod.pod, node) ? Status.success() : Status.unresolvable(ERR_REASON);
    },
  }) satisfies PreFilterPlugin & FilterPlugin) satisfies PluginFactory;
