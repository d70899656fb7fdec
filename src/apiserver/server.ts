/**
 * build() is the apiserver's entry point: a server with the real strategy/tables/patch/openapi
 * modules. `const s = build(opts); await s.inject({ method: 'GET', url: '/api/v1/pods' })` works
 * with no socket; `await s.listen(6443)` serves kubectl.
 */
import { DEFAULT_DEPS } from './default-deps.js';
import type { ApiServerDeps } from './deps.js';
import { createApiServer, type ApiServer, type ApiServerOptions } from './server-core.js';

export type { ApiServer, ApiServerOptions } from './server-core.js';
export type { InjectRequest, InjectResponse } from './http-types.js';

/** BuildOptions are ApiServerOptions whose deps default to the real modules. */
export type BuildOptions = Omit<ApiServerOptions, 'deps'> & { deps?: ApiServerDeps };

/** build creates an API server (not listening; see ApiServer.listen). */
export function build(opts: BuildOptions): ApiServer {
  return createApiServer({ ...opts, deps: opts.deps ?? DEFAULT_DEPS });
}
