// kubectl explain's plaintext output (kubectl pkg/explain/v2/templates/plaintext.tmpl, as kubectl
// 1.30-1.33 ship it) rendered from an OpenAPI v3 group/version document: the same walk over the
// same document real kubectl makes, so the console prints what a learner's kubectl prints from
// the session's /openapi/v3.

import type { Schema } from "./openapi.ts";

export interface ExplainRequest {
  group: string;
  version: string;
  resource: string;
  fieldPath: readonly string[];
  recursive: boolean;
}

/** On failure, `text` is what the template had written before it stopped. */
export type ExplainResult = { ok: true; text: string } | { ok: false; error: string; text?: string };

type History = ReadonlySet<string>;

/** resolveRef: a `#/components/schemas/X` reference inside the document, or undefined. */
function resolveRef(ref: unknown, document: Schema): Schema | undefined {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  let current: unknown = document;
  for (const key of ref.slice(1).split("/")) {
    if (key === "") continue;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Schema)[key];
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
  }
  return current as Schema;
}

const objectValue = (value: unknown): Schema | undefined => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Schema) : undefined);
const properties = (schema: Schema): Record<string, Schema> | undefined => objectValue(schema.properties) as Record<string, Schema> | undefined;
const allOf = (schema: Schema): Schema[] => (Array.isArray(schema.allOf) ? (schema.allOf as Schema[]) : []);
/** A map's value schema (`additionalProperties: true` is no schema). */
const mapValue = (schema: Schema): Schema | undefined => objectValue(schema.additionalProperties);
const items = (schema: Schema): Schema | undefined => objectValue(schema.items);
/** Go template truth: empty strings, zero, nil, empty lists and empty maps are false. */
const truthy = (value: unknown): boolean =>
  value !== undefined && value !== null && value !== false && value !== "" && value !== 0 && !(Array.isArray(value) ? value.length === 0 : typeof value === "object" && Object.keys(value).length === 0);

/** Go's unicode.IsSpace, less the no-break space go-wordwrap keeps inside words. */
const isSpace = (c: string): boolean => c !== "\u00a0" && /\s/u.test(c);

/** go-wordwrap's WrapString (kubectl's term.NewWordWrapWriter): breaks at spaces only, counting characters. */
export function wrap(limit: number, text: string): string {
  let out = "";
  let current = 0;
  let word = "";
  let space = "";
  const length = (s: string): number => [...s].length;
  for (const c of text) {
    if (c === "\n") {
      if (word.length === 0) {
        if (current + length(space) > limit) current = 0;
        else {
          current += length(space);
          out += space;
        }
        space = "";
      } else {
        current += length(space) + length(word);
        out += space + word;
        space = "";
        word = "";
      }
      out += c;
      current = 0;
    } else if (isSpace(c)) {
      if (space.length === 0 || word.length > 0) {
        current += length(space) + length(word);
        out += space + word;
        space = "";
        word = "";
      }
      space += c;
    } else {
      word += c;
      if (current + length(space) + length(word) > limit && length(word) < limit) {
        out += "\n";
        current = 0;
        space = "";
      }
    }
  }
  if (word.length === 0) {
    if (current + length(space) <= limit) out += space;
  } else out += space + word;
  return out;
}

/** The template's indent: the pad before the text and after every newline in it. */
function indent(amount: number, text: string): string {
  const pad = " ".repeat(amount);
  return pad + text.replaceAll("\n", `\n${pad}`);
}

const lastSegment = (text: string, separator: string): string => text.split(separator).at(-1) ?? "";

/** typeGuess: `string`, `Object`, `[]Container`, `map[string]string`, `PodSpec`, `IntOrString`. */
function typeGuess(schema: Schema, document: Schema): string {
  const item = items(schema);
  if (item) return `[]${typeGuess(item, document)}`;
  const value = mapValue(schema);
  if (value) return `map[string]${typeGuess(value, document)}`;
  const all = allOf(schema);
  if (all.length === 1 && !truthy(schema.properties)) return typeGuess(all[0], document);
  const ref = schema.$ref;
  if (truthy(ref)) {
    const target = resolveRef(ref, document);
    if (!target || !truthy(target.type) || target.type === "object") return lastSegment(lastSegment(String(ref), "/"), ".") || "Object";
    return String(target.type);
  }
  if (schema.type === "object") return "Object";
  return truthy(schema.type) ? String(schema.type) : "Object";
}

/** extractEnum: ` enum: a, b, c, d, ....` under a field of a list, `ENUM:` and one value a line for the field explained. */
function extractEnum(schema: Schema, longView: boolean, limit: number, indentAmount = 0): string {
  const values = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : [];
  if (values.length === 0) return "";
  let out = longView ? "ENUM:" : `\n${" ".repeat(indentAmount)}enum: `;
  for (const [index, element] of values.entries()) {
    if (limit > -1 && index >= limit) {
      out += ", ....";
      break;
    }
    if (index > 0 && !longView) out += ", ";
    else if (longView) out += "\n    ";
    out += element === "" ? `""` : String(element);
  }
  return out;
}

/** The "description" template: the schema's description, then those of its allOf, items and map values. */
function description(schema: Schema, document: Schema): string {
  const resolved = resolveRef(schema.$ref, document) ?? schema;
  let out = truthy(resolved.description) ? `${String(resolved.description)}\n` : "";
  for (const part of allOf(resolved)) out += description(part, document);
  const item = items(resolved);
  if (item) out += description(item, document);
  const value = mapValue(resolved);
  if (value) out += description(value, document);
  return out;
}

