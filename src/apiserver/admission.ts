/**
 * Admission the API server applies on create, before the strategy: the Priority plugin
 * (plugin/pkg/admission/priority). A pod's priorityClassName resolves to spec.priority and
 * spec.preemptionPolicy; a pod without one gets the globalDefault class, if any.
 */
import { StatusError } from '../api/errors.js';
import type { KObject, Pod } from '../api/types.js';

interface PriorityClassLike extends KObject {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

function forbidden(name: string, message: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    code: 403,
    reason: 'Forbidden',
    message: `pods "${name}" is forbidden: ${message}`,
    details: { name, kind: 'pods' },
  });
}

/**
 * admitPodPriority sets spec.priority and spec.preemptionPolicy of a new pod from its
 * PriorityClass (403 when the class does not exist or the pod already carries other values).
 */
export function admitPodPriority(obj: KObject, classes: readonly KObject[]): void {
  const pod = obj as Pod;
  const spec = (pod.spec ??= { containers: [] });
  const name = String(pod.metadata.name ?? pod.metadata.generateName ?? '');
  const className = spec.priorityClassName as string | undefined;
  let pc: PriorityClassLike | undefined;
  if (className) {
    pc = classes.find((c) => c.metadata.name === className) as PriorityClassLike | undefined;
    if (!pc) throw forbidden(name, `no PriorityClass with name ${className} was found`);
  } else {
    // The oldest global default wins, as upstream picks the lowest-valued one; one is the norm.
    pc = (classes as PriorityClassLike[]).filter((c) => c.globalDefault === true).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
    if (!pc) return;
    spec.priorityClassName = String(pc.metadata.name);
  }
  const value = pc.value ?? 0;
  if (spec.priority !== undefined && spec.priority !== value) {
    throw forbidden(name, `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
  }
  spec.priority = value;
  const policy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
    throw forbidden(name, `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
  }
  spec.preemptionPolicy = policy;
}

/** DEFAULT_CLASS_ANNOTATIONS mark a StorageClass as the cluster default (GA and beta keys). */
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/**
 * admitPvcDefaultStorageClass is the DefaultStorageClass plugin (plugin/pkg/admission/storage/
 * storageclass/setdefault): a new claim without spec.storageClassName (nor the beta class
 * annotation) gets the default class; with several defaults the newest wins, as upstream since 1.26.
 */
export function admitPvcDefaultStorageClass(obj: KObject, classes: readonly KObject[]): void {
  const spec = ((obj.spec ??= {}) as { storageClassName?: string | null });
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
  const defaults = classes
    .filter((c) => DEFAULT_CLASS_ANNOTATIONS.some((a) => c.metadata.annotations?.[a] === 'true'))
    .sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
  if (defaults.length > 0) spec.storageClassName = String(defaults[0].metadata.name);
}
