// kubectl's resource builder: turns `pods`, `pods,svc a b`, `pod/a service/b`, `all` into the
// objects they name, with the API server's NotFound errors for names that do not exist.

import { notFound } from "../cluster/api-status.ts";
import type { LabelSelectorRequirement } from "../cluster/label-selector.ts";
import { matchesRequirements } from "../cluster/label-selector.ts";
import type { ClusterState } from "../cluster/types.ts";
import { statusErrorText } from "./errors.ts";
import { convertFieldSelector, matchesFields, parseFieldSelector, selectableFields } from "./field-selector.ts";
import type { AnyObject } from "./printers/tables.ts";
import { allCategory, apiVersionOf, lookupResource, qualifiedResource, resourceType, type ResourceType } from "./resources.ts";
import { listKind, readKind } from "../kinds/index.ts";

export interface ResourceRequest {
  type: ResourceType;
  /** Empty: every object of the type (filtered by the selector). */
  names: string[];
}

export type RequestParse = { ok: true; requests: ResourceRequest[]; byName: boolean; singleItem: boolean } | { ok: false; error: string };

/** Parses `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`. */
export function parseResourceArgs(args: readonly string[], state: ClusterState, allowAll = true): RequestParse {
  if (args.some((a) => a.includes("/"))) {
    const requests: ResourceRequest[] = [];
    for (const arg of args) {
      const slash = arg.indexOf("/");
      if (slash < 0) {
        return {
          ok: false,
          error: `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n`,
        };
      }
      const typeText = arg.slice(0, slash);
      const name = arg.slice(slash + 1);
      if (name === "") return { ok: false, error: `error: arguments in resource/name form must have a single resource and name\n` };
      const found = lookupResource(typeText, state);
      if (!found.ok) return found;
      const existing = requests.find((r) => r.type === found.type);
      if (existing) existing.names.push(name);
      else requests.push({ type: found.type, names: [name] });
    }
    return { ok: true, requests, byName: true, singleItem: args.length === 1 };
  }
  const [typesText, ...names] = args;
  const requests: ResourceRequest[] = [];
  for (const typeText of typesText.split(",")) {
    if (typeText === "") continue;
    if (typeText.toLowerCase() === "all" && allowAll) {
      for (const name of allCategory) if (!requests.some((r) => r.type.name === name)) requests.push({ type: resourceType(name), names: [...names] });
      continue;
    }
    const found = lookupResource(typeText, state);
    if (!found.ok) return found;
    if (!requests.some((r) => r.type === found.type)) requests.push({ type: found.type, names: [...names] });
  }
  const single = requests.length === 1 && names.length === 1 && !typesText.includes(",") && typesText.toLowerCase() !== "all";
  return { ok: true, requests, byName: names.length > 0, singleItem: single };
}

export interface Fetched {
  type: ResourceType;
  objects: AnyObject[];
}

/** --field-selector as kubectl sends it, with the label selector text its list errors quote. */
export interface FieldSelectorOption {
  fieldSelector: string;
  labelSelector: string;
}

/**
 * Reads what the requests name. `namespace` undefined means all namespaces. A field selector the
 * server rejects for a type fails that type's list alone, with the message kubectl's builder makes.
 */
export function fetchResources(
  state: ClusterState,
  requests: readonly ResourceRequest[],
  namespace: string | undefined,
  selector: readonly LabelSelectorRequirement[] | undefined,
  fields?: FieldSelectorOption,
): { groups: Fetched[]; errors: string[] } {
  const groups: Fetched[] = [];
  const errors: string[] = [];
  for (const request of requests) {
    const ns = request.type.namespaced ? namespace : undefined;
    let objects: AnyObject[];
    if (request.names.length > 0) {
      objects = [];
      for (const name of request.names) {
        const object = readOne(state, request.type, ns ?? "default", name);
        if (object) objects.push(object);
        else errors.push(notFoundText(request.type, name));
      }
    } else {
      let fieldRequirements;
      if (fields) {
        const parsed = parseFieldSelector(fields.fieldSelector);
        const converted = parsed.ok ? convertFieldSelector(request.type, parsed.requirements) : parsed;
        if (!converted.ok) {
          errors.push(listErrorText(request.type, fields, converted.error));
          continue;
        }
        fieldRequirements = converted.requirements;
      }
      objects = readAll(state, request.type, ns);
      if (selector) objects = objects.filter((o) => matchesRequirements(o.metadata.labels, selector));
      if (fieldRequirements && fieldRequirements.length > 0) {
        const wanted = fieldRequirements;
        objects = objects.filter((o) => matchesFields(selectableFields(request.type, o), wanted));
      }
    }
    groups.push({ type: request.type, objects });
  }
  return { groups, errors };
}

/** cli-runtime's Selector.Visit rewording of a BadRequest from a list with selectors. */
export function listErrorText(type: ResourceType, fields: FieldSelectorOption, message: string): string {
  const gvr = `${apiVersionOf(type).includes("/") ? "" : "/"}${apiVersionOf(type)}, Resource=${type.name}`;
  return `Error from server (BadRequest): Unable to find ${JSON.stringify(gvr)} that match label selector ${JSON.stringify(fields.labelSelector)}, field selector ${JSON.stringify(fields.fieldSelector)}: ${message}\n`;
}

export function notFoundText(type: ResourceType, name: string): string {
  if (type.name === "endpoints" || type.name === "endpointslices") {
    return `Error from server (NotFound): ${qualifiedResource(type)} "${name}" not found\n`;
  }
  return statusErrorText(notFound(type.name as "pods", name));
}

export function readOne(state: ClusterState, type: ResourceType, namespace: string, name: string): AnyObject | undefined {
  return readKind(state, type.def, namespace, name);
}

export function readAll(state: ClusterState, type: ResourceType, namespace: string | undefined): AnyObject[] {
  return listKind(state, type.def, namespace);
}
