// kubectl's printers behind -o: tables (default and wide), name, yaml, json, jsonpath, go-template and custom-columns.

import type { Fetched } from "../builder.ts";
import { apiVersionOf, kindString, type ResourceType } from "../resources.ts";
import { parseCustomColumns, printCustomColumns, type CustomColumn } from "./custom-columns.ts";
import { parseGoTemplate } from "./go-template.ts";
import { checkJsonPath, runJsonPath } from "./jsonpath.ts";
import type { ReadTemplateFile } from "./template-file.ts";
import { formatLabels } from "./labels.ts";
import { toJson, toYaml } from "./serialize.ts";
import { tableWriter, tabwrite } from "./tabwriter.ts";
import type { AnyObject } from "./tables.ts";

export type OutputFormat =
  | { kind: "table"; wide: boolean }
  | { kind: "name" }
  | { kind: "yaml" }
  | { kind: "json" }
  | { kind: "jsonpath"; template: string; source?: "inline" | "file"; asJson?: boolean }
  | { kind: "go-template"; template: string; source?: "inline" | "file" }
  | { kind: "custom-columns"; columns: CustomColumn[] };

const allowed =
  "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";
// create, run and expose print objects they built: no tables, so no custom columns either.
const allowedWithoutTables = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

const templateFormats = ["go-template", "go-template-file", "template", "templatefile", "jsonpath", "jsonpath-as-json", "jsonpath-file"];

/**
 * -o as kubectl's PrintFlags read it. `templateArgument` is --template: alone it means -o go-template,
 * and with a bare template format (-o jsonpath, -o go-template-file) it is that format's template.
 */
export function parseOutputFormat(text: string, allowTable = true, templateArgument = ""): { ok: true; format: OutputFormat } | { ok: false; error: string } {
  if (templateArgument !== "") {
    if (text === "") text = "go-template";
    if (templateFormats.includes(text)) text = `${text}=${templateArgument}`;
    else if (templateFormats.some((f) => text.startsWith(f + "="))) text = `\0${text}`;
  }
  const unmatched = (shown: string) =>
    `error: unable to match a printer suitable for the output format "${shown}", allowed formats are: ${allowTable ? allowed : allowedWithoutTables}\n`;
  // Given both, kubectl finds no printer for -o go-template=X --template=Y.
  if (text.startsWith("\0")) return { ok: false, error: unmatched(text.slice(1)) };
  const gt = /^(go-template|go-template-file|template|templatefile)=(.*)$/s.exec(text);
  if (gt) {
    if (gt[2] === "") return { ok: false, error: "error: template format specified but no template given\n" };
    const source = gt[1].endsWith("file") ? "file" : "inline";
    return { ok: true, format: { kind: "go-template", template: gt[2], source } };
  }
  if (text === "" && allowTable) return { ok: true, format: { kind: "table", wide: false } };
  if (text === "wide" && allowTable) return { ok: true, format: { kind: "table", wide: true } };
  if (text === "name") return { ok: true, format: { kind: "name" } };
  if (text === "yaml") return { ok: true, format: { kind: "yaml" } };
  if (text === "json") return { ok: true, format: { kind: "json" } };
  const jp = /^(jsonpath|jsonpath-as-json|jsonpath-file)=(.*)$/s.exec(text);
  if (jp) {
    if (jp[2] === "") return { ok: false, error: "error: template format specified but no template given\n" };
    const kind = jp[1] === "jsonpath-file" ? "file" : "inline";
    return { ok: true, format: { kind: "jsonpath", template: jp[2], source: kind, asJson: jp[1] === "jsonpath-as-json" } };
  }
  const cc = /^custom-columns(?:=(.*))?$/s.exec(text);
  // Only get's printer flags offer custom columns; create/run/expose answer with "unable to match".
  if (cc && allowTable) {
    const parsed = parseCustomColumns(cc[1] ?? "");
    return parsed.ok ? { ok: true, format: { kind: "custom-columns", columns: parsed.columns } } : parsed;
  }
  if (templateFormats.includes(text)) return { ok: false, error: "error: template format specified but no template given\n" };
  return { ok: false, error: unmatched(text) };
}

/**
 * Makes the printer's template ready as kubectl's ToPrinter does: reads a template file, parses the
 * template. `get` does this when it first prints, after fetching; create, run and expose before they send anything.
 */
export function loadTemplate(format: OutputFormat, readFile: ReadTemplateFile): { ok: true; format: OutputFormat } | { ok: false; error: string } {
  if (format.kind !== "jsonpath" && format.kind !== "go-template") return { ok: true, format };
  let template = format.template;
  if (format.source === "file") {
    const read = readFile(template);
    if (!read.ok) return { ok: false, error: `error: error reading --template ${template}, ${read.error}\n` };
    template = read.text;
  }
  const parsed = format.kind === "jsonpath" ? checkJsonPath(template) : parseGoTemplate(template);
  if (!parsed.ok) return parsed;
  return { ok: true, format: { ...format, template, source: "inline" } };
}

