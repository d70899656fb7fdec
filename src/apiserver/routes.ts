/**
 * URL parsing for resource paths (pure):
 *
 *   /api/v1/<resource>[/<name>[/<sub>]]                         cluster-scoped, or all namespaces
 *   /api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]         namespaced
 *   /apis/<group>/<version>/…                                   the same under a named group
 *
 * `/api/v1/namespaces/x/status` is the namespace's status (namespaces is itself a resource), so
 * the namespaced form is chosen only when the third segment is a namespaced resource.
 */
import { lookupResourceVersion, type ResourceInfo } from '../api/resources.js';

/** ResourceRoute is a parsed resource URL. */
export interface ResourceRoute {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** GroupVersionPath splits /api/v1/… and /apis/g/v/… into group, version and the rest. */
export interface GroupVersionPath {
  group: string;
  version: string;
  rest: string[];
}

/** splitPath decodes the non-empty segments of a path. */
export function splitPath(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => decodeURIComponent(s));
}

/** groupVersionOf parses the group/version prefix, or undefined when the path is not an API path. */
export function groupVersionOf(segs: string[]): GroupVersionPath | undefined {
  if (segs[0] === 'api' && segs.length >= 2) return { group: '', version: segs[1], rest: segs.slice(2) };
  if (segs[0] === 'apis' && segs.length >= 3) return { group: segs[1], version: segs[2], rest: segs.slice(3) };
  return undefined;
}

/** parseResourceRoute resolves the rest of an API path to a served resource, or undefined (404). */
export function parseResourceRoute(gv: GroupVersionPath, custom?: (group: string, version: string, resource: string) => ResourceInfo | undefined): ResourceRoute | undefined {
  const { group, version, rest } = gv;
  // custom resolves resources served for CustomResourceDefinitions (the registry's lookupCustom).
  const find = (resource: string): ResourceInfo | undefined => {
    return lookupResourceVersion(group, version, resource) ?? custom?.(group, version, resource);
  };
  if (rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const info = find(rest[2]);
    if (info?.namespaced) {
      if (rest.length > 5) return undefined;
      return { info, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
  }
  const info = find(rest[0]);
  if (!info || rest.length > 3) return undefined;
  return { info, name: rest[1], subresource: rest[2] };
}
