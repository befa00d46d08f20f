// meta.k8s.io/v1 Table: what the API server answers `kubectl get` (Accept: ...;as=Table;...),
// built by the same table code the console's `kubectl get` prints (kinds' TableDefinition,
// printers.go's columns and cells), so the two can only differ in kubectl's own printing.

import type { KindDefinition } from "../kinds/index.ts";
import { apiVersionOfKind } from "../kinds/index.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";

export type IncludeObject = "None" | "Metadata" | "Object";

/**
 * The column's name as printers.go spells it ("Nominated Node", "Cluster-IP") from the header
 * kubectl prints (it upper-cases names): words title-cased, two-letter words (IP, OS) kept.
 */
export function columnName(header: string): string {
  return header.replace(/[A-Z0-9()]+/g, (word) => (word.length <= 2 && /^[A-Z]+$/.test(word) ? word : word[0] + word.slice(1).toLowerCase()));
}

export function tableOf(def: KindDefinition, objects: readonly AnyObject[], now: number, include: IncludeObject, resourceVersion: string): unknown {
  const table = def.table;
  const narrow = new Set(table.narrowColumns ?? table.columns.slice(0, table.narrow).map((_, i) => i));
  const columnDefinitions = table.columns.map((header, i) => ({
    name: columnName(header),
    type: "string",
    // kubectl prefixes the column of format "name" with the kind when it prints several kinds.
    format: header === "NAME" ? "name" : "",
    description: "",
    // Columns with a priority above 0 are the ones kubectl shows with -o wide only.
    priority: narrow.has(i) ? 0 : 1,
  }));
  const rows = objects.map((object) => {
    const row: Record<string, unknown> = { cells: table.row(object, now) };
    if (include === "Metadata") row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
    if (include === "Object") row.object = { ...object, apiVersion: apiVersionOfKind(def), kind: def.kind };
    return row;
  });
  return { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion }, columnDefinitions, rows };
}
