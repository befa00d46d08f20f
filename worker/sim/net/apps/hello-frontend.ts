// gcr.io/google-samples/hello-frontend:1.0: nginx whose one server proxies every path to the
// `hello` Service, the configuration connecting-frontend-backend prints:
//   upstream Backend { server hello; }
//   server { listen 80; location / { proxy_pass http://Backend; } }
// proxy_pass's defaults shape both legs: upstream, HTTP/1.0 with `Host: Backend` ($proxy_host) and
// `Connection: close` before the client's other fields; back to the client, the upstream's status,
// fields and body, with nginx's own Date and Server (proxy_pass_header is off for them) and a
// keep-alive connection. No upstream answer is nginx's 502 page (504 when the connect times out)
// with the error-log line ngx_http_upstream writes.

import { byteLength, header, httpDate, logDate, slashDate, type HttpRequest, type HttpResponse } from "../http.ts";
import { NGINX_FIRST_WORKER_PID, NGINX_SERVER, nginxErrorReply } from "./nginx.ts";
import type { App } from "./types.ts";

const UPSTREAM_HOST = "hello";
const UPSTREAM_NAME = "Backend";

/** The request nginx sends upstream for a client's request. */
export function upstreamRequest(request: HttpRequest): HttpRequest {
  const dropped = new Set(["host", "connection"]);
  return {
    method: request.method,
    target: request.target,
    headers: [["Host", UPSTREAM_NAME], ["Connection", "close"], ...request.headers.filter(([k]) => !dropped.has(k.toLowerCase()))],
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

export const helloFrontend: App = ({ request, client, now, logged, proxy }) => {
  const upstream = proxy ? proxy(UPSTREAM_HOST, 80, upstreamRequest(request)) : { kind: "refused" as const };
  const agent = header(request, "User-Agent") ?? "-";
  const referer = header(request, "Referer") ?? "-";
  const accessLine = (reply: HttpResponse) => `${client.ip} - - [${logDate(now)}] "${request.method} ${request.target} HTTP/1.1" ${reply.status} ${byteLength(reply.body)} "${referer}" "${agent}" "-"`;
  if (upstream.kind === "reply" && upstream.reply.kind === "http") {
    const got = upstream.reply;
    const passed = got.headers.filter(([k]) => !["date", "server", "connection", "keep-alive", "transfer-encoding"].includes(k.toLowerCase()));
    const reply: HttpResponse = { kind: "http", version: "HTTP/1.1", status: got.status, reason: got.reason, headers: [["Server", NGINX_SERVER], ["Date", httpDate(now)], ...passed, ["Connection", "keep-alive"]], body: request.method === "HEAD" ? "" : got.body };
    return { reply, log: [accessLine(reply)] };
  }
  const timedOut = upstream.kind === "timed-out";
  const reply = timedOut ? nginxErrorReply(request, 504, "Gateway Time-out", now) : nginxErrorReply(request, 502, "Bad Gateway", now);
  const connection = (logged ?? 0) + 1;
  const pid = NGINX_FIRST_WORKER_PID + ((connection - 1) % 2);
  const host = header(request, "Host");
  // Real nginx resolves `hello` when it starts and exits without it ("host not found in
  // upstream"); here the name is resolved per request, so a missing Service reads as a
  // resolver's failure.
  const cause = timedOut
    ? "upstream timed out (110: Connection timed out) while connecting to upstream"
    : upstream.kind === "not-resolved"
      ? `${UPSTREAM_HOST} could not be resolved (3: Host not found)`
      : upstream.kind === "reply"
      ? "upstream sent no valid HTTP/1.0 header while reading response header from upstream"
      : "connect() failed (111: Connection refused) while connecting to upstream";
  const error = `${slashDate(now)} [error] ${pid}#${pid}: *${connection} ${cause}, client: ${client.ip}, server: , request: "${request.method} ${request.target} HTTP/1.1", upstream: "http://${upstream.ip ?? UPSTREAM_HOST}:80${request.target}"${host ? `, host: "${host}"` : ""}`;
  return { reply, log: [error, accessLine(reply)] };
};
