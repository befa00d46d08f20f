// The HTTP servers a CoreDNS process runs beside DNS, from the Corefile it loaded: the health
// plugin's (plugin/health: `/health` answers 200 `OK` while the process is up, on :8080 unless the
// directive names an address) and the ready plugin's (plugin/ready: `/ready` on :8181 answers 200
// `OK` once every plugin that reports readiness is ready, else 503 with their names). The only
// such plugin in the simulated Corefiles is kubernetes, whose informers sync at once here, so
// `/ready` is OK whenever the server runs. A Corefile without `ready` opens no :8181, which is what
// kubeadm's readinessProbe then meets. Both are Go ServeMuxes: other paths get http.NotFound.

import type { Corefile } from "../coredns.ts";
import { httpDate, pathOf, type HttpRequest, type HttpResponse } from "../http.ts";
import { goReply } from "./go-reply.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export type CorednsHttpPlugin = "health" | "ready" | "prometheus";

const DEFAULT_PORTS: Record<CorednsHttpPlugin, number> = { health: 8080, ready: 8181, prometheus: 9153 };

/** The port of a `host:port` address as net.SplitHostPort reads it (setup refuses an address without one). */
function addressPort(address: string): number | undefined {
  const colon = address.lastIndexOf(":");
  if (colon < 0) return undefined;
  const port = Number(address.slice(colon + 1));
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** The TCP ports the health and ready plugins of a loaded Corefile listen on. */
export function corednsHttpPorts(file: Corefile): Map<number, CorednsHttpPlugin> {
  const ports = new Map<number, CorednsHttpPlugin>();
  if (!file.ok) return ports;
  for (const server of file.servers) {
    for (const d of server.directives) {
      if (d.name !== "health" && d.name !== "ready" && d.name !== "prometheus") continue;
      const port = d.args[0] === undefined ? DEFAULT_PORTS[d.name] : addressPort(d.args[0]);
      if (port !== undefined && !ports.has(port)) ports.set(port, d.name);
    }
  }
  return ports;
}

/** http.NotFound: its own Content-Type and nosniff, then Date and Content-Length. */
function notFound(request: HttpRequest, now: number): HttpResponse {
  const body = "404 page not found\n";
  return httpReply(request, 404, "Not Found", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength(body)], body);
}

/** What the process's plugins tell its HTTP servers: the metrics text, and which plugins are not ready yet. */
export interface CorednsProcessView {
  metrics(): string;
  notReady(): string[];
}

export function corednsHttpApp(plugin: CorednsHttpPlugin, view?: CorednsProcessView): App {
  if (plugin === "prometheus") {
    // promhttp's handler: the text exposition format (no compression asked for by curl).
    return ({ request, now }) => {
      if (pathOf(request.target) !== "/metrics") return { reply: notFound(request, now) };
      const body = view?.metrics() ?? "";
      return { reply: httpReply(request, 200, "OK", [["Content-Type", "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"], ["Date", httpDate(now)], contentLength(body)], body) };
    };
  }
  if (plugin === "ready") {
    // plugin/ready: 200 OK once every plugin that reports readiness was ready once, else 503 with
    // their names, sorted and joined by commas (list.Ready), logged at INFO.
    return ({ request, now }) => {
      if (pathOf(request.target) !== "/ready") return { reply: notFound(request, now) };
      const waiting = view?.notReady() ?? [];
      return { reply: waiting.length ? goReply(request, now, 503, waiting.join(",")) : goReply(request, now, 200, "OK") };
    };
  }
  return ({ request, now }) => ({ reply: pathOf(request.target) === "/health" ? goReply(request, now, 200, "OK") : notFound(request, now) });
}
