import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/actors/clock.js';
import { SchedulingQueue, UNSCHEDULABLE_MAX_MS } from '../../../src/scheduler/queue/scheduling-queue.js';
import { makePod } from './builders.js';

function q() {
  const clock = new SimClock();
  return { clock, queue: new SchedulingQueue(() => clock.now()) };
}

describe('scheduler - queue ordering', () => {
  it('pops by priority, then by age', () => {
    const { clock, queue } = q();
    queue.add(makePod('old-low').obj());
    clock.advance(1);
    queue.add(makePod('new-low').obj());
    queue.add(makePod('high').priority(10).obj());
    expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()].map((x) => x?.podInfo.pod.metadata.name)).toEqual(['high', 'old-low', 'new-low', undefined]);
  });

  it('skips deleted pods (lazy deletion) and adds known pods only once', () => {
    const { queue } = q();
    queue.add(makePod('a').obj());
    queue.add(makePod('a').obj());
    queue.add(makePod('b').obj());
    queue.delete('default/a');
    expect(queue.pop()?.podInfo.key).toBe('default/b');
    expect(queue.pop()).toBeUndefined();
  });
});

describe('scheduler - queue backoff', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 10_000],
    [20, 10_000],
  ])('attempt %d backs off %d ms', (attempts, ms) => expect(SchedulingQueue.backoffDurationMs(attempts)).toBe(ms));

  it('moves a failed pod back to active only after its backoff', () => {
    const { clock, queue } = q();
    queue.add(makePod('a').obj());
    const p = queue.pop();
    if (!p) throw new Error('no pod');
    queue.addBackoff(p);
    clock.advance(999);
    queue.flush();
    expect(queue.pop()).toBeUndefined();
    clock.advance(1);
    queue.flush();
    expect(queue.pop()?.attempts).toBe(2);
  });

  it('sends an unschedulable pod to backoff if the cluster changed during its cycle', () => {
    const { queue } = q();
    queue.add(makePod('a').obj());
    const p = queue.pop();
    if (!p) throw new Error('no pod');
    queue.moveAllToActiveOrBackoff(); // e.g. a node was added while we were filtering
    queue.addUnschedulable(p);
    expect(queue.counts()).toMatchObject({ unschedulable: 0, backoff: 1 });
  });

  it('retries unschedulable pods after 5 minutes even without events', () => {
    const { clock, queue } = q();
    queue.add(makePod('a').obj());
    const p = queue.pop();
    if (!p) throw new Error('no pod');
    queue.addUnschedulable(p);
    clock.advance(UNSCHEDULABLE_MAX_MS - 1);
    queue.flush();
    expect(queue.counts().unschedulable).toBe(1);
    clock.advance(1);
    queue.flush();
    expect(queue.pop()?.podInfo.key).toBe('default/a');
  });

  it('an update of an unschedulable pod retries it', () => {
    const { clock, queue } = q();
    queue.add(makePod('a').obj());
    const p = queue.pop();
    if (!p) throw new Error('no pod');
    queue.addUnschedulable(p);
    clock.advance(1_000);
    queue.update(makePod('a').selector({ x: 'y' }).obj());
    expect(queue.pop()?.podInfo.pod.spec.nodeSelector).toEqual({ x: 'y' });
  });
});
