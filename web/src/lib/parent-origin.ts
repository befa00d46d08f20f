// Which origin embeds this page. The embed posts its messages only to that origin (never "*"),
// takes `run` only from it, and keeps its stored session per embedding origin.

export interface FrameFacts {
  /** `location.ancestorOrigins` (Chromium, WebKit): set by the browser, so the most reliable. */
  ancestorOrigins?: ArrayLike<string>;
  /** `document.referrer`: the parent's address as its referrer policy lets through (at least its origin by default). */
  referrer: string;
  /** The embed's `parentOrigin=` URL parameter: for browsers without ancestorOrigins whose parent sends no referrer. */
  declared: string | null;
}

/**
 * The parent's origin, or null when it cannot be known (an opaque "null" origin, a parent that
 * hides its referrer and declares nothing): then the embed neither posts nor takes commands.
 * What the browser says wins over what the URL claims; a false `parentOrigin=` can only make
 * the browser withhold the messages, as postMessage delivers to the named origin alone.
 */
export function parentOrigin(facts: FrameFacts): string | null {
  const ancestor = facts.ancestorOrigins && facts.ancestorOrigins.length > 0 ? originOf(facts.ancestorOrigins[0]) : null;
  return ancestor ?? originOf(facts.referrer) ?? originOf(facts.declared);
}

/** The serialised origin of an http(s) URL or origin, or null for anything else ("null", "", about:, file:). */
export function originOf(text: string | null | undefined): string | null {
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.origin;
}
