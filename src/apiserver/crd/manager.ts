/**
 * CrdManager: kube-apiserver's apiextensions controllers, inside the registry.
 *
 *   CRD ADDED/MODIFIED ─▶ serve its resource (watch cache + strategy) ─▶ finalizer + status
 *                          (NamesAccepted, Established, acceptedNames, storedVersions)
 *   CRD deleting       ─▶ delete every custom resource ─▶ drop the finalizer ─▶ stop serving
 *
 * Events are handled one at a time, in order (a promise chain), from the registry's own CRD watch
 * cache, so a restarted apiserver serves every stored CRD again before it reports ready.
 */
import { badRequest, conflict, invalid } from '../../api/errors.js';
import { nowRfc3339 } from '../../api/meta.js';
import { CUSTOMRESOURCEDEFINITIONS, type ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/types.js';
import type { StrategyLike, TableOptions } from '../deps.js';
import type { PatchType, WriteOptions } from '../protocol.js';
import type { ApiRegistry, OpResult } from '../registry.js';
import type { CacheWatch } from '../watch-cache.js';
import { patchScaleObject } from '../subresources.js';
import { crdStrategy, crStrategy, servedCrd, versionCodec, type Crd, type ServedCrd, type ServedVersion } from './definition.js';
import { crdGroupVersion, crdOpenApiDoc, docHash } from './openapi.js';
import { crTable } from './table.js';

/** CRD_FINALIZER is the finalizer that keeps a CRD until its custom resources are gone. */
export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.').filter(Boolean)) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter(Boolean);
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]] = value;
}

/** CrdManager: see the file comment. */
export class CrdManager {
  /** served maps a CRD name to what it serves. */
  private readonly served = new Map<string, ServedCrd>();
  private queue: Promise<void> = Promise.resolve();
  private watch?: CacheWatch;
  private closed = false;
  private readonly strategy = crdStrategy();

  constructor(private readonly reg: ApiRegistry) {}

  /** start serves every stored CRD, then follows changes. */
  async start(): Promise<void> {
    const cache = this.reg.cache(CUSTOMRESOURCEDEFINITIONS);
    const names = new Set<string>();
    for (const { object } of cache.list()) {
      names.add(String(object.metadata.name));
      await this.sync(object as Crd);
    }
    // After a watch error: CRDs deleted meanwhile stop being served.
    for (const [name, served] of [...this.served]) {
      if (names.has(name)) continue;
      this.served.delete(name);
      this.reg.unserveCustom(served.info.group, served.info.resource);
    }
    if (this.closed) return;
    this.watch = this.reg.openWatch({ group: CUSTOMRESOURCEDEFINITIONS.group, resource: CUSTOMRESOURCEDEFINITIONS.resource }, { resourceVersion: String(cache.revision) }, {
      events: (events) => {
        for (const ev of events) {
          const crd = ev.object as Crd;
          this.queue = this.queue
            .then(() => (ev.type === 'DELETED' ? this.forget(crd) : ev.type === 'BOOKMARK' ? undefined : this.sync(crd)))
            .catch((err: unknown) => this.reg.log?.warn('crd sync failed', { crd: crd.metadata?.name, err: String(err) }));
        }
      },
      error: (err) => {
        // The cache ended our watch (it re-listed, or our history is gone): catch up and follow again.
        this.reg.log?.warn('crd watch ended; re-syncing', { err: err.message });
        this.watch = undefined;
        this.queue = this.queue.then(() => this.start()).catch((e: unknown) => this.reg.log?.warn('crd re-sync failed', { err: String(e) }));
      },
    });
  }

  /** close stops following CRDs. */
  close(): void {
    this.closed = true;
    this.watch?.stop();
  }

  /** idle resolves once every queued CRD event is handled (tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** builtinStrategy is the strategy of the CRD resource itself (undefined for other resources). */
  builtinStrategy(info: ResourceInfo): StrategyLike | undefined {
    return info.group === CUSTOMRESOURCEDEFINITIONS.group && info.resource === CUSTOMRESOURCEDEFINITIONS.resource ? this.strategy : undefined;
  }

