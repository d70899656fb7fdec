import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ASK, TELL, type Batch } from '../../../src/actors/envelope.js';
import { PortLink } from '../../../src/actors/transport.js';
import { InvariantError } from '../../../src/actors/errors.js';
import { flush } from './fakes.js';

/** pair makes a PortLink per direction over one MessageChannel and records deliveries. */
function pair() {
  const { port1, port2 } = new MessageChannel();
  const got: Batch[] = [];
  const posted: number[] = [];
  const sink = { deliver: (b: Batch) => void got.push([...b]) };
  const tx = new PortLink({ postMessage: (m: unknown) => (posted.push((m as Uint8Array).byteLength), port1.postMessage(m)) }, sink);
  const rx = new PortLink(port2, sink);
  port2.on('message', (b: Uint8Array) => rx.receive(b));
  return { tx, got, posted, close: () => (port1.close(), port2.close()) };
}

const pod = (i: number) => ({ metadata: { name: `pod-${i}`, namespace: 'default', resourceVersion: String(i) }, spec: { nodeName: 'node-1' } });

describe('transport', () => {
  it('transport - envelopes of one tick go out as one exact-size batch, in order', async () => {
    const { tx, got, posted, close } = pair();
    for (let i = 0; i < 100; i++) tx.tell(5, pod(i));
    tx.ask(5, 'q', 7, 'h');
    await flush();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toBeLessThan(8192); // a copy, not msgpackr's scratch slab
    expect(got).toHaveLength(1);
    // One flat run: a TELL group header (tag, to, count), 100 messages, then an ASK of 5 slots.
    expect(got[0]).toEqual([TELL, 5, 100, ...Array.from({ length: 100 }, (_, i) => pod(i)), ASK, 5, 'q', 7, 'h']);
    close();
  });

  it('transport - sequential records make repeated shapes cheaper, per channel', async () => {
    const a = pair();
    a.tx.tell(5, pod(1));
    await flush();
    a.tx.tell(5, pod(2));
    await flush();
    expect(a.posted[1]).toBeLessThan(a.posted[0]); // shape defined once, then referenced
    // A second channel has its own codec state: its first message defines the shapes again.
    const b = pair();
    b.tx.tell(5, pod(3));
    await flush();
    expect(b.posted[0]).toBe(a.posted[0]);
    expect(b.got[0]).toEqual([TELL, 5, 1, pod(3)]);
    a.close();
    b.close();
  });

  it('transport - decoded bytes own their memory (no view that pins the whole batch)', async () => {
    const { tx, got, close } = pair();
    tx.tell(5, { value: new Uint8Array([1, 2, 3]) });
    tx.tell(5, { pad: 'x'.repeat(1000) });
    await flush();
    const v = (got[0][3] as { value: Uint8Array }).value;
    expect([...v]).toEqual([1, 2, 3]);
    expect(v.buffer.byteLength).toBe(3);
    close();
  });

  it('transport - tells group per receiver; an ask in between closes the group (order kept)', async () => {
    const { tx, got, close } = pair();
    tx.tell(1, 'a');
    tx.tell(1, 'b');
    tx.tell(2, 'c');
    tx.ask(2, 'q', 9, 'h');
    tx.tell(2, 'd');
    tx.tell(1, 'e');
    await flush();
    expect(got).toEqual([[TELL, 1, 2, 'a', 'b', TELL, 2, 1, 'c', ASK, 2, 'q', 9, 'h', TELL, 2, 1, 'd', TELL, 1, 1, 'e']]);
    close();
  });

  it('transport - an unencodable message is an InvariantError and closes the link', async () => {
    const { tx, got, close } = pair();
    tx.tell(5, { bad: Symbol('x') });
    expect(() => tx.flush()).toThrow(InvariantError);
    tx.tell(5, 'later');
    await flush();
    expect(got).toEqual([]);
    close();
  });

  it('transport - a closed link drops what is pending and what is sent later', async () => {
    const { tx, got, close } = pair();
    tx.tell(5, 1);
    tx.close();
    tx.tell(5, 2);
    await flush();
    expect(got).toEqual([]);
    close();
  });
});
