// gcr.io/google-samples/hello-go-gke:1.0, kelseyhightower/app's hello service (hello/main.go,
// handlers/hello.go): every path but /secure and /version gets `{"message":"Hello"}` from
// json.Encoder (a newline after it), which Go's server sniffs as text/plain; handlers.LoggingHandler
// prints each request with fmt.Printf (the Go `%s` of time.Now(), monotonic reading included).
// Port 81 serves the health endpoints.

import { header, pathOf } from "../http.ts";
import { goReply, goTime } from "./go-reply.ts";
import type { App } from "./types.ts";

const VERSION = "1.0.0";

export const helloGo: App = ({ request, client, local, now, startedAt }) => {
  const path = pathOf(request.target);
  const agent = header(request, "User-Agent") ?? "";
  const log = `${client.ip}:${client.port} - - [${goTime(now, startedAt)}] "${request.method} ${path} HTTP/1.1" ${agent}`;
  if (local.port === 81) {
    // health.go: the handlers only write a status, 200 while the process is up. (The /status
    // endpoints also flip that status; the simulator keeps no state for it, so they do not.)
    const known = ["/healthz", "/readiness", "/healthz/status", "/readiness/status"].includes(path);
    return { reply: goReply(request, now, known ? 200 : 404, known ? "" : "404 page not found\n"), log: [log] };
  }
  if (path === "/version") return { reply: goReply(request, now, 200, `{"version":"${VERSION}"}\n`), log: [log] };
  // JWTAuthHandler: http.Error "authorization failed" unless the request carries a token signed
  // with the sample's key; the simulator verifies no JWT, so every /secure request is refused.
  if (path === "/secure") return { reply: goReply(request, now, 401, "authorization failed\n"), log: [log] };
  return { reply: goReply(request, now, 200, `{"message":"Hello"}\n`), log: [log] };
};
