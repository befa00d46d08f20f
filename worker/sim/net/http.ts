// HTTP/1.1 as the simulated clients and servers exchange it: a request, and what came back on the
// connection (an HTTP response, another protocol's bytes, or nothing).

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/` or `/api?x=1`. */
  target: string;
  /** Headers in the order the client sends them (Host first). */
  headers: Array<[string, string]>;
  body?: string;
}

export interface HttpResponse {
  kind: "http";
  /** e.g. "HTTP/1.1". */
  version: string;
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: string;
}

/** What a process sent back on a TCP connection that is not HTTP. */
export type RawReply =
  /** Closed without a byte (redis after its cross-protocol check, postgres on a bad startup packet). */
  | { kind: "closed"; note: string }
  /** Sent its own greeting (mysql, ssh): clients expecting HTTP see a non-HTTP first line. */
  | { kind: "banner"; bytes: string; note: string };

export type Reply = HttpResponse | RawReply;

export function header(request: HttpRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  // The name as given first: most requests spell it so, and lower-casing each key allocates.
  for (const [k, v] of request.headers) if (k === name || k.toLowerCase() === lower) return v;
  return undefined;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** RFC 7231 IMF-fixdate, as in the Date header: `Wed, 26 Nov 2025 05:43:00 GMT`. */
export function httpDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

/** nginx's $time_local with a UTC container clock: `26/Nov/2025:05:43:00 +0000`. */
export function logDate(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Go's log package and nginx's error log: `2026/01/01 00:00:05` (the container clock is UTC). */
export function slashDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Byte length of a string in UTF-8 (Content-Length counts bytes). */
export function byteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

export function pathOf(target: string): string {
  const q = target.indexOf("?");
  return q < 0 ? target : target.slice(0, q);
}

/**
 * A query string's first value for `name`, as Go's Request.FormValue reads it (url.ParseQuery:
 * `&`-separated pairs, `+` for a space, %XX escapes; a pair with a bad escape is skipped).
 */
export function queryValue(target: string, name: string): string | undefined {
  const q = target.indexOf("?");
  if (q < 0) return undefined;
  for (const pair of target.slice(q + 1).split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    const key = unescapeQuery(eq < 0 ? pair : pair.slice(0, eq));
    const value = unescapeQuery(eq < 0 ? "" : pair.slice(eq + 1));
    if (key === name && value !== undefined) return value;
  }
  return undefined;
}

function unescapeQuery(text: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return undefined;
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    // Escapes that are not UTF-8: Go keeps the raw bytes; here each becomes the character of its code.
    return text.replace(/\+/g, " ").replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}
