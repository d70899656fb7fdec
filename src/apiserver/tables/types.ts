/**
 * meta.k8s.io/v1 Table, as kubectl asks for it with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
 */
import type { ListMeta, ObjectMeta } from '../../api/types.js';

/** TableColumnDefinition describes one column; priority > 0 columns show only with `-o wide`. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** PartialObjectMetadata is the row object for includeObject=Metadata (kubectl's -A and --show-labels use it). */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

/** TableRow is one object's cells (same order as columnDefinitions) and the object in the requested form. */
export interface TableRow {
  cells: unknown[];
  /** object is PartialObjectMetadata (Metadata, default), the full object (Object) or null (None). */
  object: PartialObjectMetadata | Record<string, unknown> | null;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** Table is the meta.k8s.io/v1 Table response. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** IncludeObject is the `includeObject` query parameter. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';
