// registry.k8s.io/echoserver:1.10 (nginx 1.13.3 with a Lua handler): describes the request it got.
// echoserver:1.4 (nginx 1.10.0, the image hello-minikube and source-ip run) printed an older layout:
// "CLIENT VALUES:", "SERVER VALUES:", "HEADERS RECEIVED:" and "BODY:" without a hostname or
// indentation, an empty query as nil, and its last line without a newline (Lua's ngx.print).

import { imageTag } from "../../cluster/images.ts";
import { header, httpDate, pathOf } from "../http.ts";
import { byName, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const echoserver: App = ({ request, client, local, hostname, now, image }) => {
  const path = pathOf(request.target);
  const query = request.target.slice(path.length + 1);
  const host = header(request, "Host") ?? local.ip;
  const hostOnly = host.replace(/:\d+$/, "");
  const sortedHeaders = request.headers.map(([k, v]) => [k.toLowerCase(), v] as const).sort(byName);
  if (imageTag(image ?? "") === "1.4") {
    const old = `CLIENT VALUES:
client_address=${client.ip}
command=${request.method}
real path=${path}
query=${query === "" ? "nil" : query}
request_version=1.1
request_uri=http://${hostOnly}:${local.port}${request.target}

SERVER VALUES:
server_version=nginx: 1.10.0 - lua: 10001

HEADERS RECEIVED:
${sortedHeaders.map(([k, v]) => `${k}=${v}`).join("\n")}
BODY:
-no body in request-`;
    const headers: Array<[string, string]> = [
      ["Server", "nginx/1.10.0"],
      ["Date", httpDate(now)],
      ["Content-Type", "text/plain"],
      ["Transfer-Encoding", "chunked"],
      ["Connection", "keep-alive"],
    ];
    return { reply: httpReply(request, 200, "OK", headers, old) };
  }
  const requestHeaders = sortedHeaders.map(([k, v]) => `\t${k}=${v}`).join("\n");
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
