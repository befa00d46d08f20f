// The session as a Kubernetes API server, for the learner's own kubectl and client libraries: a
// pure function from the cluster state and one HTTP request to the response the real API server
// would give. Everything is generic over the kind registry (worker/sim/kinds): GET and LIST read
// through the same functions as the console's kubectl, tables come from the same printers.
// Authentication (which token is whose) is the caller's; this decides what a user may do.

import { decodeBase64Bytes, encodeBase64, utf8Text } from "../base64.ts";
import { matchesRequirements } from "../cluster/label-selector.ts";
import { logText, type PodLogOptions, readPodLog } from "../cluster/pod-log.ts";
import type { ClusterState } from "../cluster/types.ts";
import { serverVersion } from "../cluster/version.ts";
import { openApiV3Index, servedV2Document, servedV3Document } from "../explain/openapi.ts";
import { goQuote } from "../go-quote.ts";
import { apiVersionOfKind, type KindDefinition, listKind, readKind } from "../kinds/index.ts";
import { convertFieldSelector, matchesFields, parseFieldSelector, selectableFields } from "../kubectl/field-selector.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { resourceTypes } from "../kubectl/resources.ts";
import { parseSelector } from "../kubectl/selector.ts";
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, findGroupVersion } from "./discovery.ts";
import { hasScale, scaleOf } from "./scale.ts";
import { type IncludeObject, tableOf } from "./table.ts";

export interface KubeApiRequest {
  method: string;
  /** The path below the API's base (`/api/v1/namespaces/default/pods`), not decoded. */
  path: string;
  query: Readonly<Record<string, string>>;
  /** The Accept header ("" when absent). */
  accept: string;
  /** Whether the caller is the session's editor (the edit key as bearer token) or anonymous. */
  canWrite: boolean;
}

export interface KubeApiResponse {
  status: number;
  contentType: string;
  body: string;
  /** Texts of `Warning: 299 - "<text>"` headers (deprecations), which kubectl prints on stderr. */
  warnings?: string[];
}

export const JSON_TYPE = "application/json";
const TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const DISCOVERY_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** The user an API server without credentials calls the request's sender. */
export const ANONYMOUS_USER = "system:anonymous";

const WRITE_VERBS: Readonly<Record<string, string>> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };

/**
 * `now` is the simulated time of the request (engine's simulatedNow): tables print ages from it,
 * as the console's kubectl does, even when nothing in the cluster changed since its last write.
 */
export function serveKubeApi(stored: ClusterState, request: KubeApiRequest, now: number = stored.now): KubeApiResponse {
  // Reads see the cluster at the request's time, as a console command's reconcile does.
  const cluster = now > stored.now ? { ...stored, now } : stored;
  const method = request.method.toUpperCase();
  const path = pathSegments(request.path);
  if (path === undefined) return notFoundPath();
  const isRead = method === "GET" || method === "HEAD";

  // Non-resource URLs.
  if (path.length === 1 && path[0] === "version") return isRead ? json(serverVersion(cluster.config.kubernetesVersion)) : notAllowed();
  if (path.length === 1 && (path[0] === "api" || path[0] === "apis")) {
    if (!isRead) return notAllowed();
    if (acceptsAggregated(request.accept)) return { status: 200, contentType: DISCOVERY_TYPE, body: JSON.stringify(aggregatedDiscovery(cluster, path[0] === "api")) };
    return json(path[0] === "api" ? apiVersions() : apiGroupList(cluster));
  }

  // The OpenAPI documents kubectl explain and client-side validation read.
  if (path[0] === "openapi") {
    if (!isRead) return notAllowed();
    if (path.length === 2 && path[1] === "v2") {
      // kubectl asks for the protobuf encoding only; this server writes the document as JSON.
      if (!acceptsJson(request.accept)) return status(406, "NotAcceptable", "only the following media types are accepted: application/json");
      return { status: 200, contentType: JSON_TYPE, body: servedV2Document() };
    }
    if (path.length === 2 && path[1] === "v3") return json(openApiV3Index());
    const served = path[1] === "v3" ? servedV3Document(path.slice(2).join("/")) : undefined;
    return served ? { status: 200, contentType: JSON_TYPE, body: served.body } : notFoundPath();
  }

  const target = resolveResource(path, cluster);
  if ("status" in target) return target;
  if (target.kind === "groupVersion") return isRead ? json(apiResourceList(target.gv)) : notAllowed();
  const { def, namespace, name } = target;
  if (target.subresource === "log" && def.kind === "Pod" && namespace !== undefined && name !== undefined) {
    return isRead ? podLogResponse(cluster, namespace, name, request.query) : notAllowed();
  }
  if (target.subresource === "scale" && hasScale(def) && name !== undefined) return serveScale(cluster, request, def, namespace, name);
  if (target.subresource !== undefined) return notFoundPath();
  const answer = serveResource(cluster, request, def, namespace, name);
  return def.deprecationWarning === undefined ? answer : { ...answer, warnings: [def.deprecationWarning] };
}

