/**
 * OpenAPI v3 as kube-apiserver serves it: `/openapi/v3` (an index of group-versions with hashed
 * URLs) and `/openapi/v3/<gv>` (one document per group-version), generated from schemas.ts.
 *
 * What kubectl needs (kubectl-wire.md §5): every item path's `patch` operation carries
 * `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter, so `kubectl apply`
 * trusts server-side validation and sends `fieldValidation=Strict`.
 */
import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { definitionKeyOf } from './schemas.js';
import { renderComponents, type OpenApiSchema } from './render.js';
import { listComponents, resourcePaths } from './paths.js';

/**
 * TAG_COMPONENT_GVK decides whether component schemas of kinds carry the GVK tag. kubectl then
 * uses them for `explain` and to compute client-side apply patches; see docs/api-semantics.md for
 * why the schemas are complete enough (fields we do not model are `x-kubernetes-preserve-unknown-fields`).
 */
export const TAG_COMPONENT_GVK = true;

/** SERVED_VERSION is the info.version of the documents (matches /version's gitVersion). */
export const SERVED_VERSION = 'v1.32.4';

/** gvPath maps a resource to its index key: `api/v1` or `apis/<group>/<version>`. */
export function gvPath(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
}

function groupVersions(): Map<string, ResourceInfo[]> {
  const m = new Map<string, ResourceInfo[]>();
  for (const info of RESOURCES) m.set(gvPath(info), [...(m.get(gvPath(info)) ?? []), info]);
  return m;
}

const docCache = new Map<string, { doc: object; hash: string }>();

function build(gv: string): { doc: object; hash: string } | undefined {
  const cached = docCache.get(gv);
  if (cached) return cached;
  const infos = groupVersions().get(gv);
  if (!infos) return undefined;
  const paths: Record<string, unknown> = {};
  for (const info of infos) Object.assign(paths, resourcePaths(info, gv));
  const roots = infos.map((i) => definitionKeyOf(i)).filter((k): k is string => k !== undefined);
  const schemas: Record<string, OpenApiSchema> = { ...renderComponents(roots, TAG_COMPONENT_GVK), ...listComponents(infos, TAG_COMPONENT_GVK) };
  const doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVED_VERSION },
    paths,
    components: { schemas: sortKeys(schemas), securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } } },
  };
  const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
  const entry = { doc, hash };
  docCache.set(gv, entry);
  return entry;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/**
 * openApiV3Index is the body of `GET /openapi/v3`: `{paths: {"api/v1": {serverRelativeURL:
 * "/openapi/v3/api/v1?hash=…"}, …}}`. The hash changes only when the document changes.
 */
export function openApiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of [...groupVersions().keys()].sort()) {
    const built = build(gv);
    if (built) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${built.hash}` };
  }
  return { paths };
}

/** openApiV3Doc returns the document of one group-version (`api/v1`, `apis/apps/v1`; a leading `/` or `openapi/v3/` is ignored), or undefined. */
export function openApiV3Doc(gv: string): object | undefined {
  const key = gv.replace(/^\/+/, '').replace(/^openapi\/v3\//, '').replace(/\?.*$/, '').replace(/\/+$/, '');
  return build(key)?.doc;
}

/** openApiV3Hash returns the content hash of a group-version's document (for ETag headers). */
export function openApiV3Hash(gv: string): string | undefined {
  return build(gv.replace(/^\/+/, ''))?.hash;
}
