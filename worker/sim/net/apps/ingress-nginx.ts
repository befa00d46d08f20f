// registry.k8s.io/ingress-nginx/controller: the Go controller (health on 10254) in front of its
// OpenResty, whose configuration comes from rootfs/etc/nginx/template/nginx.tmpl (controller-v1.15.1).
// Requests no Ingress rule takes go to the catch-all server `_`, whose upstream-default-backend is the
// template's internal server on 127.0.0.1:8181 (`return 404`). server_tokens is off and
// `more_clear_headers Server` drops the Server header, so the page says just "nginx".
// The routing of matched requests to backends is the router's (net/ingress-nginx.ts): this app
// answers what ends at the controller itself.

import { byteLength, header, httpDate, logDate, pathOf, type HttpRequest, type HttpResponse } from "../http.ts";
import { sha256 } from "../sha256.ts";
import { tlsOnly } from "./databases.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App, AppRequest } from "./types.ts";

export const INGRESS_NGINX_404 = `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** The controller's --healthz-port (cmd/nginx/flags.go default) and nginx's internal default backend. */
export const INGRESS_NGINX_HEALTHZ_PORT = 10254;
export const DEFAULT_BACKEND_ADDRESS = "127.0.0.1:8181";

/**
 * nginx's $request_id: 16 random bytes in hex. Derived from the request and its moment, so a replay
 * logs the same ids.
 */
export function requestId(req: Pick<AppRequest, "now" | "client" | "logged" | "request">): string {
  const bytes = sha256(`${req.now}|${req.client.ip}:${req.client.port}|${req.logged ?? 0}|${req.request.target}`);
  let hex = "";
  for (let i = 0; i < 16; i++) hex += bytes[i].toString(16).padStart(2, "0");
  return hex;
}

/** $request_length: the request line and headers as the client sent them, with CRLFs, plus the body. */
export function requestLength(request: HttpRequest): number {
  let n = byteLength(`${request.method} ${request.target} HTTP/1.1\r\n`) + 2;
  for (const [k, v] of request.headers) n += byteLength(`${k}: ${v}\r\n`);
  return n + byteLength(request.body ?? "");
}

/** One line of log-format-upstream (internal/ingress/controller/config/config.go). */
export function accessLogLine(
  req: Pick<AppRequest, "now" | "client" | "logged" | "request"> & { https?: { protocol: string } },
  response: HttpResponse,
  upstream: ({ name: string; addr: string; length: number; status: number } | { name: string; none: true }) & { alternative?: string },
): string {
  const { request, client, now } = req;
  const agent = header(request, "User-Agent") ?? "-";
  const referer = header(request, "Referer") ?? "-";
  const sent = byteLength(response.body);
  // No upstream was contacted (a redirect, no endpoints): nginx prints its empty variables as "-".
  const up = "none" in upstream ? "- - - -" : `${upstream.addr} ${upstream.length} 0.000 ${upstream.status}`;
  return `${client.ip} - - [${logDate(now)}] "${request.method} ${request.target} ${req.https?.protocol ?? "HTTP/1.1"}" ${response.status} ${sent} "${referer}" "${agent}" ${requestLength(request)} 0.000 [${upstream.name}] [${upstream.alternative ?? ""}] ${up} ${requestId(req)}`;
}

/** The internal default backend's 404, as the catch-all server proxies it back. */
export function defaultBackendReply(request: HttpRequest, now: number): HttpResponse {
  return httpReply(request, 404, "Not Found", [["Date", httpDate(now)], ["Content-Type", "text/html"], contentLength(INGRESS_NGINX_404), ["Connection", "keep-alive"]], INGRESS_NGINX_404);
}

export const ingressNginx: App = (req) => {
  const { request, local, now } = req;
  if (local.port === INGRESS_NGINX_HEALTHZ_PORT) {
    // The Go side's /healthz (k8s.io/apiserver healthz): "ok" once nginx answers its own check.
    if (pathOf(request.target) === "/healthz") {
      return { reply: httpReply(request, 200, "OK", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength("ok")], "ok") };
    }
    const body = "404 page not found\n";
    return { reply: httpReply(request, 404, "Not Found", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength(body)], body) };
  }
  // The admission webhook is Go's TLS server: net/http's answer to plain HTTP.
  if (local.port === 8443) return tlsOnly(req);
  if (local.port === 443) {
    // ngx_http_error_497_page: plain HTTP on the ssl listener.
    const body = `<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    return { reply: httpReply(request, 400, "Bad Request", [["Date", httpDate(now)], ["Content-Type", "text/html"], contentLength(body), ["Connection", "close"]], body) };
  }
  // No Ingress rule took the request (the router hands matched ones to their backends).
  const response = defaultBackendReply(request, now);
  return { reply: response, log: [accessLogLine(req, response, { name: "upstream-default-backend", addr: DEFAULT_BACKEND_ADDRESS, length: byteLength(INGRESS_NGINX_404), status: 404 })] };
};

