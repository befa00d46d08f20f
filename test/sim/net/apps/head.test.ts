// HEAD: every HTTP server the images run answers with what GET would send, minus the body.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { echoserver } from "../../../../worker/sim/net/apps/echoserver.ts";
import { httpEcho } from "../../../../worker/sim/net/apps/http-echo.ts";
import { httpd } from "../../../../worker/sim/net/apps/httpd.ts";
import { nginx } from "../../../../worker/sim/net/apps/nginx.ts";
import { tomcat } from "../../../../worker/sim/net/apps/tomcat.ts";
import type { App, AppRequest } from "../../../../worker/sim/net/apps/types.ts";
import { whoami } from "../../../../worker/sim/net/apps/whoami.ts";
import { byteLength, type HttpResponse } from "../../../../worker/sim/net/http.ts";

/** Servers whose answer does not depend on the method. */
const staticApps: Array<[string, App]> = [
  ["nginx", nginx],
  ["httpd", httpd],
  ["tomcat", tomcat],
  ["http-echo", httpEcho],
];
/** Servers that describe the request they got, its method included. */
const echoApps: Array<[string, App]> = [
  ["whoami", whoami],
  ["echoserver", echoserver],
];
const targets = fc.constantFrom("/", "/index.html", "/50x.html", "/health", "/missing", "/a?b=c");

function ask(app: App, method: string, target: string): HttpResponse {
  const req: AppRequest = {
    request: { method, target, headers: [["Host", "10.0.0.11:30080"], ["User-Agent", "curl/8.5.0"], ["Accept", "*/*"]] },
    client: { ip: "10.244.1.0", port: 41000 },
    local: { ip: "10.244.1.7", port: 80 },
    hostname: "web",
    now: Date.UTC(2026, 0, 1, 0, 0, 5),
    args: ["-text=hi"],
  };
  const { reply } = app(req);
  if (reply.kind !== "http") throw new Error(`${reply.kind} is not an HTTP reply`);
  return reply;
}

describe("HEAD", () => {
  it.each(staticApps)("gets %s's GET status and headers, Content-Length included, with no body", (_, app) => {
    fc.assert(
      fc.property(targets, (target) => {
        const get = ask(app, "GET", target);
        expect(ask(app, "HEAD", target)).toEqual({ ...get, body: "" });
        const length = get.headers.find(([k]) => k === "Content-Length");
        if (length) expect(Number(length[1])).toBe(byteLength(get.body));
      }),
    );
  });
  it.each(echoApps)("gets %s's GET status and header names, with no body", (_, app) => {
    fc.assert(
      fc.property(targets, (target) => {
        const get = ask(app, "GET", target);
        const head = ask(app, "HEAD", target);
        expect(head.body).toBe("");
        expect(head.status).toBe(get.status);
        expect(head.headers.map(([k]) => k)).toEqual(get.headers.map(([k]) => k));
      }),
    );
  });
});
