// -o yaml and -o json as kubectl prints them: keys sorted (objects travel as unstructured maps),
// YAML in go-yaml v2's style (sequences not indented under their key, strings quoted only when
// they would read back as something else), JSON indented by four spaces.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJson(value: unknown): string {
  return stringifyJson(value as Json, "") + "\n";
}

function stringifyJson(value: Json, indent: string): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goJsonString(value);
  if (typeof value !== "object") return String(value);
  const inner = indent + "    ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + stringifyJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${inner}${goJsonString(k)}: ${stringifyJson(value[k], inner)}`).join(",\n")}\n${indent}}`;
}

/** encoding/json escapes <, > and & as well (HTML-safe output). */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// Indentation strings, made once per depth.
const pads: string[] = [];
const padOf = (indent: number): string => (pads[indent] ??= " ".repeat(indent));

export function toYaml(value: unknown): string {
  const lines: string[] = [];
  emit(value as Json, 0, lines);
  return lines.join("\n") + "\n";
}

function emit(value: Json, indent: number, lines: string[]): void {
  const pad = padOf(indent);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    if (keys.length === 0) {
      lines.push(pad + "{}");
      return;
    }
    for (const key of keys) emitEntry(yamlScalar(key), value[key], indent, lines);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      lines.push(pad + "[]");
      return;
    }
    for (const item of value) emitItem(item, indent, lines);
    return;
  }
  lines.push(pad + inlineScalar(value, indent));
}

function emitEntry(key: string, value: Json, indent: number, lines: string[]): void {
  const pad = padOf(indent);
  if (value !== null && typeof value === "object") {
    const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).filter((k) => value[k] !== undefined).length === 0;
    if (empty) {
      lines.push(`${pad}${key}: ${Array.isArray(value) ? "[]" : "{}"}`);
      return;
    }
    lines.push(`${pad}${key}:`);
    emit(value, Array.isArray(value) ? indent : indent + 2, lines);
    return;
  }
  lines.push(`${pad}${key}: ${inlineScalar(value, indent + 2)}`);
}

function emitItem(item: Json, indent: number, lines: string[]): void {
  const pad = padOf(indent);
  if (item !== null && typeof item === "object") {
    const sub: string[] = [];
    emit(item, indent + 2, sub);
    // The first line of the nested block moves up beside the dash.
    sub[0] = `${pad}- ${sub[0].slice(indent + 2)}`;
    lines.push(...sub);
    return;
  }
  lines.push(`${pad}- ${inlineScalar(item, indent + 2)}`);
}

function inlineScalar(value: Json, indent: number): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  const s = value as string;
  if (s.includes("\n") && !/[^\S\n ]/.test(s.replace(/\n/g, "")) && !s.startsWith(" ")) {
    const chomp = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
    const pad = " ".repeat(indent);
    const body = (s.endsWith("\n") ? s.slice(0, -1) : s).split("\n").map((l) => (l === "" ? "" : pad + l));
    return `|${chomp}\n${body.join("\n")}`;
  }
  return yamlScalar(s);
}

const nonStringPlain = /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|\s+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d\d?(?::\d\d)?))?)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;

// The scalars of a listing repeat (every object's keys, names, labels, images): a loop of `-o
// yaml` gets spent on the six tests below. Their answer depends on the string alone, so short
// strings remember it (bounded: emptied when full).
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_SIZE = 8192;
const scalars = new Map<string, string>();

/**
 * A string scalar the way go-yaml v2 writes it: plain, 'single' or "double" quoted. A float needs
 * a digit (strconv.ParseFloat), so a lone `.` (managedFields' own-member key) stays plain.
 */
export function yamlScalar(s: string): string {
  if (s.length > MEMO_MAX_LENGTH) return quoteScalar(s);
  let out = scalars.get(s);
  if (out === undefined) {
    out = quoteScalar(s);
    if (scalars.size >= MEMO_MAX_SIZE) scalars.clear();
    scalars.set(s, out);
  }
  return out;
}

function quoteScalar(s: string): string {
  if (s === "") return `""`;
  if (nonStringPlain.test(s)) return JSON.stringify(s);
  if (!/^[\x20-\x7e\u00a0-\uffff]*$/.test(s)) return JSON.stringify(s);
  const plainAllowed =
    !/^[\s]|[\s]$/.test(s) &&
    !/^[,\[\]{}#&*!|>'"%@`]/.test(s) &&
    !/^[-?:](\s|$)/.test(s) &&
    !/^---|^\.\.\./.test(s) &&
    !/: |:$| #/.test(s);
  if (plainAllowed) return s;
  return `'${s.replace(/'/g, "''")}'`;
}
