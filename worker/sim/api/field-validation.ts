// Server-side field validation (fieldValidation=Strict|Warn|Ignore, KEP 2885), as kube-apiserver
// does it for the built-in kinds: the strict JSON decoder (sigs.k8s.io/json UnmarshalStrict)
// reports each field the kind's Go struct does not declare (`unknown field "spec.foo"`) and each
// field given twice (`duplicate field "spec.replicas"`), with the path kjson builds (`.` between
// fields, `[i]` for a list item). Strict turns them into the request's error, Warn into Warning
// headers (the default when a client sends no directive), Ignore drops them. The kinds' schemas
// are the registry's OpenAPI definitions (explain/definitions.json), the Go structs' own.

import { definitionSchema, rootDefinition } from "../explain/openapi.ts";
import type { KindDefinition } from "../kinds/index.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

type Schema = { [key: string]: unknown };

/** kubectl's --validate as the directive it sends (cmdutil.GetValidationDirective: a Go bool, or strict/warn/ignore). */
export function directiveOfValidateFlag(value: string): FieldValidation {
  if (["1", "t", "T", "TRUE", "true", "True", "strict"].includes(value)) return "Strict";
  if (value === "warn") return "Warn";
  return "Ignore";
}

/** A JSON value with each object's members in the order written, duplicates kept. */
type Parsed = { kind: "object"; members: Array<[string, Parsed]> } | { kind: "array"; items: Parsed[] } | { kind: "scalar" };

/** Parses JSON text keeping duplicate members (JSON.parse keeps only the last); undefined when it is not JSON. */
export function parseWithDuplicates(text: string): Parsed | undefined {
  let at = 0;
  const space = () => {
    while (at < text.length && " \t\r\n".includes(text[at])) at++;
  };
  const string = (): string => {
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (): Parsed => {
    space();
    const c = text[at];
    if (c === "{") {
      at++;
      const members: Array<[string, Parsed]> = [];
      space();
      if (text[at] === "}") {
        at++;
        return { kind: "object", members };
      }
      for (;;) {
        space();
        if (text[at] !== '"') throw new Error("key");
        const key = string();
        space();
        if (text[at++] !== ":") throw new Error("colon");
        members.push([key, value()]);
        space();
        const next = text[at++];
        if (next === "}") return { kind: "object", members };
        if (next !== ",") throw new Error("comma");
      }
    }
    if (c === "[") {
      at++;
      const items: Parsed[] = [];
      space();
      if (text[at] === "]") {
        at++;
        return { kind: "array", items };
      }
      for (;;) {
        items.push(value());
        space();
        const next = text[at++];
        if (next === "]") return { kind: "array", items };
        if (next !== ",") throw new Error("comma");
      }
    }
    if (c === '"') {
      string();
      return { kind: "scalar" };
    }
    const match = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 64));
    if (!match) throw new Error("value");
    at += match[0].length;
    return { kind: "scalar" };
  };
  try {
    const parsed = value();
    space();
    return at === text.length ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A plain value (JSON.parse's, YAML's) as a Parsed one, its members in the order given. */
function fromValue(value: unknown, sortKeys: boolean): Parsed {
  if (Array.isArray(value)) return { kind: "array", items: value.map((v) => fromValue(v, sortKeys)) };
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (sortKeys) keys.sort();
    return { kind: "object", members: keys.map((k) => [k, fromValue((value as Record<string, unknown>)[k], sortKeys)]) };
  }
  return { kind: "scalar" };
}

/** The schema a definition's property or item refers to. */
function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema === undefined) return undefined;
  if (typeof schema.$ref === "string") return definitionSchema(schema.$ref);
  return schema;
}

/**
 * The strict decoder's errors for a value decoded into a kind's struct, in decoding order: a
 * member that is both unknown and repeated is reported once, as unknown (kjson dedupes its
 * messages). Map-typed fields (labels, data) take any key.
 */
