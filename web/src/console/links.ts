// Finds the addresses in console text that a browser can open through the session's proxy:
// nodeIP:nodePort, the only way into the cluster from outside.
import type { ClusterView } from "../../../worker/sim/view.ts";

export type Segment = { text: string } | { text: string; host: string; port: number; path: string };

const ADDRESS = /(https?:\/\/)?(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})(\/[^\s'"<>]*)?/g;

/** The node IP:nodePort pairs that answer from outside. */
export function openable(view: ClusterView | undefined): Set<string> {
  const set = new Set<string>();
  if (!view) return set;
  const ports = view.services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => !!p));
  for (const node of view.nodes) for (const port of ports) set.add(`${node.ip}:${port}`);
  return set;
}

export function linkify(text: string, targets: Set<string>): Segment[] {
  if (targets.size === 0) return [{ text }];
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const [whole, , host, port, path] = match;
    if (!targets.has(`${host}:${port}`)) continue;
    const index = match.index ?? 0;
    if (index > last) segments.push({ text: text.slice(last, index) });
    segments.push({ text: whole, host, port: Number(port), path: path ?? "/" });
    last = index + whole.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}
