import { describe, expect, test } from 'vitest';
import { groupVersionOf, parseResourceRoute, splitPath } from '../../../src/apiserver/routes.js';

describe('apiserver - routes', () => {
  test.each([
    ['/api/v1/pods', { resource: 'pods', namespace: undefined, name: undefined, subresource: undefined }],
    ['/api/v1/namespaces', { resource: 'namespaces', name: undefined }],
    ['/api/v1/namespaces/default', { resource: 'namespaces', name: 'default' }],
    ['/api/v1/namespaces/x/status', { resource: 'namespaces', name: 'x', subresource: 'status' }],
    ['/api/v1/namespaces/x/finalize', { resource: 'namespaces', name: 'x', subresource: 'finalize' }],
    ['/api/v1/namespaces/default/pods', { resource: 'pods', namespace: 'default', name: undefined }],
    ['/api/v1/namespaces/default/pods/y/binding', { resource: 'pods', namespace: 'default', name: 'y', subresource: 'binding' }],
    ['/apis/apps/v1/namespaces/default/deployments/web/scale', { resource: 'deployments', namespace: 'default', name: 'web', subresource: 'scale' }],
    ['/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler', { resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' }],
    ['/api/v1/nodes/n1/status', { resource: 'nodes', name: 'n1', subresource: 'status' }],
  ])('apiserver - route %s', (path, want) => {
    const gv = groupVersionOf(splitPath(path))!;
    const rt = parseResourceRoute(gv)!;
    expect({ resource: rt.info.resource, namespace: rt.namespace, name: rt.name, subresource: rt.subresource }).toMatchObject(want);
  });

  test.each(['/api/v2/pods', '/apis/apps/v1/pods', '/api/v1/widgets', '/apis/apps/v1/namespaces/d/deployments/a/b/c', '/healthz'])('apiserver - %s is not a resource route', (path) => {
    const gv = groupVersionOf(splitPath(path));
    expect(gv === undefined || parseResourceRoute(gv) === undefined).toBe(true);
  });
});
