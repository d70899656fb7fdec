/**
 * FakeApiClient: an in-memory apiserver behind the ApiClient interface, for unit tests of
 * controllers, the scheduler and kubelets. It keeps what components rely on: resourceVersions
 * (one global counter, like etcd revisions), uids, generation on spec changes, the status
 * subresource, optimistic concurrency, graceful pod deletion, finalizers and propagation
 * finalizers (foregroundDeletion/orphan), bindings, and watches with an event log.
 *
 * Test hooks: `dropEvents(pred)` makes watch events vanish (to prove that re-lists repair the
 * cache), `breakWatches()` / `expireWatches()` end watches (apiserver restart / 410 Gone),
 * `reactors` inject failures, `actions` records every call.
 */
import type { Clock, Rng } from '../../actors/types.js';
import { SeededRng } from '../../actors/rng.js';
import { SimClock } from '../../actors/clock.js';
import { alreadyExists, badRequest, conflict, gone, notFound, type GroupResource } from '../../api/errors.js';
import { keyOf, newUid, randomSuffix, rfc3339 } from '../../api/meta.js';
import { apiVersionOf, lookupResource, type ResourceInfo } from '../../api/resources.js';
import type { KList, KObject, Pod, Status, WatchEventType } from '../../api/types.js';
import type { DeleteOptions, ListOptions, PatchType, ResourceRef, WatchEvent, WriteOptions } from '../../apiserver/protocol.js';
import { fieldSelectorMatches, parseLabelSelector, requirementMatches } from '../selectors.js';
import type { ApiClient, WatchSink } from '../types.js';
import { applyPatch } from './patch.js';
import { FakeWatcher, type FakeWatch, type FakeWatchHub } from './fake-watcher.js';

/** FakeAction is one recorded call. */
export interface FakeAction {
  verb: 'create' | 'get' | 'list' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'bind' | 'watch';
  resource: string;
  namespace?: string;
  name?: string;
  object?: KObject;
}

/** FakeReactor runs before each call; throw to fail it (e.g. a Conflict or an AskTimeoutError). */
export type FakeReactor = (action: FakeAction) => void;

/** DropFilter returns true for watch events that must never reach watchers. */
export type DropFilter = (ev: WatchEvent, res: ResourceRef) => boolean;

interface LoggedEvent {
  rv: number;
  resKey: string;
  type: WatchEventType;
  object: KObject;
  old?: KObject;
}

const resKeyOf = (res: ResourceRef): string => `${res.group}/${res.resource}`;
const gr = (res: ResourceRef): GroupResource => ({ group: res.group, resource: res.resource });

/** FakeApiClientOptions configure the fake. */
export interface FakeApiClientOptions {
  clock?: Clock;
  rng?: Rng;
  /** gracefulPodDeletion: deleting a bound pod sets deletionTimestamp first (default true, as real). */
  gracefulPodDeletion?: boolean;
}

/** FakeApiClient is an in-memory ApiClient with watches; see the file comment. */
export class FakeApiClient implements ApiClient, FakeWatchHub {
  readonly clock: Clock;
  readonly rng: Rng;
  /** actions records every call in order. */
  readonly actions: FakeAction[] = [];
  /** reactors run before every call, first to last. */
  readonly reactors: FakeReactor[] = [];
  /** watcher is a default FakeWatcher; newWatcher() makes more. */
  readonly watcher: FakeWatcher;
  private readonly gracefulPods: boolean;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly log: LoggedEvent[] = [];
  private readonly watches = new Map<string, { owner: FakeWatcher; w: FakeWatch }>();
  private readonly dropFilters: DropFilter[] = [];
  private rv = 1;
  private compactedRv = 0;
  private watchSeq = 0;

  constructor(opts: FakeApiClientOptions = {}) {
    this.clock = opts.clock ?? new SimClock();
    this.rng = opts.rng ?? new SeededRng(1);
    this.gracefulPods = opts.gracefulPodDeletion ?? true;
    this.watcher = this.newWatcher();
  }

