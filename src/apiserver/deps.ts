/**
 * The seams between the apiserver core and the modules it delegates to (written in
 * src/apiserver/{strategy,tables,patch,openapi}). The core takes them as one {@link ApiServerDeps}
 * object so tests can run it with small doubles; `build()` passes the real ones
 * (see default-deps.ts).
 */
import type { Clock, Rng } from '../actors/types.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject, ListMeta, StatusCause } from '../api/types.js';
import type { PatchType } from './protocol.js';

/** StrategyLike is the per-resource strategy contract (defaults, validation, field resets). */
export interface StrategyLike {
  prepareForCreate(obj: KObject, ctx: { clock: Clock; rng: Rng }): void;
  prepareForUpdate(newObj: KObject, oldObj: KObject): void;
  validate(obj: KObject): StatusCause[];
  validateUpdate(newObj: KObject, oldObj: KObject): StatusCause[];
  /** unknownFields lists paths like "spec.foo" the schema does not know (fieldValidation). */
  unknownFields(obj: KObject): string[];
  /** resetFieldsForStatusUpdate copies everything but status from old (the /status subresource). */
  resetFieldsForStatusUpdate(newObj: KObject, oldObj: KObject): void;
  /** resetFieldsForSpecUpdate copies status from old (writes to the main resource). */
  resetFieldsForSpecUpdate(newObj: KObject, oldObj: KObject): void;
}

/** TableOptions are what the tables module needs to print. */
export interface TableOptions {
  includeObject?: 'None' | 'Metadata' | 'Object';
  listMeta: ListMeta;
  now: number;
}

/** ApplyPatchOptions are the query parameters a patch honours. */
export interface ApplyPatchOptions {
  fieldManager?: string;
  force?: boolean;
  now: number;
  /** subresource the patch targets ('status'), recorded in managedFields. */
  subresource?: string;
}

/** ApiServerDeps are the delegated modules. */
export interface ApiServerDeps {
  getStrategy(info: ResourceInfo): StrategyLike;
  toTable(info: ResourceInfo, objs: KObject[], opts: TableOptions): object;
  applyPatch(info: ResourceInfo, current: KObject, patchType: PatchType, patch: unknown, opts: ApplyPatchOptions): KObject;
  /**
   * recordUpdate (optional) records a create/update by manager in newObj.metadata.managedFields
   * (patches record their own inside applyPatch).
   */
  recordUpdate?(info: ResourceInfo, oldObj: KObject | undefined, newObj: KObject, manager: string, now: number, subresource?: string): void;
  openApiV3Index(): object;
  openApiV3Doc(gv: string): object | undefined;
}
