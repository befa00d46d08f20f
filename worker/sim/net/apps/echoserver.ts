// registry.k8s.io/echoserver:1.10 (nginx 1.13.3 with a Lua handler): describes the request it got.

import { header, httpDate, pathOf } from "../http.ts";
import { byName, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const echoserver: App = ({ request, client, local, hostname, now }) => {
  const path = pathOf(request.target);
  const query = request.target.slice(path.length + 1);
  const host = header(request, "Host") ?? local.ip;
  const hostOnly = host.replace(/:\d+$/, "");
  const requestHeaders = request.headers
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .sort(byName)
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
${requestHeaders}

Request Body:
\t-no body in request-


`;
  return {
    reply: httpReply(
      request,
      200,
      "OK",
      [
        ["Date", httpDate(now)],
        ["Content-Type", "text/plain"],
        ["Transfer-Encoding", "chunked"],
        ["Connection", "keep-alive"],
        ["Server", "echoserver"],
      ],
      body,
    ),
  };
};
