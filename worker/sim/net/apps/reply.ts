// The HTTP/1.1 response a simulated server sends. A HEAD request gets the same status and headers
// (Content-Length included, counting the body a GET would get) and no body, as RFC 9110 §9.3.2 asks.

import { byteLength, type HttpRequest, type HttpResponse } from "../http.ts";

export function httpReply(request: HttpRequest, status: number, reason: string, headers: Array<[string, string]>, body: string): HttpResponse {
  return { kind: "http", version: "HTTP/1.1", status, reason, headers, body: request.method === "HEAD" ? "" : body };
}

export function contentLength(body: string): [string, string] {
  return ["Content-Length", String(byteLength(body))];
}

/** Orders header pairs by name, byte-wise (Go's sort.Strings, Lua's table.sort). */
export function byName(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

const canonicalKeys = new Map<string, string>();

/** Go's textproto.CanonicalMIMEHeaderKey: `user-agent` becomes `User-Agent`. */
export function canonicalHeaderKey(name: string): string {
  // Every reply of whoami and the echo servers puts each request header through this: a loop of
  // requests sends the same few names. Bounded (a client may send any names): short names only,
  // emptied when full.
  if (name.length > 64) return canonical(name);
  let key = canonicalKeys.get(name);
  if (key === undefined) {
    key = canonical(name);
    if (canonicalKeys.size >= 1024) canonicalKeys.clear();
    canonicalKeys.set(name, key);
  }
  return key;
}

function canonical(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1) : part))
    .join("-");
}
