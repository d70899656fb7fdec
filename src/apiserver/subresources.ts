/**
 * Subresources beyond status: pods/binding (the scheduler's bind), pods/eviction (drain),
 * and deployments|replicasets/scale (autoscaling/v1 Scale: GET, PUT, PATCH).
 */
import jsonPatch from 'fast-json-patch';
import { badRequest, conflict, invalid } from '../api/errors.js';
import { formatLabelSelector } from '../api/labels.js';
import { nowRfc3339 } from '../api/meta.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject, LabelSelector, PodCondition, Status } from '../api/types.js';
import { evictWithBudget } from './eviction.js';
import { mergePatch } from './object-util.js';
import type { PatchType, WriteOptions } from './protocol.js';
import type { ApiRegistry, OpResult } from './registry.js';

function success(code: number): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

function requireSub(info: ResourceInfo, sub: 'binding' | 'eviction' | 'scale'): void {
  if (!info.subresources.includes(sub)) {
    throw badRequest(`the server does not allow this method on the requested resource (${info.resource}/${sub})`);
  }
}

/**
 * bindPod sets spec.nodeName of an unbound pod and its PodScheduled condition (201 Status).
 * 409 if the pod is already bound or being deleted, or the binding's uid precondition fails.
 */
export async function bindPod(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string, binding: KObject, opts: WriteOptions): Promise<OpResult> {
  requireSub(info, 'binding');
  const target = (binding as { target?: { name?: string; kind?: string } }).target;
  if (!target?.name) {
    throw invalid('', 'Binding', name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  }
  const gr = { group: '', resource: 'pods/binding' };
  await reg.updateWith(info, namespace, name, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    const wantUid = binding.metadata?.uid;
    if (wantUid && wantUid !== pod.metadata.uid) throw conflict(gr, name, `Precondition failed: UID in precondition: ${wantUid}, UID in object meta: ${pod.metadata.uid}`);
    if (pod.metadata.deletionTimestamp) throw conflict(gr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw conflict(gr, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = target.name;
    const ann = binding.metadata?.annotations;
    if (ann) pod.metadata.annotations = { ...pod.metadata.annotations, ...ann };
    const status = (pod.status ??= {}) as { conditions?: PodCondition[] };
    const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowRfc3339(reg.clock) });
    status.conditions = conds;
    return pod;
  }, opts.dryRun);
  return { code: 201, body: success(201) };
}

/** evictPod is POST pods/<name>/eviction: honours PodDisruptionBudgets (eviction.ts); 201 Status or 429. */
export async function evictPod(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string, eviction: KObject): Promise<OpResult> {
  requireSub(info, 'eviction');
  return evictWithBudget(reg, namespace, name, eviction);
}

interface ScaleSpec {
  replicas?: number;
  selector?: LabelSelector;
}

/** toScale is the autoscaling/v1 Scale view of a workload. */
export function toScale(obj: KObject): KObject {
  const spec = (obj.spec ?? {}) as ScaleSpec;
  const status = (obj.status ?? {}) as { replicas?: number };
  let selector = '';
  try {
    selector = formatLabelSelector(spec.selector);
  } catch {
    // an invalid selector cannot be stored; print it as empty rather than fail a read
  }
  const m = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

/** getScale reads the Scale of a deployment or replicaset. */
export async function getScale(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string): Promise<OpResult> {
  requireSub(info, 'scale');
  return { code: 200, body: toScale(reg.getObject(info, namespace, name)) };
}

function applyScale(reg: ApiRegistry, info: ResourceInfo, cur: KObject, scale: KObject, opts: WriteOptions): KObject {
  const name = String(cur.metadata.name);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== cur.metadata.resourceVersion) throw conflict(info, name);
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('autoscaling', 'Scale', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  const next = structuredClone(cur);
  (next.spec as ScaleSpec).replicas = replicas;
  return reg.prepareUpdate(info, next, cur, undefined, { ...opts, fieldValidation: 'Ignore' });
}

/** updateScale is PUT …/scale with a Scale body. */
export async function updateScale(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string, scale: KObject, opts: WriteOptions): Promise<OpResult> {
  requireSub(info, 'scale');
  if (scale?.metadata?.name && scale.metadata.name !== name) throw badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`);
  const updated = await reg.updateWith(info, namespace, name, (cur) => applyScale(reg, info, cur, scale, opts), opts.dryRun);
  return { code: 200, body: toScale(updated) };
}

/**
 * patchScaleObject applies a PATCH body to a Scale: JSON patch, or merge patch (a strategic merge
 * patch of a Scale is the same, it has no lists). Shared by built-in and custom resources.
 */
export function patchScaleObject(scale: KObject, patchType: PatchType, patch: unknown): KObject {
  if (patchType !== 'json') return mergePatch(scale, patch) as KObject;
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  try {
    return jsonPatch.applyPatch(scale, patch as jsonPatch.Operation[], true, false).newDocument;
  } catch (err) {
    throw badRequest(`the JSON patch could not be applied: ${(err as Error).message}`);
  }
}

/** patchScale is PATCH …/scale: merge (strategic is the same on a Scale) or JSON patch on the Scale object. */
export async function patchScale(reg: ApiRegistry, info: ResourceInfo, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts: WriteOptions): Promise<OpResult> {
  requireSub(info, 'scale');
  const updated = await reg.updateWith(info, namespace, name, (cur) => applyScale(reg, info, cur, patchScaleObject(toScale(cur), patchType, patch), opts), opts.dryRun);
  return { code: 200, body: toScale(updated) };
}
