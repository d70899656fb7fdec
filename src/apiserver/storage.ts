/**
 * The apiserver's one narrow window onto storage, per resource (k8s.io/apiserver storage.Interface):
 * create, get, list, guaranteedUpdate, delete, watch, over the etcd-like StoreClient.
 *
 * Objects are stored msgpack-encoded under `/registry/<group>/<resource>/<ns>/<name>` (core
 * resources drop the group). The stored form carries no resourceVersion: it is the key's
 * modRevision, filled in on decode, exactly as the real etcd3 storage does.
 */
import { Packr } from 'msgpackr';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { alreadyExists, conflict, notFound } from '../api/errors.js';
import type { KeyValue, StoreClient, StoreWatchSink } from '../store/types.js';
import { coreToEventV1, eventV1ToCore } from './convert/events.js';
import { hpaV1ToV2, hpaV2ToV1 } from './convert/hpa.js';

const packr = new Packr({ useRecords: false });

/** encodeObject is the stored form of obj (msgpack, without metadata.resourceVersion). */
export function encodeObject(obj: KObject): Uint8Array {
  const rv = obj.metadata.resourceVersion;
  if (rv === undefined) return packr.pack(obj);
  const copy: KObject = { ...obj, metadata: { ...obj.metadata } };
  delete copy.metadata.resourceVersion;
  return packr.pack(copy);
}

