/**
 * The simulated container runtime (a CRI stand-in): image "pull", create and start, all
 * instantaneous in data; the kubelet adds the latency with timers. State is per pod sandbox and
 * can be rebuilt from a pod's status after a kubelet restart: the runtime "survives" it, as
 * containerd survives a kubelet restart on a real node.
 */
import type { Rng } from '../../actors/types.js';
import { rfc3339 } from '../../api/meta.js';
import type { ContainerStatus, Pod } from '../../api/types.js';

/** SimContainer is one running container. */
export interface SimContainer {
  name: string;
  image: string;
  imageID: string;
  containerID: string;
  startedAt: string;
  /** restartCount counts restarts of this container (crash loop or OnFailure). */
  restartCount?: number;
  /** terminated is set once the container exited (and until it restarts). */
  terminated?: Terminated;
  /** lastTerminated is the previous run's end (status.lastState.terminated). */
  lastTerminated?: Terminated;
  /** waiting is set while a restart backs off (reason CrashLoopBackOff). */
  waiting?: string;
}

/** Terminated is how a container run ended. */
export interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

/** Sandbox is a pod's runtime state. */
export interface Sandbox {
  uid: string;
  containers: SimContainer[];
  state: 'running' | 'stopped';
}

/** RUNTIME_SCHEME prefixes container IDs (`kubeactor://<64 hex>`). */
export const RUNTIME_SCHEME = 'kubeactor';

/** normalizeImage expands "nginx" to "docker.io/library/nginx:latest" as the runtime reports it. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  if (firstSlash < 0) ref = `docker.io/library/${ref}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') ref = `docker.io/${ref}`;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.slice(lastSlash).includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

/** imageDigest derives a stable fake sha256 from the image name (same image → same digest). */
export function imageDigest(image: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    for (let i = 0; i < image.length; i++) {
      h1 = Math.imul(h1 ^ image.charCodeAt(i), 16777619) >>> 0;
      h2 = Math.imul(h2 ^ (image.charCodeAt(i) + round), 2246822519) >>> 0;
    }
    out += h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(16)];
  return s;
}

/** SimRuntime keeps the sandboxes of one node. */
export class SimRuntime {
  private readonly sandboxes = new Map<string, Sandbox>();
  /** pulled are the images "present" on this node (pull is instant, but only once). */
  readonly pulled = new Set<string>();

  constructor(private readonly rng: Rng) {}

  /** get returns a pod's sandbox. */
  get(uid: string): Sandbox | undefined {
    return this.sandboxes.get(uid);
  }
  /** size is the number of sandboxes. */
  get size(): number {
    return this.sandboxes.size;
  }

  /** runPod pulls, creates and starts every app container of pod at time nowMs (idempotent). */
  runPod(pod: Pod, nowMs: number): Sandbox {
    const uid = String(pod.metadata.uid);
    const cur = this.sandboxes.get(uid);
    if (cur && cur.state === 'running') return cur;
    const startedAt = rfc3339(nowMs);
    const containers = pod.spec.containers.map((c) => {
      const image = normalizeImage(c.image ?? 'pause');
      this.pulled.add(image);
      return { name: c.name, image, imageID: `${image.replace(/:[^/:]+$/, '')}@sha256:${imageDigest(image)}`, containerID: `${RUNTIME_SCHEME}://${hex(this.rng, 64)}`, startedAt };
    });
    const sb: Sandbox = { uid, containers, state: 'running' };
    this.sandboxes.set(uid, sb);
    return sb;
  }

  /**
   * restore rebuilds a running sandbox from a pod's reported containerStatuses; false when the
   * status does not describe running containers of ours (the pod must be started again).
   */
  restore(pod: Pod): boolean {
    const statuses = pod.status?.containerStatuses ?? [];
    if (statuses.length === 0 || statuses.length !== pod.spec.containers.length) return false;
    const containers: SimContainer[] = [];
    for (const s of statuses) {
      if (!s.containerID?.startsWith(`${RUNTIME_SCHEME}://`) || !s.state.running) return false;
      containers.push({ name: s.name, image: s.image, imageID: s.imageID, containerID: s.containerID, startedAt: s.state.running.startedAt, restartCount: s.restartCount });
    }
    for (const c of containers) this.pulled.add(c.image);
    this.sandboxes.set(String(pod.metadata.uid), { uid: String(pod.metadata.uid), containers, state: 'running' });
    return true;
  }

  /**
   * exitPod records that every container of the sandbox exited with exitCode at nowMs (reason
   * Completed for 0, Error otherwise, as containerd reports them).
   */
  exitPod(uid: string, exitCode: number, nowMs: number): Sandbox | undefined {
    const sb = this.sandboxes.get(uid);
    if (!sb) return undefined;
    const finishedAt = rfc3339(nowMs);
    for (const c of sb.containers) {
      c.terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: c.startedAt, finishedAt, containerID: c.containerID };
    }
    sb.state = 'stopped';
    return sb;
  }

  /** backOff marks the exited containers as waiting to restart (CrashLoopBackOff). */
  backOff(uid: string): Sandbox | undefined {
    const sb = this.sandboxes.get(uid);
    if (!sb) return undefined;
    for (const c of sb.containers) {
      if (!c.terminated) continue;
      c.lastTerminated = c.terminated;
      c.terminated = undefined;
      c.waiting = 'CrashLoopBackOff';
    }
    return sb;
  }

  /** restartPod starts the exited containers again: new container IDs, restartCount + 1. */
  restartPod(uid: string, nowMs: number): Sandbox | undefined {
    const sb = this.sandboxes.get(uid);
    if (!sb) return undefined;
    const startedAt = rfc3339(nowMs);
    for (const c of sb.containers) {
      if (!c.terminated && !c.waiting) continue;
      if (c.terminated) c.lastTerminated = c.terminated;
      c.terminated = undefined;
      c.waiting = undefined;
      c.restartCount = (c.restartCount ?? 0) + 1;
      c.containerID = `${RUNTIME_SCHEME}://${hex(this.rng, 64)}`;
      c.startedAt = startedAt;
    }
    sb.state = 'running';
    return sb;
  }

  /** stopPod stops and removes a sandbox (idempotent). */
  removePod(uid: string): void {
    this.sandboxes.delete(uid);
  }

  /** containerStatuses renders a sandbox as the pod's status.containerStatuses. */
  static containerStatuses(sb: Sandbox): ContainerStatus[] {
    return sb.containers.map((c) => {
      const { containerID: _id, ...last } = c.lastTerminated ?? { containerID: '' };
      const lastState = c.lastTerminated ? { terminated: { ...last, containerID: c.lastTerminated.containerID } } : {};
      const running = !c.terminated && !c.waiting;
      const state = c.terminated
        ? { terminated: { ...c.terminated } }
        : c.waiting
          ? { waiting: { reason: c.waiting, message: `back-off restarting failed container ${c.name}` } }
          : { running: { startedAt: c.startedAt } };
      return { name: c.name, state, lastState, ready: running, restartCount: c.restartCount ?? 0, image: c.image, imageID: c.imageID, containerID: c.containerID, started: running };
    });
  }
}
