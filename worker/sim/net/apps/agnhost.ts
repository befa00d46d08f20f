// registry.k8s.io/e2e-test-images/agnhost: one binary, the subcommand chosen by its first arg.
// `netexec` (test/images/agnhost/netexec/netexec.go) serves /hostname, /echo?msg=&code=,
// /clientip, /healthz and `/` (the time), logging each request with Go's log package;
// `serve-hostname` answers every path with the host name; `liveness` (liveness/server.go, the probes
// task's http-liveness.yaml) answers /healthz with 200 "ok" for its first 10 seconds, then 500.

import { pathOf, queryValue, slashDate } from "../http.ts";
import { goReply, goTime } from "./go-reply.ts";
import { serveHostname } from "./serve-hostname.ts";
import type { App, AppRequest, AppResult } from "./types.ts";

export const agnhost: App = (req) => {
  if (req.args?.[0] === "serve-hostname") return serveHostname(req);
  if (req.args?.[0] === "liveness") return liveness(req);
  return netexec(req);
};

/** Go's %v of a float64: the shortest decimal that reads back the same, as JavaScript prints it. */
function goFloat(x: number): string {
  return String(x);
}

/** liveness/server.go's handlers on http.DefaultServeMux; it logs nothing per request. */
function liveness(req: AppRequest): AppResult {
  const { request, now } = req;
  const path = pathOf(request.target);
  const seconds = (now - (req.startedAt ?? now)) / 1000;
  switch (path) {
    case "/started":
      // time.Since(started).String(), e.g. 12.5s.
      return { reply: goReply(request, now, 200, goDurationString(now - (req.startedAt ?? now))) };
    case "/healthz":
      return seconds > 10 ? { reply: goReply(request, now, 500, `error: ${goFloat(seconds)}`) } : { reply: goReply(request, now, 200, "ok") };
    default:
      // The default ServeMux's NotFound for a path no handler took.
      return { reply: goReply(request, now, 404, "404 page not found\n") };
  }
}

/** time.Duration.String() of milliseconds: 1m2.5s, 850ms. */
function goDurationString(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const rest = (ms - minutes * 60_000) / 1000;
  return minutes > 0 ? `${minutes}m${rest}s` : `${rest}s`;
}

function netexec(req: AppRequest): AppResult {
  const { request, client, hostname, now } = req;
  const path = pathOf(request.target);
  const log = (line: string) => [`${slashDate(now)} ${line}`];
  // http.ServeMux: exact paths for these handlers, everything else falls to "/".
  switch (path) {
    case "/hostname":
      return { reply: goReply(request, now, 200, hostname), log: log("GET /hostname") };
    case "/hostName":
      return { reply: goReply(request, now, 200, hostname), log: log("GET /hostName") };
    case "/clientip":
      return { reply: goReply(request, now, 200, `${client.ip}:${client.port}`), log: log("GET /clientip") };
    case "/healthz":
      // The UDP server on --udp-port marks the process ready as soon as it starts.
      return { reply: goReply(request, now, 200, ""), log: log("GET /healthz") };
    case "/echo": {
      const msg = queryValue(request.target, "msg") ?? "";
      const code = queryValue(request.target, "code") ?? "";
      const lines = log(`GET /echo?msg=${msg}&code=${code}`);
      if (code === "") return { reply: goReply(request, now, 200, msg), log: lines };
      // strconv.Atoi: an optional sign and decimal digits only.
      if (!/^[+-]?\d+$/.test(code)) return { reply: goReply(request, now, 200, `argument 'code' must be an integer or empty, got ${JSON.stringify(code)}\n`), log: lines };
      const status = Number(code);
      // w.WriteHeader panics on codes outside 100-999; net/http recovers and drops the connection.
      if (status < 100 || status > 999) return { reply: { kind: "closed", note: `agnhost's handler panicked on WriteHeader(${status}) and Go's server closed the connection.` }, log: [...lines, `${slashDate(now)} http: panic serving ${client.ip}:${client.port}: invalid WriteHeader code ${status}`] };
      return { reply: goReply(request, now, status, msg), log: lines };
    }
    default:
      return { reply: goReply(request, now, 200, `NOW: ${goTime(now, req.startedAt)}`), log: log("GET /") };
  }
}
