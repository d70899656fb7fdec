/**
 * ApiRegistry executes API requests against storage: the REST semantics of kube-apiserver's
 * generic registry (create, get, list, update, patch, delete) plus the resources' strategies.
 * HTTP (http.ts) and the actor protocol (actor.ts) both call {@link ApiRegistry.execute}: one
 * code path.
 *
 *   execute(req) ─▶ resolve resource ─▶ verb ─▶ strategy (defaults, validation)
 *                                          └─▶ ResourceStorage ─▶ store; wait for the watch
 *                                              cache to reach the write's revision; reply
 */
import type { Clock, Logger, Rng } from '../actors/types.js';
import { badRequest, invalid, isNotFound, notFound, conflict, StatusError } from '../api/errors.js';
import { fieldsOf, parseFieldSelector, validateFieldSelector } from '../api/fields.js';
import { parseLabelSelector } from '../api/labels.js';
import { keyOf, newUid, nowRfc3339, randomSuffix } from '../api/meta.js';
import { apiVersionOf, lookupResource, lookupResourceVersion, NAMESPACES, PERSISTENTVOLUMECLAIMS, PODS, PRIORITYCLASSES, RESOURCES, resourceKey, SERVICES, STORAGECLASSES, type ResourceInfo } from '../api/resources.js';
import type { KList, KObject } from '../api/types.js';
import type { StoreClient } from '../store/types.js';
import type { ApiServerDeps } from './deps.js';
import { specChanged } from './object-util.js';
import type { ApiRequest, ListOptions, ResourceRef, WriteOptions } from './protocol.js';
import { ClusterIpAllocator, DEFAULT_SERVICE_CIDR } from './service-ip.js';
import { admitPodPriority, admitPvcDefaultStorageClass } from './admission.js';
import { applyFieldValidation, withWarnings } from './field-validation.js';
import { listFromCache, type HeadFn } from './list.js';
import { createResourceStorage, type ResourceStorage, type StorageCodec } from './storage.js';
import { WatchCache, type CacheWatch, type CacheWatchSink, type WatchFilter } from './watch-cache.js';
import { deleteCollection, deleteObject } from './deletion.js';
import { bindPod, evictPod, getScale, patchScale, updateScale } from './subresources.js';
import { typeMismatchError } from './openapi/type-check.js';
import { CrdManager } from './crd/manager.js';
import type { StrategyLike } from './deps.js';
import { ApiMetrics } from './metrics.js';

/** RegistryOptions configure an ApiRegistry. */
export interface RegistryOptions {
  store: StoreClient;
  clock: Clock;
  rng: Rng;
  deps: ApiServerDeps;
  log?: Logger;
  serviceCIDR?: string;
  /** historySize bounds each watch cache's event history. */
  historySize?: number;
  resources?: readonly ResourceInfo[];
}

/** OpResult is a request's outcome as HTTP sees it: the status code and the body. */
export interface OpResult {
  code: number;
  body: KObject | KList | object;
  /** warnings become `Warning: 299 - "…"` headers (fieldValidation=Warn). */
  warnings?: string[];
}

/** ALLOW_CREATE_ON_UPDATE lists resources whose PUT creates a missing object (as in kube-apiserver). */
const ALLOW_CREATE_ON_UPDATE = new Set(['/endpoints', '/events', 'coordination.k8s.io/leases']);

/** ApiRegistry: see the file comment. Methods other than execute/openWatch are for the verb modules. */
export class ApiRegistry {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly deps: ApiServerDeps;
  readonly log?: Logger;
  readonly serviceIps: ClusterIpAllocator;
  /** head asks the store for its head revision (consistent reads); absent on stores without progress requests. */
  private readonly head?: HeadFn;
  private readonly caches = new Map<string, WatchCache>();
  /** dynamic are the resources served for CustomResourceDefinitions (crd/manager.ts adds them). */
  private readonly dynamic = new Map<string, { info: ResourceInfo; strategy: StrategyLike; codecId: string }[]>();
  private readonly cacheOptions: { store: StoreClient; clock: Clock; log?: Logger; historySize?: number };
  /** crds serves CustomResourceDefinitions: it adds and removes the dynamic resources. */
  readonly crds: CrdManager;
  /** metrics: request latency per verb and resource, timed around execute (see metrics.ts). */
  readonly metrics = new ApiMetrics();