export type ResolvedPath =
  | { kind: "groupVersion"; gv: NonNullable<ReturnType<typeof findGroupVersion>> }
  | { kind: "resource"; def: KindDefinition; namespace: string | undefined; name: string | undefined; subresource: string | undefined };

/** Splits a request path into its segments, decoded; undefined when one is not valid percent-encoding. */
export function pathSegments(path: string): string[] | undefined {
  const segments = path.split("/").filter((s) => s !== "").map(safeDecode);
  return segments.some((s) => s === undefined) ? undefined : (segments as string[]);
}

/** `/api/v1/namespaces/<ns>/<resource>[/<name>[/<subresource>]]` and the `/apis/<group>/<version>/...` forms. */
/** `state`: the cluster whose CRDs decide which custom kinds exist (undefined: every registered kind). */
export function resolveResource(path: readonly string[], state: ClusterState | undefined): ResolvedPath | KubeApiResponse {
  let group: string;
  let version: string;
  let rest: string[];
  if (path[0] === "api" && path.length >= 2) [group, version, rest] = ["", path[1], path.slice(2)];
  else if (path[0] === "apis" && path.length >= 3) [group, version, rest] = [path[1], path[2], path.slice(3)];
  else return notFoundPath();
  const gv = findGroupVersion(state, group, version);
  if (!gv) return notFoundPath();
  if (rest.length === 0) return { kind: "groupVersion", gv };

  // namespaces/<ns>/<resource>[/<name>] or <resource>[/<name>] (namespaces/<name> is the Namespace).
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = gv.kinds.find((k) => k.plural === rest[0]);
  if (!def || rest.length > 3 || (namespace !== undefined && !def.namespaced)) return notFoundPath();
  const name = rest[1];
  if (name === "") return notFoundPath();
  return { kind: "resource", def, namespace, name, subresource: rest[2] };
}

function serveResource(cluster: ClusterState, request: KubeApiRequest, def: KindDefinition, namespace: string | undefined, name: string | undefined): KubeApiResponse {
  const method = request.method.toUpperCase();
  const isRead = method === "GET" || method === "HEAD";

  if (!isRead) {
    const verb = WRITE_VERBS[method];
    if (verb === undefined) return notAllowed();
    if (!request.canWrite) return forbidden(def, method === "DELETE" && name === undefined ? "deletecollection" : verb, namespace, name);
    // Writes are the API's next step; until then the server does not offer them.
    return notAllowed();
  }
  if (request.query.watch === "1" || request.query.watch === "true") return notAllowed();

  const table = tableRequested(request.accept);
  const include = includeObject(request.query.includeObject);
  if (typeof include !== "string") return include;
  const resourceVersion = String(cluster.resourceVersion);

  if (name !== undefined) {
    const object = readKind(cluster, def, namespace, name);
    if (!object) return objectNotFound(def, name);
    if (table) return { status: 200, contentType: TABLE_TYPE, body: JSON.stringify(tableOf(def, [object], cluster.now, include, resourceVersion)) };
    return json({ ...object, apiVersion: apiVersionOfKind(def), kind: def.kind });
  }

  const listed = list(cluster, def, namespace, request.query);
  if ("status" in listed) return listed;
  const { items, metadata } = listed;
  if (table) {
    const built = tableOf(def, items, cluster.now, include, resourceVersion) as { metadata: Record<string, unknown> };
    built.metadata = { ...built.metadata, ...metadata };
    return { status: 200, contentType: TABLE_TYPE, body: JSON.stringify(built) };
  }
  return json({ kind: `${def.kind}List`, apiVersion: apiVersionOfKind(def), metadata: { resourceVersion, ...metadata }, items });
}

