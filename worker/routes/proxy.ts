// ANY /api/sessions/:id/proxy/<host>:<port>/<path>: a real HTTP request from the outside world,
// routed through the simulated cluster from the workstation's place. The app's answer comes back
// as it is (status, headers, body); a request that goes nowhere is a 504 (timed out) or a 502
// (refused, not resolved, not HTTP) with a plain explanation. X-Route-Trace carries the route.

import { Hono } from "hono";
import { readBodyText } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { sessionStub, unwrap } from "../http/stubs.ts";

export const proxy = new Hono<{ Bindings: Env }>();

const PROXY_PATH = /^\/api\/sessions\/([^/]+)\/proxy\/([^/]*)(\/.*)?$/;
const TARGET = /^([A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):([0-9]{1,5})$/;

/** Request headers that belong to this site or its visitor, not to the simulated app. */
const DROPPED_REQUEST_HEADERS = /^(cookie|authorization|host|connection|keep-alive|upgrade|te|trailer|transfer-encoding|content-length|x-forwarded-.*|x-real-ip|true-client-ip|cf-.*|cdn-loop)$/i;
/** Response headers the Worker decides itself. */
const DROPPED_RESPONSE_HEADERS = /^(set-cookie|set-cookie2|content-security-policy|content-length|transfer-encoding|connection)$/i;

proxy.all("/*", async (c) => {
  const url = new URL(c.req.url);
  const match = PROXY_PATH.exec(url.pathname);
  if (!match) throw new ApiError(404, "not_found", "No such API endpoint.");
  const stub = sessionStub(c.env, match[1]);
  const target = TARGET.exec(safeDecode(match[2]));
  const port = target ? Number(target[3]) : 0;
  if (!target || port < 1 || port > 65535) {
    throw new ApiError(400, "bad_request", "The proxy path must be /proxy/<host>:<port>/<path>, e.g. /proxy/192.168.56.11:30080/.");
  }
  const method = c.req.method.toUpperCase();
  if (match[3] === undefined && (method === "GET" || method === "HEAD")) {
    // Relative links in the app's page resolve against a directory, as in a browser tab on the app.
    return c.redirect(`${url.pathname}/${url.search}`, 308);
  }
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    if (!DROPPED_REQUEST_HEADERS.test(name)) headers[name.toLowerCase()] = value;
  });
  headers.host = `${target[1]}:${port}`;
  const body = method === "GET" || method === "HEAD" ? undefined : await readBodyText(c.req.raw);
  const answer = unwrap(
    await stub.proxy({ host: target[1], port, method, path: `${match[3] ?? "/"}${url.search}`, headers, ...(body === undefined ? {} : { body }) }),
  );
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (DROPPED_RESPONSE_HEADERS.test(name)) continue;
    try {
      responseHeaders.set(name, value);
    } catch {
      // A header the simulated app wrote that HTTP cannot carry is dropped, not a 500.
    }
  }
  responseHeaders.set("X-Route-Trace", asciiJson(answer.trace));
  responseHeaders.set("Cache-Control", "no-store");
  const nullBody = method === "HEAD" || answer.status === 204 || answer.status === 304;
  return new Response(nullBody ? null : answer.body, { status: answer.status, headers: responseHeaders });
});

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
}

/** JSON with every non-ASCII character escaped, as header values must be ASCII. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
