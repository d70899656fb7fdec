/**
 * Discovery documents built from the resource catalogue: aggregated discovery
 * (apidiscovery.k8s.io v2 and v2beta1, what kubectl ≥ 1.27 asks for first) and the legacy
 * APIVersions / APIGroupList / APIGroup / APIResourceList (drain and client-node use them),
 * plus /version.
 */
import { apiVersionOf, RESOURCES, type ResourceInfo, type SubresourceName } from '../api/resources.js';

/** aggregatedContentType is the exact Content-Type kubectl requires for aggregated discovery. */
export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** VersionInfo is the /version body (version.Info). */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** DEFAULT_VERSION reports Kubernetes 1.32 (the gcloud dispatcher then runs kubectl 1.32). */
export const DEFAULT_VERSION: VersionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface Kind {
  group: string;
  version: string;
  kind: string;
}

const SUB_VERBS: Record<SubresourceName, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  binding: ['create'],
  eviction: ['create'],
  log: ['get'],
};

function subKind(info: ResourceInfo, sub: SubresourceName): Kind {
  switch (sub) {
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding' };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction' };
    case 'status':
    case 'log':
      return { group: '', version: '', kind: info.kind };
  }
}

/** groupVersions lists the served group versions in discovery order ('' is core). */
function groupVersions(resources: readonly ResourceInfo[]): { group: string; version: string; resources: ResourceInfo[] }[] {
  const out: { group: string; version: string; resources: ResourceInfo[] }[] = [];
  for (const r of resources) {
    let gv = out.find((g) => g.group === r.group && g.version === r.version);
    if (!gv) out.push((gv = { group: r.group, version: r.version, resources: [] }));
    gv.resources.push(r);
  }
  return out;
}

function aggregatedResource(r: ResourceInfo): object {
  return {
    resource: r.resource,
    responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    subresources: r.subresources.map((s) => ({ subresource: s, responseKind: subKind(r, s), verbs: SUB_VERBS[s] })),
  };
}

/** aggregatedDiscovery is the APIGroupDiscoveryList for /api (core) or /apis (named groups). */
export function aggregatedDiscovery(which: 'core' | 'named', version: 'v2' | 'v2beta1', resources: readonly ResourceInfo[] = RESOURCES): object {
  const gvs = groupVersions(resources).filter((gv) => (which === 'core' ? gv.group === '' : gv.group !== ''));
  const groups = new Map<string, typeof gvs>();
  for (const gv of gvs) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv]);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups].map(([group, list]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: list.map((gv) => ({ version: gv.version, resources: gv.resources.map(aggregatedResource), freshness: 'Current' })),
    })),
  };
}

/** apiVersions is the legacy /api body. */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string, versions: string[]): object {
  const gvs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

/** apiGroupList is the legacy /apis body. */
export function apiGroupList(resources: readonly ResourceInfo[] = RESOURCES): object {
  const byGroup = new Map<string, string[]>();
  for (const gv of groupVersions(resources)) {
    if (gv.group === '') continue;
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...byGroup].map(([g, vs]) => apiGroup(g, vs)) };
}

/** apiGroupDoc is the legacy /apis/<group> body, or undefined for an unknown group. */
export function apiGroupDoc(group: string, resources: readonly ResourceInfo[] = RESOURCES): object | undefined {
  const versions = groupVersions(resources).filter((gv) => gv.group === group && group !== '').map((gv) => gv.version);
  if (versions.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

/** apiResourceList is the legacy /api/v1 or /apis/<g>/<v> body, or undefined if not served. */
export function apiResourceList(group: string, version: string, resources: readonly ResourceInfo[] = RESOURCES): object | undefined {
  const gv = groupVersions(resources).find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const list: object[] = [];
  for (const r of gv.resources) {
    list.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources) {
      const k = subKind(r, s);
      list.push({
        name: `${r.resource}/${s}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(k.group ? { group: k.group, version: k.version } : {}),
        kind: k.kind,
        verbs: SUB_VERBS[s],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: list };
}