/** decodeObject decodes a stored value and sets metadata.resourceVersion to its modRevision. */
export function decodeObject(value: Uint8Array, modRevision: number): KObject {
  const obj = packr.unpack(value) as KObject;
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

/**
 * registryPrefix is the key prefix of a resource: `/registry/apps/deployments/` or `/registry/pods/`.
 * events.k8s.io events live with core events (`/registry/events/`), as upstream.
 */
export function registryPrefix(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  if (info.group === 'events.k8s.io' && info.resource === 'events') return '/registry/events/';
  return info.group ? `/registry/${info.group}/${info.resource}/` : `/registry/${info.resource}/`;
}

/** StorageCodec converts between a resource's served form and its stored form (identity for most). */
export interface StorageCodec {
  toStored(obj: KObject): KObject;
  fromStored(obj: KObject): KObject;
}

const IDENTITY: StorageCodec = { toStored: (o) => o, fromStored: (o) => o };
const EVENTS_V1_CODEC: StorageCodec = { toStored: eventV1ToCore, fromStored: coreToEventV1 };
const HPA_V1_CODEC: StorageCodec = { toStored: hpaV1ToV2, fromStored: hpaV2ToV1 };

/**
 * storageCodecOf returns the codec of a resource: events.k8s.io/v1 events are stored as core
 * events, autoscaling/v1 HPAs as autoscaling/v2 ones; every other resource as served.
 */
export function storageCodecOf(info: Pick<ResourceInfo, 'group' | 'resource'> & { version?: string }): StorageCodec {
  if (info.group === 'events.k8s.io' && info.resource === 'events') return EVENTS_V1_CODEC;
  if (info.group === 'autoscaling' && info.resource === 'horizontalpodautoscalers' && info.version === 'v1') return HPA_V1_CODEC;
  return IDENTITY;
}

/** UpdateFn computes the new object from a private copy of the current one; throwing aborts. */
export type UpdateFn = (current: KObject) => KObject | Promise<KObject>;

/** ResourceStorage is the storage interface of one resource. All methods may throw StatusError. */
export interface ResourceStorage {
  readonly info: ResourceInfo;
  /** prefix is the key prefix every object of this resource lives under. */
  readonly prefix: string;
  keyFor(namespace: string | undefined, name: string): string;
  /** decode turns a stored value at modRevision into the served object (codec applied). */
  decode(value: Uint8Array, modRevision: number): KObject;
  /** create stores a new object; 409 AlreadyExists if the key exists. Returns it with its RV. */
  create(obj: KObject): Promise<KObject>;
  /** get reads one object straight from the store (the watch cache serves normal reads). */
  get(namespace: string | undefined, name: string): Promise<KObject>;
  /** list reads every object and the revision the read was served at. */
  list(): Promise<{ items: KObject[]; revision: number }>;
  /**
   * guaranteedUpdate reads the object, applies fn and writes the result if the key's
   * modRevision is unchanged, retrying fn on a lost race. fn returning an object equal to the
   * current one writes nothing (no-op update, same RV, no watch event). `created` is never set.
   */
  guaranteedUpdate(namespace: string | undefined, name: string, fn: UpdateFn): Promise<KObject>;
  /** delete removes the object if it still has expectRv (or unconditionally); returns the last stored object. */
  delete(namespace: string | undefined, name: string, expectRv?: string): Promise<{ object: KObject; revision: number }>;
  /** watch streams raw store events of this resource from startRevision (see StoreWatchOptions). */
  watch(startRevision: number, sink: StoreWatchSink): Promise<{ cancel(): void }>;
}

const MAX_UPDATE_RETRIES = 16;

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** createResourceStorage builds the ResourceStorage of info on top of store (codec: see storageCodecOf; CRD versions pass theirs). */
export function createResourceStorage(info: ResourceInfo, store: StoreClient, codec: StorageCodec = storageCodecOf(info)): ResourceStorage {
  const prefix = registryPrefix(info);
  const gr = { group: info.group, resource: info.resource };
  const keyFor = (namespace: string | undefined, name: string): string =>
    info.namespaced ? `${prefix}${namespace ?? ''}/${name}` : `${prefix}${name}`;

  const decode = (value: Uint8Array, modRevision: number): KObject => codec.fromStored(decodeObject(value, modRevision));
  const encode = (obj: KObject): Uint8Array => encodeObject(codec.toStored(obj));

  async function readKv(key: string): Promise<KeyValue | undefined> {
    const res = await store.range(key);
    return res.kvs[0];
  }

  return {
    info,
    prefix,
    keyFor,
    decode,
    async create(obj) {
      const key = keyFor(obj.metadata.namespace, String(obj.metadata.name));
      const value = encode(obj);
      const res = await store.txn({
        compare: [{ target: 'createRevision', key, op: '=', value: 0 }],
        success: [{ type: 'put', key, value }],
        failure: [],
      });
      if (!res.succeeded) throw alreadyExists(gr, String(obj.metadata.name));
      return decode(value, res.revision);
    },
    async get(namespace, name) {
      const kv = await readKv(keyFor(namespace, name));
      if (!kv) throw notFound(gr, name);
      return decode(kv.value, kv.modRevision);
    },
    async list() {
      const res = await store.range(prefix, { prefix: true });
      return { items: res.kvs.map((kv) => decode(kv.value, kv.modRevision)), revision: res.revision };
    },
    async guaranteedUpdate(namespace, name, fn) {
      const key = keyFor(namespace, name);
      for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
        const kv = await readKv(key);
        if (!kv) throw notFound(gr, name);
        const updated = await fn(decode(kv.value, kv.modRevision));
        const value = encode(updated);
        if (bytesEqual(value, kv.value)) return decode(kv.value, kv.modRevision);
        const res = await store.txn({
          compare: [{ target: 'modRevision', key, op: '=', value: kv.modRevision }],
          success: [{ type: 'put', key, value }],
          failure: [],
        });
        if (res.succeeded) return decode(value, res.revision);
      }
      // Only a pathological write storm gets here; the client retries like on any conflict.
      throw conflict(gr, name);
    },
    async delete(namespace, name, expectRv) {
      const key = keyFor(namespace, name);
      for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
        const kv = await readKv(key);
        if (!kv) throw notFound(gr, name);
        if (expectRv !== undefined && String(kv.modRevision) !== expectRv) throw conflict(gr, name);
        const res = await store.txn({
          compare: [{ target: 'modRevision', key, op: '=', value: kv.modRevision }],
          success: [{ type: 'delete', key }],
          failure: [],
        });
        if (res.succeeded) return { object: decode(kv.value, kv.modRevision), revision: res.revision };
      }
      throw conflict(gr, name);
    },
    watch(startRevision, sink) {
      // progressNotify, as kube-apiserver's cacher watches etcd: an idle resource's cache still
      // advances to the store's head, and its watchers' BOOKMARKs carry that revision.
      return store.watch({ key: prefix, prefix: true, startRevision, prevKv: false, progressNotify: true }, sink);
    },
  };
}
