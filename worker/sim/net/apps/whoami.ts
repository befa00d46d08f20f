// traefik/whoami: prints the host name, every interface address, the peer address it saw and the
// request as Go's Request.Write serialises it, so load balancing and SNAT become visible.

import { header, httpDate, pathOf } from "../http.ts";
import { byName, canonicalHeaderKey, contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

/** The headers whoami prints before the others (Go's Request.Write writes Host and User-Agent first). */
const SHOWN_FIRST = new Set(["host", "user-agent"]);

export const whoami: App = ({ request, client, local, hostname, now }) => {
  const path = pathOf(request.target);
  if (path === "/health") {
    return { reply: httpReply(request, 200, "OK", [["Date", httpDate(now)], contentLength("")], "") };
  }
  const lines = [`Hostname: ${hostname}`, "IP: 127.0.0.1", "IP: ::1", `IP: ${local.ip}`, `IP: ${linkLocal(local.ip)}`, `RemoteAddr: ${client.ip}:${client.port}`];
  lines.push(`${request.method} ${request.target} HTTP/1.1`);
  const host = header(request, "Host");
  if (host !== undefined) lines.push(`Host: ${host}`);
  const agent = header(request, "User-Agent");
  if (agent !== undefined) lines.push(`User-Agent: ${agent}`);
  // Go writes the remaining headers sorted by canonical name.
  const rest = request.headers
    .filter(([k]) => !SHOWN_FIRST.has(k.toLowerCase()))
    .map(([k, v]) => [canonicalHeaderKey(k), v] as const)
    .sort(byName);
  for (const [k, v] of rest) lines.push(`${k}: ${v}`);
  const body = lines.join("\n") + "\n\n";
  return { reply: httpReply(request, 200, "OK", [["Date", httpDate(now)], contentLength(body), ["Content-Type", "text/plain; charset=utf-8"]], body) };
};

/** A stable fe80:: address derived from the IPv4 one (the veth's link-local address). */
function linkLocal(ip: string): string {
  const parts = ip.split(".").map(Number);
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
  return `fe80::${hex(parts[0] ^ 0x02, parts[1])}:${hex(parts[2], 0xff)}:fe${hex(parts[3], parts[2]).slice(-2)}:${hex(parts[3], parts[1])}`;
}
