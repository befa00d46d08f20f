// Field selectors (`--field-selector status.phase=Running,spec.nodeName!=node-1`), as the API
// server handles them: apimachinery's fields.ParseSelector (terms sorted, `\` escapes in values),
// the per-kind field label conversion that rejects unknown fields, and the registry's selectable
// fields each object offers (pkg/registry/*/strategy.go ToSelectableFields).

import type { EventObject } from "../cluster/events.ts";
import type { Namespace, Node, Pod, Service } from "../cluster/types.ts";
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

/** Field labels each kind's conversion function accepts (pkg/apis/core/v1/conversion.go). */
const supported: Partial<Record<ResourceType["name"], readonly string[]>> = {
  pods: [
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
  ],
  nodes: ["metadata.name", "spec.unschedulable"],
  namespaces: ["status.phase", "metadata.name"],
  services: ["metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"],
  events: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    "metadata.namespace",
    "metadata.name",
  ],
};

/**
 * The API server's field label conversion, term by term in sorted order: the first unknown field
 * fails the list. Kinds without their own function get runtime.DefaultMetaV1FieldSelectorConversion.
 */
export function convertFieldSelector(type: ResourceType, requirements: readonly FieldRequirement[]): FieldSelectorParse {
  const known = supported[type.name];
  const out: FieldRequirement[] = [];
  for (const r of requirements) {
    if (type.name === "pods" && r.field === "spec.host") {
      out.push({ ...r, field: "spec.nodeName" });
      continue;
    }
    if (known) {
      if (!known.includes(r.field)) return { ok: false, error: `field label not supported: ${r.field}` };
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
  switch (type.name) {
    case "pods": {
      const pod = object as Pod;
      return {
        ...meta,
        "spec.nodeName": pod.spec.nodeName ?? "",
        "spec.restartPolicy": pod.spec.restartPolicy ?? "",
        "spec.schedulerName": pod.spec.schedulerName ?? "",
        "spec.serviceAccountName": pod.spec.serviceAccountName ?? "",
        "spec.hostNetwork": String(pod.spec.hostNetwork === true),
        "status.phase": pod.status.phase,
        "status.podIP": pod.status.podIPs?.[0]?.ip ?? "",
        "status.nominatedNodeName": "",
      };
    }
    case "nodes":
      return { ...meta, "spec.unschedulable": String((object as Node).spec.unschedulable === true) };
    case "namespaces":
      return { ...meta, "status.phase": (object as Namespace).status.phase };
    case "services": {
      const service = object as Service;
      return { ...meta, "spec.clusterIP": service.spec.clusterIP ?? "", "spec.type": service.spec.type };
    }
    case "events": {
      const event = object as EventObject;
      const involved = event.involvedObject as EventObject["involvedObject"] & { resourceVersion?: string };
      return {
        ...meta,
        "involvedObject.kind": involved.kind,
        "involvedObject.namespace": involved.namespace ?? "",
        "involvedObject.name": involved.name,
        "involvedObject.uid": involved.uid,
        "involvedObject.apiVersion": involved.apiVersion,
        "involvedObject.resourceVersion": involved.resourceVersion ?? "",
        "involvedObject.fieldPath": involved.fieldPath ?? "",
        reason: event.reason,
        reportingComponent: event.reportingComponent,
        source: event.source.component || event.reportingComponent,
        type: event.type,
      };
    }
    default:
      return meta;
  }
}

export function matchesFields(fields: Record<string, string>, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => ((Object.hasOwn(fields, r.field) ? fields[r.field] : "") === r.value) === (r.operator === "="));
}
