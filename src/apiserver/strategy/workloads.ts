/**
 * Strategies' kind-specific parts for apps/v1 StatefulSets, DaemonSets, ControllerRevisions,
 * batch/v1 Jobs and CronJobs and autoscaling/v2 HorizontalPodAutoscalers: SetDefaults_* and
 * Validate* as upstream (pkg/apis/{apps,batch,autoscaling}), incl. the Job selector the registry
 * generates from the Job's uid.
 */
import type { KObject, LabelSelector, PodTemplateSpec } from '../../api/types.js';
import { defaultTemplate, validateIntOrPercent, validateSelectorAndTemplate, validateSelectorImmutable } from './apps.js';
import { underSpec, validatePodSpec } from './pods.js';
import { deepEqual, forbidden, IMMUTABLE, invalidField, notSupported, required, validateLabels, validateNonNegative, type ErrorList } from './validation.js';

interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  [k: string]: unknown;
}
type Workload = KObject & { spec?: WorkloadSpec };

const specOf = (o: KObject): WorkloadSpec => ((o as Workload).spec ??= {});

/** statefulSetDefaults is SetDefaults_StatefulSet. */
export function statefulSetDefaults(obj: KObject): void {
  const s = specOf(obj);
  s.replicas ??= 1;
  s.podManagementPolicy ??= 'OrderedReady';
  const us = (s.updateStrategy ??= {}) as { type?: string; rollingUpdate?: { partition?: number } };
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') (us.rollingUpdate ??= {}).partition ??= 0;
  s.revisionHistoryLimit ??= 10;
  const ret = (s.persistentVolumeClaimRetentionPolicy ??= {}) as { whenDeleted?: string; whenScaled?: string };
  ret.whenDeleted ??= 'Retain';
  ret.whenScaled ??= 'Retain';
  for (const t of (s.volumeClaimTemplates ?? []) as KObject[]) {
    ((t.spec ??= {}) as { volumeMode?: string }).volumeMode ??= 'Filesystem';
    t.apiVersion ??= 'v1';
    t.kind ??= 'PersistentVolumeClaim';
    t.status ??= { phase: 'Pending' };
  }
  defaultTemplate(s.template);
}