  constructor(opts: RegistryOptions) {
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.deps = opts.deps;
    this.log = opts.log;
    this.serviceIps = new ClusterIpAllocator(opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR, opts.rng);
    this.cacheOptions = { store: opts.store, clock: opts.clock, log: opts.log, historySize: opts.historySize };
    this.crds = new CrdManager(this);
    // The actor store client can ask a shard for a progress notification (etcd RequestProgress):
    // that is how a consistent list catches the cache up without reading the store.
    const progress = (opts.store as StoreClient & { progress?: (prefix: string) => Promise<number> }).progress;
    if (typeof progress === 'function') this.head = (prefix) => progress.call(opts.store, prefix);
    for (const info of opts.resources ?? RESOURCES) {
      const storage = createResourceStorage(info, opts.store);
      this.caches.set(resourceKey(info), new WatchCache(storage, { clock: opts.clock, log: opts.log, historySize: opts.historySize }));
    }
  }

  /** start fills every watch cache from the store (call before serving). */
  async start(): Promise<void> {
    await Promise.all([...this.caches.values()].map((c) => c.start()));
    await this.crds.start();
  }

  /** close stops the store watches and every watcher. */
  close(): void {
    this.crds.close();
    for (const c of this.caches.values()) c.close();
  }

  /** resync re-lists every cache (a store shard went down and came back). */
  resync(): void {
    for (const c of this.caches.values()) c.resync();
  }

