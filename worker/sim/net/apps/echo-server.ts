// kicbase/echo-server (minikube's build of jmalloc/echo-server 0.3): "Request served by HOST",
// then the request line as `PROTO METHOD URL`, the Host and the other headers, and the body.
// Go ranges over the header map in random order; here they come sorted, one of those orders.

import { header, httpDate } from "../http.ts";
import { byName, canonicalHeaderKey, contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const echoServer: App = ({ request, client, local, hostname, now }) => {
  const host = header(request, "Host") ?? `${local.ip}:${local.port}`;
  const rest = request.headers
    .filter(([k]) => k.toLowerCase() !== "host")
    .map(([k, v]) => [canonicalHeaderKey(k), v] as [string, string])
    .sort(byName)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join("");
  let body = `Request served by ${hostname}\n\nHTTP/1.1 ${request.method} ${request.target}\n\nHost: ${host}\n${rest}`;
  if (request.body) body += `\n${request.body}`;
  // The handler's own Content-Type goes first, then the Date and Content-Length net/http adds.
  const headers: Array<[string, string]> = [["Content-Type", "text/plain"], ["Date", httpDate(now)], contentLength(body)];
  // fmt.Printf("%s | %s %s\n", req.RemoteAddr, req.Method, req.URL): plain stdout, no timestamp.
  return { reply: httpReply(request, 200, "OK", headers, body), log: [`${client.ip}:${client.port} | ${request.method} ${request.target}`] };
};
