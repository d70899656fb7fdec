/**
 * VolumeBinding (lite): PreFilter keeps a pod Pending while one of its PersistentVolumeClaims is
 * missing, being deleted, or unbound with an Immediate storage class — upstream's "pod has unbound
 * immediate PersistentVolumeClaims"; the PV controller binds such claims on its own and the
 * scheduler retries when a claim changes. Claims of a WaitForFirstConsumer class do not block:
 * Reserve writes `volume.kubernetes.io/selected-node` on them (fire and forget) so the
 * provisioner can create the volume for the chosen node. Upstream would also wait in PreBind
 * for the binding; the simulated kubelet does not need the volume, so the pod binds at once.
 * Without volume caches (handle.volumes absent) the plugin skips.
 */
import type { KObject, Pod } from '../../api/types.js';
import { PERSISTENTVOLUMECLAIMS } from '../../api/resources.js';
import { Status } from '../framework/status.js';
import type { Handle, PluginFactory, PreFilterPlugin, ReservePlugin } from '../framework/types.js';

/** NAME is the plugin's registry name. */
export const NAME = 'VolumeBinding';
/** ERR_UNBOUND_IMMEDIATE is upstream's reason for unbound Immediate claims. */
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
/** ANN_SELECTED_NODE tells the provisioner which node a WaitForFirstConsumer claim's pod runs on. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';

interface Claim extends KObject {
  spec?: { storageClassName?: string; volumeName?: string };
  status?: { phase?: string };
}

/** claimNames lists the PVCs a pod's volumes reference. */
export function claimNames(pod: Pod): string[] {
  const vols = (pod.spec.volumes as { persistentVolumeClaim?: { claimName?: string } }[] | undefined) ?? [];
  return vols.map((v) => v.persistentVolumeClaim?.claimName).filter((n): n is string => !!n);
}

function classOf(c: Claim): string | undefined {
  return c.spec?.storageClassName ?? c.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
}

const isBound = (c: Claim): boolean => c.status?.phase === 'Bound' || !!c.spec?.volumeName;

/** create builds the plugin (no args). */
export const create = ((_args: unknown, handle: Handle) => {
  const delayed = (c: Claim): boolean => {
    const cls = classOf(c);
    const sc = cls ? (handle.volumes?.storageClass(cls) as { volumeBindingMode?: string } | undefined) : undefined;
    return sc?.volumeBindingMode === 'WaitForFirstConsumer';
  };
  return {
    name: NAME,
    preFilter(_state, pod) {
      const names = claimNames(pod.pod);
      if (names.length === 0 || !handle.volumes) return Status.skip();
      const ns = pod.pod.metadata.namespace ?? 'default';
      for (const name of names) {
        const c = handle.volumes.claim(ns, name) as Claim | undefined;
        if (!c) return Status.unresolvable(`persistentvolumeclaim "${name}" not found`);
        if (c.metadata.deletionTimestamp) return Status.unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
        if (!isBound(c) && !delayed(c)) return Status.unresolvable(ERR_UNBOUND_IMMEDIATE);
      }
      return Status.success();
    },
    reserve(_state, pod, nodeName) {
      if (!handle.volumes) return Status.success();
      const ns = pod.pod.metadata.namespace ?? 'default';
      for (const name of claimNames(pod.pod)) {
        const c = handle.volumes.claim(ns, name) as Claim | undefined;
        if (!c || isBound(c) || !delayed(c) || c.metadata.annotations?.[ANN_SELECTED_NODE] === nodeName) continue;
        // Not awaited: Reserve is synchronous. A failed write only delays provisioning (the pod
        // does not wait for its volume in kubeactor), so it is dropped rather than failing the bind.
        handle.client.patch(PERSISTENTVOLUMECLAIMS, ns, name, 'merge', { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } }).catch(() => undefined);
      }
      return Status.success();
    },
    unreserve() {
      // The annotation stays, as upstream's when binding fails after it was written.
    },
  } satisfies PreFilterPlugin & ReservePlugin;
}) satisfies PluginFactory;
