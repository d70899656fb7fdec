/**
 * The `paths` of a group-version document and the list/meta components they reference, in
 * kube-apiserver's shape (operationId, tags, x-kubernetes-action, x-kubernetes-group-version-kind).
 */
import type { ResourceInfo } from '../../api/resources.js';
import { DEFINITIONS, definitionKeyOf } from './schemas.js';
import type { OpenApiSchema } from './render.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function qp(name: string, description: string, type = 'string'): OpenApiSchema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = qp('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = qp('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
/** FIELD_VALIDATION is the parameter kubectl looks for before trusting server-side validation. */
const FIELD_VALIDATION = qp('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict');
const FORCE = qp('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean');
const PRETTY = qp('pretty', "If 'true', then the output is pretty printed.");
const LIST_PARAMS = [
  qp('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  qp('continue', 'The continue option should be set when retrieving more results from the server.'),
  qp('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  qp('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  qp('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  qp('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  qp('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  qp('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
  qp('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  qp('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const PATH_NAME = (kind: string): OpenApiSchema => ({ name: 'name', in: 'path', description: `name of the ${kind}`, required: true, schema: { type: 'string', uniqueItems: true } });
const PATH_NS: OpenApiSchema = { name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: { type: 'string', uniqueItems: true } };

const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function content(schemaName: string, types = JSON_TYPES): OpenApiSchema {
  return Object.fromEntries(types.map((t) => [t, { schema: ref(schemaName) }]));
}

function responses(schemaName: string, codes: string[]): OpenApiSchema {
  const out: OpenApiSchema = {};
  for (const c of codes) out[c] = { description: c === '201' ? 'Created' : c === '202' ? 'Accepted' : 'OK', content: content(schemaName) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

function camel(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function groupWord(info: ResourceInfo): string {
  return info.group ? camel(info.group.split('.')[0]) : 'Core';
}

function tag(info: ResourceInfo): string {
  return `${info.group ? info.group.split('.')[0] : 'core'}_${info.version}`;
}

function schemaNameOf(info: ResourceInfo): string {
  const key = definitionKeyOf(info);
  return key ? DEFINITIONS[key].name : `${META}PartialObjectMetadata`;
}

function listNameOf(info: ResourceInfo): string {
  return `${schemaNameOf(info)}List`;
}

function gvkOf(info: ResourceInfo, kind = info.kind, group = info.group, version = info.version) {
  return { group, kind, version };
}

/** resourcePaths returns the collection, item and subresource paths of one resource. */
export function resourcePaths(info: ResourceInfo, gv: string): Record<string, unknown> {
  const prefix = `/${gv}`;
  const ns = info.namespaced ? '/namespaces/{namespace}' : '';
  const nsWord = info.namespaced ? 'Namespaced' : '';
  const op = (verb: string, sub = '') => `${verb}${groupWord(info)}${camel(info.version)}${nsWord}${info.kind}${sub}`;
  const obj = schemaNameOf(info);
  const gvk = gvkOf(info);
  const base = (verb: string, action: string, description: string, sub = '') => ({ tags: [tag(info)], description, operationId: op(verb, sub), 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk });
  const common = [...(info.namespaced ? [PATH_NS] : []), PRETTY];
  const paths: Record<string, unknown> = {};

  paths[`${prefix}${ns}/${info.resource}`] = {
    get: { ...base('list', 'list', `list or watch objects of kind ${info.kind}`), parameters: LIST_PARAMS, responses: responses(listNameOf(info), ['200']) },
    post: { ...base('create', 'post', `create a ${info.kind}`), parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: { content: content(obj, ['*/*']), required: true }, responses: responses(obj, ['200', '201', '202']) },
    ...(info.verbs.includes('deletecollection')
      ? { delete: { ...base('deleteCollection', 'deletecollection', `delete collection of ${info.kind}`), parameters: [DRY_RUN, ...LIST_PARAMS], responses: responses(`${META}Status`, ['200']) } }
      : {}),
    parameters: common,
  };
  paths[`${prefix}${ns}/${info.resource}/{name}`] = {
    get: { ...base('read', 'get', `read the specified ${info.kind}`), responses: responses(obj, ['200']) },
    put: { ...base('replace', 'put', `replace the specified ${info.kind}`), parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: { content: content(obj, ['*/*']), required: true }, responses: responses(obj, ['200', '201']) },
    delete: {
      ...base('delete', 'delete', `delete a ${info.kind}`),
      parameters: [DRY_RUN, qp('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'), qp('propagationPolicy', 'Whether and how garbage collection will be performed.')],
      requestBody: { content: content(`${META}DeleteOptions`, ['*/*']) },
      responses: responses(`${META}Status`, ['200', '202']),
    },
    patch: {
      ...base('patch', 'patch', `partially update the specified ${info.kind}`),
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
      requestBody: { content: content(`${META}Patch`, PATCH_TYPES), required: true },
      responses: responses(obj, ['200', '201']),
    },
    parameters: [PATH_NAME(info.kind), ...common],
  };
  if (info.namespaced && info.verbs.includes('list')) {
    paths[`${prefix}/${info.resource}`] = {
      get: { tags: [tag(info)], description: `list or watch objects of kind ${info.kind}`, operationId: `list${groupWord(info)}${camel(info.version)}${info.kind}ForAllNamespaces`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk, responses: responses(listNameOf(info), ['200']) },
      parameters: [...LIST_PARAMS, PRETTY],
    };
  }
  for (const sub of info.subresources) {
    if (sub !== 'status' && sub !== 'scale') continue;
    const subObj = sub === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : obj;
    const subGvk = sub === 'scale' ? gvkOf(info, 'Scale', 'autoscaling', 'v1') : gvk;
    const subBase = (verb: string, action: string, description: string) => ({ ...base(verb, action, description, camel(sub)), 'x-kubernetes-group-version-kind': subGvk });
    paths[`${prefix}${ns}/${info.resource}/{name}/${sub}`] = {
      get: { ...subBase('read', 'get', `read ${sub} of the specified ${info.kind}`), responses: responses(subObj, ['200']) },
      put: { ...subBase('replace', 'put', `replace ${sub} of the specified ${info.kind}`), parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: { content: content(subObj, ['*/*']), required: true }, responses: responses(subObj, ['200', '201']) },
      patch: { ...subBase('patch', 'patch', `partially update ${sub} of the specified ${info.kind}`), parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], requestBody: { content: content(`${META}Patch`, PATCH_TYPES), required: true }, responses: responses(subObj, ['200', '201']) },
      parameters: [PATH_NAME(info.kind), ...common],
    };
  }
  return paths;
}

const LIST_META: OpenApiSchema = {
  description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
  type: 'object',
  properties: { continue: { type: 'string' }, remainingItemCount: { type: 'integer', format: 'int64' }, resourceVersion: { type: 'string' }, selfLink: { type: 'string' } },
};

/** listComponents returns the XList kinds of infos plus the meta types every document references. */
export function listComponents(infos: ResourceInfo[], tagGvk: boolean): Record<string, OpenApiSchema> {
  const out: Record<string, OpenApiSchema> = {
    [`${META}ListMeta`]: LIST_META,
    [`${META}Patch`]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
    [`${META}Status`]: {
      description: 'Status is a return value for calls that don\'t return other objects.',
      type: 'object',
      properties: { apiVersion: { type: 'string' }, code: { type: 'integer', format: 'int32' }, details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, kind: { type: 'string' }, message: { type: 'string' }, metadata: { allOf: [ref(`${META}ListMeta`)], default: {} }, reason: { type: 'string' }, status: { type: 'string' } },
    },
    [`${META}DeleteOptions`]: {
      description: 'DeleteOptions may be provided when deleting an API object.',
      type: 'object',
      properties: { apiVersion: { type: 'string' }, dryRun: { type: 'array', items: { type: 'string', default: '' } }, gracePeriodSeconds: { type: 'integer', format: 'int64' }, kind: { type: 'string' }, preconditions: { type: 'object', properties: { resourceVersion: { type: 'string' }, uid: { type: 'string' } } }, propagationPolicy: { type: 'string' } },
    },
  };
  for (const info of infos) {
    const item = schemaNameOf(info);
    const list: OpenApiSchema = {
      description: `${info.listKind} is a list of ${info.kind} objects.`,
      type: 'object',
      required: ['items'],
      properties: { apiVersion: { type: 'string' }, items: { type: 'array', items: { allOf: [ref(item)], default: {} } }, kind: { type: 'string' }, metadata: { allOf: [ref(`${META}ListMeta`)], default: {} } },
    };
    if (tagGvk) list['x-kubernetes-group-version-kind'] = [{ group: info.group, kind: info.listKind, version: info.version }];
    out[listNameOf(info)] = list;
    if (info.subresources.includes('scale')) {
      out['io.k8s.api.autoscaling.v1.Scale'] = {
        description: 'Scale represents a scaling request for a resource.',
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { allOf: [ref(`${META}ObjectMeta`)], default: {} },
          spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
          status: { type: 'object', required: ['replicas'], properties: { replicas: { type: 'integer', format: 'int32', default: 0 }, selector: { type: 'string' } } },
        },
      };
      if (tagGvk) (out['io.k8s.api.autoscaling.v1.Scale'] as OpenApiSchema)['x-kubernetes-group-version-kind'] = [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }];
    }
  }
  return out;
}
