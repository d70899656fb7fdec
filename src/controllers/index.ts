/**
 * kube-controller-manager as actors: one actor per controller, plus the leader Lease.
 *
 *   kind                        id                            what
 *   replicaset-controller       controller/replicaset         pods per ReplicaSet
 *   deployment-controller       controller/deployment         ReplicaSets per Deployment
 *   endpoints-controller        controller/endpoints          Endpoints per Service
 *   nodelifecycle-controller    controller/nodelifecycle      lease → Ready/taints/evictions
 *   garbage-collector           controller/garbagecollector   ownerReferences cascade
 *   namespace-controller        controller/namespace          system namespaces, ns deletion
 *   disruption-controller       controller/disruption         PodDisruptionBudget status
 *   serviceaccount-controller   controller/serviceaccount     `default` ServiceAccount per namespace
 *   persistentvolume-controller controller/persistentvolume   PV/PVC binding, hostpath provisioner
 *   statefulset-controller      controller/statefulset        ordered pods + PVCs per StatefulSet
 *   daemonset-controller        controller/daemonset          one pod per eligible node per DaemonSet
 *   job-controller              controller/job                pods per Job (completions, backoff, deadline)
 *   ttlafterfinished-controller controller/ttlafterfinished   deletes finished Jobs after their TTL
 *   cronjob-controller          controller/cronjob            Jobs per CronJob schedule
 *   leader-lease                controller/leader             Lease kube-system/kube-controller-manager
 */
import type { ActorRegistry, ActorSpec, Behavior, BehaviorFactory } from '../actors/types.js';
import { deploymentController } from './deployment.js';
import { endpointsController } from './endpoints.js';
import { garbageCollectorController } from './garbagecollector.js';
import { leaderLeaseBehavior, type LeaderLeaseParams } from './leader-lease.js';
import { namespaceController } from './namespace.js';
import { disruptionController } from './disruption.js';
import { serviceAccountController } from './serviceaccount.js';
import { persistentVolumeController } from './persistentvolume.js';
import { nodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle.js';
import { replicaSetController } from './replicaset.js';
import { statefulSetController } from './statefulset.js';
import { daemonSetController } from './daemonset.js';
import { jobController } from './job.js';
import { ttlAfterFinishedController } from './job-ttl.js';
import { cronJobController } from './cronjob.js';
import { controllerBehavior, type ControllerMsg } from './runtime/behavior.js';

/** ControllerParams are the spec params every controller actor accepts. */
export interface ControllerParams {
  /** workers overrides the controller's reconcile concurrency. */
  workers?: number;
  /** apiTimeoutMs is the ask deadline of its API calls (default 10 s). */
  apiTimeoutMs?: number;
}

function params<T extends object>(p: unknown): T & ControllerParams {
  return (p && typeof p === 'object' ? p : {}) as T & ControllerParams;
}

/** createReplicaSetControllerActor: kind 'replicaset-controller' (params: ControllerParams & { burstReplicas? }). */
export function createReplicaSetControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params<{ burstReplicas?: number }>(p);
  return controllerBehavior(replicaSetController(o), o);
}

/** createDeploymentControllerActor: kind 'deployment-controller'. */
export function createDeploymentControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(deploymentController(o), o);
}

/** createEndpointsControllerActor: kind 'endpoints-controller'. */
export function createEndpointsControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(endpointsController(o), o);
}

/** createNodeLifecycleControllerActor: kind 'nodelifecycle-controller' (params: NodeLifecycleOptions). */
export function createNodeLifecycleControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params<NodeLifecycleOptions>(p);
  return controllerBehavior(nodeLifecycleController(o), o);
}

/** createGarbageCollectorActor: kind 'garbage-collector'. */
export function createGarbageCollectorActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(garbageCollectorController(o), o);
}

/** createNamespaceControllerActor: kind 'namespace-controller'. */
export function createNamespaceControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(namespaceController(o), o);
}

/** createDisruptionControllerActor: kind 'disruption-controller'. */
export function createDisruptionControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(disruptionController(o), o);
}

/** createServiceAccountControllerActor: kind 'serviceaccount-controller'. */
export function createServiceAccountControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(serviceAccountController(o), o);
}

/** createPersistentVolumeControllerActor: kind 'persistentvolume-controller'. */
export function createPersistentVolumeControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(persistentVolumeController(o), o);
}

/** createStatefulSetControllerActor: kind 'statefulset-controller'. */
export function createStatefulSetControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(statefulSetController(o), o);
}

/** createDaemonSetControllerActor: kind 'daemonset-controller' (params: ControllerParams & { burstReplicas? }). */
export function createDaemonSetControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params<{ burstReplicas?: number }>(p);
  return controllerBehavior(daemonSetController(o), o);
}

/** createJobControllerActor: kind 'job-controller'. */
export function createJobControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(jobController(o), o);
}

/** createTtlAfterFinishedControllerActor: kind 'ttlafterfinished-controller'. */
export function createTtlAfterFinishedControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(ttlAfterFinishedController(o), o);
}