/** GET of .../NAME/scale (writes are the editor's, in writes.ts): the object's autoscaling/v1 Scale. */
function serveScale(cluster: ClusterState, request: KubeApiRequest, def: KindDefinition, namespace: string | undefined, name: string): KubeApiResponse {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") {
    const verb = method === "PUT" ? "update" : method === "PATCH" ? "patch" : undefined;
    if (verb === undefined || request.canWrite) return notAllowed();
    return forbidden(def, verb, namespace, name, `${def.plural}/scale`);
  }
  const object = readKind(cluster, def, namespace, name);
  return object ? json(scaleOf(object)) : objectNotFound(def, name);
}

/** Query parameters of pods/log as PodLogOptions (the parameter codec's errors for bad numbers and booleans). */
export function podLogOptions(name: string, query: Readonly<Record<string, string>>): PodLogOptions | KubeApiResponse {
  let tailLines: number | undefined;
  if (query.tailLines !== undefined && query.tailLines !== "") {
    tailLines = Number(query.tailLines);
    if (!/^-?[0-9]+$/.test(query.tailLines) || !Number.isSafeInteger(tailLines)) return status(400, "BadRequest", `strconv.ParseInt: parsing ${JSON.stringify(query.tailLines)}: invalid syntax`);
  }
  const previous = query.previous === undefined || query.previous === "" ? false : parseBool(query.previous);
  if (previous === undefined) return status(400, "BadRequest", `strconv.ParseBool: parsing ${JSON.stringify(query.previous)}: invalid syntax`);
  const timestamps = query.timestamps === undefined || query.timestamps === "" ? false : parseBool(query.timestamps);
  if (timestamps === undefined) return status(400, "BadRequest", `strconv.ParseBool: parsing ${JSON.stringify(query.timestamps)}: invalid syntax`);
  const sinceSeconds = int64Param(query.sinceSeconds);
  if (typeof sinceSeconds === "object") return sinceSeconds;
  const limitBytes = int64Param(query.limitBytes);
  if (typeof limitBytes === "object") return limitBytes;
  let sinceTime: number | undefined;
  if (query.sinceTime !== undefined && query.sinceTime !== "") {
    // metav1.Time's query form: time.Parse(time.RFC3339, ...), kept to the second.
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(query.sinceTime);
    const at = rfc3339 ? Date.parse(query.sinceTime) : Number.NaN;
    if (Number.isNaN(at)) return status(400, "BadRequest", `parsing time ${JSON.stringify(query.sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(query.sinceTime)} as "2006"`);
    sinceTime = Math.floor(at / 1000) * 1000;
  }
  // validation.ValidatePodLogOptions, every error at once.
  const errors: string[] = [];
  if (tailLines !== undefined && tailLines < 0) errors.push(`tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`);
  if (limitBytes !== undefined && limitBytes < 1) errors.push(`limitBytes: Invalid value: ${limitBytes}: must be greater than 0`);
  if (sinceSeconds !== undefined && sinceTime !== undefined) errors.push(": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
  else if (sinceSeconds !== undefined && sinceSeconds < 1) errors.push(`sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`);
  if (errors.length > 0) return status(422, "Invalid", `PodLogOptions ${goQuote(name)} is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`}`);
  const options: PodLogOptions = { container: query.container, previous, tailLines, timestamps };
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  if (sinceTime !== undefined) options.since = sinceTime;
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  return options;
}

/** An int64 query parameter (the parameter codec's strconv.ParseInt error), undefined when absent. */
function int64Param(value: string | undefined): number | undefined | KubeApiResponse {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!/^[+-]?[0-9]+$/.test(value) || !Number.isSafeInteger(n)) return status(400, "BadRequest", `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return n;
}

function parseBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** A `follow=true` read of pods/NAME/log: the DO streams it (what it has, then each new line). */
export function isLogFollow(path: string, query: Readonly<Record<string, string>>): boolean {
  if (query.follow === undefined || parseBool(query.follow) !== true) return false;
  const segments = pathSegments(path);
  const resolved = segments === undefined ? undefined : resolveResource(segments, undefined);
  return resolved !== undefined && !("status" in resolved) && resolved.kind === "resource" && resolved.def.kind === "Pod" && resolved.subresource === "log" && resolved.name !== undefined && resolved.namespace !== undefined;
}

/** GET pods/NAME/log: the container's log as text/plain, or the API server's Status. */
export function podLogResponse(cluster: ClusterState, namespace: string, name: string, query: Readonly<Record<string, string>>): KubeApiResponse & { container?: string } {
  const options = podLogOptions(name, query);
  if ("status" in options) return options;
  const log = readPodLog(cluster, namespace, name, options);
  if (!log.ok) return status(log.code, log.reason, log.message, log.code === 404 ? { name, kind: "pods" } : undefined);
  return { status: 200, contentType: "text/plain", body: log.text, container: log.container };
}

/** LIST with labelSelector, fieldSelector and limit/continue, in the API server's order. */
export function list(cluster: ClusterState, def: KindDefinition, namespace: string | undefined, query: Readonly<Record<string, string>>): { items: AnyObject[]; metadata: Record<string, unknown> } | KubeApiResponse {
  let items = listKind(cluster, def, namespace);
  if (query.labelSelector) {
    const parsed = parseSelector(query.labelSelector);
    if (!parsed.ok) return status(400, "BadRequest", parsed.error);
    items = items.filter((o) => matchesRequirements(o.metadata.labels, parsed.requirements));
  }
  if (query.fieldSelector) {
    const type = resourceTypes.find((t) => t.def === def)!;
    const parsed = parseFieldSelector(query.fieldSelector);
    const converted = parsed.ok ? convertFieldSelector(type, parsed.requirements) : parsed;
    if (!converted.ok) return status(400, "BadRequest", converted.error);
    items = items.filter((o) => matchesFields(selectableFields(type, o), converted.requirements));
  }
  let start = 0;
  if (query.continue) {
    const token = decodeContinue(query.continue);
    if (token === undefined) return status(400, "BadRequest", "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    // The next page starts after the last key the previous page returned, whatever changed since.
    start = items.findIndex((o) => objectKey(o) > token);
    if (start < 0) start = items.length;
  }
  const limit = query.limit === undefined ? 0 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 0) return status(400, "BadRequest", `strconv.ParseInt: parsing ${goQuote(query.limit ?? "")}: invalid syntax`);
  const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
  const page = items.slice(start, end);
  const metadata: Record<string, unknown> = {};
  if (end < items.length) {
    metadata.continue = encodeContinue(objectKey(page[page.length - 1]));
    metadata.remainingItemCount = items.length - end;
  }
  return { items: page, metadata };
}

function objectKey(object: AnyObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

function encodeContinue(key: string): string {
  return encodeBase64(JSON.stringify({ v: "meta.k8s.io/v1", start: key }));
}

function decodeContinue(token: string): string | undefined {
  try {
    const decoded = decodeBase64Bytes(token);
    if (!decoded.ok) return undefined;
    const value = JSON.parse(utf8Text(decoded.bytes)) as { v?: unknown; start?: unknown };
    return value.v === "meta.k8s.io/v1" && typeof value.start === "string" ? value.start : undefined;
  } catch {
    return undefined;
  }
}

/** Media types of an Accept header, with their parameters. */
function acceptedTypes(accept: string): Array<{ type: string; params: Record<string, string> }> {
  return accept.split(",").map((part) => {
    const [type, ...params] = part.split(";").map((p) => p.trim());
    const record: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf("=");
      if (eq > 0) record[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
    }
    return { type: type.toLowerCase(), params: record };
  });
}

/** kubectl asks for tables first; a client that lists application/json before it prefers JSON. */
export function tableRequested(accept: string): boolean {
  for (const t of acceptedTypes(accept)) {
    if (t.type === JSON_TYPE && t.params.as === "Table" && t.params.g === "meta.k8s.io" && (t.params.v === "v1" || t.params.v === "v1beta1")) return true;
    if (t.type === JSON_TYPE && t.params.as === undefined) return false;
  }
  return false;
}

/** Whether JSON is among what the client accepts (no Accept header accepts anything). */
function acceptsJson(accept: string): boolean {
  if (accept.trim() === "") return true;
  return acceptedTypes(accept).some((t) => t.type === JSON_TYPE || t.type === "application/*" || t.type === "*/*");
}

function acceptsAggregated(accept: string): boolean {
  for (const t of acceptedTypes(accept)) {
    if (t.type === JSON_TYPE && t.params.as === "APIGroupDiscoveryList" && t.params.g === "apidiscovery.k8s.io" && t.params.v === "v2") return true;
    if (t.type === JSON_TYPE && t.params.as === undefined) return false;
  }
  return false;
}

export function includeObject(value: string | undefined): IncludeObject | KubeApiResponse {
  if (value === undefined || value === "") return "Metadata";
  if (value === "None" || value === "Metadata" || value === "Object") return value;
  return status(400, "BadRequest", `Unsupported value: ${goQuote(value)}: supported values: "Metadata", "None", "Object"`);
}

export function json(value: unknown, code = 200): KubeApiResponse {
  return { status: code, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

/** A metav1.Status failure, as the API server writes it. */
export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): KubeApiResponse {
  const body: Record<string, unknown> = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason };
  if (details !== undefined) body.details = details;
  body.code = code;
  return json(body, code);
}

export function notFoundPath(): KubeApiResponse {
  return status(404, "NotFound", "the server could not find the requested resource", {});
}

export function notAllowed(): KubeApiResponse {
  return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
}

export function qualified(def: KindDefinition): string {
  return def.group === "" ? def.plural : `${def.plural}.${def.group}`;
}

export function details(def: KindDefinition, name: string | undefined): Record<string, unknown> {
  return { ...(name === undefined ? {} : { name }), ...(def.group === "" ? {} : { group: def.group }), kind: def.plural };
}

export function objectNotFound(def: KindDefinition, name: string): KubeApiResponse {
  return status(404, "NotFound", `${qualified(def)} ${goQuote(name)} not found`, details(def, name));
}

/** The RBAC authorizer's refusal (apiserver endpoints/handlers/responsewriters.forbiddenMessage). */
function forbidden(def: KindDefinition, verb: string, namespace: string | undefined, name: string | undefined, resource = def.plural): KubeApiResponse {
  const subject = name === undefined ? qualified(def) : `${qualified(def)} ${goQuote(name)}`;
  const scope = namespace === undefined ? "at the cluster scope" : `in the namespace ${goQuote(namespace)}`;
  const message = `${subject} is forbidden: User ${goQuote(ANONYMOUS_USER)} cannot ${verb} resource ${goQuote(resource)} in API group ${goQuote(def.group)} ${scope}`;
  return status(403, "Forbidden", message, details(def, name));
}

/** The API server's answer to a token it does not know. */
export function unauthorized(): KubeApiResponse {
  return status(401, "Unauthorized", "Unauthorized");
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
