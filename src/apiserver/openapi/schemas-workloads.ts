/**
 * Type definitions of apps/v1 StatefulSet, DaemonSet, ControllerRevision, batch/v1 Job and
 * CronJob, and autoscaling/v2 HorizontalPodAutoscaler (see schemas.ts).
 */
import { arr, bool, free, int, intOrString, obj, quantity, ref, str, time, withPatch, type Definition, type Schema } from './schema-dsl.js';

const APPS = 'io.k8s.api.apps.v1.';
const BATCH = 'io.k8s.api.batch.v1.';
const AUTOSCALING = 'io.k8s.api.autoscaling.v2.';
const AUTOSCALING_V1 = 'io.k8s.api.autoscaling.v1.';

const typeMeta = {
  apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
  kind: str('Kind is a string value representing the REST resource this object represents.'),
};
const metadata = ref('ObjectMeta', "Standard object's metadata.");

function kindDef(group: string, prefix: string, kindName: string, props: Record<string, Schema>, description: string): Definition {
  return { name: `${prefix}${kindName}`, gvk: { group, version: prefix === AUTOSCALING ? 'v2' : 'v1', kind: kindName }, schema: obj({ ...typeMeta, metadata, ...props }, description) };
}

const hpaV1: Definition = {
  name: `${AUTOSCALING_V1}HorizontalPodAutoscaler`,
  gvk: { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' },
  schema: obj(
    {
      ...typeMeta,
      metadata,
      spec: obj(
        {
          scaleTargetRef: obj({ kind: str(), name: str(), apiVersion: str() }, 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.', ['kind', 'name']),
          minReplicas: int('minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.'),
          maxReplicas: int('maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.'),
          targetCPUUtilizationPercentage: int('targetCPUUtilizationPercentage is the target average CPU utilization (represented as a percentage of requested CPU) over all the pods; if not specified the default autoscaling policy will be used.'),
        },
        'spec defines the behaviour of autoscaler.',
        ['scaleTargetRef', 'maxReplicas'],
      ),
      status: obj({ observedGeneration: int(), lastScaleTime: time(), currentReplicas: int(), desiredReplicas: int(), currentCPUUtilizationPercentage: int() }, 'status is the current information about the autoscaler.'),
    },
    'configuration of a horizontal pod autoscaler.',
  ),
};


const condition = obj({ type: str(), status: str(), reason: str(), message: str(), lastUpdateTime: time(), lastTransitionTime: time(), lastProbeTime: time() }, undefined, ['type', 'status']);
const conditions = arr(condition, { mergeKey: 'type', strategy: 'merge', listType: 'map', listMapKeys: ['type'] });
const rollingUpdate = (props: Record<string, Schema>): Schema => obj(props, 'Rolling update config params.');

const metricTarget = obj({ type: str(undefined, ['AverageValue', 'Utilization', 'Value']), value: quantity(), averageValue: quantity(), averageUtilization: int() }, undefined, ['type']);
const metricIdentifier = obj({ name: str(), selector: ref('LabelSelector') }, undefined, ['name']);
const crossVersionRef = obj({ kind: str(), name: str(), apiVersion: str() }, 'CrossVersionObjectReference contains enough information to let you identify the referred resource.', ['kind', 'name']);
const metricValue = obj({ value: quantity(), averageValue: quantity(), averageUtilization: int() });
const scalingRules = obj({
  stabilizationWindowSeconds: int(),
  selectPolicy: str(undefined, ['Disabled', 'Max', 'Min']),
  policies: arr(obj({ type: str(undefined, ['Percent', 'Pods']), value: int(), periodSeconds: int() }, undefined, ['type', 'value', 'periodSeconds']), { listType: 'atomic' }),
  tolerance: quantity(),
});

/** WORKLOAD_DEFINITIONS holds the definitions of this file by short name. */
export const WORKLOAD_DEFINITIONS: Record<string, Definition> = {
  HorizontalPodAutoscalerV1: hpaV1,
  StatefulSetSpec: {
    name: `${APPS}StatefulSetSpec`,
    schema: obj(
      {
        replicas: int('replicas is the desired number of replicas of the given Template. Defaults to 1.'),
        selector: ref('LabelSelector', "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
        template: ref('PodTemplateSpec', 'template is the object that describes the pod that will be created if insufficient replicas are detected.'),
        volumeClaimTemplates: arr(ref('PersistentVolumeClaim'), { listType: 'atomic', description: 'volumeClaimTemplates is a list of claims that pods are allowed to reference.' }),
        serviceName: str('serviceName is the name of the service that governs this StatefulSet.'),
        podManagementPolicy: str('podManagementPolicy controls how pods are created during initial scale up.', ['OrderedReady', 'Parallel']),
        updateStrategy: obj({ type: str(undefined, ['OnDelete', 'RollingUpdate']), rollingUpdate: rollingUpdate({ partition: int(), maxUnavailable: intOrString() }) }, 'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.'),
        revisionHistoryLimit: int('revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet\'s revision history.'),
        minReadySeconds: int(),
        persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str(), whenScaled: str() }),
        ordinals: obj({ start: int() }),
      },
      'A StatefulSetSpec is the specification of a StatefulSet.',
      ['selector', 'template'],
    ),
  },
  StatefulSet: kindDef(
    'apps',
    APPS,
    'StatefulSet',
    {
      spec: ref('StatefulSetSpec', 'Spec defines the desired identities of pods in this set.'),
      status: obj({ observedGeneration: int(), replicas: int(), readyReplicas: int(), currentReplicas: int(), updatedReplicas: int(), currentRevision: str(), updateRevision: str(), collisionCount: int(), conditions, availableReplicas: int() }, 'Status is the current status of Pods in this StatefulSet.'),
    },
    'StatefulSet represents a set of pods with consistent identities.',
  ),
  DaemonSetSpec: {
    name: `${APPS}DaemonSetSpec`,
    schema: obj(
      {
        selector: ref('LabelSelector', 'A label query over pods that are managed by the daemon set.'),
        template: ref('PodTemplateSpec', 'An object that describes the pod that will be created.'),
        updateStrategy: obj({ type: str(undefined, ['OnDelete', 'RollingUpdate']), rollingUpdate: rollingUpdate({ maxUnavailable: intOrString(), maxSurge: intOrString() }) }, 'An update strategy to replace existing DaemonSet pods with new pods.'),
        minReadySeconds: int(),
        revisionHistoryLimit: int('The number of old history to retain to allow rollback. Defaults to 10.'),
      },
      'DaemonSetSpec is the specification of a daemon set.',
      ['selector', 'template'],
    ),
  },
  DaemonSet: kindDef(
    'apps',
    APPS,
    'DaemonSet',
    {
      spec: ref('DaemonSetSpec', 'The desired behavior of this daemon set.'),
      status: obj({ currentNumberScheduled: int(), numberMisscheduled: int(), desiredNumberScheduled: int(), numberReady: int(), observedGeneration: int(), updatedNumberScheduled: int(), numberAvailable: int(), numberUnavailable: int(), collisionCount: int(), conditions }, 'The current status of this daemon set.'),
    },
    'DaemonSet represents the configuration of a daemon set.',
  ),
  ControllerRevision: kindDef('apps', APPS, 'ControllerRevision', { data: free('Data is the serialized representation of the state.'), revision: int('Revision indicates the revision of the state represented by Data.') }, 'ControllerRevision implements an immutable snapshot of state data.'),
  JobSpec: {
    name: `${BATCH}JobSpec`,
    schema: obj(
      {
        parallelism: int('Specifies the maximum desired number of pods the job should run at any given time.'),
        completions: int('Specifies the desired number of successfully finished pods the job should be run with.'),
        activeDeadlineSeconds: int('Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it.'),
        podFailurePolicy: free('Specifies the policy of handling failed pods.'),
        successPolicy: free(),
        backoffLimit: int('Specifies the number of retries before marking this job failed. Defaults to 6.'),
        backoffLimitPerIndex: int(),
        maxFailedIndexes: int(),
        selector: ref('LabelSelector', 'A label query over pods that should match the pod count.'),
        manualSelector: bool('manualSelector controls generation of pod labels and pod selectors.'),
        template: ref('PodTemplateSpec', 'Describes the pod that will be created when executing a job.'),
        ttlSecondsAfterFinished: int('ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution.'),
        completionMode: str('completionMode specifies how Pod completions are tracked.', ['Indexed', 'NonIndexed']),
        suspend: bool('suspend specifies whether the Job controller should create Pods or not.'),
        podReplacementPolicy: str(undefined, ['Failed', 'TerminatingOrFailed']),
        managedBy: str(),
      },
      'JobSpec describes how the job execution will look like.',
      ['template'],
    ),
  },
  JobStatus: {
    name: `${BATCH}JobStatus`,
    schema: obj(
      { conditions: arr(condition, { listType: 'atomic' }), startTime: time(), completionTime: time(), active: int(), succeeded: int(), failed: int(), terminating: int(), completedIndexes: str(), failedIndexes: str(), uncountedTerminatedPods: free(), ready: int() },
      'JobStatus represents the current state of a Job.',
    ),
  },
  Job: kindDef('batch', BATCH, 'Job', { spec: ref('JobSpec', 'Specification of the desired behavior of a job.'), status: ref('JobStatus', 'Current status of a job.') }, 'Job represents the configuration of a single job.'),
  CronJobSpec: {
    name: `${BATCH}CronJobSpec`,
    schema: obj(
      {
        schedule: str('The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
        timeZone: str('The time zone name for the given schedule.'),
        startingDeadlineSeconds: int('Optional deadline in seconds for starting the job if it misses scheduled time for any reason.'),
        concurrencyPolicy: str('Specifies how to treat concurrent executions of a Job.', ['Allow', 'Forbid', 'Replace']),
        suspend: bool('This flag tells the controller to suspend subsequent executions.'),
        jobTemplate: obj({ metadata, spec: ref('JobSpec') }, 'Specifies the job that will be created when executing a CronJob.'),
        successfulJobsHistoryLimit: int('The number of successful finished jobs to retain. Defaults to 3.'),
        failedJobsHistoryLimit: int('The number of failed finished jobs to retain. Defaults to 1.'),
      },
      'CronJobSpec describes how the job execution will look like and when it will actually run.',
      ['schedule', 'jobTemplate'],
    ),
  },
  CronJob: kindDef(
    'batch',
    BATCH,
    'CronJob',
    { spec: ref('CronJobSpec', 'Specification of the desired behavior of a cron job, including the schedule.'), status: obj({ active: arr(ref('ObjectReference'), { listType: 'atomic' }), lastScheduleTime: time(), lastSuccessfulTime: time() }, 'Current status of a cron job.') },
    'CronJob represents the configuration of a single cron job.',
  ),
  MetricSpec: {
    name: `${AUTOSCALING}MetricSpec`,
    schema: obj(
      {
        type: str('type is the type of metric source.', ['ContainerResource', 'External', 'Object', 'Pods', 'Resource']),
        resource: obj({ name: str(), target: metricTarget }, undefined, ['name', 'target']),
        containerResource: obj({ name: str(), container: str(), target: metricTarget }, undefined, ['name', 'target', 'container']),
        pods: obj({ metric: metricIdentifier, target: metricTarget }, undefined, ['metric', 'target']),
        object: obj({ describedObject: crossVersionRef, metric: metricIdentifier, target: metricTarget }, undefined, ['describedObject', 'target', 'metric']),
        external: obj({ metric: metricIdentifier, target: metricTarget }, undefined, ['metric', 'target']),
      },
      'MetricSpec specifies how to scale based on a single metric.',
      ['type'],
    ),
  },
  HorizontalPodAutoscalerSpec: {
    name: `${AUTOSCALING}HorizontalPodAutoscalerSpec`,
    schema: obj(
      {
        scaleTargetRef: withPatch(crossVersionRef, 'merge'),
        minReplicas: int('minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. Defaults to 1 pod.'),
        maxReplicas: int('maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
        metrics: arr(ref('MetricSpec'), { listType: 'atomic', description: 'metrics contains the specifications for which to use to calculate the desired replica count.' }),
        behavior: obj({ scaleUp: scalingRules, scaleDown: scalingRules }, 'behavior configures the scaling behavior of the target in both Up and Down directions.'),
      },
      'HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.',
      ['scaleTargetRef', 'maxReplicas'],
    ),
  },
  HorizontalPodAutoscaler: kindDef(
    'autoscaling',
    AUTOSCALING,
    'HorizontalPodAutoscaler',
    {
      spec: ref('HorizontalPodAutoscalerSpec', 'spec is the specification for the behaviour of the autoscaler.'),
      status: obj({
        observedGeneration: int(),
        lastScaleTime: time(),
        currentReplicas: int(),
        desiredReplicas: int(),
        currentMetrics: arr(obj({ type: str(), resource: obj({ name: str(), current: metricValue }), containerResource: obj({ name: str(), container: str(), current: metricValue }), pods: free(), object: free(), external: free() }), { listType: 'atomic' }),
        conditions: arr(condition, { mergeKey: 'type', strategy: 'merge', listType: 'map', listMapKeys: ['type'] }),
      }),
    },
    'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.',
  ),
};
