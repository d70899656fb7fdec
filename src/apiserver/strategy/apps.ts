/**
 * Deployment and ReplicaSet defaults (apps/v1 SetDefaults_*) and validation (ValidateDeployment,
 * ValidateReplicaSet), including template-vs-selector matching and the immutable selector.
 */
import { fromLabelSelector } from '../../api/labels.js';
import type { Deployment, KObject, LabelSelector, PodTemplateSpec, ReplicaSet } from '../../api/types.js';
import { defaultPodSpec, underSpec, validatePodSpec } from './pods.js';
import {
  deepEqual,
  forbidden,
  goLabelMap,
  goLabelSelector,
  IMMUTABLE,
  invalidField,
  notSupported,
  required,
  validateLabels,
  validateNonNegative,
  type ErrorList,
} from './validation.js';

/** defaultTemplate applies pod defaults to a workload's pod template. */
export function defaultTemplate(t: PodTemplateSpec | undefined): void {
  if (!t) return;
  t.metadata ??= {};
  if (t.spec) defaultPodSpec(t.spec);
}

/** deploymentDefaults applies apps/v1 SetDefaults_Deployment. */
export function deploymentDefaults(obj: KObject): void {
  const d = obj as Deployment;
  d.spec ??= {} as Deployment['spec'];
  d.spec.replicas ??= 1;
  const strategy = (d.spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(d.spec.template);
}

/** replicaSetDefaults applies apps/v1 SetDefaults_ReplicaSet. */
export function replicaSetDefaults(obj: KObject): void {
  const rs = obj as ReplicaSet;
  rs.spec ??= {} as ReplicaSet['spec'];
  rs.spec.replicas ??= 1;
  defaultTemplate(rs.spec.template);
}

/**
 * validateSelectorAndTemplate checks a workload's selector, its template and that they match.
 * restartPolicies are the template restart policies the kind allows (Jobs: OnFailure, Never).
 */
export function validateSelectorAndTemplate(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, kindLabel: string, restartPolicies: string[] = ['Always']): ErrorList {
  const errs: ErrorList = [];
  if (!selector) errs.push(required('spec.selector'));
  else {
    const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    if (empty) errs.push(invalidField('spec.selector', selector, `empty selector is invalid for ${kindLabel}`, goLabelSelector(selector)));
    errs.push(...validateLabels(selector.matchLabels, 'spec.selector.matchLabels'));
    (selector.matchExpressions ?? []).forEach((e, i) => {
      const ops = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
      if (!ops.includes(e.operator)) errs.push(notSupported(`spec.selector.matchExpressions[${i}].operator`, e.operator, ops));
      else if ((e.operator === 'In' || e.operator === 'NotIn') && (e.values ?? []).length === 0) {
        errs.push(required(`spec.selector.matchExpressions[${i}].values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
      } else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && (e.values ?? []).length > 0) {
        errs.push(forbidden(`spec.selector.matchExpressions[${i}].values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
      }
    });
    if (template) {
      const labels = template.metadata?.labels;
      let matches = false;
      try {
        matches = !empty && fromLabelSelector(selector).matches(labels ?? {});
      } catch {
        matches = true; // the selector error above is the one to report
      }
      if (!matches && !empty) {
        errs.push(invalidField('spec.template.metadata.labels', labels, '`selector` does not match template `labels`', goLabelMap(labels)));
      }
    }
  }
  if (!template) errs.push(required('spec.template'));
  else {
    errs.push(...validateLabels(template.metadata?.labels, 'spec.template.metadata.labels'));
    errs.push(...underSpec('spec.template.spec', validatePodSpec(template.spec)));
    if (template.spec?.restartPolicy !== undefined && !restartPolicies.includes(template.spec.restartPolicy)) {
      errs.push(notSupported('spec.template.spec.restartPolicy', template.spec.restartPolicy, restartPolicies));
    }
    if (restartPolicies.includes('Always') && template.spec?.activeDeadlineSeconds !== undefined) {
      errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'));
    }
  }
  return errs;
}

function isZero(v: number | string | undefined): boolean {
  return v === 0 || v === '0%' || v === '0';
}

/** validateIntOrPercent checks a non-negative int or a percent string (maxSurge, minAvailable…). */
export function validateIntOrPercent(v: number | string | undefined, field: string): ErrorList {
  if (v === undefined || typeof v === 'number') return validateNonNegative(v, field);
  if (!/^\d+%$/.test(v)) return [invalidField(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  if (Number(v.slice(0, -1)) > 100 && field.endsWith('maxUnavailable')) return [invalidField(field, v, 'must not be greater than 100%')];
  return [];
}

/** validateDeployment is ValidateDeployment (spec part; metadata is checked by the caller). */
export function validateDeployment(obj: KObject): ErrorList {
  const d = obj as Deployment;
  const spec = d.spec;
  if (!spec) return [required('spec.selector'), required('spec.template')];
  const errs: ErrorList = [];
  errs.push(...validateNonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'));
  const s = spec.strategy;
  if (s?.type !== undefined && s.type !== 'RollingUpdate' && s.type !== 'Recreate') errs.push(notSupported('spec.strategy.type', s.type, ['Recreate', 'RollingUpdate']));
  if (s?.type === 'Recreate' && s.rollingUpdate) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  if (s?.type === 'RollingUpdate' && s.rollingUpdate) {
    const ru = s.rollingUpdate;
    errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
    errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      errs.push(invalidField('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  errs.push(...validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...validateNonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalidField('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** validateReplicaSet is ValidateReplicaSet (spec part). */
export function validateReplicaSet(obj: KObject): ErrorList {
  const rs = obj as ReplicaSet;
  if (!rs.spec) return [required('spec.selector')];
  return [
    ...validateNonNegative(rs.spec.replicas, 'spec.replicas'),
    ...validateNonNegative(rs.spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(rs.spec.selector, rs.spec.template, 'deployment'),
  ];
}

/** validateSelectorImmutable: apps/v1 forbids changing spec.selector. */
export function validateSelectorImmutable(newObj: KObject, oldObj: KObject): ErrorList {
  const ns = (newObj as Deployment).spec?.selector;
  const os = (oldObj as Deployment).spec?.selector;
  return deepEqual(ns, os) ? [] : [invalidField('spec.selector', ns, IMMUTABLE, goLabelSelector(ns))];
}
