// A reply from Go's net/http server for a handler that writes a short body and sets no headers:
// Date, the Content-Length it computes for a body written before the handler returns, and the
// Content-Type http.DetectContentType sniffs from the first bytes.

import { httpDate, type HttpRequest, type HttpResponse } from "../http.ts";
import { contentLength, httpReply } from "./reply.ts";

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  302: "Found",
  400: "Bad Request",
  404: "Not Found",
  412: "Precondition Failed",
  417: "Expectation Failed",
  500: "Internal Server Error",
};

export function goReply(request: HttpRequest, now: number, status: number, body: string, contentType = sniff(body)): HttpResponse {
  const headers: Array<[string, string]> = [["Date", httpDate(now)], contentLength(body)];
  if (body !== "") headers.push(["Content-Type", contentType]);
  return httpReply(request, status, REASONS[status] ?? statusText(status), headers, body);
}

/** Go's http.StatusText for the codes agnhost's /echo?code= may ask for; empty for unknown ones. */
function statusText(status: number): string {
  const known: Record<number, string> = { 202: "Accepted", 204: "No Content", 301: "Moved Permanently", 307: "Temporary Redirect", 401: "Unauthorized", 403: "Forbidden", 418: "I'm a teapot", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };
  return known[status] ?? "status code " + status;
}

/** http.DetectContentType for the bodies these servers write: JSON objects and text sniff as text/plain. */
function sniff(body: string): string {
  return /^\s*</.test(body) && /^\s*<(!DOCTYPE HTML|HTML|HEAD|SCRIPT|IFRAME|H1|DIV|FONT|TABLE|A|STYLE|TITLE|B|BODY|BR|P|!--)[ >]/i.test(body) ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
}

/** Go's `%v` of time.Now() in a UTC container: `2026-01-01 00:00:05.123 +0000 UTC m=+12.345000001`. */
export function goTime(now: number, startedAt: number | undefined): string {
  const d = new Date(now);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const ms = d.getUTCMilliseconds();
  const fraction = ms ? `.${pad(ms, 3).replace(/0+$/, "")}` : "";
  const wall = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction} +0000 UTC`;
  // The monotonic reading counts from the process's start, with nanosecond digits.
  const since = Math.max(0, now - (startedAt ?? now));
  return `${wall} m=+${Math.floor(since / 1000)}.${pad((since % 1000) * 1_000_000, 9)}`;
}
