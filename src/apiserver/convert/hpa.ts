/**
 * autoscaling/v1 HorizontalPodAutoscalers are stored in the autoscaling/v2 form (one storage for
 * both versions, as upstream). v1 knows only a CPU utilization target: v2 metrics other than
 * the CPU Resource metric have no v1 field and are kept in the
 * `autoscaling.alpha.kubernetes.io/metrics` annotation of the v1 form (upstream's round-trip
 * annotation), so a v1 read-modify-write does not lose them.
 */
import type { KObject } from '../../api/types.js';

const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
/** DEFAULT_CPU_UTILIZATION is autoscaling's DefaultCPUUtilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number } };
}
interface MetricStatus {
  type?: string;
  resource?: { name?: string; current?: { averageUtilization?: number } };
}
type Hpa = KObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const isCpu = (m: MetricSpec): boolean => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization';

/** hpaV2ToV1 converts a stored (v2) HPA to its autoscaling/v1 form. */
export function hpaV2ToV1(obj: KObject): KObject {
  const o = obj as Hpa;
  const spec = { ...(o.spec ?? {}) };
  const metrics = (spec.metrics ?? []) as MetricSpec[];
  delete spec.metrics;
  delete spec.behavior;
  const cpu = metrics.find(isCpu);
  if (cpu?.resource?.target?.averageUtilization !== undefined) spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const others = metrics.filter((m) => !isCpu(m));
  const metadata = { ...o.metadata };
  if (others.length > 0) metadata.annotations = { ...(metadata.annotations ?? {}), [METRICS_ANNOTATION]: JSON.stringify(others) };
  const out: Hpa = { ...o, apiVersion: 'autoscaling/v1', metadata, spec };
  if (o.status) {
    const status = { ...o.status };
    const current = (status.currentMetrics ?? []) as MetricStatus[];
    delete status.currentMetrics;
    delete status.conditions;
    const cur = current.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
    if (cur !== undefined) status.currentCPUUtilizationPercentage = cur;
    out.status = status;
  }
  return out;
}

/** hpaV1ToV2 converts an autoscaling/v1 HPA to the stored (v2) form. */
export function hpaV1ToV2(obj: KObject): KObject {
  const o = obj as Hpa;
  const spec = { ...(o.spec ?? {}) };
  const target = spec.targetCPUUtilizationPercentage as number | undefined;
  delete spec.targetCPUUtilizationPercentage;
  const metadata = { ...o.metadata };
  let metrics: MetricSpec[] = [];
  const kept = metadata.annotations?.[METRICS_ANNOTATION];
  if (kept !== undefined) {
    try {
      metrics = JSON.parse(kept) as MetricSpec[];
    } catch {
      metrics = []; // a hand-edited annotation that is not JSON is dropped, as upstream ignores it
    }
    const annotations = { ...metadata.annotations };
    delete annotations[METRICS_ANNOTATION];
    metadata.annotations = annotations;
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  if (target !== undefined) metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }, ...metrics];
  // The stored (v2) form is defaulted as v2 is: no target at all means the 80 % CPU default.
  if (metrics.length === 0) metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  spec.metrics = metrics;
  const out: Hpa = { ...o, apiVersion: 'autoscaling/v2', metadata, spec };
  if (o.status) {
    const status = { ...o.status };
    const cur = status.currentCPUUtilizationPercentage as number | undefined;
    delete status.currentCPUUtilizationPercentage;
    if (cur !== undefined) status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cur } } }];
    out.status = status;
  }
  return out;
}
