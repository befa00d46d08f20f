// The API server's error statuses (apimachinery pkg/api/errors), with its exact messages.
import { goQuote } from "../go-quote.ts";

export interface StatusCause {
  field: string;
  /** e.g. `Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767` */
  message: string;
}

export interface ApiStatus {
  code: number;
  reason: "NotFound" | "AlreadyExists" | "Invalid" | "BadRequest" | "Forbidden" | "Conflict" | "MethodNotAllowed" | "InternalError";
  message: string;
  details?: { name: string; group?: string; kind: string; causes?: StatusCause[] };
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: ApiStatus };

/** A resource name as the API serves it: `pods`, `deployments`. */
export type ResourceKind = string;

/** The API group of resources outside the core group; every other resource is core (""). */
export const RESOURCE_GROUP: Readonly<Record<string, string>> = {
  deployments: "apps",
  replicasets: "apps",
  daemonsets: "apps",
  statefulsets: "apps",
  endpointslices: "discovery.k8s.io",
};

/** `deployments.apps`, `pods`: how errors name a resource. */
/** `group`: the resource's API group, where the caller has its kind's definition; else the table above. */
export function qualifiedResource(kind: ResourceKind, group: string = RESOURCE_GROUP[kind] ?? ""): string {
  return group ? `${kind}.${group}` : kind;
}

function details(kind: ResourceKind, name: string, group: string = RESOURCE_GROUP[kind] ?? ""): ApiStatus["details"] {
  return group ? { name, group, kind } : { name, kind };
}

export function notFound(kind: ResourceKind, name: string, group?: string): ApiStatus {
  return { code: 404, reason: "NotFound", message: `${qualifiedResource(kind, group)} ${goQuote(name)} not found`, details: details(kind, name, group) };
}

export function alreadyExists(kind: ResourceKind, name: string, group?: string): ApiStatus {
  return { code: 409, reason: "AlreadyExists", message: `${qualifiedResource(kind, group)} ${goQuote(name)} already exists`, details: details(kind, name, group) };
}

export function conflict(kind: ResourceKind, name: string, group?: string): ApiStatus {
  return {
    code: 409,
    reason: "Conflict",
    message: `Operation cannot be fulfilled on ${qualifiedResource(kind, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details: details(kind, name, group),
  };
}

export function forbidden(kind: ResourceKind, name: string, why: string): ApiStatus {
  return { code: 403, reason: "Forbidden", message: `${qualifiedResource(kind)} "${name}" is forbidden: ${why}`, details: details(kind, name) };
}

export function badRequest(message: string): ApiStatus {
  return { code: 400, reason: "BadRequest", message };
}

/** errors.NewInvalid: `Kind "name" is invalid: <one error>` or `... is invalid: [e1, e2]`. */
export function invalid(kindName: string, group: string, name: string, causes: StatusCause[]): ApiStatus {
  const texts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const unique = texts.filter((t, i) => texts.indexOf(t) === i);
  const aggregate = unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
  return {
    code: 422,
    reason: "Invalid",
    // errors.NewInvalid names the GroupKind (`Deployment.apps`); kubectl's own line takes the kind from details.
    message: `${group ? `${kindName}.${group}` : kindName} "${name}" is invalid: ${aggregate}`,
    details: group ? { name, group, kind: kindName, causes } : { name, kind: kindName, causes },
  };
}

export function internalError(message: string): ApiStatus {
  return { code: 500, reason: "InternalError", message: `Internal error occurred: ${message}` };
}
