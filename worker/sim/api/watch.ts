// Watches of the session's Kubernetes API (`?watch=1`): the API server's stream of WatchEvents, one
// JSON object a line. The Durable Object holds the open streams; this decides, from two states of
// the cluster, which events a watch sees (ADDED, MODIFIED, DELETED, by resourceVersion), and what
// each event carries: the object, or with kubectl's Accept a meta.k8s.io Table of its one row.

import type { ClusterState } from "../cluster/types.ts";
import { apiVersionOfKind, type KindDefinition } from "../kinds/index.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { includeObject, type KubeApiRequest, type KubeApiResponse, list, pathSegments, resolveResource, status, tableRequested } from "./server.ts";
import { type IncludeObject, tableOf } from "./table.ts";

/** What one watch selects and how it wants its events. */
export interface WatchSpec {
  def: KindDefinition;
  namespace: string | undefined;
  /** labelSelector and fieldSelector, as LIST takes them. */
  query: Readonly<Record<string, string>>;
  table: boolean;
  include: IncludeObject;
  bookmarks: boolean;
  /** Seconds the server keeps the watch open (timeoutSeconds, else the API server's 30 minutes at most). */
  timeoutSeconds: number;
  /** resourceVersion "0" or none: the current objects come first, as ADDED events. */
  sendInitial: boolean;
  /** Otherwise the resourceVersion the client has seen: it gets every change after it. */
  since: number | undefined;
}

/** The objects a watch sees, by namespace/name: their resourceVersion and the object. */
export type WatchView = Map<string, { resourceVersion: string; object: AnyObject }>;

/**
 * A LIST with `watch`: the API server's list handler streams it. A GET of one object ignores the
 * parameter and answers the object (its get handler never looks), so that is not a watch here either.
 */
export function isWatch(path: string, query: Readonly<Record<string, string>>): boolean {
  if (query.watch !== "1" && query.watch !== "true") return false;
  const segments = pathSegments(path);
  if (segments === undefined) return true;
  // Only the path's shape matters here; the watch itself resolves against the cluster.
  const resolved = resolveResource(segments, undefined);
  return "status" in resolved || resolved.kind !== "resource" || resolved.name === undefined;
}

const MAX_TIMEOUT_SECONDS = 1800;

/** The watch a request asks for, or the API server's refusal. */
export function parseWatch(cluster: ClusterState, request: KubeApiRequest): WatchSpec | KubeApiResponse {
  const path = pathSegments(request.path);
  if (path === undefined) return status(404, "NotFound", "the server could not find the requested resource", {});
  const resolved = resolveResource(path, cluster);
  if ("status" in resolved) return resolved;
  if (resolved.kind !== "resource" || resolved.name !== undefined || resolved.subresource !== undefined) {
    return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
  }
  const include = includeObject(request.query.includeObject);
  if (typeof include !== "string") return include;
  // The selectors are checked as a LIST checks them.
  const listed = list(cluster, resolved.def, resolved.namespace, { ...request.query, limit: "0", continue: "" });
  if ("status" in listed) return listed;
  const requested = request.query.timeoutSeconds === undefined ? MAX_TIMEOUT_SECONDS : Number(request.query.timeoutSeconds);
  if (!Number.isInteger(requested) || requested < 0) return status(400, "BadRequest", `strconv.ParseInt: parsing ${JSON.stringify(request.query.timeoutSeconds)}: invalid syntax`);
  const rv = request.query.resourceVersion;
  const sendInitial = rv === undefined || rv === "" || rv === "0";
  const since = sendInitial ? undefined : Number(rv);
  if (since !== undefined && (!/^[0-9]+$/.test(rv!) || !Number.isSafeInteger(since))) {
    // The API server's message for a resourceVersion it cannot parse (storage/api_object_versioner.go).
    return status(400, "BadRequest", `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  }
  return {
    def: resolved.def,
    namespace: resolved.namespace,
    query: { labelSelector: request.query.labelSelector ?? "", fieldSelector: request.query.fieldSelector ?? "" },
    table: tableRequested(request.accept),
    include,
    bookmarks: request.query.allowWatchBookmarks === "true",
    timeoutSeconds: Math.min(requested === 0 ? MAX_TIMEOUT_SECONDS : requested, MAX_TIMEOUT_SECONDS),
    sendInitial,
    since,
  };
}

/**
 * The cluster as it was at resourceVersion `since`, from the states the session has kept (oldest
 * first, the current one last), so a watch from there gets every change after it. Older than the
 * oldest kept: the API server's 410 Expired (its watch cache keeps a window too); newer than the
 * current: its 504 "Too large resource version".
 */
export function clusterAt(history: readonly ClusterState[], since: number): ClusterState | KubeApiResponse {
  const current = history[history.length - 1]!;
  if (since > current.resourceVersion) {
    return status(504, "Timeout", `Too large resource version: ${since}, current: ${current.resourceVersion}`, {
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
      retryAfterSeconds: 1,
    });
  }
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.resourceVersion <= since) return history[i]!;
  return expired(since, history[0]!.resourceVersion);
}

/** The Status a watch from a resourceVersion older than the window gets, as its one ERROR event (cacher's "too old resource version"). */
export function expired(since: number, oldest: number): KubeApiResponse {
  return status(410, "Expired", `too old resource version: ${since} (${oldest})`);
}

/** A Status as a watch's ERROR event: the stream has begun, so the failure is a line of it. */
export function errorLine(response: KubeApiResponse): string {
  return `${JSON.stringify({ type: "ERROR", object: JSON.parse(response.body) })}\n`;
}

/** The objects the watch selects in `cluster`. */
export function watchView(cluster: ClusterState, spec: WatchSpec): WatchView {
  const listed = list(cluster, spec.def, spec.namespace, spec.query);
  const view: WatchView = new Map();
  if ("status" in listed) return view;
  for (const object of listed.items) view.set(`${object.metadata.namespace ?? ""}/${object.metadata.name}`, { resourceVersion: String(object.metadata.resourceVersion), object });
  return view;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: AnyObject;
}

/** What changed between two views, in the order the API server would send it (by key). */
export function watchChanges(before: WatchView, after: WatchView): WatchEvent[] {
  const events: WatchEvent[] = [];
  for (const [key, entry] of after) {
    const old = before.get(key);
    if (!old) events.push({ type: "ADDED", object: entry.object });
    else if (old.resourceVersion !== entry.resourceVersion) events.push({ type: "MODIFIED", object: entry.object });
  }
  for (const [key, entry] of before) if (!after.has(key)) events.push({ type: "DELETED", object: entry.object });
  return events;
}

/**
 * One event as a line of the stream. With a Table, the first event carries the column
 * definitions and later ones only their row, as the API server sends them.
 */
export function eventLine(spec: WatchSpec, event: WatchEvent, now: number, first: boolean): string {
  let object: unknown = { ...event.object, apiVersion: apiVersionOfKind(spec.def), kind: spec.def.kind };
  if (spec.table) {
    const table = tableOf(spec.def, [event.object], now, spec.include, String(event.object.metadata.resourceVersion)) as Record<string, unknown>;
    if (!first) table.columnDefinitions = [];
    object = table;
  }
  return `${JSON.stringify({ type: event.type, object })}\n`;
}

/** A BOOKMARK: the resourceVersion the watch has seen everything up to. */
export function bookmarkLine(spec: WatchSpec, resourceVersion: number): string {
  return `${JSON.stringify({ type: "BOOKMARK", object: { kind: spec.def.kind, apiVersion: apiVersionOfKind(spec.def), metadata: { resourceVersion: String(resourceVersion) } } })}\n`;
}
