/**
 * Which hosts a fault may hit: a role (store, apiserver, scheduler, controller, nodehost), a host
 * name, or `random` (any host but the chaos watcher's). Pure, so it is unit-tested.
 */
import type { HostInfo } from '../actors/runtime.js';

/** CHAOS_HOST_NAME is never a target: it runs the checker that judges the run. */
const CHAOS_HOST_NAME = 'chaos';

/** roleOfHost maps a host name to the role a scenario names it by. */
export function roleOfHost(name: string): string {
  if (name.startsWith('store-')) return 'store';
  if (name.startsWith('nodes-')) return 'nodehost';
  if (name === 'controller-manager') return 'controller';
  return name; // apiserver, scheduler, control-plane
}

/**
 * faultTargets lists the candidate hosts of a target, sorted by name (deterministic picks).
 * runningOnly leaves out hosts that are restarting: killing a host before it is READY is a
 * start-up failure, which the supervisor treats as a reason to give up, not to restart.
 */
export function faultTargets(hosts: readonly HostInfo[], target: string, o: { runningOnly: boolean }): string[] {
  const live = hosts.filter((h) => h.name !== CHAOS_HOST_NAME && (!o.runningOnly || h.state === 'running'));
  const match = target === 'random' ? live : live.filter((h) => h.name === target || roleOfHost(h.name) === target || (h.name === 'control-plane' && ['store', 'apiserver', 'scheduler', 'controller'].includes(target)));
  return match.map((h) => h.name).sort();
}
