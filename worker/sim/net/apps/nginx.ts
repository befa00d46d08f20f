// The official nginx image (nginx:latest = 1.29.3, Debian 13): the stock welcome page on `/`,
// nginx's own 404 page elsewhere, and the image's `main` access-log format.

import { byteLength, header, httpDate, logDate, pathOf, type HttpResponse } from "../http.ts";
import type { App } from "./types.ts";

export const NGINX_VERSION = "1.29.3";
/** mtime of /usr/share/nginx/html/index.html in the image (the release build). */
const INDEX_MTIME = Date.UTC(2025, 9, 28, 12, 5, 10);

export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** nginx's built-in error pages end their lines with CRLF (src/http/ngx_http_special_response.c). */
function errorPage(status: number, reason: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx/${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;
}

export const nginx: App = ({ request, client, now }) => {
  const path = pathOf(request.target);
  const head = request.method === "HEAD";
  let response: HttpResponse;
  const date = httpDate(now);
  if (request.method !== "GET" && !head) {
    const body = errorPage(405, "Not Allowed");
    response = page(405, "Not Allowed", date, body);
  } else if (path === "/" || path === "/index.html") {
    const length = byteLength(NGINX_WELCOME);
    response = {
      kind: "http",
      version: "HTTP/1.1",
      status: 200,
      reason: "OK",
      headers: [
        ["Server", `nginx/${NGINX_VERSION}`],
        ["Date", date],
        ["Content-Type", "text/html"],
        ["Content-Length", String(length)],
        ["Last-Modified", httpDate(INDEX_MTIME)],
        ["Connection", "keep-alive"],
        ["ETag", `"${Math.floor(INDEX_MTIME / 1000).toString(16)}-${length.toString(16)}"`],
        ["Accept-Ranges", "bytes"],
      ],
      body: NGINX_WELCOME,
    };
  } else if (path === "/50x.html") {
    response = page(200, "OK", date, errorPage(500, "Internal Server Error"));
  } else {
    response = page(404, "Not Found", date, errorPage(404, "Not Found"));
  }
  const sent = head ? 0 : byteLength(response.body);
  if (head) response = { ...response, body: "" };
  const agent = header(request, "User-Agent") ?? "-";
  const referer = header(request, "Referer") ?? "-";
  const forwarded = header(request, "X-Forwarded-For") ?? "-";
  const log = `${client.ip} - - [${logDate(now)}] "${request.method} ${request.target} HTTP/1.1" ${response.status} ${sent} "${referer}" "${agent}" "${forwarded}"`;
  return { reply: response, log };
};

function page(status: number, reason: string, date: string, body: string): HttpResponse {
  return {
    kind: "http",
    version: "HTTP/1.1",
    status,
    reason,
    headers: [
      ["Server", `nginx/${NGINX_VERSION}`],
      ["Date", date],
      ["Content-Type", "text/html"],
      ["Content-Length", String(byteLength(body))],
      ["Connection", "keep-alive"],
    ],
    body,
  };
}
