// /api/sessions/:id/k8s/...: the session as a Kubernetes API server (worker/sim/api/server.ts), and
// /api/sessions/:id/kubeconfig, the file that points a learner's own kubectl at it. The Worker
// only carries the request to the session and its answer back; the session decides everything.

import { Hono } from "hono";
import { sessionStub } from "../http/stubs.ts";
import { contextName, playgroundKubeconfig } from "../sim/api/kubeconfig.ts";
import { isLogFollow, type KubeApiResponse } from "../sim/api/server.ts";
import { isWatch } from "../sim/api/watch.ts";
import { execTarget } from "../sim/api/exec.ts";
import type { Failure } from "../session/outcome.ts";

export const k8s = new Hono<{ Bindings: Env }>();

/** The largest request body the API takes (the limit; the real API server's is 3 MB). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * /api/sessions/:id/k8s serves the cluster of the session's current context; in a session with
 * several clusters /api/sessions/:id/clusters/:name/k8s serves that one whatever the context (the
 * kubeconfig's server per cluster).
 */
const K8S_PATH = /^\/api\/sessions\/([^/]+)(?:\/clusters\/([^/]+))?\/k8s(\/.*)?$/;

k8s.all("/*", async (c) => {
  const url = new URL(c.req.url);
  const match = K8S_PATH.exec(url.pathname);
  const id = match?.[1] ?? "";
  const stub = sessionStub(c.env, id);
  const cluster = match?.[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const query: Record<string, string> = {};
  // A repeated parameter counts once, as the first value (as Go's url.Values.Get reads it).
  for (const [name, value] of url.searchParams) if (!Object.hasOwn(query, name)) query[name] = value;
  // pods/exec and pods/attach: the session answers the upgrade itself and holds the stream.
  if (execTarget(match?.[3] ?? "/")) {
    const headers = new Headers();
    for (const name of ["Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Authorization"]) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    headers.set("X-Kube-Path", match?.[3] ?? "/");
    // The query as sent: command= repeats, once per word.
    headers.set("X-Kube-Query", url.search);
    if (cluster !== undefined) headers.set("X-Kube-Cluster", cluster);
    return stub.fetch(new Request("https://session/k8s-exec", { method: c.req.method, headers }));
  }
  // A protobuf body is binary: carried as bytes, which text would mangle.
  const binary = (c.req.header("Content-Type") ?? "").split(";")[0].trim().toLowerCase() === "application/vnd.kubernetes.protobuf";
  const reads = c.req.method !== "GET" && c.req.method !== "HEAD";
  const bytes = reads && binary ? new Uint8Array(await c.req.arrayBuffer()) : undefined;
  const body = reads && !binary ? await c.req.text() : "";
  if ((bytes?.byteLength ?? new TextEncoder().encode(body).byteLength) > MAX_BODY_BYTES) {
    return respond(c.req.method, { status: 413, contentType: "application/json", body: JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Request entity too large: limit is ${MAX_BODY_BYTES}`, reason: "RequestEntityTooLarge", code: 413 }) });
  }
  const request = {
    method: c.req.method,
    path: match?.[3] ?? "/",
    query,
    accept: c.req.header("Accept") ?? "",
    body,
    ...(bytes === undefined ? {} : { bytes }),
    contentType: c.req.header("Content-Type") ?? "",
    userAgent: c.req.header("User-Agent") ?? "",
  };
  const token = bearerToken(c.req.header("Authorization"));
  const follow = c.req.method === "GET" && isLogFollow(request.path, query);
  if (follow || (c.req.method === "GET" && isWatch(request.path, query))) {
    const watched = follow ? await stub.kubeLogFollow(token, request, cluster) : await stub.kubeWatch(token, request, cluster);
    if (!watched.ok) return respond(c.req.method, failureStatus(watched as Failure), (watched as Failure).retryAfterSeconds);
    const { response, stream, watchId } = watched.value;
    if (!stream) return respond(c.req.method, response);
    // Events go out as they happen: compressed (Cloudflare's front line, and Miniflare after it,
    // gzip JSON for clients that accept it) they would wait in the compressor's buffer. A body that
    // names its encoding is left alone, as the API server leaves its watches uncompressed.
    const headers = new Headers({ "Content-Type": response.contentType, "Cache-Control": "no-store, no-transform", "Content-Encoding": "identity" });
    for (const warning of response.warnings ?? []) headers.append("Warning", `299 - ${JSON.stringify(warning)}`);
    // The client went away (request.signal fires when a write to it fails): the object frees the watch's place.
    if (watchId !== undefined) {
      const signal = c.req.raw.signal;
      const close = () => c.executionCtx.waitUntil(stub.closeKubeWatch(watchId).catch(() => undefined));
      if (signal.aborted) close();
      else signal.addEventListener("abort", close, { once: true });
    }
    // Piped here rather than handed on whole, so that the write that finds the client gone fails in this request.
    return new Response((stream as ReadableStream<Uint8Array>).pipeThrough(new TransformStream<Uint8Array, Uint8Array>()), { status: 200, headers });
  }
  const outcome = await stub.kubeApi(token, request, cluster);
  const answer: KubeApiResponse = outcome.ok ? outcome.value : failureStatus(outcome as Failure);
  return respond(c.req.method, answer, outcome.ok ? undefined : (outcome as Failure).retryAfterSeconds);
});

function respond(method: string, answer: KubeApiResponse, retryAfterSeconds?: number): Response {
  const headers: Record<string, string> = { "Content-Type": answer.contentType, "Cache-Control": "no-store" };
  const headerList: Array<[string, string]> = [];
  // The API server's form (RFC 7234 warn-code 299, agent "-"); kubectl prints "Warning: <text>".
  for (const warning of answer.warnings ?? []) headerList.push(["Warning", `299 - ${JSON.stringify(warning)}`]);
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  const response = new Response(method === "HEAD" ? null : answer.body, { status: answer.status, headers });
  for (const [name, value] of headerList) response.headers.append(name, value);
  return response;
}

/** The session's refusals (unknown session, too many requests) as the API server's Status objects. */
function failureStatus(failed: Failure): KubeApiResponse {
  const reasons: Record<number, string> = { 404: "NotFound", 429: "TooManyRequests", 503: "ServiceUnavailable", 403: "Forbidden", 400: "BadRequest" };
  const body: Record<string, unknown> = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: failed.message, reason: reasons[failed.status] ?? "InternalError" };
  if (failed.retryAfterSeconds !== undefined) body.details = { retryAfterSeconds: failed.retryAfterSeconds };
  body.code = failed.status;
  return { status: failed.status, contentType: "application/json", body: JSON.stringify(body) };
}

/** GET /api/sessions/:id/kubeconfig: the editor's (with the key) or a read-only one. */
export async function kubeconfigResponse(env: Env, id: string, requestUrl: string, authorization: string | undefined, forwardedProto?: string): Promise<Response> {
  const stub = sessionStub(env, id);
  const token = bearerToken(authorization);
  const checked = await stub.checkKey(token);
  if (!checked.ok) {
    const failed = checked as Failure;
    return Response.json({ error: { code: failed.code, message: failed.message } }, { status: failed.status });
  }
  const url = new URL(requestUrl);
  // npm start's https address (scripts/https-front.ts) passes requests on over plain http to
  // loopback and says so; only a plain-http loopback request can be one of those (on Cloudflare the
  // Worker sees https already), so the header cannot make a deployment's kubeconfig skip TLS checks.
  const viaLocalTls = url.protocol === "http:" && forwardedProto === "https" && isLoopback(url.hostname);
  const origin = viaLocalTls ? `https://${url.host}` : url.origin;
  const clusters = checked.value.clusters;
  const body = playgroundKubeconfig({ origin, sessionId: id, ...(token === undefined ? {} : { token }), ...(viaLocalTls ? { selfSigned: true } : {}), ...(clusters ? { clusters } : {}) });
  return new Response(body, {
    headers: {
      "Content-Type": "application/yaml; charset=utf-8",
      "Content-Disposition": `attachment; filename="${contextName(id)}${token === undefined ? "-read-only" : ""}.kubeconfig"`,
      "Cache-Control": "no-store",
    },
  });
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : undefined;
}
