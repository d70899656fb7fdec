import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { EVENTS } from '../../../src/api/resources.js';
import type { KEvent, Pod } from '../../../src/api/types.js';
import { FakeApiClient } from '../../../src/client/fake/fake-api-client.js';
import { budgetPerClock, KubeletEventBudget, KubeletEvents } from '../../../src/kubelet/events.js';
import { testLogger } from './harness.js';

function pod(containers: { name: string; image: string; imagePullPolicy?: string }[]): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { nodeName: 'n1', containers } } as Pod;
}

async function recorded(client: FakeApiClient): Promise<KEvent[]> {
  await new Promise((r) => setTimeout(r, 0));
  return (await client.list<KEvent>(EVENTS, { namespace: 'ns' })).items;
}

function setup(budget = new KubeletEventBudget()): { client: FakeApiClient; clock: SimClock; events: KubeletEvents } {
  const clock = new SimClock();
  const client = new FakeApiClient({ clock });
  const events = new KubeletEvents({ client, clock, log: testLogger(), nodeName: 'n1', budget });
  return { client, clock, events };
}

describe('kubelet - container events', () => {
  it.each([
    { policy: 'IfNotPresent', image: 'nginx:1.25', reasons: ['Pulled', 'Created', 'Started'], pulled: 'Container image "nginx:1.25" already present on machine' },
    { policy: 'Always', image: 'nginx:1.25', reasons: ['Pulling', 'Pulled', 'Created', 'Started'], pulled: 'Successfully pulled image "nginx:1.25"' },
    { policy: undefined, image: 'busybox', reasons: ['Pulling', 'Pulled', 'Created', 'Started'], pulled: 'Successfully pulled image "busybox"' },
    { policy: undefined, image: 'busybox:1.36', reasons: ['Pulled', 'Created', 'Started'], pulled: 'already present on machine' },
  ])('kubelet - a started container with pull policy $policy and image $image records $reasons', async ({ policy, image, reasons, pulled }) => {
    const { client, events } = setup();
    events.containersStarted(pod([{ name: 'c', image, imagePullPolicy: policy }]));
    const evs = await recorded(client);
    // Listed by name, as kubectl sees them: in the order they happened.
    expect(evs.map((e) => e.reason)).toEqual(reasons);
    expect(evs.find((e) => e.reason === 'Pulled')?.message).toContain(pulled);
    expect(evs.find((e) => e.reason === 'Started')?.message).toBe('Started container c');
    for (const e of evs) {
      expect(e.source).toEqual({ component: 'kubelet', host: 'n1' });
      expect(e.involvedObject).toMatchObject({ kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u1', fieldPath: 'spec.containers{c}' });
    }
  });

  it('kubelet - a stopping pod records Killing per container', async () => {
    const { client, events } = setup();
    events.containersStopping(pod([{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }]));
    expect((await recorded(client)).map((e) => e.message).sort()).toEqual(['Stopping container a', 'Stopping container b']);
  });

  it('kubelet - the shared event budget caps a burst, then refills with time', () => {
    const budget = new KubeletEventBudget(3, 1);
    const taken = [0, 0, 0, 0].map(() => budget.take(1_000));
    expect(taken).toEqual([true, true, true, false]);
    expect(budget.dropped).toBe(1);
    expect(budget.take(1_500)).toBe(false);
    expect(budget.take(2_600)).toBe(true);
    // A clock that runs backwards (another cluster in this thread) never refills.
    expect(budget.take(0)).toBe(false);
  });

  it('kubelet - budgetPerClock shares a budget among kubelets of one clock, never across clocks', () => {
    const source = budgetPerClock();
    const a = new SimClock();
    const b = new SimClock();
    expect(source(a)).toBe(source(a));
    expect(source(b)).not.toBe(source(a));
  });

  it('kubelet - events beyond the budget are dropped, not queued', async () => {
    const { client, events } = setup(new KubeletEventBudget(2, 1));
    events.containersStarted(pod([{ name: 'c', image: 'nginx:1.25' }]));
    expect((await recorded(client)).map((e) => e.reason)).toEqual(['Pulled', 'Created']);
  });
});

describe('kubelet - node events', () => {
  it('kubelet - a started kubelet records Starting and NodeReady about its node, with the node name as uid', async () => {
    const clock = new SimClock();
    const client = new FakeApiClient({ clock });
    new KubeletEvents({ client, clock, log: testLogger(), nodeName: 'n1', budget: new KubeletEventBudget() }).nodeStarted();
    await new Promise((r) => setTimeout(r, 0));
    const evs = (await client.list<KEvent>(EVENTS, { namespace: 'default' })).items;
    expect(evs.map((e) => `${e.reason}: ${e.message}`).sort()).toEqual(['NodeReady: Node n1 status is now: NodeReady', 'Starting: Starting kubelet.']);
    for (const e of evs) expect(e.involvedObject).toEqual({ kind: 'Node', name: 'n1', uid: 'n1', apiVersion: 'v1' });
  });
});
