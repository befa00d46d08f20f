// registry.k8s.io/echoserver:1.10 (nginx 1.13.3 with a Lua handler): describes the request it got.

import { header, httpDate } from "../http.ts";
import type { App } from "./types.ts";

export const echoserver: App = ({ request, client, local, hostname, now }) => {
  const q = request.target.indexOf("?");
  const path = q < 0 ? request.target : request.target.slice(0, q);
  const query = q < 0 ? "" : request.target.slice(q + 1);
  const host = header(request, "Host") ?? local.ip;
  const hostOnly = host.replace(/:\d+$/, "");
  const headers = request.headers
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `\t${k}=${v}`)
    .join("\n");
  const body = `

Hostname: ${hostname}

Pod Information:
\t-no pod information available-

Server values:
\tserver_version=nginx: 1.13.3 - lua: 10008

Request Information:
\tclient_address=${client.ip}
\tmethod=${request.method}
\treal path=${path}
\tquery=${query}
\trequest_version=1.1
\trequest_scheme=http
\trequest_uri=http://${hostOnly}:${local.port}${request.target}

Request Headers:
${headers}

Request Body:
\t-no body in request-


`;
  return {
    reply: {
      kind: "http",
      version: "HTTP/1.1",
      status: 200,
      reason: "OK",
      headers: [
        ["Date", httpDate(now)],
        ["Content-Type", "text/plain"],
        ["Transfer-Encoding", "chunked"],
        ["Connection", "keep-alive"],
        ["Server", "echoserver"],
      ],
      body: request.method === "HEAD" ? "" : body,
    },
  };
};
