// The functions helm adds to Go's templates (pkg/engine/funcs.go: sprig's TxtFuncMap, toYaml and
// the others, then include, required and fail from engine.go), as far as the catalogued charts use
// them: each as sprig v3 / helm v3.19 defines it, with the Go semantics that show (sprig's `empty`
// and `default` by reflect kind, `contains SUBSTR STR`, `trimSuffix SUFFIX STR`, `merge` keeping
// the destination's non-empty values as mergo does without override).

import { encodeBase64 } from "../base64.ts";
import { goQuote } from "../go-quote.ts";
import { toJson, toYaml } from "../kubectl/printers/serialize.ts";
import { GoNumber, numberOf, formatV, type GoValue } from "../kubectl/printers/go-values.ts";
import { TemplateFuncError, type TemplateFunc, type TemplateParamType } from "../kubectl/printers/go-template.ts";

const isMap = (v: GoValue): v is Record<string, GoValue> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoNumber);

/** sprig's empty: reflect's zero for the value's kind (a struct is never empty; nil and invalid are). */
export function goEmpty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  if (v instanceof GoNumber) return v.value === 0;
  switch (typeof v) {
    case "string":
      return v.length === 0;
    case "boolean":
      return !v;
    case "number":
      return v === 0;
  }
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).filter((k) => v[k] !== undefined).length === 0;
  return false;
}

/** sprig's strval: a string as it is, anything else as fmt's %v prints it. */
function strval(v: GoValue): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return "<nil>";
  return formatV(v);
}

/** reflect.Kind's name of a value decoded from YAML (numbers are float64 after helm's JSON round trip). */
function kindOf(v: GoValue): string {
  if (v === undefined || v === null) return "invalid";
  if (v instanceof GoNumber) return v.type === "float64" ? "float64" : "int";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return "float64";
  }
  return Array.isArray(v) ? "slice" : "map";
}

const int = (v: GoValue): number => (typeof v === "number" || v instanceof GoNumber ? Math.trunc(numberOf(v)) : Number.parseInt(String(v), 10) || 0);

function str(v: GoValue, fn: string, position: number): string {
  if (typeof v === "string") return v;
  // Go's reflect refuses a non-string for a string parameter before the function runs.
  throw new TemplateFuncError(`wrong type for value; expected string; got ${v === undefined || v === null ? "interface {}" : typeof v === "number" ? "float64" : Array.isArray(v) ? "[]interface {}" : typeof v === "boolean" ? "bool" : "map[string]interface {}"} (argument ${position} of ${fn})`);
}

/** mergo.Merge(dst, src) without WithOverride: maps merged key by key, other values set only where dst's is empty. */
function mergeInto(dst: Record<string, GoValue>, src: Record<string, GoValue>): void {
  for (const key of Object.keys(src)) {
    const s = src[key];
    const d = dst[key];
    if (isMap(d) && isMap(s)) mergeInto(d, s);
    else if (goEmpty(d)) dst[key] = isMap(s) ? (JSON.parse(JSON.stringify(s)) as GoValue) : s;
  }
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  const plain = (v: GoValue) => (v instanceof GoNumber ? v.value : v);
  return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
}

/** yaml.Marshal by sigs.k8s.io/yaml with the trailing newline cut, as helm's toYaml returns it. */
export function helmToYaml(v: GoValue): string {
  const plain = JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof GoNumber ? x.value : x)) ?? "null") as unknown;
  if (plain === null) return "null";
  return toYaml(plain).replace(/\n$/, "");
}

const fn = (params: TemplateParamType[], variadic: boolean, run: TemplateFunc["run"]): TemplateFunc => ({ params, variadic, run });
const any1 = (run: (a: GoValue) => GoValue) => fn(["any"], false, ([a]) => run(a));
const any2 = (run: (a: GoValue, b: GoValue) => GoValue) => fn(["any", "any"], false, ([a, b]) => run(a, b));

const indent = (n: number, s: string): string => {
  const pad = " ".repeat(Math.max(0, n));
  return pad + s.replaceAll("\n", `\n${pad}`);
};

