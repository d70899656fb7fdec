/**
 * DEFAULT_DEPS wires the real strategy, tables, patch and openapi modules into the core.
 * Kept apart from server-core.ts so the core can be tested with doubles.
 */
import type { ApiServerDeps } from './deps.js';
import { openApiV3Doc, openApiV3Index } from './openapi/index.js';
import { applyPatch, recordUpdate } from './patch/index.js';
import { getStrategy } from './strategy/index.js';
import { toTable } from './tables/index.js';

/** DEFAULT_DEPS are the production implementations of {@link ApiServerDeps}. */
export const DEFAULT_DEPS: ApiServerDeps = {
  getStrategy,
  toTable,
  applyPatch,
  recordUpdate,
  openApiV3Index,
  openApiV3Doc,
};
