/**
 * Simulated container logs. A container's log is a pure function of its start time and the
 * clock: two start lines at start-up, then one line every LOG_PERIOD_MS. Nothing is stored or
 * timed per container (thousands of pods per worker cost nothing); a read materializes the last
 * LOG_RING_LINES lines (the "ring" a real runtime would keep on disk), and a follower gets the
 * lines as their times pass.
 *
 *   index 0, 1  at startedAt                    start lines
 *   index i ≥ 2 at startedAt + (i-1)·period     "alive" lines
 */

/** LOG_PERIOD_MS is the interval between periodic log lines. */
export const LOG_PERIOD_MS = 10_000;
/** LOG_RING_LINES is how many lines a container's log keeps. */
export const LOG_RING_LINES = 1000;

/** ContainerLogSource identifies one running container's log. */
export interface ContainerLogSource {
  container: string;
  image: string;
  /** pod is "namespace/name". */
  pod: string;
  node: string;
  startedAtMs: number;
  /** endedAtMs: the container exited then (its log stops growing). */
  endedAtMs?: number;
  periodMs?: number;
}

/** LogLine is one line with its time. */
export interface LogLine {
  timeMs: number;
  text: string;
}

/** LogSelection are the kubectl logs options a read honours (pods/log query parameters). */
export interface LogSelection {
  tailLines?: number;
  /** sinceMs: only lines at or after this time (sinceSeconds / sinceTime resolved by the caller). */
  sinceMs?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

function period(src: ContainerLogSource): number {
  return src.periodMs ?? LOG_PERIOD_MS;
}

/** lineCount is how many lines the container has written by nowMs. */
export function lineCount(src: ContainerLogSource, nowMs: number): number {
  if (src.endedAtMs !== undefined) nowMs = Math.min(nowMs, src.endedAtMs);
  if (nowMs < src.startedAtMs) return 0;
  return 2 + Math.floor((nowMs - src.startedAtMs) / period(src));
}

/** lineTime is when line i is written. */
export function lineTime(src: ContainerLogSource, i: number): number {
  return i < 2 ? src.startedAtMs : src.startedAtMs + (i - 1) * period(src);
}

/** lineAt renders line i. */
export function lineAt(src: ContainerLogSource, i: number): LogLine {
  const timeMs = lineTime(src, i);
  if (i === 0) return { timeMs, text: `kubeactor: starting container ${src.container} (image ${src.image})` };
  if (i === 1) return { timeMs, text: `kubeactor: container ${src.container} of pod ${src.pod} is running on node ${src.node}` };
  return { timeMs, text: `kubeactor: ${src.container} alive, tick ${i - 1}` };
}

/** linesBetween renders lines [from, to) (clamped to the ring at nowMs). */
export function linesBetween(src: ContainerLogSource, from: number, to: number): LogLine[] {
  const out: LogLine[] = [];
  for (let i = Math.max(0, from); i < to; i++) out.push(lineAt(src, i));
  return out;
}

/** rfc3339Nano formats ms as the kubelet's timestamps=true prefix (RFC 3339 with nanoseconds). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}

/** formatLines renders lines as the log body ("\n"-terminated, optional timestamp prefix). */
export function formatLines(lines: LogLine[], timestamps: boolean): string {
  let out = '';
  for (const l of lines) out += timestamps ? `${rfc3339Nano(l.timeMs)} ${l.text}\n` : `${l.text}\n`;
  return out;
}

/** truncateBytes cuts text to at most n UTF-8 bytes (limitBytes). */
export function truncateBytes(text: string, n: number | undefined): string {
  if (n === undefined) return text;
  const b = Buffer.from(text, 'utf8');
  return b.length <= n ? text : b.subarray(0, n).toString('utf8');
}

/**
 * readLog is a non-following read: the ring at nowMs, filtered by sinceMs, then the last
 * tailLines, then limitBytes. Returns the body and the index of the next line to come.
 */
export function readLog(src: ContainerLogSource, nowMs: number, sel: LogSelection): { text: string; next: number } {
  const count = lineCount(src, nowMs);
  let lines = linesBetween(src, count - LOG_RING_LINES, count);
  if (sel.sinceMs !== undefined) lines = lines.filter((l) => l.timeMs >= sel.sinceMs!);
  if (sel.tailLines !== undefined) lines = sel.tailLines === 0 ? [] : lines.slice(-sel.tailLines);
  return { text: truncateBytes(formatLines(lines, sel.timestamps === true), sel.limitBytes), next: count };
}
