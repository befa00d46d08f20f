// traefik/whoami: prints the host name, every interface address, the peer address it saw and the
// request as Go's Request.Write serialises it, so load balancing and SNAT become visible.

import { byteLength, httpDate, pathOf } from "../http.ts";
import type { App } from "./types.ts";

export const whoami: App = ({ request, client, local, hostname, now }) => {
  const path = pathOf(request.target);
  if (path === "/health") {
    return { reply: { kind: "http", version: "HTTP/1.1", status: 200, reason: "OK", headers: [["Date", httpDate(now)], ["Content-Length", "0"]], body: "" } };
  }
  const lines = [`Hostname: ${hostname}`, "IP: 127.0.0.1", "IP: ::1", `IP: ${local.ip}`, `IP: ${linkLocal(local.ip)}`, `RemoteAddr: ${client.ip}:${client.port}`];
  lines.push(`${request.method} ${request.target} HTTP/1.1`);
  const host = request.headers.find(([k]) => k.toLowerCase() === "host");
  if (host) lines.push(`Host: ${host[1]}`);
  const agent = request.headers.find(([k]) => k.toLowerCase() === "user-agent");
  if (agent) lines.push(`User-Agent: ${agent[1]}`);
  // Go writes the remaining headers sorted by canonical name.
  const rest = request.headers
    .filter(([k]) => !["host", "user-agent"].includes(k.toLowerCase()))
    .map(([k, v]) => [canonical(k), v] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k, v] of rest) lines.push(`${k}: ${v}`);
  const body = lines.join("\n") + "\n\n";
  return {
    reply: {
      kind: "http",
      version: "HTTP/1.1",
      status: 200,
      reason: "OK",
      headers: [
        ["Date", httpDate(now)],
        ["Content-Length", String(byteLength(body))],
        ["Content-Type", "text/plain; charset=utf-8"],
      ],
      body: request.method === "HEAD" ? "" : body,
    },
  };
};

function canonical(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1) : part))
    .join("-");
}

/** A stable fe80:: address derived from the IPv4 one (the veth's link-local address). */
function linkLocal(ip: string): string {
  const parts = ip.split(".").map(Number);
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
  return `fe80::${hex(parts[0] ^ 0x02, parts[1])}:${hex(parts[2], 0xff)}:fe${hex(parts[3], parts[2]).slice(-2)}:${hex(parts[3], parts[1])}`;
}
