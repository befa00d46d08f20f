// Security headers for every response the Worker sends: API answers, pages, proxied responses.
// Pages may be framed by any site only under /embed (course pages embed it); everything else only
// by this origin. Proxied responses come from the simulated cluster, so they are sandboxed
// (an opaque origin: no scripts, no access to this origin's storage) and never set cookies.

const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const API_CSP = "default-src 'none'; frame-ancestors 'self'";

export type ResponseKind = "api" | "page" | "embed" | "proxy";

export function responseKind(path: string): ResponseKind {
  if (/^\/api\/sessions\/[^/]+\/proxy(\/|$)/.test(path)) return "proxy";
  if (path.startsWith("/api/") || path === "/api" || path === "/healthz") return "api";
  if (path === "/embed" || path.startsWith("/embed/")) return "embed";
  return "page";
}

/**
 * The response with the security headers set: in place when its headers may change (responses
 * this Worker made), on a copy when they are immutable (a fetched asset).
 */
export function withSecurityHeaders(response: Response, kind: ResponseKind): Response {
  // A WebSocket handshake answer cannot be rebuilt (its socket would be lost) and carries no content.
  if (response.status === 101 || response.webSocket) return response;
  try {
    setSecurityHeaders(response.headers, kind);
    return response;
  } catch {
    // Immutable headers (the first set throws, so nothing was changed).
    const secured = new Response(response.body, response);
    setSecurityHeaders(secured.headers, kind);
    return secured;
  }
}

function setSecurityHeaders(headers: Headers, kind: ResponseKind): void {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  switch (kind) {
    case "api":
      if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
      headers.set("Content-Security-Policy", API_CSP);
      headers.set("X-Frame-Options", "SAMEORIGIN");
      break;
    case "page":
      headers.set("Content-Security-Policy", `${PAGE_CSP}; frame-ancestors 'self'`);
      headers.set("X-Frame-Options", "SAMEORIGIN");
      break;
    case "embed":
      headers.set("Content-Security-Policy", `${PAGE_CSP}; frame-ancestors *`);
      headers.delete("X-Frame-Options");
      break;
    case "proxy":
      // Sandboxed, and framed only by this site's pages (never by a page pretending to be the app).
      headers.set("Content-Security-Policy", "sandbox; frame-ancestors 'self'");
      headers.delete("Set-Cookie");
      break;
  }
}
