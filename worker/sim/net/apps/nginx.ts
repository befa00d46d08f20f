// The official nginx image (nginx:latest = 1.29.3, Debian 13): the stock welcome page on `/`,
// nginx's own 404 page elsewhere, and the image's `main` access-log format.

import { byteLength, header, httpDate, logDate, pathOf, slashDate, type HttpRequest, type HttpResponse } from "../http.ts";
import { nginxHeadVerdict } from "./header-limits.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App, AppRequest } from "./types.ts";

export const NGINX_VERSION = "1.29.3";
/** The first worker's PID: the entrypoint's scripts use up the PIDs before it. */
export const NGINX_FIRST_WORKER_PID = 29;
/** mtime of the files in /usr/share/nginx/html in the image (the release build). */
const INDEX_MTIME = Date.UTC(2025, 9, 28, 12, 5, 10);
export const NGINX_SERVER = `nginx/${NGINX_VERSION}`;
const SERVER = NGINX_SERVER;

/** The stylesheet the image's index.html and 50x.html share. */
const PAGE_STYLE = `<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
`;

export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
${PAGE_STYLE}</head>
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

/** /usr/share/nginx/html/50x.html, restyled like index.html in the same release (497 bytes). */
export const NGINX_50X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
${PAGE_STYLE}</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