  /** newWatcher returns another watcher on this fake (one per simulated actor). */
  newWatcher(): FakeWatcher {
    return new FakeWatcher(this);
  }

  /** resourceVersion is the current global revision. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** dropEvents drops matching watch events until the returned function is called. */
  dropEvents(filter: DropFilter = () => true): () => void {
    this.dropFilters.push(filter);
    return () => {
      const i = this.dropFilters.indexOf(filter);
      if (i >= 0) this.dropFilters.splice(i, 1);
    };
  }

  /** breakWatches ends every open watch (as if the apiserver restarted). */
  breakWatches(reason = 'apiserver restarted'): void {
    const all = [...this.watches.values()];
    this.watches.clear();
    for (const { owner, w } of all) {
      owner.watches.delete(w.watchId);
      w.sink.ended(reason);
    }
  }

  /** expireWatches compacts history and sends ERROR 410 Gone to every open watch. */
  expireWatches(): void {
    this.compact();
    for (const { owner, w } of [...this.watches.values()]) owner.push(w, [{ type: 'ERROR', object: this.goneStatus() as unknown as KObject }]);
  }

  /** compact forgets event history: watches from an older RV get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.log.length = 0;
  }

  // ---- synchronous test helpers -------------------------------------------------------------

  /** peek returns a copy of a stored object, or undefined. */
  peek<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string): T | undefined {
    const o = this.bucket(res).get(keyOf(namespace, name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  /** all returns copies of the stored objects of res (optionally in one namespace), by key order. */
  all<T extends KObject>(res: ResourceRef, namespace?: string): T[] {
    return [...this.bucket(res).entries()]
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => structuredClone(o) as T);
  }

  /** count of stored objects of res. */
  count(res: ResourceRef, namespace?: string): number {
    if (namespace === undefined) return this.bucket(res).size;
    let n = 0;
    for (const o of this.bucket(res).values()) if (o.metadata.namespace === namespace) n++;
    return n;
  }

  /** countActions counts recorded actions of a verb (and resource). */
  countActions(verb: FakeAction['verb'], resource?: string): number {
    return this.actions.filter((a) => a.verb === verb && (resource === undefined || a.resource === resource)).length;
  }

  // ---- ApiClient ----------------------------------------------------------------------------

  async create<T extends KObject>(res: ResourceRef, obj: T, _opts?: WriteOptions): Promise<T> {
    this.react({ verb: 'create', resource: res.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, object: obj });
    const info = this.info(res);
    const o = structuredClone(obj) as KObject;
    if (info.namespaced && !o.metadata.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (!info.namespaced) delete o.metadata.namespace;
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + randomSuffix(this.rng);
    if (!o.metadata.name) throw badRequest('name or generateName is required');
    const key = keyOf(o.metadata.namespace, o.metadata.name);
    if (this.bucket(res).has(key)) throw alreadyExists(gr(res), o.metadata.name);
    o.apiVersion = apiVersionOf(info);
    o.kind = info.kind;
    o.metadata.uid = newUid(this.rng);
    o.metadata.creationTimestamp = rfc3339(this.clock.now());
    o.metadata.generation = 1;
    delete o.metadata.deletionTimestamp;
    if (info.resource === 'pods' && info.group === '') {
      const p = o as Pod;
      p.status = { phase: 'Pending', ...(p.status ?? {}) };
    }
    if (info.resource === 'namespaces' && info.group === '') {
      o.spec = { finalizers: ['kubernetes'], ...((o.spec as object) ?? {}) };
      o.status = { phase: 'Active' };
    }
    return this.commit(res, key, 'ADDED', o, undefined) as T;
  }

  async get<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    this.react({ verb: 'get', resource: res.resource, namespace, name });
    const o = this.bucket(res).get(keyOf(this.ns(res, namespace), name));
    if (!o) throw notFound(gr(res), name);
    return structuredClone(o) as T;
  }

  async list<T extends KObject>(res: ResourceRef, opts: ListOptions = {}): Promise<KList<T>> {
    this.react({ verb: 'list', resource: res.resource, namespace: opts.namespace });
    const info = this.info(res);
    const match = this.matcher(opts);
    const keys = [...this.bucket(res).keys()].sort();
    let start = 0;
    if (opts.continue) {
      start = keys.findIndex((k) => k > opts.continue!);
      if (start < 0) start = keys.length;
    }
    const items: T[] = [];
    let cont: string | undefined;
    for (let i = start; i < keys.length; i++) {
      const o = this.bucket(res).get(keys[i])!;
      if (!match(o)) continue;
      if (opts.limit && items.length >= opts.limit) {
        cont = keys[i - 1];
        break;
      }
      items.push(structuredClone(o) as T);
    }
    return { apiVersion: apiVersionOf(info), kind: info.listKind, metadata: { resourceVersion: String(this.rv), ...(cont ? { continue: cont } : {}) }, items };
  }

  async update<T extends KObject>(res: ResourceRef, obj: T, _opts?: WriteOptions): Promise<T> {
    this.react({ verb: 'update', resource: res.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, object: obj });
    return this.doUpdate(res, structuredClone(obj) as KObject, false) as T;
  }

  async updateStatus<T extends KObject>(res: ResourceRef, obj: T, _opts?: WriteOptions): Promise<T> {
    this.react({ verb: 'updateStatus', resource: res.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, object: obj });
    return this.doUpdate(res, structuredClone(obj) as KObject, true) as T;
  }

  async patch<T extends KObject>(res: ResourceRef, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' | 'scale' }): Promise<T> {
    this.react({ verb: 'patch', resource: res.resource, namespace, name });
    const cur = this.bucket(res).get(keyOf(this.ns(res, namespace), name));
    if (!cur) throw notFound(gr(res), name);
    const next = applyPatch(structuredClone(cur), patchType, patch);
    // A patch without a resourceVersion is unconditional; one with it is checked like an update.
    const patchedRv = (patch as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
    if (!patchedRv) next.metadata.resourceVersion = cur.metadata.resourceVersion;
    return this.doUpdate(res, next, opts?.subresource === 'status') as T;
  }

  async delete(res: ResourceRef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<KObject | Status> {
    this.react({ verb: 'delete', resource: res.resource, namespace, name });
    const key = keyOf(this.ns(res, namespace), name);
    const cur = this.bucket(res).get(key);
    if (!cur) throw notFound(gr(res), name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid)
      throw conflict(gr(res), name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${cur.metadata.uid}`);
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== cur.metadata.resourceVersion)
      throw conflict(gr(res), name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
    const next = structuredClone(cur);
    const finalizers = new Set(next.metadata.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
    const isPod = res.group === '' && res.resource === 'pods';
    const pod = next as Pod;
    const grace = isPod ? (opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) : 0;
    const graceful = isPod && this.gracefulPods && grace > 0 && !!pod.spec?.nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
    const nsFinalizers = namespaceFinalizers(res, next);
    if (nsFinalizers > 0) next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
    if (finalizers.size > 0 || graceful || nsFinalizers > 0) {
      let changed = false;
      if (finalizers.size !== (next.metadata.finalizers ?? []).length) {
        next.metadata.finalizers = [...finalizers];
        changed = true;
      }
      const newGrace = graceful ? grace : 0;
      if (!next.metadata.deletionTimestamp || (next.metadata.deletionGracePeriodSeconds ?? 0) > newGrace) {
        next.metadata.deletionTimestamp = rfc3339(this.clock.now() + newGrace * 1000);
        next.metadata.deletionGracePeriodSeconds = newGrace;
        changed = true;
      }
      if (!graceful && finalizers.size === 0 && nsFinalizers === 0) return this.remove(res, key, cur);
      return changed ? this.commit(res, key, 'MODIFIED', next, cur) : structuredClone(cur);
    }
    return this.remove(res, key, cur);
  }

  async finalizeNamespace<T extends KObject>(obj: T, _opts?: WriteOptions): Promise<T> {
    this.react({ verb: 'update', resource: 'namespaces', name: obj.metadata.name, object: obj });
    const res = { group: '', resource: 'namespaces' };
    const cur = this.bucket(res).get(String(obj.metadata.name));
    if (!cur) throw notFound(gr(res), String(obj.metadata.name));
    const next = structuredClone(cur);
    next.spec = { ...((next.spec as object) ?? {}), finalizers: [...((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [])] };
    if (obj.metadata.resourceVersion) next.metadata.resourceVersion = obj.metadata.resourceVersion;
    return this.doUpdate(res, next, false) as T;
  }

  async bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<void> {
    this.react({ verb: 'bind', resource: 'pods', namespace, name: podName });
    const res = { group: '', resource: 'pods' };
    const key = keyOf(namespace, podName);
    const cur = this.bucket(res).get(key) as Pod | undefined;
    if (!cur) throw notFound(gr(res), podName);
    if (podUid && cur.metadata.uid !== podUid) throw conflict(gr(res), podName, 'the UID in the binding does not match the pod');
    if (cur.spec.nodeName) throw conflict(gr(res), podName, `pod ${podName} is already assigned to node "${cur.spec.nodeName}"`);
    if (cur.metadata.deletionTimestamp) throw conflict(gr(res), podName, 'pod is being deleted, cannot be assigned to a host');
    const next = structuredClone(cur);
    next.spec.nodeName = nodeName;
    const conds = (next.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.clock.now()) });
    next.status = { ...(next.status ?? {}), conditions: conds };
    this.commit(res, key, 'MODIFIED', next, cur);
  }

  // ---- FakeWatchHub -------------------------------------------------------------------------

  openWatch(owner: FakeWatcher, res: ResourceRef, opts: ListOptions, sink: WatchSink): { watchId: string; resourceVersion: string } {
    this.react({ verb: 'watch', resource: res.resource, namespace: opts.namespace });
    const watchId = `fake-watch-${++this.watchSeq}`;
    const match = this.matcher(opts);
    const w: FakeWatch = { watchId, res, opts, sink, matches: match };
    owner.watches.set(watchId, w);
    this.watches.set(watchId, { owner, w });
    const from = opts.resourceVersion && opts.resourceVersion !== '0' ? Number(opts.resourceVersion) : this.rv;
    if (from < this.compactedRv) {
      owner.push(w, [{ type: 'ERROR', object: this.goneStatus() as unknown as KObject }]);
      return { watchId, resourceVersion: String(from) };
    }
    const resKey = resKeyOf(res);
    for (const ev of this.log) if (ev.rv > from && ev.resKey === resKey) this.deliverTo(owner, w, ev);
    return { watchId, resourceVersion: String(from) };
  }

  closeWatch(watchId: string): void {
    this.watches.delete(watchId);
  }

  // ---- internals ----------------------------------------------------------------------------

  private react(action: FakeAction): void {
    this.actions.push(action);
    for (const r of this.reactors) r(action);
  }

  private info(res: ResourceRef): ResourceInfo {
    const info = lookupResource(res.group, res.resource);
    if (!info) throw notFound(gr(res), res.resource);
    return info;
  }

  private ns(res: ResourceRef, namespace: string | undefined): string | undefined {
    return this.info(res).namespaced ? namespace : undefined;
  }

  private bucket(res: ResourceRef): Map<string, KObject> {
    const k = resKeyOf(res);
    let b = this.objects.get(k);
    if (!b) this.objects.set(k, (b = new Map()));
    return b;
  }

  private matcher(opts: ListOptions): (o: KObject) => boolean {
    const reqs = parseLabelSelector(opts.labelSelector);
    const nodes = opts.nodeNames ? new Set(opts.nodeNames) : undefined;
    return (o) =>
      (!opts.namespace || o.metadata.namespace === opts.namespace) &&
      reqs.every((r) => requirementMatches(r, o.metadata.labels)) &&
      fieldSelectorMatches(o, opts.fieldSelector) &&
      (!nodes || nodes.has(String((o as Pod).spec?.nodeName ?? '')));
  }

  private goneStatus(): Status {
    return gone('too old resource version').status;
  }

  private doUpdate(res: ResourceRef, obj: KObject, statusOnly: boolean): KObject {
    const info = this.info(res);
    const name = String(obj.metadata.name ?? '');
    const key = keyOf(this.ns(res, obj.metadata.namespace), name);
    const cur = this.bucket(res).get(key);
    if (!cur) throw notFound(gr(res), name);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict(gr(res), name);
    if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid) throw conflict(gr(res), name, 'Precondition failed: UID mismatch');
    let next: KObject;
    const hasStatus = info.subresources.includes('status');
    if (statusOnly) {
      next = { ...structuredClone(cur), status: obj.status };
    } else {
      next = obj;
      if (hasStatus) next.status = structuredClone(cur.status);
      const meta = next.metadata;
      meta.uid = cur.metadata.uid;
      meta.creationTimestamp = cur.metadata.creationTimestamp;
      meta.generation = cur.metadata.generation;
      // deletionTimestamp can only be set by delete, never cleared by update.
      if (cur.metadata.deletionTimestamp) {
        meta.deletionTimestamp = cur.metadata.deletionTimestamp;
        meta.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
      } else delete meta.deletionTimestamp;
      next.apiVersion = cur.apiVersion;
      next.kind = cur.kind;
      if (specOf(next) !== specOf(cur)) meta.generation = (cur.metadata.generation ?? 0) + 1;
    }
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && !isGracefulPod(res, next) && namespaceFinalizers(res, next) === 0) return this.remove(res, key, cur);
    // A no-op write does not bump the resourceVersion (as the real apiserver).
    const cmp = { ...next, metadata: { ...next.metadata, resourceVersion: cur.metadata.resourceVersion } };
    if (JSON.stringify(cmp) === JSON.stringify(cur)) return structuredClone(cur);
    return this.commit(res, key, 'MODIFIED', next, cur);
  }

  private remove(res: ResourceRef, key: string, cur: KObject): KObject {
    const gone = structuredClone(cur);
    this.bucket(res).delete(key);
    return this.commit(res, key, 'DELETED', gone, cur, true);
  }

  private commit(res: ResourceRef, key: string, type: WatchEventType, obj: KObject, old: KObject | undefined, deleted = false): KObject {
    obj.metadata.resourceVersion = String(++this.rv);
    if (!deleted) this.bucket(res).set(key, obj);
    const ev: LoggedEvent = { rv: this.rv, resKey: resKeyOf(res), type, object: obj, old };
    this.log.push(ev);
    for (const { owner, w } of [...this.watches.values()]) if (resKeyOf(w.res) === ev.resKey) this.deliverTo(owner, w, ev);
    return structuredClone(obj);
  }

  private deliverTo(owner: FakeWatcher, w: FakeWatch, ev: LoggedEvent): void {
    const now = w.matches(ev.object);
    const before = ev.old ? w.matches(ev.old) : false;
    let type: WatchEventType = ev.type;
    if (ev.type === 'MODIFIED') {
      if (now && !before) type = 'ADDED';
      else if (!now && before) type = 'DELETED';
      else if (!now) return;
    } else if (!now) return;
    const out: WatchEvent = { type, object: structuredClone(ev.object) };
    if (this.dropFilters.some((f) => f(out, w.res))) return;
    owner.push(w, [out]);
  }
}

/** specOf is everything but metadata and status: what bumps metadata.generation when it changes. */
function specOf(o: KObject): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
}

/** namespaceFinalizers counts a namespace's spec.finalizers, which also hold back its removal. */
function namespaceFinalizers(res: ResourceRef, o: KObject): number {
  if (res.group !== '' || res.resource !== 'namespaces') return 0;
  return ((o.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length;
}

function isGracefulPod(res: ResourceRef, o: KObject): boolean {
  return res.group === '' && res.resource === 'pods' && (o.metadata.deletionGracePeriodSeconds ?? 0) > 0;
}
