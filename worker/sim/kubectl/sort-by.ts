// --sort-by: orders listed objects by the value a JSONPath finds in each, as kubectl's sorter does:
// numbers by value, strings in natural order (web-2 before web-10), objects lacking the field first.

import { findResults } from "./printers/jsonpath.ts";
import type { AnyObject } from "./printers/tables.ts";

/** kubectl's RelaxedJSONPathExpression: `.a.b`, `a.b`, `{.a.b}` and `{a.b}` all mean `{.a.b}`. */
export function relaxedPath(field: string): { ok: true; path: string; shown: string } | { ok: false; error: string } {
  let inner = field.trim();
  if (inner.startsWith("{") && inner.endsWith("}")) inner = inner.slice(1, -1);
  if (inner === "" || /[{}]/.test(inner)) {
    return { ok: false, error: "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'" };
  }
  if (!inner.startsWith(".")) inner = `.${inner}`;
  return { ok: true, path: inner, shown: `{${inner}}` };
}

export function sortObjects(objects: readonly AnyObject[], field: string): { ok: true; objects: AnyObject[] } | { ok: false; error: string } {
  const relaxed = relaxedPath(field);
  if (!relaxed.ok) return relaxed;
  const keyed = objects.map((object, index) => {
    const found = findResults(relaxed.path, object);
    return { object, index, value: found && found.length > 0 ? found[0] : undefined };
  });
  if (keyed.length > 0 && keyed.every((k) => k.value === undefined)) {
    return { ok: false, error: `error: couldn't find any field with path "${relaxed.shown}" in the list of objects` };
  }
  keyed.sort((a, b) => compare(a.value, b.value) || a.index - b.index);
  return { ok: true, objects: keyed.map((k) => k.object) };
}

function compare(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return naturalCompare(typeof a === "string" ? a : JSON.stringify(a), typeof b === "string" ? b : JSON.stringify(b));
}

/** Runs of digits compare by value, everything else by character. */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    const pd = /^\d/.test(p);
    const qd = /^\d/.test(q);
    if (pd && qd) {
      const diff = Number(p) - Number(q);
      if (diff !== 0) return diff;
      return p.length - q.length;
    }
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}
