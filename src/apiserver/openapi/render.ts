/**
 * Renders our schema DSL as OpenAPI v3 component schemas in kube-apiserver's style: refs as
 * `allOf: [{$ref}]` with `default: {}`, patch metadata as `x-kubernetes-patch-*`, list metadata
 * as `x-kubernetes-list-*`, top-level kinds tagged with `x-kubernetes-group-version-kind`.
 */
import type { Schema } from './schema-dsl.js';
import { DEFINITIONS } from './schemas.js';

/** OpenApiSchema is a JSON object in OpenAPI v3 schema form. */
export type OpenApiSchema = Record<string, unknown>;

/** refPath turns a short definition name into its component `$ref`. */
export function refPath(short: string): string {
  const d = DEFINITIONS[short];
  if (!d) throw new Error(`openapi: unknown definition ${short}`);
  return `#/components/schemas/${d.name}`;
}

/** Well-known apimachinery scalar components our fields point at. */
export const SCALAR_COMPONENTS: Record<string, OpenApiSchema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { description: 'IntOrString is a type that can hold an int32 or a string.', format: 'int-or-string', type: 'string' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { description: 'Quantity is a fixed-point representation of a number.', type: 'string' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.', format: 'date-time', type: 'string' },
};

function withPatchExt(out: OpenApiSchema, s: Schema): OpenApiSchema {
  if (s.patchStrategy) out['x-kubernetes-patch-strategy'] = s.patchStrategy;
  if (s.patchMergeKey) out['x-kubernetes-patch-merge-key'] = s.patchMergeKey;
  if (s.description) out.description = s.description;
  if (s.default !== undefined) out.default = s.default;
  return out;
}

/** renderSchema converts one DSL node; refs collects the short names it references. */
export function renderSchema(s: Schema, refs: Set<string>): OpenApiSchema {
  switch (s.kind) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean': {
      const out: OpenApiSchema = { type: s.kind };
      if (s.kind === 'integer') out.format = 'int32';
      if (s.enum) out.enum = [...s.enum];
      return withPatchExt(out, s);
    }
    case 'int-or-string':
      return withPatchExt({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }] }, s);
    case 'quantity':
      return withPatchExt({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' }] }, s);
    case 'date-time':
      return withPatchExt({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }] }, s);
    case 'ref':
      refs.add(s.ref);
      return withPatchExt({ allOf: [{ $ref: refPath(s.ref) }], default: {} }, s);
    case 'object': {
      const properties: Record<string, OpenApiSchema> = {};
      for (const [k, v] of Object.entries(s.props)) properties[k] = renderSchema(v, refs);
      const out: OpenApiSchema = { type: 'object', properties };
      if (s.required && s.required.length > 0) out.required = [...s.required];
      return withPatchExt(out, s);
    }
    case 'map':
      return withPatchExt({ type: 'object', additionalProperties: renderSchema(s.values, refs) }, s);
    case 'array': {
      const out: OpenApiSchema = { type: 'array', items: renderSchema(s.items, refs) };
      if (s.listType) out['x-kubernetes-list-type'] = s.listType;
      if (s.listMapKeys) out['x-kubernetes-list-map-keys'] = [...s.listMapKeys];
      return withPatchExt(out, s);
    }
    case 'free':
      return withPatchExt({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, s);
  }
}

/**
 * renderComponents renders the named definitions and everything they reference. With tagGvk,
 * top-level kinds carry `x-kubernetes-group-version-kind` (kubectl explain and kubectl's
 * OpenAPI-driven patch computation find schemas by that tag).
 */
export function renderComponents(roots: string[], tagGvk: boolean): Record<string, OpenApiSchema> {
  const out: Record<string, OpenApiSchema> = {};
  const queue = [...roots];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const short = queue.shift() as string;
    if (seen.has(short)) continue;
    seen.add(short);
    const def = DEFINITIONS[short];
    if (!def) throw new Error(`openapi: unknown definition ${short}`);
    const refs = new Set<string>();
    const rendered = renderSchema(def.schema, refs);
    if (tagGvk && def.gvk) rendered['x-kubernetes-group-version-kind'] = [{ group: def.gvk.group, kind: def.gvk.kind, version: def.gvk.version }];
    out[def.name] = rendered;
    for (const r of refs) if (!seen.has(r)) queue.push(r);
  }
  for (const [name, s] of Object.entries(SCALAR_COMPONENTS)) out[name] = { ...s };
  return out;
}
