// -o custom-columns=HEADER:PATH,... (kubectl's CustomColumnsPrinter): headers as given, one row per
// object, every value a path reaches printed as Go's fmt.Sprint does and joined with commas,
// `<none>` when it reaches nothing.

import { findResults } from "./jsonpath.ts";
import { tableWriter, tabwrite } from "./tabwriter.ts";

export interface CustomColumn {
  header: string;
  /** The path inside the relaxed expression's braces, e.g. `.metadata.name`. */
  path: string;
}

export type CustomColumnsParse = { ok: true; columns: CustomColumn[] } | { ok: false; error: string };

/** NewCustomColumnsPrinterFromSpec with RelaxedJSONPathExpression for each column. */
export function parseCustomColumns(spec: string): CustomColumnsParse {
  if (spec === "") return { ok: false, error: "error: custom-columns format specified but no custom columns given\n" };
  const columns: CustomColumn[] = [];
  for (const part of spec.split(",")) {
    const colon = part.indexOf(":");
    if (colon < 0) return { ok: false, error: `error: unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>\n` };
    const expression = part.slice(colon + 1);
    const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expression);
    if (expression !== "" && !m) {
      return { ok: false, error: "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'\n" };
    }
    const path = expression === "" ? "" : `.${m![1] ?? m![2]}`;
    if (path !== "" && findResults(path, {}) === undefined) {
      return { ok: false, error: `error: unrecognized identifier ${path.slice(1)}\n` };
    }
    columns.push({ header: part.slice(0, colon), path });
  }
  return { ok: true, columns };
}

export function printCustomColumns(columns: readonly CustomColumn[], objects: readonly unknown[], noHeaders: boolean): string {
  const lines: string[] = [];
  if (!noHeaders) lines.push(columns.map((c) => c.header).join("\t"));
  for (const object of objects) {
    const cells = columns.map((c) => {
      const values = c.path === "" ? [] : (findResults(c.path, object) ?? []);
      return values.length === 0 ? "<none>" : values.map(goSprint).join(",");
    });
    lines.push(cells.join("\t"));
  }
  return tabwrite(lines.join("\n") + "\n", tableWriter);
}

/** fmt.Sprint of a decoded JSON value: maps as map[k:v] with sorted keys, slices as [a b]. */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goSprint).join(" ")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    return `map[${Object.keys(record)
      .sort()
      .map((k) => `${k}:${goSprint(record[k])}`)
      .join(" ")}]`;
  }
  return String(value);
}