export interface TableOptions {
  wide: boolean;
  showLabels: boolean;
  allNamespaces: boolean;
  withKind: boolean;
  noHeaders?: boolean;
  /** -L: one column per label key, headed by the key's last path segment upper-cased. */
  labelColumns?: string[];
  now: number;
}

/** One table per resource type, blank line between them. Empty groups print nothing. */
export function printTables(groups: readonly Fetched[], options: TableOptions): string {
  let out = "";
  for (const group of groups) {
    if (group.objects.length === 0) continue;
    if (out !== "") out += "\n";
    out += printTable(group.type, group.objects, options);
  }
  return out;
}

export function printTable(type: ResourceType, objects: readonly AnyObject[], options: TableOptions): string {
  const { header, rows } = tableCells(type, objects, options);
  const lines = options.noHeaders ? [] : [header.join("\t")];
  for (const cells of rows) lines.push(cells.join("\t"));
  return tabwrite(lines.join("\n") + "\n", tableWriter);
}

/** The cells of a table before alignment: its header and one row per object. */
export function tableCells(type: ResourceType, objects: readonly AnyObject[], options: TableOptions): { header: string[]; rows: string[][] } {
  const def = type.def.table;
  const shown = options.wide ? def.columns.map((_, i) => i) : (def.narrowColumns ?? def.columns.slice(0, def.narrow).map((_, i) => i));
  let header = shown.map((i) => def.columns[i]);
  if (options.allNamespaces && type.namespaced) header = ["NAMESPACE", ...header];
  const labelColumns = options.labelColumns ?? [];
  header = [...header, ...labelColumns.map((l) => l.split("/").pop()!.toUpperCase())];
  if (options.showLabels) header = [...header, "LABELS"];
  const rows: string[][] = [];
  const prefix = options.withKind ? `${kindString(type)}/` : "";
  for (const object of objects) {
    const row = def.row(object, options.now);
    let cells = shown.map((i) => row[i]);
    cells[0] = prefix + cells[0];
    if (options.allNamespaces && type.namespaced) cells = [object.metadata.namespace ?? "", ...cells];
    for (const l of labelColumns) cells.push(object.metadata.labels?.[l] ?? "");
    if (options.showLabels) cells.push(formatLabels(object.metadata.labels));
    rows.push(cells);
  }
  return { header, rows };
}

/** The object without metadata.managedFields (kubectl's json/yaml printers and edit leave them out unless --show-managed-fields). */
export function withoutManagedFields(object: AnyObject): AnyObject {
  const meta = object.metadata as { managedFields?: unknown } | undefined;
  if (meta?.managedFields === undefined) return object;
  const { managedFields: _omitted, ...metadata } = meta;
  return { ...object, metadata } as AnyObject;
}

/** The object as the API server returns it: apiVersion and kind set. */
export function asServed(type: ResourceType, object: AnyObject): AnyObject {
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind } as AnyObject;
}

function listOf(items: unknown[]): unknown {
  return { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
}

/** yaml/json/jsonpath/go-template/name output of fetched objects; `single` prints the object, not a List. `out` holds stdout even when there is an error. */
export function printStructured(
  format: OutputFormat,
  groups: readonly Fetched[],
  single: boolean,
  options: { noHeaders?: boolean; readFile: ReadTemplateFile; showManagedFields?: boolean },
): { out: string; error?: string } {
  // kubectl's json and yaml printers leave metadata.managedFields out unless --show-managed-fields (OmitManagedFieldsPrinter).
  const omit = (format.kind === "yaml" || format.kind === "json") && options.showManagedFields !== true;
  const items = groups.flatMap((g) => g.objects.map((o) => ({ type: g.type, object: asServed(g.type, omit ? withoutManagedFields(o) : o) })));
  if (format.kind === "custom-columns") {
    return { out: printCustomColumns(format.columns, items.map((i) => i.object), options.noHeaders === true) };
  }
  if (format.kind === "name") {
    return { out: items.map((i) => `${kindString(i.type)}/${i.object.metadata.name}\n`).join("") };
  }
  const data = single && items.length === 1 ? items[0].object : listOf(items.map((i) => i.object));
  if (format.kind === "yaml") return { out: toYaml(data) };
  if (format.kind === "json") return { out: toJson(data) };
  if (format.kind === "jsonpath") {
    const loaded = loadTemplate(format, options.readFile);
    if (!loaded.ok) return { out: "", error: loaded.error };
    const template = loaded.format.kind === "jsonpath" ? loaded.format.template : format.template;
    const result = runJsonPath(template, data, { asJson: format.asJson });
    return result.ok ? { out: result.output } : { out: "", error: result.error };
  }
  if (format.kind === "go-template") {
    const loaded = loadTemplate(format, options.readFile);
    if (!loaded.ok) return { out: "", error: loaded.error };
    const parsed = parseGoTemplate(loaded.format.kind === "go-template" ? loaded.format.template : format.template);
    if (!parsed.ok) return { out: "", error: parsed.error };
    // What the template printed before an execution error, and kubectl's debugging text, go to stdout.
    const result = parsed.run(data);
    return result.ok ? { out: result.output } : { out: result.output, error: result.error };
  }
  return { out: "" };
}