  /** resolve finds a served resource; 404 like an unknown URL otherwise. */
  resolve(res: ResourceRef): ResourceInfo {
    const info = res.version ? (lookupResourceVersion(res.group, res.version, res.resource) ?? this.lookupCustom(res.group, res.version, res.resource)) : this.lookup(res.group, res.resource);
    if (!info || !this.caches.has(this.key(info))) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
    }
    return info;
  }

  /** lookup finds a built-in or custom resource by group and plural (custom ones never shadow built-ins). */
  lookup(group: string, resource: string): ResourceInfo | undefined {
    return lookupResource(group, resource) ?? this.dynamic.get(`${group}/${resource}`)?.[0]?.info;
  }

  /** lookupCustom finds a custom resource served at this exact group/version. */
  lookupCustom(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.dynamic.get(`${group}/${resource}`)?.find((v) => v.info.version === version)?.info;
  }

  /** servedResources lists every served resource: the catalogue's, then the custom ones. */
  servedResources(): ResourceInfo[] {
    return [...RESOURCES.filter((i) => this.caches.has(resourceKey(i))), ...[...this.dynamic.values()].flatMap((vs) => vs.map((v) => v.info))];
  }

  /** strategyOf is a resource's strategy: a CRD's for custom resources, else the built-in one. */
  strategyOf(info: ResourceInfo): StrategyLike {
    const custom = this.dynamic.get(`${info.group}/${info.resource}`)?.find((v) => v.info.version === info.version);
    return custom?.strategy ?? this.crds.builtinStrategy(info) ?? this.deps.getStrategy(info);
  }

  /**
   * key is a served resource version's cache key: resourceKey for built-ins; for a CRD,
   * `group/resource` for its preferred version and `group/resource@version` for the others.
   */
  private key(info: Pick<ResourceInfo, 'group' | 'version' | 'resource'>): string {
    const custom = this.dynamic.get(`${info.group}/${info.resource}`);
    if (!custom || custom[0].info.version === info.version) return resourceKey(info);
    return `${info.group}/${info.resource}@${info.version}`;
  }

  /**
   * serveCustom serves a CRD's versions (preferred first), each with its own watch cache over the
   * same keys and a codec that sets its apiVersion; replaces what was served for the resource.
   * A version's cache is kept when its key and codec (`codecId`) are unchanged.
   */
  async serveCustom(versions: { info: ResourceInfo; strategy: StrategyLike; codec: StorageCodec; codecId: string }[]): Promise<void> {
    const { group, resource } = versions[0].info;
    const { store, clock, log, historySize } = this.cacheOptions;
    const old = this.dynamic.get(`${group}/${resource}`) ?? [];
    const oldKey = (i: number): string => (i === 0 ? resourceKey(old[i].info) : `${group}/${resource}@${old[i].info.version}`);
    const caches = new Map<string, WatchCache>();
    for (const [i, v] of versions.entries()) {
      const key = i === 0 ? resourceKey(v.info) : `${group}/${resource}@${v.info.version}`;
      const j = old.findIndex((o) => o.info.version === v.info.version);
      const reuse = j >= 0 && oldKey(j) === key && old[j].codecId === v.codecId ? this.caches.get(key) : undefined;
      if (reuse) {
        caches.set(key, reuse);
        continue;
      }
      const cache = new WatchCache(createResourceStorage(v.info, store, v.codec), { clock, log, historySize });
      await cache.start();
      caches.set(key, cache);
    }
    this.unserveCustom(group, resource, new Set(caches.values()));
    for (const [key, cache] of caches) this.caches.set(key, cache);
    this.dynamic.set(`${group}/${resource}`, versions.map(({ info, strategy, codecId }) => ({ info, strategy, codecId })));
  }

  /** unserveCustom stops serving a custom resource (caches in keep stay open). */
  unserveCustom(group: string, resource: string, keep: Set<WatchCache> = new Set()): void {
    const versions = this.dynamic.get(`${group}/${resource}`);
    if (!versions) return;
    for (const v of versions) {
      const key = this.key(v.info);
      const cache = this.caches.get(key);
      if (cache && !keep.has(cache)) cache.close();
      this.caches.delete(key);
    }
    this.dynamic.delete(`${group}/${resource}`);
  }

  /** cache returns the watch cache of a resource. */
  cache(info: ResourceInfo): WatchCache {
    const c = this.caches.get(this.key(info));
    if (!c) return this.cache(this.resolve(info));
    return c;
  }

  /** storage returns a resource's storage. */
  storage(info: ResourceInfo): ResourceStorage {
    return this.cache(info).storage;
  }

  /** execute runs one request; the reply body is shared with the cache: callers must not mutate it. */
  async execute(req: ApiRequest): Promise<OpResult> {
    const done = this.metrics.start(req);
    let ok = false;
    try {
      const result = await this.executeUntimed(req);
      ok = true;
      return result;
    } finally {
      done(ok);
    }
  }

  private async executeUntimed(req: ApiRequest): Promise<OpResult> {
    if (req.type === 'unwatch' || req.type === 'watch') throw badRequest(`${req.type} is not a request/response verb`);
    const info = this.resolve(req.res);
    switch (req.type) {
      case 'create':
        return this.create(info, req.namespace, req.object, req.opts ?? {});
      case 'createSub':
        if (req.subresource === 'binding') return bindPod(this, info, this.ns(info, req.namespace), req.name, req.object, req.opts ?? {});
        return evictPod(this, info, this.ns(info, req.namespace), req.name, req.object);
      case 'get':
        if (req.subresource === 'scale') return this.crds.owns(info) ? this.crds.getScale(info, req.namespace, req.name) : getScale(this, info, req.namespace, req.name);
        return { code: 200, body: this.getObject(info, req.namespace, req.name) };
      case 'list':
        return { code: 200, body: await this.list(info, req.opts ?? {}) };
      case 'update':
        if (req.subresource === 'scale') return this.crds.owns(info) ? this.crds.updateScale(info, req.namespace, req.name, req.object, req.opts ?? {}) : updateScale(this, info, req.namespace, req.name, req.object, req.opts ?? {});
        return this.update(info, req.namespace, req.name, req.object, req.subresource, req.opts ?? {});
      case 'patch':
        if (req.subresource === 'scale') return this.crds.owns(info) ? this.crds.patchScale(info, req.namespace, req.name, req.patchType, req.patch, req.opts ?? {}) : patchScale(this, info, req.namespace, req.name, req.patchType, req.patch, req.opts ?? {});
        return this.patch(info, req);
      case 'delete':
        return deleteObject(this, info, req.namespace, req.name, req.options ?? {});
      case 'deleteCollection':
        return deleteCollection(this, info, req.opts ?? {}, req.options ?? {});
    }
  }

  /** openWatch registers a watcher on a resource's cache (HTTP and actor watches alike). */
  openWatch(res: ResourceRef, opts: ListOptions, sink: CacheWatchSink): CacheWatch & { startRv: number } {
    const info = this.resolve(res);
    const filter = this.filter(info, opts);
    const rv = opts.resourceVersion ? Number(opts.resourceVersion) : undefined;
    if (rv !== undefined && !Number.isFinite(rv)) throw badRequest(`invalid resource version: ${opts.resourceVersion}`);
    return this.cache(info).watch(rv, filter, sink);
  }

  /**
   * bookmark is a BOOKMARK event's object for a resource: only kind, apiVersion and the cache's
   * revision, which every event up to it was already delivered at (delivery is synchronous).
   */
  bookmark(res: ResourceRef): KObject {
    const info = this.resolve(res);
    return { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(this.cache(info).revision) } };
  }

  /** ns checks that a namespaced request names a namespace. */
  ns(info: ResourceInfo, namespace: string | undefined): string | undefined {
    if (!info.namespaced) return undefined;
    if (!namespace) throw badRequest('the namespace of the object must be given for namespaced resources');
    return namespace;
  }

  /** ensureNamespace: a namespaced object may only be created in an existing, live namespace. */
  ensureNamespace(namespace: string): void {
    const ns = this.cache(NAMESPACES).get(namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403, message: `unable to create new content in namespace ${namespace} because it is being terminated`, details: { name: namespace, kind: 'namespaces' } });
    }
  }

  /** getObject reads from the watch cache; 404 if absent. */
  getObject(info: ResourceInfo, namespace: string | undefined, name: string): KObject {
    const obj = this.cache(info).get(keyOf(this.ns(info, namespace), name));
    if (!obj) throw notFound(info, name);
    return obj;
  }

  /** filter builds the predicate of list/watch options; 400 on bad selectors. */
  filter(info: ResourceInfo, opts: ListOptions): WatchFilter {
    const labels = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
    const fields = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector) : undefined;
    if (fields) validateFieldSelector(info, fields);
    const namespace = info.namespaced ? opts.namespace : undefined;
    const nodeNames = info.resource === 'pods' && info.group === '' && opts.nodeNames ? new Set(opts.nodeNames) : undefined;
    let indexNodeNames = nodeNames ? [...nodeNames] : undefined;
    if (!indexNodeNames && info.resource === 'pods' && info.group === '' && fields) {
      const eq = fields.requirements().find((r) => r.field === 'spec.nodeName' && r.op === '=' && r.value !== '');
      if (eq) indexNodeNames = [eq.value];
    }
    const useLabels = labels && !labels.empty() ? labels : undefined;
    const useFields = fields && !fields.empty() ? fields : undefined;
    return {
      indexNodeNames,
      matches: (obj) => {
        if (namespace !== undefined && obj.metadata.namespace !== namespace) return false;
        if (nodeNames && !nodeNames.has(String((obj.spec as { nodeName?: string } | undefined)?.nodeName ?? ''))) return false;
        if (useLabels && !useLabels.matches(obj.metadata.labels)) return false;
        if (useFields && !useFields.matches(fieldsOf(info, obj))) return false;
        return true;
      },
    };
  }

  /** list serves a (paged) list from the watch cache. */
  async list(info: ResourceInfo, opts: ListOptions): Promise<KList> {
    return listFromCache(info, this.cache(info), this.filter(info, opts), opts, this.head);
  }

  /** checkStrict applies fieldValidation to obj's unknown fields (see field-validation.ts). */
  checkStrict(info: ResourceInfo, obj: KObject, opts: WriteOptions, warnings?: Set<string>, decodedBody = false): void {
    applyFieldValidation(info, obj, this.strategyOf(info).unknownFields(obj), opts, warnings, decodedBody);
  }

  /** checkTypeMeta fills apiVersion/kind and rejects a body of another kind. */
  checkTypeMeta(info: ResourceInfo, obj: KObject): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request must be an object');
    // metadata must be an object before anything reads it (the strategy type-checks the rest).
    const meta: unknown = obj.metadata;
    if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
      const got = Array.isArray(meta) ? 'array' : typeof meta === 'boolean' ? 'bool' : typeof meta;
      throw typeMismatchError(info.kind, info.version, { struct: info.kind, field: 'metadata', got, want: 'v1.ObjectMeta' });
    }
    const want = apiVersionOf(info);
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
    }
    if (obj.kind !== undefined && obj.kind !== info.kind) throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
    obj.apiVersion = want;
    obj.kind = info.kind;
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  }

  /** create stores a new object (201). */
  async create(info: ResourceInfo, namespace: string | undefined, input: KObject, opts: WriteOptions): Promise<OpResult> {
    const obj = structuredClone(input);
    this.checkTypeMeta(info, obj);
    const meta = obj.metadata;
    if (info.namespaced) {
      const ns = namespace ?? meta.namespace;
      if (!ns) throw badRequest('the namespace of the object must be given for namespaced resources');
      if (meta.namespace && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = ns;
      this.ensureNamespace(ns);
    } else {
      delete meta.namespace;
    }
    if (!meta.name && !meta.generateName) {
      throw invalid(info.group, info.kind, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    const warnings = new Set<string>();
    this.checkStrict(info, obj, opts, warnings, true);
    const strategy = this.strategyOf(info);
    // System fields first, as rest.BeforeCreate fills them before Validate: the Job strategy
    // derives its selector from uid and name.
    for (const f of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const) delete meta[f];
    meta.uid = newUid(this.rng);
    meta.creationTimestamp = nowRfc3339(this.clock);
    const genName = !meta.name;
    if (genName) meta.name = `${meta.generateName}${randomSuffix(this.rng)}`;
    // Mutating admission (Priority plugin) before the strategy's defaults, as upstream orders them.
    if (info === PODS && this.caches.has(resourceKey(PRIORITYCLASSES))) admitPodPriority(obj, this.cache(PRIORITYCLASSES).list().map((e) => e.object));
    if (info === PERSISTENTVOLUMECLAIMS && this.caches.has(resourceKey(STORAGECLASSES))) admitPvcDefaultStorageClass(obj, this.cache(STORAGECLASSES).list().map((e) => e.object));
    strategy.prepareForCreate(obj, { clock: this.clock, rng: this.rng });
    // Only kinds that track generation have one (pods, configuration, RBAC… do not in 1.32).
    if (info.generation === false) delete meta.generation;
    else meta.generation = 1;
    if (opts.fieldManager) this.deps.recordUpdate?.(info, undefined, obj, opts.fieldManager, this.clock.now());
    const ip = this.allocateClusterIp(info, obj);
    try {
      const causes = strategy.validate(obj);
      if (causes.length > 0) throw invalid(info.group, info.kind, String(meta.name), causes);
      if (opts.dryRun) return withWarnings({ code: 201, body: obj }, warnings);
      let stored: KObject | undefined;
      for (let attempt = 0; !stored; attempt++) {
        try {
          stored = await this.storage(info).create(obj);
        } catch (err) {
          // A generated name that collides is redrawn, as kube-apiserver retries generateName.
          if (!genName || attempt >= 3 || !(err instanceof StatusError) || err.reason !== 'AlreadyExists') throw err;
          meta.name = `${meta.generateName}${randomSuffix(this.rng)}`;
        }
      }
      await this.cache(info).waitFor(Number(stored.metadata.resourceVersion));
      return withWarnings({ code: 201, body: this.cache(info).get(keyOf(meta.namespace, String(meta.name))) ?? stored }, warnings);
    } finally {
      if (ip) this.serviceIps.release(ip);
    }
  }

  private allocateClusterIp(info: ResourceInfo, obj: KObject): string | undefined {
    if (info !== SERVICES) return undefined;
    const spec = ((obj.spec ??= {}) as { type?: string; clusterIP?: string; clusterIPs?: string[] });
    if (spec.type === 'ExternalName' || spec.clusterIP === 'None') {
      if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      return undefined;
    }
    const used = new Set<string>();
    for (const { object } of this.cache(SERVICES).list()) {
      const ipUsed = (object.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (ipUsed) used.add(ipUsed);
    }
    const ip = this.serviceIps.allocate(used, String(obj.metadata.name ?? obj.metadata.generateName ?? ''), spec.clusterIP || spec.clusterIPs?.[0]);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return ip;
  }

  /**
   * updateWith runs fn on the current object and writes the result (or, with dryRun, only
   * computes it). fn gets a private copy. Objects left with a deletionTimestamp, no finalizers
   * and a zero grace period are deleted (the last finalizer was removed).
   */
  async updateWith(info: ResourceInfo, namespace: string | undefined, name: string, fn: (cur: KObject) => KObject, dryRun?: boolean): Promise<KObject> {
    namespace = this.ns(info, namespace);
    if (dryRun) return fn(structuredClone(this.getObject(info, namespace, name)));
    const updated = await this.storage(info).guaranteedUpdate(namespace, name, fn);
    if (this.finished(info, updated)) {
      try {
        const { revision } = await this.storage(info).delete(namespace, name, updated.metadata.resourceVersion);
        await this.cache(info).waitFor(revision);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return updated;
    }
    await this.cache(info).waitFor(Number(updated.metadata.resourceVersion));
    return this.cache(info).get(keyOf(namespace, name)) ?? updated;
  }

  /** finished: a deleted object whose finalizers are all gone is removed from storage. */
  private finished(info: ResourceInfo, obj: KObject): boolean {
    const m = obj.metadata;
    if (!m.deletionTimestamp || (m.finalizers && m.finalizers.length > 0)) return false;
    if (info === NAMESPACES) return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0;
    return m.deletionGracePeriodSeconds === 0 || m.deletionGracePeriodSeconds === undefined;
  }

  /**
   * prepareUpdate turns a client's new object into what is stored: immutable metadata kept,
   * status or spec reset by subresource, generation bumped on spec changes, validated.
   */
  prepareUpdate(info: ResourceInfo, next: KObject, cur: KObject, subresource: string | undefined, opts: WriteOptions, warnings?: Set<string>, decodedBody = false): KObject {
    this.checkTypeMeta(info, next);
    const m = next.metadata;
    const c = cur.metadata;
    if (m.resourceVersion && m.resourceVersion !== c.resourceVersion) throw conflict(info, String(c.name));
    if (m.uid && m.uid !== c.uid) throw conflict(info, String(c.name), `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${c.uid}`);
    this.checkStrict(info, next, opts, warnings, decodedBody);
    const strategy = this.strategyOf(info);
    if (subresource === 'status') {
      strategy.resetFieldsForStatusUpdate(next, cur);
      next.metadata = { ...c, labels: m.labels, annotations: m.annotations, managedFields: m.managedFields ?? c.managedFields };
    } else if (subresource === 'finalize') {
      const finalizers = (next.spec as { finalizers?: string[] } | undefined)?.finalizers;
      const out = structuredClone(cur);
      out.spec = { ...(out.spec as object), finalizers };
      next = out;
    } else {
      strategy.resetFieldsForSpecUpdate(next, cur);
      for (const k of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (c[k] === undefined) delete m[k];
        else (m as Record<string, unknown>)[k] = c[k];
      }
      // Finalizers may only be removed once deleting, never added (as kube-apiserver validates).
      if (c.deletionTimestamp && (m.finalizers ?? []).some((f) => !(c.finalizers ?? []).includes(f))) {
        throw invalid(info.group, info.kind, String(c.name), [{ reason: 'FieldValueForbidden', field: 'metadata.finalizers', message: 'Forbidden: no new finalizers can be added if the object is being deleted' }]);
      }
      strategy.prepareForUpdate(next, cur);
      // After defaulting, so a PUT that omits defaulted fields is not a spec change.
      if (info.generation !== false && specChanged(next, cur)) next.metadata.generation = (c.generation ?? 0) + 1;
      if (info === SERVICES) this.keepClusterIp(next, cur);
    }
    next.metadata.resourceVersion = c.resourceVersion;
    const causes = strategy.validateUpdate(next, cur);
    if (causes.length > 0) throw invalid(info.group, info.kind, String(c.name), causes);
    return next;
  }

  private keepClusterIp(next: KObject, cur: KObject): void {
    const ns = (next.spec ??= {}) as { clusterIP?: string; clusterIPs?: string[] };
    const cs = (cur.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] };
    if (!ns.clusterIP && cs.clusterIP) ns.clusterIP = cs.clusterIP;
    if (!ns.clusterIPs && cs.clusterIPs) ns.clusterIPs = cs.clusterIPs;
  }

  /** update replaces an object (PUT); 201 when it creates one (endpoints, events, leases). */
  async update(info: ResourceInfo, namespace: string | undefined, name: string, input: KObject, subresource: string | undefined, opts: WriteOptions): Promise<OpResult> {
    const obj = structuredClone(input);
    this.checkTypeMeta(info, obj);
    if (obj.metadata.name && obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    if (info.namespaced && namespace && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const warnings = new Set<string>();
    try {
      const body = await this.updateWith(info, namespace, name, (cur) => {
        const next = this.prepareUpdate(info, structuredClone(obj), cur, subresource, opts, warnings, true);
        if (opts.fieldManager) this.deps.recordUpdate?.(info, cur, next, opts.fieldManager, this.clock.now(), subresource);
        return next;
      }, opts.dryRun);
      return withWarnings({ code: 200, body }, warnings);
    } catch (err) {
      if (!isNotFound(err) || subresource || !ALLOW_CREATE_ON_UPDATE.has(`${info.group}/${info.resource}`)) throw err;
      if (obj.metadata.resourceVersion) throw err;
      obj.metadata.name = name;
      return this.create(info, namespace, obj, opts);
    }
  }

  /** patch applies a patch (json, merge, strategic, apply); apply creates a missing object (201). */
  async patch(info: ResourceInfo, req: Extract<ApiRequest, { type: 'patch' }>): Promise<OpResult> {
    const opts = req.opts ?? {};
    const popts = { fieldManager: opts.fieldManager, force: opts.force, now: this.clock.now(), subresource: req.subresource };
    const warnings = new Set<string>();
    try {
      const body = await this.updateWith(info, req.namespace, req.name, (cur) => {
        const patched = this.deps.applyPatch(info, structuredClone(cur), req.patchType, req.patch, popts);
        return this.prepareUpdate(info, patched, cur, req.subresource, opts, warnings);
      }, opts.dryRun);
      return withWarnings({ code: 200, body }, warnings);
    } catch (err) {
      if (!isNotFound(err) || req.patchType !== 'apply' || req.subresource) throw err;
      const empty: KObject = { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { name: req.name, ...(info.namespaced ? { namespace: req.namespace } : {}) } };
      const created = this.deps.applyPatch(info, empty, 'apply', req.patch, popts);
      return this.create(info, req.namespace, created, opts);
    }
  }
}
