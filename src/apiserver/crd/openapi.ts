/**
 * OpenAPI v3 documents for custom resources, merged into `/openapi/v3` next to the built-in
 * ones: what `kubectl apply` needs (a patch operation tagged with the GVK and accepting
 * `fieldValidation`, so it trusts server-side validation) and what `kubectl explain` needs (the
 * CRD's schema as a component tagged with the GVK, ObjectMeta resolvable).
 */
import { createHash } from 'node:crypto';
import type { ServedVersion } from './definition.js';
import type { JSONSchemaProps } from './schema.js';

/** crdGroupVersion is the index key of a CRD's documents (`apis/<group>/<version>`). */
export function crdGroupVersion(s: Pick<ServedVersion, 'info'>): string {
  return `apis/${s.info.group}/${s.info.version}`;
}

/** componentName is upstream's name for a CR's schema: the group reversed, then version and kind. */
export function componentName(s: Pick<ServedVersion, 'info'>): string {
  return `${s.info.group.split('.').reverse().join('.')}.${s.info.version}.${s.info.kind}`;
}

const META_REF = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function queryParam(name: string): object {
  return { name, in: 'query', schema: { type: 'string', uniqueItems: true } };
}

function op(s: ServedVersion, action: string, description: string, params: string[]): object {
  return {
    description,
    operationId: `${action}${s.info.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: s.info.group, version: s.info.version, kind: s.info.kind },
    parameters: params.map(queryParam),
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${componentName(s)}` } } } } },
  };
}

/** crSchema is the component of a CR: the CRD schema plus apiVersion, kind and ObjectMeta. */
function crSchema(s: ServedVersion): object {
  const root = structuredClone(s.schema) as JSONSchemaProps & Record<string, unknown>;
  const props = { ...(root.properties ?? {}) } as Record<string, unknown>;
  props.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  props.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  props.metadata = { allOf: [{ $ref: META_REF }], description: "Standard object's metadata." };
  return { ...root, type: 'object', properties: props, 'x-kubernetes-group-version-kind': [{ group: s.info.group, kind: s.info.kind, version: s.info.version }] };
}

/**
 * crdOpenApiDoc builds the document of one group-version from its CRDs; meta holds the
 * apimachinery components (ObjectMeta…) copied from a built-in document.
 */
export function crdOpenApiDoc(crds: ServedVersion[], meta: Record<string, unknown>, serverVersion: string): object {
  const paths: Record<string, object> = {};
  const schemas: Record<string, unknown> = { ...meta };
  for (const s of crds) {
    const base = `/apis/${s.info.group}/${s.info.version}${s.info.namespaced ? '/namespaces/{namespace}' : ''}/${s.info.resource}`;
    const write = ['dryRun', 'fieldManager', 'fieldValidation'];
    paths[base] = { get: op(s, 'list', `list objects of kind ${s.info.kind}`, ['labelSelector', 'fieldSelector', 'limit', 'continue']), post: op(s, 'post', `create a ${s.info.kind}`, write) };
    paths[`${base}/{name}`] = {
      get: op(s, 'get', `read the specified ${s.info.kind}`, []),
      put: op(s, 'put', `replace the specified ${s.info.kind}`, write),
      patch: op(s, 'patch', `partially update the specified ${s.info.kind}`, [...write, 'force']),
      delete: op(s, 'delete', `delete a ${s.info.kind}`, ['dryRun', 'gracePeriodSeconds', 'propagationPolicy']),
    };
    for (const sub of s.info.subresources) {
      paths[`${base}/{name}/${sub}`] = { get: op(s, 'get', `read ${sub} of the specified ${s.info.kind}`, []), patch: op(s, 'patch', `partially update ${sub} of the specified ${s.info.kind}`, [...write, 'force']) };
    }
    schemas[componentName(s)] = crSchema(s);
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: serverVersion }, paths, components: { schemas } };
}

/** docHash is the `?hash=` of a document in the index. */
export function docHash(doc: object): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}
