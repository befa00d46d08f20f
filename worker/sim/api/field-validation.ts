// Server-side field validation (fieldValidation=Strict|Warn|Ignore, KEP 2885), as kube-apiserver
// does it for the built-in kinds: the strict JSON decoder (sigs.k8s.io/json UnmarshalStrict)
// reports each field the kind's Go struct does not declare (`unknown field "spec.foo"`) and each
// field given twice (`duplicate field "spec.replicas"`), with the path kjson builds (`.` between
// fields, `[i]` for a list item). Strict turns them into the request's error, Warn into Warning
// headers (the default when a client sends no directive), Ignore drops them. The kinds' schemas
// are the registry's OpenAPI definitions (explain/definitions.json), the Go structs' own.

import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { definitionSchema, rootDefinition } from "../explain/openapi.ts";
import type { KindDefinition } from "../kinds/index.ts";
import { keyElement, listKeysOf, pathString } from "./managed-fields.ts";

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

/**
 * The keys a YAML body gives twice, as yaml.v2's UnmarshalStrict reports them (sigs.k8s.io/yaml
 * YAMLToJSONStrict, which the strict YAML decoder runs over the original body): `line N: key "x"
 * already set in map`, N the 1-based line where the repeated key's value starts. yaml.v2 decodes
 * a value before it sets its key, so repeats inside a value come before the key's own. Keys
 * compare as YAML 1.1 resolves them (`y` and `true` are one key). Empty when the body has none,
 * or is no YAML at all (the non-strict decoder has answered that already).
 */
export function yamlDuplicateKeys(text: string): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) return [];
  const out: string[] = [];
  const lineOf = (node: unknown, after: number): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    // An empty value has no text: libyaml marks it at the next token (the next key, or the end).
    if (!range || range[0] === range[1]) {
      let at = range ? range[0] : after;
      if (!range) while (at < text.length && text[at] !== ":") at++;
      if (!range) at++;
      for (;;) {
        while (at < text.length && " \t\r\n".includes(text[at])) at++;
        if (text[at] !== "#") break;
        while (at < text.length && text[at] !== "\n") at++;
      }
      return lines.linePos(at).line;
    }
    return lines.linePos(range[0]).line;
  };
  const walk = (node: unknown) => {
    if (isSeq(node)) {
      for (const item of node.items) walk(item);
      return;
    }
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const pair of node.items) {
      walk(pair.value);
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      const id = `${typeof key}:${String(key)}`;
      const keyEnd = (pair.key as { range?: [number, number, number] } | null)?.range?.[1] ?? 0;
      if (seen.has(id)) out.push(`line ${lineOf(pair.value, keyEnd)}: key ${goQuoted(key)} already set in map`);
      else seen.add(id);
    }
  };
  walk(doc.contents);
  return out;
}

/** A decoded YAML key as Go's %#v prints it: strings quoted, numbers and booleans bare, null as <nil>. */
function goQuoted(key: unknown): string {
  if (typeof key === "string") return JSON.stringify(key);
  if (key === null || key === undefined) return "<nil>";
  return String(key);
}

/** yaml.v2's TypeError text for its list of errors (`yaml: unmarshal errors:` and one indented line each). */
export function yamlUnmarshalErrors(errors: readonly string[]): string {
  return `yaml: unmarshal errors:\n  ${errors.join("\n  ")}`;
}

/**
 * A JSON patch's own strict errors (handlers/patch.go: kjson.UnmarshalStrict into []jsonPatchOp):
 * members of an operation other than op, path, from and value, and members given twice anywhere
 * (the value is free-form, so only its repeats count), each prefixed `json patch `.
 */
export function jsonPatchStrictErrors(body: string): string[] {
  const parsed = parseWithDuplicates(body);
  if (!parsed || parsed.kind !== "array") return [];
  const errors: string[] = [];
  const add = (message: string) => {
    if (!errors.includes(message)) errors.push(message);
  };
  const duplicates = (value: Parsed, path: string) => {
    if (value.kind === "array") value.items.forEach((item, i) => duplicates(item, `${path}[${i}]`));
    if (value.kind !== "object") return;
    const seen = new Set<string>();
    for (const [key, member] of value.members) {
      const field = `${path}.${key}`;
      if (seen.has(key)) add(`duplicate field ${JSON.stringify(field)}`);
      else seen.add(key);
      duplicates(member, field);
    }
  };
  parsed.items.forEach((op, i) => {
    if (op.kind !== "object") return;
    const seen = new Set<string>();
    for (const [key, member] of op.members) {
      const field = `[${i}].${key}`;
      if (!["op", "path", "from", "value"].includes(key)) {
        add(`unknown field ${JSON.stringify(field)}`);
        continue;
      }
      if (seen.has(key)) add(`duplicate field ${JSON.stringify(field)}`);
      else seen.add(key);
      if (key === "value") duplicates(member, field);
    }
  });
  return errors.map((e) => `json patch ${e}`);
}

/**
 * The fields of an applied configuration the kind's schema does not declare, as
 * structured-merge-diff's typed conversion reports them (`.spec.foo: field not declared in
 * schema`): paths as it prints them, a keyed list's item by its keys (`[name="web"]`), an atomic
 * list's by index, a set's by value. Server-side apply refuses such a configuration whatever the
 * fieldValidation directive. Go ranges over the decoded map in no fixed order; these come in key order.
 */
export function appliedUndeclaredFields(def: KindDefinition, config: Record<string, unknown>): string[] {
  const schema = kindSchema(def);
  if (!schema) return [];
  const errors: string[] = [];
  const walk = (value: unknown, schemaRef: Schema | undefined, path: string, field: string, parent: string) => {
    const resolved = resolve(schemaRef);
    if (!resolved || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      const items = resolve(resolved.items as Schema | undefined);
      if (!items) return;
      const keys = listKeysOf(field, parent);
      value.forEach((item, i) => {
        let element = `[${i}]`;
        if (keys !== undefined && keys.length === 0) element = `[=${JSON.stringify(item)}]`;
        else if (keys !== undefined && item !== null && typeof item === "object" && !Array.isArray(item)) element = pathString([keyElement(item as never, keys)]);
        walk(item, items, `${path}${element}`, field, parent);
      });
      return;
    }
    const properties = resolved.properties as Record<string, Schema> | undefined;
    if (!properties) return;
    for (const key of Object.keys(value).sort()) {
      const at = `${path}.${key}`;
      if (!Object.hasOwn(properties, key)) errors.push(`${at}: field not declared in schema`);
      else walk((value as Record<string, unknown>)[key], properties[key], at, key, field);
    }
  };
  walk(config, schema, "", "", "");
  return errors;
}

/** structured-merge-diff's ValidationErrors text: one inline, more as an `errors:` list. */
export function validationErrorsText(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0] : ["errors:", ...errors.map((e) => `  ${e}`)].join("\n");
}