/** validateStatefulSet is ValidateStatefulSetSpec. */
export function validateStatefulSet(obj: KObject): ErrorList {
  const s = specOf(obj);
  const errs = [...validateNonNegative(s.replicas, 'spec.replicas'), ...validateNonNegative(s.minReadySeconds, 'spec.minReadySeconds')];
  const pmp = ['OrderedReady', 'Parallel'];
  if (s.podManagementPolicy !== undefined && !pmp.includes(String(s.podManagementPolicy))) errs.push(notSupported('spec.podManagementPolicy', s.podManagementPolicy, pmp));
  const us = s.updateStrategy as { type?: string; rollingUpdate?: { partition?: number } } | undefined;
  if (us?.type !== undefined && us.type !== 'RollingUpdate' && us.type !== 'OnDelete') errs.push(notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
  if (us?.type === 'OnDelete' && us.rollingUpdate) errs.push(forbidden('spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'"));
  errs.push(...validateNonNegative(us?.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  errs.push(...validateSelectorAndTemplate(s.selector, s.template, 'statefulset'));
  return errs;
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** validateStatefulSetUpdate: only the fields upstream lists may change. */
export function validateStatefulSetUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = { ...specOf(newObj) };
  const o = { ...specOf(structuredClone(oldObj)) };
  for (const k of STS_MUTABLE) {
    delete n[k];
    delete o[k];
  }
  if (deepEqual(n, o)) return [];
  return [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

/** daemonSetDefaults is SetDefaults_DaemonSet. */
export function daemonSetDefaults(obj: KObject): void {
  const s = specOf(obj);
  const us = (s.updateStrategy ??= {}) as { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  s.revisionHistoryLimit ??= 10;
  defaultTemplate(s.template);
}

/** validateDaemonSet is ValidateDaemonSetSpec. */
export function validateDaemonSet(obj: KObject): ErrorList {
  const s = specOf(obj);
  const errs = [...validateSelectorAndTemplate(s.selector, s.template, 'daemonset'), ...validateNonNegative(s.minReadySeconds, 'spec.minReadySeconds')];
  const us = s.updateStrategy as { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } } | undefined;
  if (us?.type !== undefined && us.type !== 'RollingUpdate' && us.type !== 'OnDelete') errs.push(notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
  const ru = us?.rollingUpdate;
  if (ru) {
    errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
    errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge'));
    const zero = (v: unknown) => v === 0 || v === '0%';
    if (zero(ru.maxUnavailable) && zero(ru.maxSurge)) errs.push(invalidField('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

/** validateControllerRevision: revision ≥ 0. */
export function validateControllerRevision(obj: KObject): ErrorList {
  return validateNonNegative((obj as KObject & { revision?: number }).revision, 'revision');
}

/** validateControllerRevisionUpdate: data is immutable. */
export function validateControllerRevisionUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = (newObj as { data?: unknown }).data;
  return deepEqual(n, (oldObj as { data?: unknown }).data) ? [] : [invalidField('data', n, IMMUTABLE)];
}

/** jobSpecDefaults is SetDefaults_Job on a JobSpec (also used for CronJob templates). */
function jobSpecDefaults(s: WorkloadSpec): void {
  if (s.completions === undefined && s.parallelism === undefined) s.completions = 1;
  s.parallelism ??= 1;
  s.backoffLimit ??= s.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  if (s.podFailurePolicy === undefined) s.podReplacementPolicy ??= 'TerminatingOrFailed';
  else s.podReplacementPolicy ??= 'Failed';
  defaultTemplate(s.template);
}

/** jobDefaults is SetDefaults_Job. */
export function jobDefaults(obj: KObject): void {
  jobSpecDefaults(specOf(obj));
}

/**
 * jobGenerateSelector is the job registry's generateSelector: unless manualSelector, the selector
 * is `batch.kubernetes.io/controller-uid=<uid>` and the template gets the controller-uid and
 * job-name labels (legacy and prefixed). Needs metadata.uid, so it runs after it is assigned.
 */
export function jobGenerateSelector(obj: KObject): void {
  const s = specOf(obj);
  if (s.manualSelector === true) return;
  const uid = String(obj.metadata.uid ?? '');
  const name = String(obj.metadata.name ?? '');
  const t = (s.template ??= {} as PodTemplateSpec);
  const meta = (t.metadata ??= {});
  meta.labels = { ...(meta.labels ?? {}), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  if (!s.selector) s.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}

const JOB_RESTART = ['OnFailure', 'Never'];

/** validateTemplate checks a CronJob's job template's pod template (no selector there yet). */
function validateTemplate(t: PodTemplateSpec | undefined): ErrorList {
  if (!t) return [required('spec.template')];
  const errs = [...validateLabels(t.metadata?.labels, 'spec.template.metadata.labels'), ...underSpec('spec.template.spec', validatePodSpec(t.spec))];
  const rp = t.spec?.restartPolicy;
  if (rp !== undefined && !JOB_RESTART.includes(rp)) errs.push(notSupported('spec.template.spec.restartPolicy', rp, JOB_RESTART));
  return errs;
}

function validateJobSpec(s: WorkloadSpec, prefix: string, withSelector: boolean): ErrorList {
  const errs: ErrorList = [];
  for (const k of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished']) errs.push(...validateNonNegative(s[k], `${prefix}.${k}`));
  if (typeof s.activeDeadlineSeconds === 'number' && s.activeDeadlineSeconds <= 0) errs.push(invalidField(`${prefix}.activeDeadlineSeconds`, s.activeDeadlineSeconds, 'must be greater than 0'));
  const modes = ['Indexed', 'NonIndexed'];
  if (s.completionMode !== undefined && !modes.includes(String(s.completionMode))) errs.push(notSupported(`${prefix}.completionMode`, s.completionMode, modes));
  if (s.completionMode === 'Indexed' && s.completions === undefined) errs.push(required(`${prefix}.completions`, 'when completion mode is Indexed'));
  const causes = withSelector ? validateSelectorAndTemplate(s.selector, s.template, 'job', JOB_RESTART) : validateTemplate(s.template);
  errs.push(...causes.map((c) => ({ ...c, field: c.field?.replace(/^spec\./, `${prefix}.`) })));
  return errs;
}

/** validateJob is ValidateJob. */
export function validateJob(obj: KObject): ErrorList {
  return validateJobSpec(specOf(obj), 'spec', true);
}

/** validateJobUpdate: selector, template (unless suspended) and completions (NonIndexed) are immutable. */
export function validateJobUpdate(newObj: KObject, oldObj: KObject): ErrorList {
  const n = specOf(newObj);
  const o = specOf(structuredClone(oldObj));
  const errs = validateSelectorImmutable(newObj, oldObj);
  if (!o.suspend && !deepEqual(n.template, o.template)) errs.push(invalidField('spec.template', n.template, IMMUTABLE, 'core.PodTemplateSpec{…}'));
  if (n.completionMode !== 'Indexed' && n.completions !== o.completions) errs.push(invalidField('spec.completions', n.completions, IMMUTABLE));
  if (n.completionMode !== o.completionMode) errs.push(invalidField('spec.completionMode', n.completionMode, IMMUTABLE));
  return errs;
}

/** cronJobDefaults is SetDefaults_CronJob (and the Job defaults of its template). */
export function cronJobDefaults(obj: KObject): void {
  const s = specOf(obj);
  s.concurrencyPolicy ??= 'Allow';
  s.suspend ??= false;
  s.successfulJobsHistoryLimit ??= 3;
  s.failedJobsHistoryLimit ??= 1;
  const jt = (s.jobTemplate ??= {}) as { spec?: WorkloadSpec };
  jobSpecDefaults((jt.spec ??= {}));
}

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

/** validCron accepts standard 5-field cron, the @-macros and @every <duration> (robfig/cron). */
export function validCron(schedule: string): boolean {
  const s = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, '');
  if (CRON_MACROS.includes(s)) return true;
  if (/^@every\s+(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/.test(s)) return true;
  const fields = s.split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

/** validateCronJob is ValidateCronJobCreate (spec). */
export function validateCronJob(obj: KObject): ErrorList {
  const s = specOf(obj);
  const errs: ErrorList = [];
  if (typeof s.schedule !== 'string' || s.schedule === '') errs.push(required('spec.schedule'));
  else if (!validCron(s.schedule)) errs.push(invalidField('spec.schedule', s.schedule, `unparseable cron expression`));
  else if (/TZ=/.test(s.schedule)) errs.push(invalidField('spec.schedule', s.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  const cp = ['Allow', 'Forbid', 'Replace'];
  if (s.concurrencyPolicy !== undefined && !cp.includes(String(s.concurrencyPolicy))) errs.push(notSupported('spec.concurrencyPolicy', s.concurrencyPolicy, cp));
  for (const k of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...validateNonNegative(s[k], `spec.${k}`));
  const jt = s.jobTemplate as { spec?: WorkloadSpec } | undefined;
  if (!jt?.spec) errs.push(required('spec.jobTemplate.spec'));
  else errs.push(...validateJobSpec(jt.spec, 'spec.jobTemplate.spec', false));
  if (obj.metadata.name && obj.metadata.name.length > 52) errs.push(invalidField('metadata.name', obj.metadata.name, 'must be no more than 52 characters'));
  return errs;
}

interface HpaSpec {
  minReplicas?: number;
  maxReplicas?: number;
  scaleTargetRef?: { kind?: string; name?: string; apiVersion?: string };
  metrics?: Record<string, unknown>[];
}

/** hpaDefaults is autoscaling/v2 SetDefaults_HorizontalPodAutoscaler (minReplicas 1, CPU 80 %). */
export function hpaDefaults(obj: KObject): void {
  const s = ((obj as KObject & { spec?: HpaSpec }).spec ??= {});
  s.minReplicas ??= 1;
  if (!s.metrics || s.metrics.length === 0) s.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
}

/** validateHpa is ValidateHorizontalPodAutoscalerSpec (the parts users hit). */
export function validateHpa(obj: KObject): ErrorList {
  const s = ((obj as KObject & { spec?: HpaSpec }).spec ?? {}) as HpaSpec;
  const errs: ErrorList = [];
  if (s.minReplicas !== undefined && s.minReplicas < 1) errs.push(invalidField('spec.minReplicas', s.minReplicas, 'must be greater than or equal to 1'));
  if (s.maxReplicas === undefined || s.maxReplicas < 1) errs.push(invalidField('spec.maxReplicas', s.maxReplicas ?? 0, 'must be greater than 0'));
  else if (s.minReplicas !== undefined && s.maxReplicas < s.minReplicas) errs.push(invalidField('spec.maxReplicas', s.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  if (!s.scaleTargetRef?.kind) errs.push(required('spec.scaleTargetRef.kind'));
  if (!s.scaleTargetRef?.name) errs.push(required('spec.scaleTargetRef.name'));
  const types = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
  (s.metrics ?? []).forEach((m, i) => {
    if (!m.type) errs.push(required(`spec.metrics[${i}].type`, 'must specify a metric source type'));
    else if (!types.includes(String(m.type))) errs.push(notSupported(`spec.metrics[${i}].type`, m.type, types));
  });
  return errs;
}

/** hpaV1Defaults is autoscaling/v1 SetDefaults_HorizontalPodAutoscaler (minReplicas 1). */
export function hpaV1Defaults(obj: KObject): void {
  ((obj as KObject & { spec?: HpaSpec }).spec ??= {}).minReplicas ??= 1;
}

/** validateHpaV1 is validateHpa without v2 metrics, plus the CPU target bound. */
export function validateHpaV1(obj: KObject): ErrorList {
  const errs = validateHpa(obj);
  const t = ((obj as KObject & { spec?: { targetCPUUtilizationPercentage?: number } }).spec ?? {}).targetCPUUtilizationPercentage;
  if (t !== undefined && t < 1) errs.push(invalidField('spec.targetCPUUtilizationPercentage', t, 'must be greater than or equal to 1'));
  return errs;
}
