// helm's --set and --set-string parser (pkg/strvals/parser.go): `a.b=c,d[0]=e,f={x,y}`, a
// backslash escaping `,` `.` `=` `[`, and, for --set, values typed as the parser types them
// (typedVal: true/false, null, integers that ParseInt takes without a leading 0; everything else a
// string; --set-string keeps every value a string).

import type { Values } from "./engine.ts";

type Result = { ok: true } | { ok: false; error: string };

function typed(value: string, stringOnly: boolean): unknown {
  if (stringOnly) return value;
  const lower = value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (value === "0") return 0;
  // A leading zero keeps the value a string (strvals' rule, so "0123" stays as written).
  if (/^[+-]?[0-9]+$/.test(value) && value[0] !== "0" && Number.isSafeInteger(Number(value))) return Number(value);
  return value;
}

/** Reads up to one of `stops`, honouring backslash escapes; returns the text and the stop found (or "" at the end). */
function readUntil(s: string, pos: { i: number }, stops: string): { text: string; stop: string } {
  let text = "";
  while (pos.i < s.length) {
    const c = s[pos.i++];
    if (c === "\\" && pos.i < s.length) {
      text += s[pos.i++];
      continue;
    }
    if (stops.includes(c)) return { text, stop: c };
    text += c;
  }
  return { text, stop: "" };
}

function setPath(target: Values, path: Array<string | number>, value: unknown): void {
  let node: Record<string | number, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const last = i === path.length - 1;
    if (last) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === "number";
    let child = (node as Record<string | number, unknown>)[key];
    if (nextIsIndex ? !Array.isArray(child) : typeof child !== "object" || child === null || Array.isArray(child)) {
      child = nextIsIndex ? [] : {};
      (node as Record<string | number, unknown>)[key] = child;
    }
    if (Array.isArray(child) && typeof path[i + 1] === "number") {
      const index = path[i + 1] as number;
      while (child.length < index) child.push(null);
    }
    node = child as Record<string, unknown>;
  }
}

/** strvals.ParseInto: one --set argument merged into `target`. */
export function parseSet(arg: string, target: Values, stringOnly: boolean): Result {
  const pos = { i: 0 };
  while (pos.i < arg.length) {
    const path: Array<string | number> = [];
    let stop = "";
    for (;;) {
      const part = readUntil(arg, pos, ".=[,");
      stop = part.stop;
      if (part.text !== "" || stop !== "[") path.push(part.text);
      if (stop === "[") {
        const index = readUntil(arg, pos, "]");
        const n = Number.parseInt(index.text, 10);
        if (!/^\d+$/.test(index.text)) return { ok: false, error: `failed parsing --set data: error parsing index: strconv.Atoi: parsing ${JSON.stringify(index.text)}: invalid syntax` };
        if (n > 65536) return { ok: false, error: `failed parsing --set data: index of ${n} is greater than maximum supported index of 65536` };
        path.push(n);
        const after = arg[pos.i];
        if (after === "." || after === "=" || after === "[") {
          pos.i++;
          stop = after;
          if (after === "=") break;
          if (after === "[") pos.i--;
          continue;
        }
        stop = after ?? "";
        break;
      }
      if (stop !== ".") break;
    }
    // The parser recurses at each `.`, so its error names the last segment of the key.
    const key = String([...path].reverse().find((p) => typeof p === "string") ?? "");
    if (stop !== "=") {
      // A key without `=`: strvals' error for a trailing or comma-ended key.
      return { ok: false, error: `failed parsing --set data: key "${key}" has no value${stop === "," ? " (cannot end with ,)" : ""}` };
    }
    if (arg[pos.i] === "{") {
      pos.i++;
      const list = readUntil(arg, pos, "}");
      const items = list.text === "" ? [] : list.text.split(",").map((v) => typed(v, stringOnly));
      setPath(target, path, items);
      if (arg[pos.i] === ",") pos.i++;
      continue;
    }
    const value = readUntil(arg, pos, ",");
    setPath(target, path, typed(value.text, stringOnly));
  }
  return { ok: true };
}
