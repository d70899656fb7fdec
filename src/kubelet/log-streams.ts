/**
 * The kubelet's side of pods/log (see src/apiserver/logs.ts for the protocol): reads of the
 * simulated runtime's logs (runtime/logs.ts) and followed streams, which push LogLinesMsg to the
 * apiserver as the clock passes each line's time — one timer per open stream, none otherwise.
 */
import type { ActorContext, ActorId } from '../actors/types.js';
import { badRequest, notFound } from '../api/errors.js';
import type { FollowLogsMsg, LogEndMsg, LogLinesMsg, PodLogRequest, PodLogsReply } from '../apiserver/logs.js';
import { formatLines, lineCount, linesBetween, lineTime, readLog, truncateBytes, type ContainerLogSource } from './runtime/logs.js';
import type { Sandbox } from './runtime/runtime.js';

/** LogTickMsg is a stream's timer: the next line's time has come. */
export interface LogTickMsg {
  type: 'logTick';
  streamId: string;
}

/** LogLookup finds a pod's sandbox by uid: undefined = unknown pod; null = not running yet. */
export type LogLookup = (uid: string) => Sandbox | null | undefined;

interface Stream {
  req: FollowLogsMsg;
  src: ContainerLogSource;
  next: number;
  bytesLeft?: number;
}

/** KubeletLogs serves one kubelet's log reads and streams. */
export class KubeletLogs {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly nodeName: string,
    private readonly lookup: LogLookup,
  ) {}

  /** size is the number of open streams. */
  get size(): number {
    return this.streams.size;
  }

  private source(req: PodLogRequest): ContainerLogSource {
    const podRef = `${req.namespace}/${req.pod}`;
    const sb = this.lookup(req.uid);
    if (sb === undefined) throw notFound({ group: '', resource: 'pods' }, req.pod);
    if (req.previous) throw badRequest(`previous terminated container "${req.container}" in pod "${req.pod}" not found`);
    const c = sb?.containers.find((x) => x.name === req.container);
    // A container that exited (a finished Job pod) keeps its log until the pod is deleted.
    if (!sb || !c || (sb.state !== 'running' && !c.terminated)) throw badRequest(`container "${req.container}" in pod "${req.pod}" is waiting to start: ContainerCreating`);
    const endedAtMs = c.terminated ? Date.parse(c.terminated.finishedAt) : undefined;
    return { container: c.name, image: c.image, pod: podRef, node: this.nodeName, startedAtMs: Date.parse(c.startedAt), ...(endedAtMs !== undefined ? { endedAtMs } : {}) };
  }

  private sinceMs(req: PodLogRequest, nowMs: number): number | undefined {
    if (req.sinceSeconds !== undefined) return nowMs - req.sinceSeconds * 1000;
    return req.sinceTimeMs;
  }

  /** read answers a PodLogsAsk. */
  read(ctx: ActorContext, req: PodLogRequest): PodLogsReply {
    const now = ctx.clock.now();
    const { text } = readLog(this.source(req), now, { tailLines: req.tailLines, sinceMs: this.sinceMs(req, now), timestamps: req.timestamps, limitBytes: req.limitBytes });
    return { text };
  }

  /** follow opens a stream: the current log (per the options) now, then each line when due. */
  follow(ctx: ActorContext, req: FollowLogsMsg): void {
    let src: ContainerLogSource;
    try {
      src = this.source(req);
    } catch (err) {
      ctx.tell(req.subscriber, { type: 'logEnd', streamId: req.streamId, error: (err as Error).message } satisfies LogEndMsg);
      return;
    }
    const now = ctx.clock.now();
    const { text, next } = readLog(src, now, { tailLines: req.tailLines, sinceMs: this.sinceMs(req, now), timestamps: req.timestamps, limitBytes: req.limitBytes });
    const stream: Stream = { req, src, next, bytesLeft: req.limitBytes === undefined ? undefined : req.limitBytes - Buffer.byteLength(text) };
    this.streams.set(req.streamId, stream);
    ctx.monitor(req.subscriber);
    if (text) ctx.tell(req.subscriber, { type: 'logLines', streamId: req.streamId, text } satisfies LogLinesMsg);
    if (stream.bytesLeft !== undefined && stream.bytesLeft <= 0) return this.end(ctx, req.streamId);
    this.arm(ctx, stream);
  }

  private arm(ctx: ActorContext, s: Stream): void {
    const due = lineTime(s.src, s.next);
    ctx.setTimer(`log/${s.req.streamId}`, Math.max(0, due - ctx.clock.now()), { type: 'logTick', streamId: s.req.streamId } satisfies LogTickMsg);
  }

  /** tick pushes the lines that came due and re-arms the stream's timer. */
  tick(ctx: ActorContext, streamId: string): void {
    const s = this.streams.get(streamId);
    if (!s) return;
    if (this.lookup(s.req.uid)?.state !== 'running') return this.end(ctx, streamId);
    const count = lineCount(s.src, ctx.clock.now());
    if (count > s.next) {
      let text = formatLines(linesBetween(s.src, s.next, count), s.req.timestamps === true);
      s.next = count;
      if (s.bytesLeft !== undefined) {
        text = truncateBytes(text, s.bytesLeft);
        s.bytesLeft -= Buffer.byteLength(text);
      }
      if (text) ctx.tell(s.req.subscriber, { type: 'logLines', streamId, text } satisfies LogLinesMsg);
      if (s.bytesLeft !== undefined && s.bytesLeft <= 0) return this.end(ctx, streamId);
    }
    this.arm(ctx, s);
  }

  /** unfollow drops a stream without telling the subscriber (it asked). */
  unfollow(ctx: ActorContext, streamId: string): void {
    ctx.cancelTimer(`log/${streamId}`);
    this.streams.delete(streamId);
  }

  /** end closes a stream and tells the subscriber. */
  end(ctx: ActorContext, streamId: string): void {
    const s = this.streams.get(streamId);
    if (!s) return;
    this.unfollow(ctx, streamId);
    ctx.tell(s.req.subscriber, { type: 'logEnd', streamId } satisfies LogEndMsg);
  }

  /** podGone ends every stream of a pod (its containers stopped). */
  podGone(ctx: ActorContext, uid: string): void {
    for (const [id, s] of [...this.streams]) if (s.req.uid === uid) this.end(ctx, id);
  }

  /** subscriberDown drops the streams of a subscriber that went away. */
  subscriberDown(ctx: ActorContext, subscriber: ActorId): void {
    for (const [id, s] of [...this.streams]) if (s.req.subscriber === subscriber) this.unfollow(ctx, id);
  }
}
