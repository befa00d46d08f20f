// Finds the addresses in console text that a browser can open through the session's proxy:
// nodeIP:nodePort, the only way into the cluster from outside (a LoadBalancer service never gets
// an external address here), and localhost:PORT or 127.0.0.1:PORT while a `kubectl port-forward`
// listens there on the workstation (the proxy sends it through the forward's tunnel). The console prints what commands
// and apps wrote, so a link's path is untrusted: it is resolved as a browser resolves
// `http://host:port<path>` (dot segments, `%2e%2e`, backslashes) and then sits under the session's
// proxy prefix, which it can no longer leave.
import type { ClusterView } from "../../../worker/sim/view.ts";

export type Segment = { text: string } | { text: string; host: string; port: number; path: string };

const ADDRESS = /(https?:\/\/)?(\d{1,3}(?:\.\d{1,3}){3}|\blocalhost):(\d{1,5})(\/[^\s'"<>]*)?/g;

/** The node IP:nodePort pairs that answer from outside. */
export function openable(view: ClusterView | undefined): Set<string> {
  const set = new Set<string>();
  if (!view) return set;
  const ports = view.services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => !!p));
  for (const node of view.nodes) for (const port of ports) set.add(`${node.ip}:${port}`);
  for (const forward of view.forwards ?? []) {
    set.add(`localhost:${forward.port}`);
    set.add(`127.0.0.1:${forward.port}`);
  }
  return set;
}

export function linkify(text: string, targets: Set<string>): Segment[] {
  if (targets.size === 0) return [{ text }];
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const [whole, , host, port, rawPath] = match;
    if (!targets.has(`${host}:${port}`)) continue;
    const path = appPath(host, Number(port), rawPath ?? "/");
    if (path === null) continue;
    const index = match.index ?? 0;
    if (index > last) segments.push({ text: text.slice(last, index) });
    segments.push({ text: whole, host, port: Number(port), path });
    last = index + whole.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

/**
 * The path (with query and fragment) a browser would request for `http://host:port<raw>`: dot
 * segments resolved, `..` above the root dropped, `%2e` taken as a dot and `\` as `/`, as the URL
 * standard says for http. Null when a dot segment is still hidden behind an encoded slash
 * (`%2e%2e%2f`) or a second layer of encoding: a server that decodes those before resolving
 * would climb out of the proxy prefix, so such text stays text.
 */
export function appPath(host: string, port: number, raw: string): string | null {
  let url: URL;
  try {
    url = new URL(`http://${host}:${port}${raw.startsWith("/") ? raw : `/${raw}`}`);
  } catch {
    return null;
  }
  // The raw path starts with "/", so it cannot name another host; checked all the same.
  if (url.hostname !== host) return null;
  if (hidesDotSegment(url.pathname)) return null;
  return url.pathname + url.search + url.hash;
}

function hidesDotSegment(pathname: string): boolean {
  let text = pathname;
  // Three rounds cover any decoding a proxy chain plausibly applies; each round can only shorten.
  for (let round = 0; round < 3; round++) {
    if (hasDotSegment(text)) return true;
    const decoded = decodeLoosely(text);
    if (decoded === text) return false;
    text = decoded;
  }
  return hasDotSegment(text);
}

/** A segment is read up to a NUL (where C servers stop) and without control characters and spaces (which URL parsers drop). */
function hasDotSegment(path: string): boolean {
  return path.split(/[/\\]/).some((segment) => /^\.{1,2}$/.test(segment.split("\u0000")[0].replace(/[\u0001-\u0020\u007f]/g, "")));
}

/** Percent-decodes every valid `%XX`, leaving malformed ones as they are (decodeURIComponent would throw). */
function decodeLoosely(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
