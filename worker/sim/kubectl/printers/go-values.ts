import { goQuote } from "../../go-quote.ts";

// The values kubectl's template printers work on, and how Go's fmt and encoding/json print them.
// kubectl hands both printers an object decoded from JSON with apimachinery's decoder: objects are
// map[string]interface{}, lists []interface{}, whole numbers int64, other numbers float64. A JS value
// stands for each of those; a GoNumber stands for a constant the template itself wrote (Go's int or
// float64), whose type shows in messages and in %T.

export class GoNumber {
  constructor(
    readonly value: number,
    readonly type: "int" | "uint8" | "float64",
  ) {}
}

/** What a template works with: decoded JSON, a template constant, or `undefined` for Go's invalid reflect.Value (a missing key). */
export type GoValue = unknown;

export type GoKind = "invalid" | "nil" | "bool" | "int" | "float" | "string" | "map" | "slice";

export function goKind(v: GoValue): GoKind {
  if (v === undefined) return "invalid";
  if (v === null) return "nil";
  if (v instanceof GoNumber) return v.type === "float64" ? "float" : "int";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "string":
      return "string";
  }
  return Array.isArray(v) ? "slice" : "map";
}

export function numberOf(v: GoValue): number {
  return v instanceof GoNumber ? v.value : (v as number);
}

/** Go's name of the value's dynamic type, as %T and reflect's Type.String() print it. */
export function goTypeName(v: GoValue): string {
  if (v === undefined || v === null) return "<nil>";
  if (v instanceof GoNumber) return v.type;
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int64" : "float64";
    case "string":
      return "string";
  }
  return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}

/** A map's keys in Go's order; a key whose value is undefined is absent, as it is from the JSON kubectl decodes. */
export function sortedKeys(map: object): string[] {
  // fmtsort and encoding/json order string keys by their bytes; for UTF-16 this is code-unit order, which
  // agrees for every key Kubernetes allows.
  return Object.keys(map)
    .filter((k) => (map as Record<string, unknown>)[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** strconv.FormatFloat(f, 'g', -1, 64), which %v uses: the shortest digits, exponent form below 1e-4 and from 1e6 on (1e+06). */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, expText] = f.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(f);
}

/** fmt's %v. */
export function formatV(v: GoValue): string {
  switch (goKind(v)) {
    case "invalid":
      return "<invalid reflect.Value>";
    case "nil":
      return "<nil>";
    case "bool":
      return String(v);
    case "int":
      return String(numberOf(v));
    case "float":
      return formatFloatG(numberOf(v));
    case "string":
      return v as string;
    case "slice":
      return `[${(v as GoValue[]).map(formatV).join(" ")}]`;
    case "map": {
      const m = v as Record<string, GoValue>;
      return `map[${sortedKeys(m)
        .map((k) => `${k}:${formatV(m[k])}`)
        .join(" ")}]`;
    }
  }
}

/** fmt's %#v: Go syntax. */
export function formatSharpV(v: GoValue): string {
  switch (goKind(v)) {
    case "invalid":
      return "<invalid reflect.Value>";
    case "nil":
      return "interface {}(nil)";
    case "bool":
      return String(v);
    case "int":
      return String(numberOf(v));
    case "float":
      return formatFloatG(numberOf(v));
    case "string":
      return goQuote(v as string);
    case "slice":
      return `[]interface {}{${(v as GoValue[]).map((e) => formatSharpV(e)).join(", ")}}`;
    case "map": {
      const m = v as Record<string, GoValue>;
      return `map[string]interface {}{${sortedKeys(m)
        .map((k) => `${goQuote(k)}:${formatSharpV(m[k])}`)
        .join(", ")}}`;
    }
  }
}

/** encoding/json's Marshal: keys sorted, HTML characters escaped; indent as MarshalIndent. */
export function goJson(v: GoValue, indent = ""): string {
  const plain = (x: GoValue): unknown => {
    if (x instanceof GoNumber) return x.value;
    if (Array.isArray(x)) return x.map(plain);
    if (x && typeof x === "object") {
      const out: Record<string, unknown> = {};
      for (const k of sortedKeys(x)) out[k] = plain((x as Record<string, GoValue>)[k]);
      return out;
    }
    return x === undefined ? null : x;
  };
  const text = JSON.stringify(plain(v), null, indent) ?? "null";
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
