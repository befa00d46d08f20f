// kubectl's generic describer (describe.go genericDescriber), used for kinds without a describer
// of their own: the header, then every field of the object in key order, keys made into words
// by smartLabelFor (`holderIdentity` -> `Holder Identity`, `uid` -> `UID`), maps and lists
// indented below their key.
import type { EventObject } from "../../cluster/events.ts";
import { PrefixWriter, describeEvents, writeNamespacedHeader } from "./describe.ts";

const ACRONYMS = new Set(["API", "URL", "UID", "GUID"]);

/** fatih/camelcase.Split: runs of lower case, upper case and digits; an upper run gives its last letter to a following lower run. */
function camelSplit(field: string): string[] {
  const kind = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4);
  const runs: string[] = [];
  let last = 0;
  for (const c of field) {
    const k = kind(c);
    if (k === last && runs.length > 0) runs[runs.length - 1] += c;
    else runs.push(c);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (kind(runs[i][0]) === 2 && kind(runs[i + 1][0]) === 1) {
      runs[i + 1] = runs[i].slice(-1) + runs[i + 1];
      runs[i] = runs[i].slice(0, -1);
    }
  }
  return runs.filter((r) => r.length > 0);
}

/** describe.go smartLabelFor. */
export function smartLabelFor(field: string): string {
  if (/[^A-Za-z-]/.test(field)) return field;
  const parts = camelSplit(field);
  const merged: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (next !== undefined && part.length >= 2 && part === part.toUpperCase() && /^[A-Z]/.test(next)) {
      merged.push(part + next);
      i++;
      continue;
    }
    merged.push(part);
  }
  return merged
    .filter((p) => p !== "_")
    .map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.toLowerCase() === p ? p[0].toUpperCase() + p.slice(1) : p))
    .join(" ");
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function printContent(w: PrefixWriter, level: number, content: Record<string, unknown>, prefix: string, skip: ReadonlySet<string>): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.has(path) || value === undefined) continue;
    if (isMap(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printContent(w, level + 1, value, path, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (isMap(child)) printContent(w, level + 1, child, path, skip);
        else w.write(level + 1, `${String(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${value === null ? "<nil>" : String(value)}\n`);
    }
  }
}

const HEADER_FIELDS = new Set([".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"]);

export function describeGeneric(object: { metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }, events: readonly EventObject[], now: number): string {
  const w = new PrefixWriter();
  writeNamespacedHeader(w, { ...object.metadata, namespace: object.metadata.namespace ?? "" });
  printContent(w, 0, object as unknown as Record<string, unknown>, "", HEADER_FIELDS);
  describeEvents(w, events, now);
  return w.flush();
}
