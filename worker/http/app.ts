// The Hono app: thin routes in front of the Durable Objects, one error funnel, security headers on
// every response, and the built page (dist/web) for everything that is not the API.

import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { classes } from "../routes/classes.ts";
import { lessons } from "../routes/lessons.ts";
import { exams } from "../routes/exams.ts";
import { k8s } from "../routes/k8s.ts";
import { proxy } from "../routes/proxy.ts";
import { sessions } from "../routes/sessions.ts";
import { snapshots } from "../routes/snapshots.ts";
import { drainBody } from "./body.ts";
import { ApiError, errorResponse } from "./errors.ts";
import { holdRefusal, refusalKey } from "./refusal-hold.ts";
import { responseKind, withSecurityHeaders } from "./security-headers.ts";
import { writeGuard } from "./write-guard.ts";

export const app = new Hono<{ Bindings: Env }>();

app.use("*", async (c, next) => {
  await next();
  const secured = withSecurityHeaders(c.res, responseKind(c.req.path));
  // Hono's setter copies the response again; only a copied (immutable) one needs it.
  if (secured !== c.res) c.res = secured;
});

// Writes only from this site's pages, with a body type a cross-site form cannot send.
app.use("/api/*", writeGuard());

app.get("/healthz", (c) => c.json({ status: "ok" }));

app.route("/api/sessions/:id/proxy", proxy);
app.route("/api/sessions/:id/k8s", k8s);
app.route("/api/sessions/:id/clusters/:cluster/k8s", k8s);
app.route("/api/sessions", sessions);
app.route("/api/snapshots", snapshots);
app.route("/api/lessons", lessons);
app.route("/api/exams", exams);
app.route("/api/classes", classes);

app.all("/api/*", () => {
  throw new ApiError(404, "not_found", "No such API endpoint.");
});
app.all("/healthz", () => {
  throw new ApiError(405, "method_not_allowed", "Use GET.");
});

// The page: the static-assets binding answers (index.html for app routes such as /s/<id>).
app.all("*", (c) => c.env.ASSETS.fetch(c.req.raw));

app.notFound(() => errorResponse(404, "not_found", "No such endpoint."));

app.onError(async (error, c) => {
  await drainBody(c.req.raw);
  if (error instanceof ApiError) {
    if (error.status === 429) await holdRefusal(refusalKey(c.req.raw), (error.retryAfterSeconds ?? 1) * 1000);
    return errorResponse(error.status, error.code, error.message, error.retryAfterSeconds, error.details);
  }
  if (error instanceof HTTPException && error.status < 500) return errorResponse(error.status, "bad_request", error.message);
  // Durable Objects can be momentarily overloaded or reset; those are worth a retry.
  const retryable = typeof error === "object" && error !== null && ("overloaded" in error || "retryable" in error);
  if (retryable) return errorResponse(503, "unavailable", "The session is busy; retry in a moment.", 1);
  console.error("unhandled error", error instanceof Error ? error.stack : String(error));
  return errorResponse(500, "internal", "Something went wrong on the server; the request may not have been applied.");
});
