// Field selectors (`--field-selector status.phase=Running,spec.nodeName!=node-1`), as the API
// server handles them: apimachinery's fields.ParseSelector (terms sorted, `\` escapes in values),
// the per-kind field label conversion that rejects unknown fields, and the registry's selectable
// fields each object offers (pkg/registry/*/strategy.go ToSelectableFields).

import type { AnyObject } from "./printers/tables.ts";
import type { ResourceType } from "./resources.ts";

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

export type FieldSelectorParse = { ok: true; requirements: FieldRequirement[] } | { ok: false; error: string };

/** fields.ParseSelector: comma-separated terms (a `\,` stays in its term), sorted, values unescaped. */
export function parseFieldSelector(text: string): FieldSelectorParse {
  const requirements: FieldRequirement[] = [];
  const parts = splitTerms(text).sort();
  for (const part of parts) {
    if (part === "") continue;
    const term = splitTerm(part);
    if (!term) return { ok: false, error: `invalid selector: '${text}'; can't understand '${part}'` };
    const value = unescapeValue(term.rhs);
    if (typeof value !== "string") return { ok: false, error: value.error };
    requirements.push({ field: term.lhs, operator: term.op === "!=" ? "!=" : "=", value });
  }
  return { ok: true, requirements };
}

function splitTerms(text: string): string[] {
  if (text === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first operator found from the left splits the term; `!=` and `==` win over `=` at one spot. */
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="]) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string | { error: string } {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") return { error: `invalid field selector: invalid escape sequence: \\${c}` };
      out += c;
      inSlash = false;
    } else if (c === "\\") inSlash = true;
    else if (c === "," || c === "=") return { error: `invalid field selector: unescaped character in value: ${c.codePointAt(0)}` };
    else out += c;
  }
  if (inSlash) return { error: "invalid field selector: invalid escape sequence: \\" };
  return out;
}

/**
 * The API server's field label conversion, term by term in sorted order: the first unknown field
 * fails the list. Kinds without their own function get runtime.DefaultMetaV1FieldSelectorConversion.
 */
export function convertFieldSelector(type: ResourceType, requirements: readonly FieldRequirement[]): FieldSelectorParse {
  const fields = type.def.fieldSelectors;
  const out: FieldRequirement[] = [];
  for (const r of requirements) {
    const alias = fields?.aliases?.[r.field];
    if (alias) {
      out.push({ ...r, field: alias });
      continue;
    }
    if (fields) {
      if (!fields.labels.includes(r.field)) return { ok: false, error: `field label not supported: ${r.field}` };
    } else if (r.field !== "metadata.name" && r.field !== "metadata.namespace") {
      return { ok: false, error: `"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"` };
    }
    out.push(r);
  }
  return { ok: true, requirements: out };
}

/** The fields an object can be selected by; a field it does not offer reads as "". */
export function selectableFields(type: ResourceType, object: AnyObject): Record<string, string> {
  const meta: Record<string, string> = { "metadata.name": object.metadata.name };
  if (type.namespaced) meta["metadata.namespace"] = object.metadata.namespace ?? "";
  const own = type.def.fieldSelectors?.values(object);
  return own ? { ...meta, ...own } : meta;
}

export function matchesFields(fields: Record<string, string>, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => ((Object.hasOwn(fields, r.field) ? fields[r.field] : "") === r.value) === (r.operator === "="));
}