/** The controller releases the catalogue serves, with their build commits (`git-` + short sha, Makefile COMMIT_SHA). */
const RELEASES: Record<string, { commit: string; nginx: string }> = {
  "v1.15.1": { commit: "git-0a5901f3c", nginx: "1.27.1" },
  "v1.14.5": { commit: "git-0a6fadc01", nginx: "1.27.1" },
};

export interface ControllerStartup {
  startedAt: number;
  /** The image reference: its tag is the release. */
  image: string;
  /** The pod's name: the leader's identity. */
  podName: string;
  namespace: string;
  /** The API server's /version. */
  version: Record<string, string>;
  /** The in-cluster config's host: the kubernetes Service's ClusterIP. */
  apiHost: string;
}

/** klog's header: severity, mmdd, time with microseconds, the thread id column (%7d), file:line. */
function klog(severity: "I" | "W", ms: number, source: string, text: string): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const micros = String((ms % 1000) * 1000 + 417).padStart(6, "0");
  // The controller is PID 7 under dumb-init (the image's ENTRYPOINT).
  return `${severity}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}       7 ${source}] ${text}`;
}

/**
 * What /nginx-ingress-controller prints as it starts (cmd/nginx/main.go, internal/ingress/controller,
 * client-go v0.35.3's client_config.go), up to the first reload. The leader-election and event lines
 * between them are left out: their wording comes from other libraries' loggers.
 */
export function ingressNginxStartup(ctx: ControllerStartup): string[] {
  const tag = /:(v[0-9.]+)/.exec(ctx.image.replace(/@.*$/, ""))?.[1] ?? "v1.15.1";
  const release = RELEASES[tag] ?? RELEASES["v1.15.1"];
  const v = ctx.version;
  const at = (offset: number) => ctx.startedAt + offset;
  const certs = `certPath="/usr/local/certificates/cert" keyPath="/usr/local/certificates/key"`;
  return [
    "-------------------------------------------------------------------------------",
    "NGINX Ingress controller",
    `  Release:       ${tag}`,
    `  Build:         ${release.commit}`,
    "  Repository:    https://github.com/kubernetes/ingress-nginx",
    `  nginx version: nginx/${release.nginx}`,
    "",
    "-------------------------------------------------------------------------------",
    "",
    klog("W", at(12), "client_config.go:682", "Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work."),
    klog("I", at(13), "main.go:205", `"Creating API client" host="https://${ctx.apiHost}:443"`),
    klog("I", at(21), "main.go:248", `"Running in Kubernetes cluster" major="${v.major}" minor="${v.minor}" git="${v.gitVersion}" state="${v.gitTreeState}" commit="${v.gitCommit}" platform="${v.platform}"`),
    klog("I", at(318), "main.go:101", `"SSL fake certificate created" file="/etc/ingress-controller/ssl/default-fake-certificate.pem"`),
    klog("I", at(352), "nginx.go:273", `"Starting NGINX Ingress controller"`),
    klog("I", at(1561), "nginx.go:319", `"Starting NGINX process"`),
    klog("I", at(1562), "nginx.go:339", `"Starting validation webhook" address=":8443" ${certs}`),
    klog("I", at(1563), "controller.go:217", `"Configuration changes detected, backend reload required"`),
    klog("I", at(1590), "status.go:85", `"New leader elected" identity="${ctx.podName}"`),
    klog("I", at(1652), "controller.go:231", `"Backend successfully reloaded"`),
    klog("I", at(1653), "controller.go:243", `"Initial sync, sleeping for 1 second"`),
  ];
}