  /** owns reports whether info is a custom resource. */
  owns(info: ResourceInfo): boolean {
    return this.byInfo(info) !== undefined;
  }

  /** all lists every served version of every CRD. */
  all(): ServedVersion[] {
    return [...this.served.values()].flatMap((s) => s.versions);
  }

  /** toTable renders custom resources with their printer columns; undefined for other resources. */
  toTable(info: ResourceInfo, objs: KObject[], opts: TableOptions): object | undefined {
    const served = this.byInfo(info);
    return served ? crTable(served.version, objs, opts) : undefined;
  }

  /** openApiDoc is the OpenAPI v3 document of a CRD group-version (`apis/<g>/<v>`), or undefined. */
  openApiDoc(gv: string): object | undefined {
    const key = gv.replace(/^\/+/, '').replace(/^openapi\/v3\//, '').replace(/\?.*$/, '').replace(/\/+$/, '');
    const crds = this.all().filter((s) => crdGroupVersion(s) === key);
    if (crds.length === 0) return undefined;
    const builtin = (this.reg.deps.openApiV3Doc('api/v1') ?? {}) as { components?: { schemas?: Record<string, unknown> }; info?: { version?: string } };
    const meta = Object.fromEntries(Object.entries(builtin.components?.schemas ?? {}).filter(([k]) => k.startsWith('io.k8s.apimachinery.')));
    return crdOpenApiDoc(crds, meta, builtin.info?.version ?? 'v1.32.4');
  }

  /** openApiIndex adds the CRD group-versions to the `/openapi/v3` index. */
  openApiIndex(index: object): { paths: Record<string, { serverRelativeURL: string }> } {
    const paths = { ...((index as { paths?: Record<string, { serverRelativeURL: string }> }).paths ?? {}) };
    for (const gv of new Set(this.all().map(crdGroupVersion))) {
      if (paths[gv]) continue;
      const doc = this.openApiDoc(gv);
      if (doc) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${docHash(doc)}` };
    }
    return { paths };
  }

  /** byInfo finds the served version a request addresses. */
  private byInfo(info: ResourceInfo): ServedVersion | undefined {
    for (const s of this.served.values()) {
      if (s.info.group === info.group && s.info.resource === info.resource) return s.versions.find((v) => v.info.version === info.version);
    }
    return undefined;
  }

  private async sync(crd: Crd): Promise<void> {
    const name = String(crd.metadata.name);
    if (crd.metadata.deletionTimestamp) return this.cleanup(crd);
    const next = servedCrd(crd);
    const prev = this.served.get(name);
    if (prev && (prev.info.group !== next.info.group || prev.info.resource !== next.info.resource)) this.reg.unserveCustom(prev.info.group, prev.info.resource);
    if (!prev || JSON.stringify(prev) !== JSON.stringify(next)) {
      await this.reg.serveCustom(
        next.versions.map((v) => ({
          info: v.info,
          strategy: crStrategy(v),
          codec: versionCodec(v.info.group, v.info.version, next.storageVersion),
          codecId: `${v.info.version}<${next.storageVersion}`,
        })),
      );
      this.served.set(name, next);
    }
    await this.establish(crd, next);
  }

  /** establish adds the cleanup finalizer and the status conditions a served CRD reports. */
  private async establish(crd: Crd, served: ServedCrd): Promise<void> {
    const conds = ((crd.status ?? {}) as { conditions?: { type: string; status: string }[] }).conditions ?? [];
    const established = conds.some((c) => c.type === 'Established' && c.status === 'True');
    const stored = ((crd.status ?? {}) as { storedVersions?: string[] }).storedVersions ?? [];
    if (established && crd.metadata.finalizers?.includes(CRD_FINALIZER) && stored.includes(served.storageVersion)) return;
    await this.reg.updateWith(CUSTOMRESOURCEDEFINITIONS, undefined, String(crd.metadata.name), (cur) => {
      if (cur.metadata.deletionTimestamp) return cur;
      const now = nowRfc3339(this.reg.clock);
      if (!cur.metadata.finalizers?.includes(CRD_FINALIZER)) cur.metadata.finalizers = [...(cur.metadata.finalizers ?? []), CRD_FINALIZER];
      const spec = (cur.spec ?? {}) as Crd['spec'];
      const prevStatus = (cur.status ?? {}) as { storedVersions?: string[] };
      cur.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
        acceptedNames: { ...spec.names },
        storedVersions: [...new Set([...(prevStatus.storedVersions ?? []), served.storageVersion])],
      };
      return cur;
    });
  }

  /** cleanup deletes a deleting CRD's custom resources, then lets the CRD go. */
  private async cleanup(crd: Crd): Promise<void> {
    const name = String(crd.metadata.name);
    const served = this.served.get(name);
    if (served) {
      const storage = this.reg.storage(served.info);
      const { items } = await storage.list();
      for (const obj of items) {
        try {
          await storage.delete(obj.metadata.namespace, String(obj.metadata.name));
        } catch {
          // already gone: a concurrent delete won
        }
      }
    }
    if (crd.metadata.finalizers?.includes(CRD_FINALIZER)) {
      await this.reg.updateWith(CUSTOMRESOURCEDEFINITIONS, undefined, name, (cur) => {
        cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CRD_FINALIZER);
        return cur;
      });
    }
  }

  private forget(crd: Crd): void {
    const name = String(crd.metadata.name);
    const served = this.served.get(name);
    if (!served) return;
    this.served.delete(name);
    this.reg.unserveCustom(served.info.group, served.info.resource);
  }

  private scaleOf(served: ServedVersion, obj: KObject): KObject {
    const scale = served.version.subresources!.scale!;
    const m = obj.metadata;
    const selector = scale.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
      spec: { replicas: Number(getPath(obj, scale.specReplicasPath) ?? 0) },
      status: { replicas: Number(getPath(obj, scale.statusReplicasPath) ?? 0), ...(typeof selector === 'string' ? { selector } : {}) },
    };
  }

  private scaled(info: ResourceInfo): ServedVersion {
    const served = this.byInfo(info);
    if (!served?.version.subresources?.scale) throw badRequest(`the server does not allow this method on the requested resource (${info.resource}/scale)`);
    return served;
  }

  /** getScale is GET <cr>/scale. */
  async getScale(info: ResourceInfo, namespace: string | undefined, name: string): Promise<OpResult> {
    return { code: 200, body: this.scaleOf(this.scaled(info), this.reg.getObject(info, namespace, name)) };
  }

  private applyScale(info: ResourceInfo, served: ServedVersion, cur: KObject, scale: KObject, opts: WriteOptions): KObject {
    const rv = scale?.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw conflict(info, String(cur.metadata.name));
    const replicas = (scale?.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('autoscaling', 'Scale', String(cur.metadata.name), [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const next = structuredClone(cur);
    setPath(next, served.version.subresources!.scale!.specReplicasPath, replicas);
    return this.reg.prepareUpdate(info, next, cur, undefined, { ...opts, fieldValidation: 'Ignore' });
  }

  /** updateScale is PUT <cr>/scale. */
  async updateScale(info: ResourceInfo, namespace: string | undefined, name: string, scale: KObject, opts: WriteOptions): Promise<OpResult> {
    const served = this.scaled(info);
    const updated = await this.reg.updateWith(info, namespace, name, (cur) => this.applyScale(info, served, cur, scale, opts), opts.dryRun);
    return { code: 200, body: this.scaleOf(served, updated) };
  }

  /** patchScale is PATCH <cr>/scale (merge or JSON patch on the Scale). */
  async patchScale(info: ResourceInfo, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts: WriteOptions): Promise<OpResult> {
    const served = this.scaled(info);
    const updated = await this.reg.updateWith(info, namespace, name, (cur) => this.applyScale(info, served, cur, patchScaleObject(this.scaleOf(served, cur), patchType, patch), opts), opts.dryRun);
    return { code: 200, body: this.scaleOf(served, updated) };
  }
}
