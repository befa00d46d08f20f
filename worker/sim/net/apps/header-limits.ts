// How much of a request's head (request line and header fields) a server reads before it gives up:
// the limits the real servers enforce, measured on the bytes the client sends.

import { byteLength, type HttpRequest } from "../http.ts";

/** The lines of a request head as sent, each with its CRLF: the request line, the fields, the blank line. */
function headLines(request: HttpRequest): { requestLine: string; fields: string[] } {
  return {
    requestLine: `${request.method} ${request.target} HTTP/1.1`,
    fields: request.headers.map(([k, v]) => `${k}: ${v}`),
  };
}

export type NginxHeadVerdict =
  | { ok: true }
  /** The request line did not fit in one large buffer: 414. `line` is what nginx had read of it. */
  | { ok: false; status: 414; line: string }
  /** A field did not fit (494, sent as 400). `parsed` are the fields read before it. */
  | { ok: false; status: 494; requestLine: string; parsed: Array<[string, string]> };

/** nginx's defaults: client_header_buffer_size 1k, large_client_header_buffers 4 8k. */
export const NGINX_HEADER_BUFFER = 1024;
export const NGINX_LARGE_BUFFERS = 4;
export const NGINX_LARGE_BUFFER = 8192;

/**
 * nginx reads the head into a 1k buffer. When a line does not fit in what is left of the current
 * buffer, ngx_http_alloc_large_header_buffer moves that line (from its start) into a new 8k
 * buffer; a line longer than one 8k buffer, or a fifth large buffer, ends the request. The request
 * line answers 414 Request-URI Too Large, a field 494 (400 Request Header Or Cookie Too Large).
 */
export function nginxHeadVerdict(request: HttpRequest): NginxHeadVerdict {
  const { requestLine, fields } = headLines(request);
  const elements = [requestLine, ...fields, ""];
  let used = 0;
  let capacity = NGINX_HEADER_BUFFER;
  let large = 0;
  for (let i = 0; i < elements.length; i++) {
    const size = byteLength(elements[i]) + 2;
    if (used + size <= capacity) {
      used += size;
      continue;
    }
    if (size > NGINX_LARGE_BUFFER || large === NGINX_LARGE_BUFFERS) {
      if (i === 0) return { ok: false, status: 414, line: truncateBytes(requestLine, NGINX_LARGE_BUFFER) };
      return { ok: false, status: 494, requestLine, parsed: request.headers.slice(0, i - 1) };
    }
    large++;
    capacity = NGINX_LARGE_BUFFER;
    used = size;
  }
  return { ok: true };
}

export type HttpdHeadVerdict =
  | { ok: true }
  | { ok: false; status: 414 }
  /** 400 with the note ap_get_mime_headers_core puts on the error page. */
  | { ok: false; status: 400; note: string };

/** httpd's defaults: LimitRequestLine 8190, LimitRequestFieldSize 8190, LimitRequestFields 100. */
export const HTTPD_LIMIT_REQUEST_LINE = 8190;
export const HTTPD_LIMIT_FIELD_SIZE = 8190;
export const HTTPD_LIMIT_FIELDS = 100;

/** httpd (server/protocol.c): each line is read with ap_rgetline up to its limit, without the CRLF. */
export function httpdHeadVerdict(request: HttpRequest): HttpdHeadVerdict {
  const { requestLine, fields } = headLines(request);
  if (byteLength(requestLine) > HTTPD_LIMIT_REQUEST_LINE) return { ok: false, status: 414 };
  for (let i = 0; i < fields.length; i++) {
    if (byteLength(fields[i]) > HTTPD_LIMIT_FIELD_SIZE) return { ok: false, status: 400, note: "Size of a request header field exceeds server limit." };
    if (i + 1 > HTTPD_LIMIT_FIELDS) return { ok: false, status: 400, note: "The number of request header fields exceeds this server's limit." };
  }
  return { ok: true };
}

/** The first `limit` bytes of a UTF-8 string, never splitting a character. */
function truncateBytes(text: string, limit: number): string {
  if (byteLength(text) <= limit) return text;
  let bytes = 0;
  let i = 0;
  for (const ch of text) {
    const n = byteLength(ch);
    if (bytes + n > limit) break;
    bytes += n;
    i += ch.length;
  }
  return text.slice(0, i);
}