export const helmFuncs: Readonly<Record<string, TemplateFunc>> = {
  // engine.go's own
  include: fn(["string", "any"], false, ([name, data], state) => state.include(name as string, data)),
  required: any2((warn, val) => {
    if (val === undefined || val === null || val === "") throw new TemplateFuncError(String(warn));
    return val;
  }),
  fail: any1((msg) => {
    throw new TemplateFuncError(String(msg));
  }),
  // funcs.go
  toYaml: any1((v) => helmToYaml(v)),
  toJson: any1((v) => toJson(v).trim().replace(/\s*\n\s*/g, "").replace(/":\s/g, '":')),
  // sprig
  default: fn(["any", "any"], true, ([d, ...given]) => (given.length === 0 || goEmpty(given[0]) ? d : given[0])),
  empty: any1((v) => goEmpty(v)),
  ternary: fn(["any", "any", "any"], false, ([a, b, c]) => (c === true ? a : b)),
  trunc: any2((c, s) => {
    const n = int(c);
    const text = str(s, "trunc", 2);
    if (n < 0 && text.length + n > 0) return text.slice(text.length + n);
    if (n >= 0 && text.length > n) return text.slice(0, n);
    return text;
  }),
  trimSuffix: any2((suffix, s) => {
    const text = str(s, "trimSuffix", 2);
    const end = str(suffix, "trimSuffix", 1);
    return end !== "" && text.endsWith(end) ? text.slice(0, text.length - end.length) : text;
  }),
  trimPrefix: any2((prefix, s) => {
    const text = str(s, "trimPrefix", 2);
    const start = str(prefix, "trimPrefix", 1);
    return start !== "" && text.startsWith(start) ? text.slice(start.length) : text;
  }),
  trim: any1((s) => str(s, "trim", 1).trim()),
  upper: any1((s) => str(s, "upper", 1).toUpperCase()),
  lower: any1((s) => str(s, "lower", 1).toLowerCase()),
  contains: any2((substr, s) => str(s, "contains", 2).includes(str(substr, "contains", 1))),
  hasPrefix: any2((prefix, s) => str(s, "hasPrefix", 2).startsWith(str(prefix, "hasPrefix", 1))),
  hasSuffix: any2((suffix, s) => str(s, "hasSuffix", 2).endsWith(str(suffix, "hasSuffix", 1))),
  replace: fn(["any", "any", "any"], false, ([o, n, s]) => str(s, "replace", 3).replaceAll(str(o, "replace", 1), str(n, "replace", 2))),
  quote: fn(["any"], true, (argv) =>
    argv
      .filter((v) => v !== undefined && v !== null)
      .map((v) => goQuote(strval(v)))
      .join(" "),
  ),
  squote: fn(["any"], true, (argv) =>
    argv
      .filter((v) => v !== undefined && v !== null)
      .map((v) => `'${strval(v)}'`)
      .join(" "),
  ),
  indent: any2((n, s) => indent(int(n), str(s, "indent", 2))),
  nindent: any2((n, s) => "\n" + indent(int(n), str(s, "nindent", 2))),
  toString: any1((v) => strval(v)),
  dict: fn(["any"], true, (argv) => {
    const out: Record<string, GoValue> = {};
    for (let i = 0; i < argv.length; i += 2) out[strval(argv[i])] = i + 1 < argv.length ? argv[i + 1] : "";
    return out;
  }),
  list: fn(["any"], true, (argv) => [...argv]),
  merge: fn(["any", "any"], true, ([dst, ...srcs]) => {
    const target = dst as Record<string, GoValue>;
    for (const src of srcs) if (isMap(src)) mergeInto(target, src);
    return target;
  }),
  kindIs: any2((kind, v) => kindOf(v) === kind),
  kindOf: any1((v) => kindOf(v)),
  has: any2((needle, haystack) => Array.isArray(haystack) && haystack.some((h) => deepEqual(h, needle))),
  append: any2((list, v) => {
    if (!Array.isArray(list)) throw new TemplateFuncError(`Cannot push on type ${kindOf(list)}`);
    return [...list, v];
  }),
  join: any2((sep, v) => (Array.isArray(v) ? v.filter((x) => x !== undefined && x !== null).map(strval) : v === undefined || v === null ? [] : [strval(v)]).join(strval(sep))),
  hasKey: any2((map, key) => isMap(map) && Object.prototype.hasOwnProperty.call(map, String(key))),
  keys: fn(["any"], true, (argv) => argv.flatMap((m) => (isMap(m) ? Object.keys(m) : []))),
  b64enc: any1((s) => encodeBase64(strval(s))),
};
