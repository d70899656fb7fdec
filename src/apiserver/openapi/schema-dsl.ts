/**
 * A tiny type-definition language for the API's object schemas. One set of definitions
 * (schemas.ts) feeds three consumers, so they cannot drift apart:
 *   - the OpenAPI v3 documents (openapi/index.ts),
 *   - `fieldValidation=Strict` unknown-field detection (strategy),
 *   - strategic-merge-patch merge keys and strategies (patch/strategic.ts).
 */

/** PatchStrategy is the `x-kubernetes-patch-strategy` of a field. */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

/** SchemaBase holds what every node may carry. */
interface SchemaBase {
  description?: string;
  patchStrategy?: PatchStrategy;
  /** patchMergeKey is `x-kubernetes-patch-merge-key` of a list of objects. */
  patchMergeKey?: string;
  /** default is the schema default (server-side apply fills missing list-map keys with it). */
  default?: unknown;
}

/** Schema is one node of a type definition. */
export type Schema =
  | (SchemaBase & { kind: 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'date-time'; enum?: string[] })
  | (SchemaBase & { kind: 'ref'; ref: string })
  | (SchemaBase & { kind: 'object'; props: Record<string, Schema>; required?: string[] })
  | (SchemaBase & { kind: 'map'; values: Schema })
  | (SchemaBase & { kind: 'array'; items: Schema; listType?: 'atomic' | 'set' | 'map'; listMapKeys?: string[] })
  /** free: any JSON (x-kubernetes-preserve-unknown-fields); unknown-field checks stop here. */
  | (SchemaBase & { kind: 'free' });

/** Definition is a named type, e.g. `io.k8s.api.core.v1.PodSpec`. */
export interface Definition {
  /** name is the OpenAPI component name. */
  name: string;
  schema: Schema & { kind: 'object' };
  /** gvk is set on top-level kinds. */
  gvk?: { group: string; version: string; kind: string };
}

/** str is a string field. */
export const str = (description?: string, enumValues?: string[]): Schema => ({ kind: 'string', description, enum: enumValues });
/** int is an integer field. */
export const int = (description?: string): Schema => ({ kind: 'integer', description });
/** num is a number field. */
export const num = (description?: string): Schema => ({ kind: 'number', description });
/** bool is a boolean field. */
export const bool = (description?: string): Schema => ({ kind: 'boolean', description });
/** intOrString is an IntOrString field (ports, maxSurge). */
export const intOrString = (description?: string): Schema => ({ kind: 'int-or-string', description });
/** quantity is a resource.Quantity. */
export const quantity = (description?: string): Schema => ({ kind: 'quantity', description });
/** time is a metav1.Time. */
export const time = (description?: string): Schema => ({ kind: 'date-time', description });
/** ref points at another definition by short name. */
export const ref = (name: string, description?: string, extra: Partial<SchemaBase> = {}): Schema => ({ kind: 'ref', ref: name, description, ...extra });
/** map is a string-keyed map (labels, nodeSelector, resource lists). */
export const map = (values: Schema = str(), description?: string): Schema => ({ kind: 'map', values, description });
/** free is an untyped subtree kubeactor does not model field by field. */
export const free = (description?: string): Schema => ({ kind: 'free', description });
/** obj is an inline object. */
export const obj = (props: Record<string, Schema>, description?: string, required?: string[]): Schema & { kind: 'object' } => ({ kind: 'object', props, description, required });

/** ListOpts are the list-specific extensions. */
export interface ListOpts {
  mergeKey?: string;
  strategy?: PatchStrategy;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  description?: string;
}

/** arr is a list; mergeKey + strategy 'merge' make it a strategic-merge list. */
export const arr = (items: Schema, o: ListOpts = {}): Schema => ({
  kind: 'array',
  items,
  patchMergeKey: o.mergeKey,
  patchStrategy: o.strategy,
  listType: o.listType,
  listMapKeys: o.listMapKeys,
  description: o.description,
});

/** strs is a list of strings (atomic unless a strategy says otherwise). */
export const strs = (o: ListOpts = {}): Schema => arr(str(), o);

/** withDefault sets a node's default value (e.g. protocol "TCP" of ports). */
export const withDefault = (s: Schema, value: unknown): Schema => ({ ...s, default: value });

/** withPatch adds a patch strategy to a node (e.g. `$retainKeys` on deployment strategy). */
export const withPatch = (s: Schema, patchStrategy: PatchStrategy): Schema => ({ ...s, patchStrategy });
