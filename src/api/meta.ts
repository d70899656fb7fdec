/**
 * Small helpers over ObjectMeta shared by every component.
 */
import type { Clock, Rng } from '../actors/types.js';
import type { KObject, OwnerReference } from './types.js';

/** objectKey is the cache key of an object: "namespace/name", or "name" for cluster-scoped. */
export function objectKey(obj: KObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : String(obj.metadata.name);
}

/** keyOf builds the same key from parts. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** splitKey is the inverse of keyOf. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** rfc3339 formats a clock time the way Kubernetes serializes metav1.Time (second precision). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** nowRfc3339 is rfc3339(clock.now()). */
export function nowRfc3339(clock: Clock): string {
  return rfc3339(clock.now());
}

/** newUid returns an RFC 4122 version-4 UUID drawn from rng (deterministic under a seeded rng). */
export function newUid(rng: Rng): string {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-';
    else if (i === 14) s += '4';
    else if (i === 19) s += hex[8 + rng.int(4)];
    else s += hex[rng.int(16)];
  }
  return s;
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** randomSuffix returns n characters from apimachinery's utilrand alphabet (no vowels). */
export function randomSuffix(rng: Rng, n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_SUFFIX_ALPHABET[rng.int(NAME_SUFFIX_ALPHABET.length)];
  return s;
}

/** controllerOf returns the ownerReference with controller=true, if any. */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}
