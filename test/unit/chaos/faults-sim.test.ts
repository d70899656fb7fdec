/**
 * The fault hooks of the components, on the whole topology in deterministic mode: a slow store
 * disk delays acknowledged writes by its latency (virtual time), a paused kubelet stops renewing
 * its Lease, and the apiserver runs without an HTTP listener.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LEASES } from '../../../src/api/resources.js';
import type { Lease } from '../../../src/api/types.js';
import { APISERVER } from '../../../src/apiserver/protocol.js';
import { loadTopology } from '../../../src/cluster/config.js';
import { startChaosCluster, type ChaosCluster } from '../../../src/chaos/harness.js';

const topology = loadTopology(join(import.meta.dirname, '../../../config/default.yaml'));
const T = { timeoutMs: 10_000 };
let c: ChaosCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const lease = (name: string): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'default' }, spec: { holderIdentity: name } });

describe('chaos fault hooks (deterministic topology)', () => {
  it('chaos fault hooks - $diskLatency delays every acknowledged write by the latency; 0 restores it', async () => {
    c = await startChaosCluster(topology, { deterministic: true, seed: 1 });
    expect(await c.waitNodesReady(60_000)).toBe(true);
    const write = async (name: string): Promise<number> => {
      const t0 = c!.clock.now();
      await c!.runtime.ask(APISERVER, { type: 'create', res: LEASES, namespace: 'default', object: lease(name) }, T);
      return c!.clock.now() - t0;
    };
    expect(await write('fast-1')).toBeLessThan(100);
    c.runtime.tell('store/0', { type: '$diskLatency', ms: 400 });
    expect(await write('slow')).toBeGreaterThanOrEqual(400);
    c.runtime.tell('store/0', { type: '$diskLatency', ms: 0 });
    expect(await write('fast-2')).toBeLessThan(100);
  });

  it('chaos fault hooks - a paused kubelet stops renewing its Lease and renews again when resumed', async () => {
    c = await startChaosCluster(topology, { deterministic: true, seed: 2 });
    expect(await c.waitNodesReady(60_000)).toBe(true);
    const renewTime = async (): Promise<string | undefined> => (await c!.runtime.ask<Lease>(APISERVER, { type: 'get', res: LEASES, namespace: 'kube-node-lease', name: 'worker-0' }, T)).spec.renewTime;
    c.runtime.tell('kubelet/worker-0', { type: 'pause', paused: true });
    await c.sleep(1_000);
    const before = await renewTime();
    await c.sleep(60_000);
    expect(await renewTime()).toBe(before);
    c.runtime.tell('kubelet/worker-0', { type: 'pause', paused: false });
    await c.sleep(1_000);
    expect(await renewTime()).not.toBe(before);
  });
});