/** nginx's built-in error pages end their lines with CRLF (src/http/ngx_http_special_response.c). */
function errorPage(status: number, reason: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n${PAGE_TAIL}`;
}

const PAGE_TAIL = `<hr><center>nginx/${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;

/** ngx_http_error_494_page: the status line says 400, the page names the real cause. */
const HEADER_TOO_LARGE_PAGE = `<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>Request Header Or Cookie Too Large</center>\r\n${PAGE_TAIL}`;

export const nginx: App = (req) => {
  const verdict = nginxHeadVerdict(req.request);
  if (!verdict.ok) return headTooLarge(req, verdict);
  const { request, client, now, logged } = req;
  const path = pathOf(request.target);
  let error: string | undefined;
  let response: HttpResponse;
  const date = httpDate(now);
  if (request.method !== "GET" && request.method !== "HEAD") {
    response = page(request, 405, "Not Allowed", date);
  } else if (served(req, path) !== undefined) {
    const file = served(req, path)!;
    response = staticFile(request, file.data, date, file.mtime);
  } else if (path === "/" && req.written?.(`${HTML_ROOT}/index.html`) === "gone") {
    // No index file: the image's autoindex is off, so the directory is forbidden.
    response = page(request, 403, "Forbidden", date);
    const connection = (logged ?? 0) + 1;
    const pid = NGINX_FIRST_WORKER_PID + ((connection - 1) % 2);
    const host = header(request, "Host");
    error = `${slashDate(now)} [error] ${pid}#${pid}: *${connection} directory index of "${HTML_ROOT}/" is forbidden, client: ${client.ip}, server: localhost, request: "${request.method} ${request.target} HTTP/1.1"${host ? `, host: "${host}"` : ""}`;
  } else {
    response = page(request, 404, "Not Found", date);
    // ngx_http_static_module logs the failed open() to the error log (stderr, so also the
    // container log) before the access-log line. The connection number approximates nginx's
    // shared counter from the lines logged so far; the worker alternates over the two CPUs' workers.
    const connection = (logged ?? 0) + 1;
    const pid = NGINX_FIRST_WORKER_PID + ((connection - 1) % 2);
    const host = header(request, "Host");
    error = `${slashDate(now)} [error] ${pid}#${pid}: *${connection} open() "/usr/share/nginx/html${decodePath(path)}" failed (2: No such file or directory), client: ${client.ip}, server: localhost, request: "${request.method} ${request.target} HTTP/1.1"${host ? `, host: "${host}"` : ""}`;
  }
  // $body_bytes_sent: a HEAD reply carries none.
  const sent = byteLength(response.body);
  const agent = header(request, "User-Agent") ?? "-";
  const referer = header(request, "Referer") ?? "-";
  const forwarded = header(request, "X-Forwarded-For") ?? "-";
  const log = `${client.ip} - - [${logDate(now)}] "${request.method} ${request.target} HTTP/1.1" ${response.status} ${sent} "${referer}" "${agent}" "${forwarded}"`;
  return { reply: response, log: error ? [error, log] : [log] };
};

/**
 * A head past large_client_header_buffers. nginx answers before it has the whole request and
 * closes the connection (keepalive is off for these errors). It logs the reason at `info`, below
 * the image's `notice` error log, so only the access line shows: the request line as far as it
 * was read, and the fields parsed before the one that did not fit.
 */
function headTooLarge({ request, client, now }: AppRequest, verdict: Exclude<ReturnType<typeof nginxHeadVerdict>, { ok: true }>): ReturnType<App> {
  const [status, reason, body] = verdict.status === 414 ? [414, "Request-URI Too Large", errorPage(414, "Request-URI Too Large")] : [400, "Bad Request", HEADER_TOO_LARGE_PAGE];
  const headers: Array<[string, string]> = [["Server", SERVER], ["Date", httpDate(now)], ["Content-Type", "text/html"], contentLength(body), ["Connection", "close"]];
  const reply = httpReply(request, status, reason, headers, body);
  const parsed = verdict.status === 494 ? verdict.parsed : [];
  const field = (name: string) => parsed.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? "-";
  const line = verdict.status === 414 ? verdict.line : verdict.requestLine;
  const log = `${client.ip} - - [${logDate(now)}] "${line}" ${status} ${byteLength(reply.body)} "${field("Referer")}" "${field("User-Agent")}" "${field("X-Forwarded-For")}"`;
  return { reply, log: [log] };
}

/** nginx maps the URI to a file after percent-decoding it. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The document root of the image's default server (conf.d/default.conf). */
const HTML_ROOT = "/usr/share/nginx/html";

/**
 * The file nginx serves for a path: what was written in the container's document root, else the
 * image's index.html and 50x.html; `/` is the index file.
 */
function served(req: AppRequest, path: string): { data: string; mtime: number } | undefined {
  const file = decodePath(path === "/" ? "/index.html" : path);
  if (file.includes("/../") || file.endsWith("/..")) return undefined;
  const written = req.written?.(HTML_ROOT + file);
  if (written === "gone") return undefined;
  if (written) return written;
  if (file === "/index.html") return { data: NGINX_WELCOME, mtime: INDEX_MTIME };
  if (file === "/50x.html") return { data: NGINX_50X, mtime: INDEX_MTIME };
  return undefined;
}

/** A file of the html directory, with the headers nginx's static module sends. */
function staticFile(request: HttpRequest, body: string, date: string, mtime = INDEX_MTIME): HttpResponse {
  const length = byteLength(body);
  return httpReply(
    request,
    200,
    "OK",
    [
      ["Server", SERVER],
      ["Date", date],
      ["Content-Type", "text/html"],
      ["Content-Length", String(length)],
      ["Last-Modified", httpDate(mtime)],
      ["Connection", "keep-alive"],
      ["ETag", `"${Math.floor(mtime / 1000).toString(16)}-${length.toString(16)}"`],
      ["Accept-Ranges", "bytes"],
    ],
    body,
  );
}

/** One of nginx's built-in error pages, as a proxying nginx of the same image answers it (502, 504). */
export function nginxErrorReply(request: HttpRequest, status: number, reason: string, now: number): HttpResponse {
  return page(request, status, reason, httpDate(now));
}

/** One of nginx's built-in error pages. */
function page(request: HttpRequest, status: number, reason: string, date: string): HttpResponse {
  const body = errorPage(status, reason);
  return httpReply(request, status, reason, [["Server", SERVER], ["Date", date], ["Content-Type", "text/html"], contentLength(body), ["Connection", "keep-alive"]], body);
}
