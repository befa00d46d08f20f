// HTTP/1.1 as bytes on a TCP connection (RFC 9112): the requests a client's bytes complete, and a
// response as the server writes it. A port-forward's data stream carries these bytes unchanged.

import { utf8Bytes, utf8Text } from "../base64.ts";
import type { HttpRequest, HttpResponse } from "./http.ts";

/** Requests and header sections larger than this are refused (nginx's large_client_header_buffers is 4 x 8k). */
const MAX_HEAD_BYTES = 32 * 1024;
/** Bodies larger than this are refused here (nginx's client_max_body_size is 1m). */
const MAX_BODY_BYTES = 1024 * 1024;

export type ParsedRequests =
  | { ok: true; requests: HttpRequest[]; rest: Uint8Array }
  | { ok: false; requests: HttpRequest[]; error: string };

/** The whole requests at the start of `bytes` (pipelined ones too), and the bytes of an unfinished one. */
export function parseRequests(bytes: Uint8Array): ParsedRequests {
  const requests: HttpRequest[] = [];
  let at = 0;
  for (;;) {
    // Empty lines before a request line are ignored (RFC 9112 2.2).
    while (at + 1 < bytes.length && bytes[at] === 0x0d && bytes[at + 1] === 0x0a) at += 2;
    const end = headEnd(bytes, at);
    if (end < 0) {
      if (bytes.length - at > MAX_HEAD_BYTES) return { ok: false, requests, error: "request header section too large" };
      return { ok: true, requests, rest: bytes.slice(at) };
    }
    const head = parseRequestHead(utf8Text(Array.from(bytes.subarray(at, end))).split("\r\n"));
    if ("error" in head) return { ok: false, requests, error: head.error };
    const { headers } = head;
    const lengthHeader = headers.find(([k]) => k.toLowerCase() === "content-length")?.[1];
    if (headers.some(([k]) => k.toLowerCase() === "transfer-encoding")) return { ok: false, requests, error: "chunked request bodies are not read by this playground" };
    if (lengthHeader !== undefined && !/^\d+$/.test(lengthHeader)) return { ok: false, requests, error: `invalid Content-Length ${JSON.stringify(lengthHeader)}` };
    const length = lengthHeader === undefined ? 0 : Number(lengthHeader);
    if (length > MAX_BODY_BYTES) return { ok: false, requests, error: "request body too large" };
    const bodyStart = end + 4;
    if (bytes.length < bodyStart + length) return { ok: true, requests, rest: bytes.slice(at) };
    const request: HttpRequest = { method: head.method, target: head.target, headers };
    if (length > 0) request.body = utf8Text(Array.from(bytes.subarray(bodyStart, bodyStart + length)));
    requests.push(request);
    at = bodyStart + length;
  }
}

export interface RequestHead {
  method: string;
  target: string;
  version: "1.0" | "1.1";
  headers: Array<[string, string]>;
}

/** A request's head, its lines without the empty one that ends it: the request line, then field lines (RFC 9112 3, 5). */
export function parseRequestHead(lines: readonly string[]): RequestHead | { error: string } {
  const start = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(1\.[01])$/.exec(lines[0] ?? "");
  if (!start) return { error: `malformed request line ${JSON.stringify(lines[0] ?? "")}` };
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) return { error: `malformed header line ${JSON.stringify(line)}` };
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { method: start[1], target: start[2], version: start[3] as "1.0" | "1.1", headers };
}

function headEnd(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a && bytes[i + 2] === 0x0d && bytes[i + 3] === 0x0a) return i;
  }
  return -1;
}

/** The response as the server writes it: status line, header lines, an empty line, and the body (none for HEAD). */
export function responseBytes(response: HttpResponse, method: string): Uint8Array {
  let head = `${response.version} ${response.status}${response.reason ? ` ${response.reason}` : ""}\r\n`;
  for (const [k, v] of response.headers) head += `${k}: ${v}\r\n`;
  head += "\r\n";
  const noBody = method === "HEAD" || response.status === 204 || response.status === 304 || (response.status >= 100 && response.status < 200);
  return Uint8Array.from(utf8Bytes(noBody ? head : head + response.body));
}

/** Whether the connection stays open after this exchange (HTTP/1.1 keep-alive unless either side says close). */
export function keepsAlive(request: HttpRequest, response: HttpResponse): boolean {
  const said = (headers: Array<[string, string]>) => headers.find(([k]) => k.toLowerCase() === "connection")?.[1].toLowerCase();
  if (said(request.headers) === "close" || said(response.headers) === "close") return false;
  return response.version !== "HTTP/1.0";
}
