// MetalLB's controller and speaker as servers: both serve Prometheus metrics on --port (7472), the
// path their manifest's probes ask for (GET /metrics); the controller's webhook server (9443)
// speaks TLS only (the API server's calls to it are cluster/admission-webhooks.ts's). Any other
// path gets Go's net/http 404. The metrics body is the one gauge every MetalLB process exports
// from its start (internal/k8s: metallb_k8s_client_config_loaded_bool), not the full registry.

import { httpDate, pathOf } from "../http.ts";
import { tlsOnly } from "./databases.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";

export const METALLB_METRICS_PORT = 7472;

const METRICS = `# HELP metallb_k8s_client_config_loaded_bool 1 if the MetalLB configuration was successfully loaded at least once.
# TYPE metallb_k8s_client_config_loaded_bool gauge
metallb_k8s_client_config_loaded_bool 1
`;

export const metallb: App = (req) => {
  const { request, local, now } = req;
  if (local.port !== METALLB_METRICS_PORT) return tlsOnly(req);
  if (pathOf(request.target) === "/metrics") {
    return { reply: httpReply(request, 200, "OK", [["Content-Type", "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"], ["Date", httpDate(now)], contentLength(METRICS)], METRICS) };
  }
  const body = "404 page not found\n";
  return { reply: httpReply(request, 404, "Not Found", [["Content-Type", "text/plain; charset=utf-8"], ["X-Content-Type-Options", "nosniff"], ["Date", httpDate(now)], contentLength(body)], body) };
};
