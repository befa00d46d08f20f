// What may write to the API from a browser: only this site's own pages, with a body type that a
// cross-site <form> or a CORS-"simple" fetch cannot send. Browsers send an Origin header with every
// POST/PUT/PATCH/DELETE (and with every cross-origin fetch), so a foreign Origin is refused (403);
// and a write whose body is text/plain, form data or untyped is refused (415), which also stops
// older browsers that omit Origin, since those are the only body types such a request can carry
// without a CORS preflight (which this API never answers). Clients outside a browser (curl,
// scripts) send no Origin and are unaffected as long as they name their body's type.
//
// Each route's policy is one row of WRITE_POLICIES, so a route with other body types (the future
// Kubernetes API under /api/sessions/:id/k8s, which takes merge-patch+json, apply-patch+yaml, ...)
// opts in with a row of its own instead of a special case in the code.

import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

export const JSON_TYPES = ["application/json"] as const;
/** The types a lesson file may be sent as; text/plain is not one: a cross-site form can send it. */
export const LESSON_TYPES = ["application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"] as const;

/** What the API server takes as request bodies (JSON, YAML and the patch types kubectl sends). */
export const KUBE_API_TYPES = [
  "application/json",
  "application/yaml",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/json-patch+json",
  "application/apply-patch+yaml",
  // Typed clients (kubectl create deployment, drain's deletes) send protobuf (worker/sim/api/protobuf.ts).
  "application/vnd.kubernetes.protobuf",
] as const;

export interface WritePolicy {
  /** The request paths the row covers (the first matching row applies). */
  path: RegExp;
  /** The body media types accepted (without parameters); "any" for a front door to a simulated app. */
  accepts: readonly string[] | "any";
  /**
   * Which methods must come from this site when they carry an Origin: "writes" (POST, PUT,
   * PATCH, DELETE) or "all" (also GET/HEAD and WebSocket upgrades).
   */
  sameOrigin: "writes" | "all";
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const WRITE_POLICIES: readonly WritePolicy[] = [
  // The proxy is a real HTTP server's front door: any body type a browser or curl sends is the
  // simulated app's business. It needs no key, but nothing outside this site has a reason to drive
  // it: the page calls it same-origin, the app pages it serves are sandboxed without scripts, and
  // navigations carry no Origin. A foreign (or sandboxed, "null") Origin can only be a page making
  // its visitors drive someone's session (its access log, its lesson steps, its proxy bucket),
  // so any method from one is refused.
  { path: /^\/api\/sessions\/[^/]+\/proxy(\/|$)/, accepts: "any", sameOrigin: "all" },
  // The live socket: the page opens it same-origin; a foreign page holding its visitors' sockets
  // open would only use up the session's socket allowance.
  { path: /^\/api\/sessions\/[^/]+\/live$/, accepts: JSON_TYPES, sameOrigin: "all" },
  // The Kubernetes API: clients outside a browser (kubectl, client libraries) send no Origin; no
  // page but this site's has a reason to drive it. Its bodies are the API server's media types.
  { path: /^\/api\/sessions\/[^/]+(\/clusters\/[^/]+)?\/k8s(\/|$)/, accepts: KUBE_API_TYPES, sameOrigin: "all" },
  // The board's live socket, like a session's: only this site's board page has a reason to open it.
  { path: /^\/api\/classes\/[^/]+\/live$/, accepts: JSON_TYPES, sameOrigin: "all" },
  { path: /^\/api\/lessons\/?$/, accepts: LESSON_TYPES, sameOrigin: "writes" },
  // Everything else under /api takes JSON.
  { path: /^\/api(\/|$)/, accepts: JSON_TYPES, sameOrigin: "writes" },
];

/** The policy for a path, or undefined outside the API. */
export function writePolicyFor(path: string, policies: readonly WritePolicy[] = WRITE_POLICIES): WritePolicy | undefined {
  return policies.find((policy) => policy.path.test(path));
}

export function writeGuard(policies: readonly WritePolicy[] = WRITE_POLICIES): MiddlewareHandler {
  return async (c, next) => {
    const policy = writePolicyFor(c.req.path, policies);
    if (policy) checkRequest(c.req.raw, policy);
    await next();
  };
}

export function checkRequest(request: Request, policy: WritePolicy): void {
  const method = request.method.toUpperCase();
  const isWrite = WRITE_METHODS.has(method);
  const origin = request.headers.get("Origin");
  if (origin !== null && (isWrite || policy.sameOrigin === "all") && origin !== new URL(request.url).origin) {
    throw new ApiError(403, "forbidden_origin", `Requests from ${origin.slice(0, 200)} may not do this: only this site's own pages may (clients outside a browser send no Origin).`);
  }
  if (!isWrite || policy.accepts === "any") return;
  const type = mediaType(request.headers.get("Content-Type"));
  if (type === undefined) {
    // No body, no type: nothing to misread (POST /api/sessions with no body is {}).
    if (!hasBody(request)) return;
    throw unsupported(policy.accepts, "no Content-Type");
  }
  if (!policy.accepts.includes(type)) throw unsupported(policy.accepts, type);
}

/** "Application/JSON; charset=utf-8" -> "application/json"; undefined when absent or blank. */
export function mediaType(header: string | null): string | undefined {
  const type = header?.split(";", 1)[0].trim().toLowerCase();
  return type ? type : undefined;
}

function hasBody(request: Request): boolean {
  const length = request.headers.get("Content-Length");
  if (length !== null) return Number(length) !== 0;
  return request.body !== null;
}

function unsupported(accepts: readonly string[], got: string): ApiError {
  return new ApiError(415, "unsupported_media_type", `This endpoint takes ${accepts.join(", ")} (Content-Type header); got ${got.slice(0, 100)}.`);
}
