/** The in-tree plugin registry and the default profile. */
import type { PluginRegistry, Profile } from '../framework/types.js';
import * as defaultBinder from './default-binder.js';
import * as nodeAffinity from './node-affinity.js';
import * as nodeName from './node-name.js';
import * as nodeResourcesFit from './node-resources-fit.js';
import * as nodeUnschedulable from './node-unschedulable.js';
import * as taintToleration from './taint-toleration.js';
import * as volumeBinding from './volume-binding.js';

/** IN_TREE_PLUGINS maps every built-in plugin name to its factory. */
export const IN_TREE_PLUGINS: PluginRegistry = {
  [nodeName.NAME]: nodeName.create,
  [nodeUnschedulable.NAME]: nodeUnschedulable.create,
  [taintToleration.NAME]: taintToleration.create,
  [nodeAffinity.NAME]: nodeAffinity.create,
  [nodeResourcesFit.NAME]: nodeResourcesFit.create,
  [volumeBinding.NAME]: volumeBinding.create,
  [defaultBinder.NAME]: defaultBinder.create,
};

/** DEFAULT_SCHEDULER_NAME is the schedulerName pods get by default. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** DEFAULT_PROFILE mirrors upstream's default plugin set and score weights (for the plugins we have). */
export const DEFAULT_PROFILE: Profile = {
  schedulerName: DEFAULT_SCHEDULER_NAME,
  plugins: [
    { name: nodeUnschedulable.NAME },
    { name: nodeName.NAME },
    { name: taintToleration.NAME, weight: 3 },
    { name: nodeAffinity.NAME, weight: 2 },
    { name: nodeResourcesFit.NAME, weight: 1 },
    { name: volumeBinding.NAME },
    { name: defaultBinder.NAME },
  ],
};