function strictErrors(root: Parsed, rootSchema: Schema, duplicates: boolean): string[] {
  const errors: string[] = [];
  const add = (message: string) => {
    if (!errors.includes(message)) errors.push(message);
  };
  const walk = (value: Parsed, schema: Schema | undefined, path: string) => {
    const resolved = resolve(schema);
    if (!resolved) return;
    if (value.kind === "array") {
      const items = resolve(resolved.items as Schema | undefined);
      if (items) value.items.forEach((item, i) => walk(item, items, `${path}[${i}]`));
      return;
    }
    if (value.kind !== "object") return;
    const properties = resolved.properties as Record<string, Schema> | undefined;
    // A struct with no declared fields here (RawExtension, FieldsV1) or a map takes any member.
    if (!properties) return;
    const seen = new Set<string>();
    for (const [key, member] of value.members) {
      const field = path === "" ? key : `${path}.${key}`;
      if (!Object.hasOwn(properties, key)) {
        add(`unknown field ${JSON.stringify(field)}`);
        continue;
      }
      if (seen.has(key)) {
        if (duplicates) add(`duplicate field ${JSON.stringify(field)}`);
      } else seen.add(key);
      walk(member, properties[key], field);
    }
  };
  walk(root, rootSchema, "");
  return errors;
}

function kindSchema(def: KindDefinition): Schema | undefined {
  const name = rootDefinition(def);
  return name === undefined ? undefined : definitionSchema(name);
}

/**
 * The strict decoding errors of a create or update body. JSON is decoded as written; a YAML body
 * is converted to JSON first (sigs.k8s.io/yaml: keys sorted, a repeated key's last value), so its
 * unknown fields come in key order. Custom kinds are validated by their CRD's schema elsewhere.
 */
export function bodyStrictErrors(def: KindDefinition, body: string, value: unknown, isJson: boolean): string[] {
  const schema = kindSchema(def);
  if (!schema) return [];
  const parsed = isJson ? parseWithDuplicates(body) : undefined;
  return strictErrors(parsed ?? fromValue(value, true), schema, isJson);
}

/** A patch's own duplicate members (kjson into map[string]interface{}: every object), in the order written. */
export function patchDuplicateErrors(body: string): string[] {
  const parsed = parseWithDuplicates(body);
  if (!parsed) return [];
  const errors: string[] = [];
  const walk = (value: Parsed, path: string) => {
    if (value.kind === "array") value.items.forEach((item, i) => walk(item, `${path}[${i}]`));
    if (value.kind !== "object") return;
    const seen = new Set<string>();
    for (const [key, member] of value.members) {
      const field = path === "" ? key : `${path}.${key}`;
      if (seen.has(key)) {
        const message = `duplicate field ${JSON.stringify(field)}`;
        if (!errors.includes(message)) errors.push(message);
      } else seen.add(key);
      walk(member, field);
    }
  };
  walk(parsed, "");
  return errors;
}

/** Unknown fields of a patched object (converted from a map, keys in sorted order, as Go ranges over them sorted). */
export function objectUnknownFields(def: KindDefinition, object: Record<string, unknown>): string[] {
  const schema = kindSchema(def);
  return schema ? strictErrors(fromValue(object, true), schema, false) : [];
}

/** runtime.NewStrictDecodingError's text. */
export function strictDecodingError(errors: readonly string[]): string {
  return `strict decoding error: ${errors.join(", ")}`;
}

/**
 * Go's fmt `%+v` of a decoded JSON map (map[string]interface{}): keys sorted, `map[k:v ...]`,
 * slices `[a b]`, nil `<nil>`; kjson keeps integers as int64 and other numbers as float64.
 */
export function goMapString(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goMapString).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${k}:${goMapString((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(" ")}]`;
  }
  if (typeof value === "number") return goFloat(value);
  return String(value);
}

/** A number as Go's %v prints an int64 or a float64 (%g: exponent from 1e21 up, as strconv's shortest form). */
function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const text = String(n);
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}