/** createCronJobControllerActor: kind 'cronjob-controller'. */
export function createCronJobControllerActor(p: unknown): Behavior<ControllerMsg> {
  const o = params(p);
  return controllerBehavior(cronJobController(o), o);
}

/** createLeaderLeaseActor: kind 'leader-lease' (params: LeaderLeaseParams). */
export function createLeaderLeaseActor(p: unknown): Behavior {
  return leaderLeaseBehavior(params<LeaderLeaseParams>(p)) as Behavior;
}

/** CONTROLLER_ACTORS maps each kind to its actor id. */
export const CONTROLLER_ACTORS = {
  'replicaset-controller': 'controller/replicaset',
  'deployment-controller': 'controller/deployment',
  'endpoints-controller': 'controller/endpoints',
  'nodelifecycle-controller': 'controller/nodelifecycle',
  'garbage-collector': 'controller/garbagecollector',
  'namespace-controller': 'controller/namespace',
  'disruption-controller': 'controller/disruption',
  'serviceaccount-controller': 'controller/serviceaccount',
  'persistentvolume-controller': 'controller/persistentvolume',
  'statefulset-controller': 'controller/statefulset',
  'daemonset-controller': 'controller/daemonset',
  'job-controller': 'controller/job',
  'ttlafterfinished-controller': 'controller/ttlafterfinished',
  'cronjob-controller': 'controller/cronjob',
  'leader-lease': 'controller/leader',
} as const;

/** controllerRegistry maps the controller kinds to their factories. */
export const controllerRegistry: ActorRegistry = {
  'replicaset-controller': createReplicaSetControllerActor as BehaviorFactory,
  'deployment-controller': createDeploymentControllerActor as BehaviorFactory,
  'endpoints-controller': createEndpointsControllerActor as BehaviorFactory,
  'nodelifecycle-controller': createNodeLifecycleControllerActor as BehaviorFactory,
  'garbage-collector': createGarbageCollectorActor as BehaviorFactory,
  'namespace-controller': createNamespaceControllerActor as BehaviorFactory,
  'disruption-controller': createDisruptionControllerActor as BehaviorFactory,
  'serviceaccount-controller': createServiceAccountControllerActor as BehaviorFactory,
  'persistentvolume-controller': createPersistentVolumeControllerActor as BehaviorFactory,
  'statefulset-controller': createStatefulSetControllerActor as BehaviorFactory,
  'daemonset-controller': createDaemonSetControllerActor as BehaviorFactory,
  'job-controller': createJobControllerActor as BehaviorFactory,
  'ttlafterfinished-controller': createTtlAfterFinishedControllerActor as BehaviorFactory,
  'cronjob-controller': createCronJobControllerActor as BehaviorFactory,
  'leader-lease': createLeaderLeaseActor as BehaviorFactory,
};

/**
 * controllerManagerActors returns the specs of every controller actor; params per kind (e.g.
 * `{ 'nodelifecycle-controller': { gracePeriodMs: 40000 } }`) are passed through.
 */
export function controllerManagerActors(paramsByKind: Partial<Record<keyof typeof CONTROLLER_ACTORS, unknown>> = {}): ActorSpec[] {
  return (Object.keys(CONTROLLER_ACTORS) as (keyof typeof CONTROLLER_ACTORS)[]).map((kind) => ({
    id: CONTROLLER_ACTORS[kind],
    kind,
    ...(paramsByKind[kind] !== undefined ? { params: paramsByKind[kind] } : {}),
  }));
}

export { controllerBehavior, type ControllerMsg, type ControllerStatsRequest } from './runtime/behavior.js';
export { startController, type ControllerDeps, type ControllerHandle, type ControllerStats } from './runtime/controller.js';
export { Expectations } from './runtime/expectations.js';
export { TerminalError } from './runtime/errors.js';
export type { ControllerDefinition, ControllerEnv, Reconciler, ReconcileContext, Request, Result } from './runtime/types.js';
export { replicaSetController, createReplicaSetReconciler } from './replicaset.js';
export { deploymentController, createDeploymentReconciler } from './deployment.js';
export { endpointsController, createEndpointsReconciler } from './endpoints.js';
export { nodeLifecycleController, createNodeLifecycleReconciler } from './nodelifecycle.js';
export { garbageCollectorController } from './garbagecollector.js';
export { namespaceController, createNamespaceReconciler, SYSTEM_NAMESPACES } from './namespace.js';
export { leaderLeaseBehavior, renewLease } from './leader-lease.js';
export { disruptionController, createDisruptionReconciler } from './disruption.js';
export { serviceAccountController, createServiceAccountReconciler, DEFAULT_SERVICE_ACCOUNTS } from './serviceaccount.js';
export { persistentVolumeController, createPersistentVolumeReconciler } from './persistentvolume.js';
export { statefulSetController, createStatefulSetReconciler } from './statefulset.js';
export { daemonSetController, createDaemonSetReconciler } from './daemonset.js';
export { jobController, createJobReconciler } from './job.js';
export { ttlAfterFinishedController, createTtlAfterFinishedReconciler } from './job-ttl.js';
export { cronJobController, createCronJobReconciler } from './cronjob.js';
export { parseSchedule, CronScheduleError } from './cronjob-schedule.js';