function fieldDetail(name: string, schema: Schema, short: boolean, level: number, document: Schema): string {
  const indentAmount = level * 2;
  const field = properties(schema)![name];
  const required = Array.isArray(schema.required) && (schema.required as unknown[]).includes(name);
  let out = `${indent(indentAmount, name)}\t<${typeGuess(field, document)}>${required ? " -required-" : ""}${extractEnum(field, false, 4, indentAmount)}\n`;
  if (!short) {
    const text = truthy(field.description) ? String(field.description) : "<no description>";
    out += `${indent(indentAmount + 2, wrap(78 - indentAmount, text))}\n\n`;
  }
  return out;
}

/** The "fieldList" template: fields in name order (Go's map order), and with --recursive their fields, cycles cut. */
function fieldList(schema: Schema, level: number, history: History, recursive: boolean, document: Schema): string {
  const ref = typeof schema.$ref === "string" ? schema.$ref : "";
  if (ref !== "" && history.has(ref)) return "";
  const next = new Set(history).add(ref);
  const resolved = resolveRef(ref, document) ?? schema;
  let out = "";
  const props = properties(resolved) ?? {};
  for (const name of Object.keys(props).sort()) {
    out += fieldDetail(name, resolved, recursive, level, document);
    if (recursive) out += fieldList(props[name], level + 1, next, recursive, document);
  }
  for (const part of allOf(resolved)) out += fieldList(part, level, next, recursive, document);
  const item = items(resolved);
  if (item) out += fieldList(item, level, next, recursive, document);
  const value = mapValue(resolved);
  if (value) out += fieldList(value, level, next, recursive, document);
  return out;
}

/** The "output" template: follows the field path, then prints FIELD, DESCRIPTION and FIELDS. */
function output(schema: Schema, fieldPath: readonly string[], history: History, recursive: boolean, document: Schema): string {
  const ref = typeof schema.$ref === "string" ? schema.$ref : "";
  const next = new Set(history).add(ref);
  const resolved = resolveRef(ref, document) ?? schema;
  if (fieldPath.length === 0) {
    let out = `DESCRIPTION:\n${indent(4, wrap(76, description(resolved, document) || "<empty>"))}\n`;
    const fields = fieldList(resolved, 1, new Set(), recursive, document);
    if (fields !== "") out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref !== "" && history.has(ref)) return "";
  const props = properties(resolved);
  if (props && Object.hasOwn(props, fieldPath[0]) && truthy(props[fieldPath[0]])) {
    const sub = props[fieldPath[0]];
    let out = "";
    if (fieldPath.length === 1) out += `FIELD: ${fieldPath[0]} <${typeGuess(sub, document)}>\n${extractEnum(sub, true, -1)}\n\n`;
    return out + output(sub, fieldPath.slice(1), new Set(), recursive, document);
  }
  const item = items(resolved);
  if (item) return output(item, fieldPath, next, recursive, document);
  const value = mapValue(resolved);
  if (value) return output(value, fieldPath, next, recursive, document);
  for (const part of allOf(resolved)) {
    const text = output(part, fieldPath, next, recursive, document);
    if (text !== "") return text;
  }
  return "";
}

const sameGvk = (a: unknown, b: { group: string; version: string; kind: string }): boolean => {
  const x = objectValue(a);
  return !!x && Object.keys(x).length === 3 && x.group === b.group && x.version === b.version && x.kind === b.kind;
};

/** The whole template over one group/version document. */
export function renderExplain(document: Schema, request: ExplainRequest): ExplainResult {
  const prefix = request.group === "" ? "/api" : `/apis/${request.group}`;
  const searchPaths = [
    [prefix, request.version, request.resource],
    [prefix, request.version, request.resource, "{name}"],
    [prefix, request.version, "namespaces", "{namespace}", request.resource],
    [prefix, request.version, "namespaces", "{namespace}", request.resource, "{name}"],
  ].map((parts) => parts.join("/"));
  const paths = objectValue(document.paths) ?? {};
  let gvk: { group: string; version: string; kind: string } | undefined;
  for (const path of searchPaths) {
    const element = objectValue(paths[path]);
    if (!element) continue;
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const found = objectValue(objectValue(element[method])?.["x-kubernetes-group-version-kind"]);
      if (found) {
        gvk = found as typeof gvk;
        break;
      }
    }
  }
  if (!gvk) {
    const gvr = `${request.group}/${request.version}, Resource=${request.resource}`;
    return { ok: false, error: `error: GVR (${gvr}) not found in OpenAPI schema` };
  }
  let text = gvk.group ? `GROUP:      ${gvk.group}\n` : "";
  text += `KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
  const schemas = objectValue(objectValue(document.components)?.schemas) ?? {};
  for (const name of Object.keys(schemas).sort()) {
    const schema = schemas[name] as Schema;
    const kindsOf = Array.isArray(schema["x-kubernetes-group-version-kind"]) ? (schema["x-kubernetes-group-version-kind"] as unknown[]) : [];
    if (!kindsOf.some((k) => sameGvk(k, gvk))) continue;
    const body = output(schema, request.fieldPath, new Set(), request.recursive, document);
    if (body === "") return { ok: false, error: `error: field "${request.fieldPath.at(-1)}" does not exist`, text };
    return { ok: true, text: `${text}${body}\n` };
  }
  return { ok: false, error: `error: GVK ${goGvk(gvk)} not found in OpenAPI schema` };
}

/** fmt's %v of the gvk map: map[group:... kind:... version:...]. */
const goGvk = (gvk: { group: string; version: string; kind: string }): string => `map[group:${gvk.group} kind:${gvk.kind} version:${gvk.version}]`;
