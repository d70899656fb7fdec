/**
 * A stand-in `apiserver` actor over a FakeApiClient, so node components can be tested with the
 * REAL createApiClient/createWatcher (asks, pushed watchEvents) on the TestSystem.
 */
import type { Behavior } from '../../../src/actors/types.js';
import type { ApiRequest, WatchEventsMsg } from '../../../src/apiserver/protocol.js';
import type { FakeApiClient } from '../../../src/client/index.js';

/** fakeApiServer answers ApiRequest asks from api and pushes watch events to subscribers. */
export function fakeApiServer(api: FakeApiClient): Behavior<ApiRequest> {
  const watcher = api.newWatcher();
  const ids = new Map<string, string>(); // client watchId → fake watchId
  return {
    async receive(ctx, req) {
      switch (req.type) {
        case 'create':
          return api.create(req.res, req.object, req.opts);
        case 'createSub':
          if (req.subresource !== 'binding') throw new Error('only binding is faked');
          return api.bind(String(req.namespace), req.name, String((req.object as { target?: { name?: string } }).target?.name), req.object.metadata.uid);
        case 'get':
          return api.get(req.res, req.namespace, req.name);
        case 'list':
          return api.list(req.res, req.opts);
        case 'update':
          return req.subresource === 'status' ? api.updateStatus(req.res, req.object, req.opts) : api.update(req.res, req.object, req.opts);
        case 'patch':
          return api.patch(req.res, req.namespace, req.name, req.patchType, req.patch, { ...req.opts, subresource: req.subresource === 'status' ? 'status' : undefined });
        case 'delete':
          return api.delete(req.res, req.namespace, req.name, req.options);
        case 'watch': {
          const started = await watcher.watch(req.res, req.opts ?? {}, {
            events: (events) => ctx.tell(req.subscriber, { type: 'watchEvents', watchId: req.watchId, events } satisfies WatchEventsMsg),
            ended: () => {},
          });
          ids.set(req.watchId, started.watchId);
          return { resourceVersion: started.resourceVersion };
        }
        case 'unwatch': {
          const id = ids.get(req.watchId);
          if (id) watcher.unwatch(id);
          ids.delete(req.watchId);
          return undefined;
        }
        default:
          throw new Error(`unexpected request ${JSON.stringify(req satisfies never)}`);
      }
    },
  };
}
