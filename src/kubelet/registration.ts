/**
 * Node registration (kubelet_node_status.go registerWithAPIServer): create the Node, or — after
 * a kubelet restart — reconcile the existing one and refresh its status.
 */
import type { Clock } from '../actors/types.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { NODES } from '../api/resources.js';
import type { Node } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { buildNode, nodeConditions, nodeStatus, reconcileExisting } from './node-object.js';
import type { VirtualNodeSpec } from './types.js';

/** registerNode returns the Node as stored; `since` is when the kubelet became ready. */
export async function registerNode(client: ApiClient, clock: Clock, spec: VirtualNodeSpec, since: number, attempt = 0): Promise<Node> {
  let existing: Node | undefined;
  try {
    existing = await client.get<Node>(NODES, undefined, spec.nodeName);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!existing) {
    try {
      const created = await client.create<Node>(NODES, buildNode(spec, clock.now()));
      // An apiserver that drops status on create gets it through the status subresource.
      if (created.status?.conditions?.length) return created;
      return await client.updateStatus<Node>(NODES, { ...created, status: nodeStatus(spec, clock.now(), since) });
    } catch (err) {
      // Lost a race with our own previous incarnation: reconcile on the next attempt.
      if (isAlreadyExists(err) && attempt < 2) return registerNode(client, clock, spec, since, attempt + 1);
      throw err;
    }
  }
  const { node, changed } = reconcileExisting(existing, spec);
  const base = changed ? await client.update<Node>(NODES, node) : existing;
  return await client.updateStatus<Node>(NODES, { ...base, status: nodeStatus(spec, clock.now(), since) });
}

/** heartbeatPatch is the merge patch of a NodeStatus heartbeat (conditions only). */
export function heartbeatPatch(nowMs: number, since: number): { status: { conditions: ReturnType<typeof nodeConditions> } } {
  return { status: { conditions: nodeConditions(nowMs, since) } };
}
