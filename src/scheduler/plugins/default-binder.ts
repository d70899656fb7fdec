/** DefaultBinder: binds through the pods/binding subresource (ApiClient.bind). */
import { Status } from '../framework/status.js';
import type { BindPlugin, PluginFactory } from '../framework/types.js';

/** NAME is the plugin's registry name. */
export const NAME = 'DefaultBinder';

/** create builds the plugin; handle.client does the write. */
export const create = ((_args, handle) =>
  ({
    name: NAME,
    async bind(_state, pod, nodeName) {
      await handle.client.bind(pod.pod.metadata.namespace ?? 'default', String(pod.pod.metadata.name), nodeName, pod.uid || undefined);
      return Status.success();
    },
  }) satisfies BindPlugin) satisfies PluginFactory;
