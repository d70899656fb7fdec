/**
 * ControllerRevision helpers shared by the StatefulSet and DaemonSet controllers
 * (pkg/controller/history upstream). A revision snapshots the owner's pod template as the patch
 * kubectl applies on `rollout undo`: {"spec":{"template":{…,"$patch":"replace"}}}, printed with
 * sorted keys like Go's json.Marshal so kubectl's byte comparison ("skipped rollback") agrees.
 */
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { CONTROLLERREVISIONS } from '../api/resources.js';
import type { KObject, PodTemplateSpec } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { fnv32a } from './deployment-util.js';
import { ownerRefTo, stableStringify } from './util.js';

/** CONTROLLER_REVISION_HASH_LABEL labels revisions and the pods made from them. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** ControllerRevision is apps/v1 ControllerRevision. */
export interface ControllerRevision extends KObject {
  data?: unknown;
  revision: number;
}

/** TemplatePatch is the data of a revision: the template to put back on rollback. */
export interface TemplatePatch {
  spec: { template: PodTemplateSpec & { $patch: 'replace' } };
}

/** OwnerWithTemplate is a StatefulSet or DaemonSet as far as history cares. */
export interface OwnerWithTemplate extends KObject {
  spec: { template: PodTemplateSpec; selector?: unknown; revisionHistoryLimit?: number };
  status?: { collisionCount?: number };
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** templatePatch builds the revision data of owner's current template. */
export function templatePatch(owner: OwnerWithTemplate): TemplatePatch {
  return { spec: { template: { ...structuredClone(owner.spec.template), $patch: 'replace' } } };
}

/** templateOf extracts the pod template a revision's data carries. */
export function templateOf(rev: ControllerRevision): PodTemplateSpec {
  const t = structuredClone((rev.data as TemplatePatch | undefined)?.spec?.template) as (PodTemplateSpec & { $patch?: string }) | undefined;
  if (!t) return { spec: { containers: [] } };
  delete t.$patch;
  return t;
}

/** hashRevisionData is HashControllerRevision: FNV-32a of the data (+ collision count), safe-encoded. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  const printed = stableStringify(data) + (collisionCount ? String(collisionCount) : '');
  return [...String(fnv32a(printed))].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** revisionName is ControllerRevisionName: <owner>-<hash>, the owner part cut to fit 253 chars. */
export function revisionName(ownerName: string, hash: string): string {
  return `${ownerName.length > 223 ? ownerName.slice(0, 223) : ownerName}-${hash}`;
}

/** newRevision builds (does not store) the revision of owner's template with the given number. */
export function newRevision(owner: OwnerWithTemplate, kind: string, revision: number, collisionCount?: number): ControllerRevision {
  const data = templatePatch(owner);
  const hash = hashRevisionData(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(String(owner.metadata.name), hash),
      namespace: owner.metadata.namespace,
      labels: { ...(owner.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [ownerRefTo(owner, 'apps/v1', kind)],
    },
    data,
    revision,
  };
}

/** equalRevision compares the data of two revisions. */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return stableStringify(a.data) === stableStringify(b.data);
}

/** sortRevisions orders by revision number, then creation, then name (history.SortControllerRevisions). */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => a.revision - b.revision || String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
}

/** nextRevisionNumber is one more than the highest revision (1 for none). */
export function nextRevisionNumber(sorted: ControllerRevision[]): number {
  return sorted.length === 0 ? 1 : sorted[sorted.length - 1].revision + 1;
}

/** RevisionsResult is the outcome of syncRevisions. */
export interface RevisionsResult {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
  /** all is every revision of the owner after the sync, sorted. */
  all: ControllerRevision[];
}

/**
 * syncRevisions finds or creates the revision of owner's template (getStatefulSetRevisions /
 * constructHistory): the latest equal revision is reused; an older equal one is renumbered to
 * the next revision (a rollback); otherwise a new one is created, bumping collisionCount when a
 * different revision already holds the name. current is the revision named currentName, or update.
 */
export async function syncRevisions(client: ApiClient, owner: OwnerWithTemplate, kind: string, owned: ControllerRevision[], currentName: string | undefined): Promise<RevisionsResult> {
  let collisionCount = owner.status?.collisionCount ?? 0;
  let all = sortRevisions(owned);
  const candidate = newRevision(owner, kind, nextRevisionNumber(all), collisionCount);
  const equal = all.filter((r) => equalRevision(r, candidate));
  let update: ControllerRevision;
  if (equal.length > 0 && all[all.length - 1] === equal[equal.length - 1]) {
    update = equal[equal.length - 1];
  } else if (equal.length > 0) {
    const prev = equal[equal.length - 1];
    update = await client.update(CONTROLLERREVISIONS, { ...prev, revision: candidate.revision });
    all = sortRevisions([...all.filter((r) => r.metadata.uid !== prev.metadata.uid), update]);
  } else {
    update = await createRevision(client, owner, kind, candidate.revision, () => collisionCount++, () => collisionCount);
    all = sortRevisions([...all.filter((r) => r.metadata.name !== update.metadata.name), update]);
  }
  const current = (currentName && all.find((r) => r.metadata.name === currentName)) || update;
  return { current, update, collisionCount, all };
}

async function createRevision(client: ApiClient, owner: OwnerWithTemplate, kind: string, revision: number, bump: () => void, count: () => number): Promise<ControllerRevision> {
  for (;;) {
    const rev = newRevision(owner, kind, revision, count());
    try {
      return await client.create(CONTROLLERREVISIONS, rev);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await client.get<ControllerRevision>(CONTROLLERREVISIONS, rev.metadata.namespace, String(rev.metadata.name));
      const ours = existing.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid);
      if (ours && equalRevision(existing, rev)) return existing;
      bump(); // a hash collision: the name is taken by a different revision
    }
  }
}

/**
 * truncateHistory deletes the oldest revisions that no live pod or status uses, keeping at most
 * revisionHistoryLimit (default 10) of them.
 */
export async function truncateHistory(client: ApiClient, all: ControllerRevision[], live: Set<string>, limit = 10): Promise<void> {
  const history = sortRevisions(all).filter((r) => !live.has(String(r.metadata.name)));
  const excess = history.length - limit;
  if (excess <= 0) return;
  await Promise.all(history.slice(0, excess).map((r) => client.delete(CONTROLLERREVISIONS, r.metadata.namespace, String(r.metadata.name)).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  })));
}
