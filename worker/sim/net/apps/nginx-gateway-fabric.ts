// NGINX Gateway Fabric 2.6.7's two processes. The control plane (`controller`) answers its health
// port's /readyz (controller-runtime's healthz: "ok") once started; its agent gRPC port speaks TLS
// only. The data plane's nginx (configuration from internal/controller/nginx/config at v2.6.7) answers
// the readiness probe on 8081, and on a listener port a request no HTTPRoute takes reaches the
// default server (`default_type text/html; return 404;`), with server_tokens off: nginx's own 404
// page saying just "nginx". Requests a route takes are the router's (net/gateway.ts).

import { httpDate, pathOf, type HttpRequest, type HttpResponse } from "../http.ts";
import { tlsOnly } from "./databases.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const NGF_READINESS_PORT = 8081;

export const NGF_404 = `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** The default server's 404 (or any nginx error page of the data plane), Server header without a version. */
export function ngfNotFound(request: HttpRequest, now: number): HttpResponse {
  return httpReply(request, 404, "Not Found", [["Server", "nginx"], ["Date", httpDate(now)], ["Content-Type", "text/html"], contentLength(NGF_404), ["Connection", "keep-alive"]], NGF_404);
}

export const ngfController: App = (req) => {
  const { request, local, now } = req;
  if (local.port === 8443) return tlsOnly(req);
  if (local.port === NGF_READINESS_PORT && pathOf(request.target) === "/readyz") {
    return { reply: httpReply(request, 200, "OK", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength("ok")], "ok") };
  }
  const body = "404 page not found\n";
  return { reply: httpReply(request, 404, "Not Found", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength(body)], body) };
};

export const ngfNginx: App = ({ request, local, now }) => {
  // The readiness server: `location = /readyz { access_log off; return 200; }`.
  if (local.port === NGF_READINESS_PORT) {
    if (pathOf(request.target) === "/readyz") return { reply: httpReply(request, 200, "OK", [["Server", "nginx"], ["Date", httpDate(now)], ["Content-Type", "text/plain"], contentLength(""), ["Connection", "keep-alive"]], "") };
    return { reply: ngfNotFound(request, now) };
  }
  return { reply: ngfNotFound(request, now) };
};
