// The HTTP servers kube-proxy runs on its node, from its hostNetwork pod:
// - the proxier health server on 0.0.0.0:10256 (healthzBindAddress): /healthz and /livez
//   (pkg/proxy/healthcheck/proxier_health.go);
// - the metrics server on 127.0.0.1:10249 (metricsBindAddress's default): /proxyMode and the
//   /healthz of k8s.io/apiserver's healthz package (cmd/kube-proxy/app/server.go serveMetrics);
// - one health check server per LoadBalancer Service with externalTrafficPolicy: Local, on its
//   healthCheckNodePort on every node address, answering any path with the node's count of ready
//   local endpoints: 200 with at least one, 503 with none (service_health.go hcHandler).
// kube-proxy syncs at once in the simulation, so it is always healthy and lastUpdated is now.

import type { Pod } from "../../cluster/types.ts";
import { httpDate, pathOf, type HttpRequest, type HttpResponse } from "../http.ts";
import type { NetIndex, NodeInfo } from "../index.ts";
import { goTime } from "./go-reply.ts";
import { contentLength, httpReply } from "./reply.ts";
import type { App } from "./types.ts";
import { nodeProxier } from "../ipvs.ts";

export const PROXIER_HEALTH_PORT = 10256;
export const METRICS_PORT = 10249;

const REASONS: Record<number, string> = { 200: "OK", 404: "Not Found", 503: "Service Unavailable" };

/** Go's net/http: the handler's own headers (sorted), then Date and Content-Length. */
function reply(request: HttpRequest, now: number, status: number, contentType: string, body: string): HttpResponse {
  const headers: Array<[string, string]> = [
    ["Content-Type", contentType],
    ["X-Content-Type-Options", "nosniff"],
    ["Date", httpDate(now)],
    contentLength(body),
  ];
  return httpReply(request, status, REASONS[status], headers, body);
}

/** http.NotFound, as Go's ServeMux answers a path it has no handler for. */
function notFound(request: HttpRequest, now: number): HttpResponse {
  return reply(request, now, 404, "text/plain; charset=utf-8", "404 page not found\n");
}

/** service_health.go's body: the dedented, newline-trimmed JSON with tab indentation. */
export function serviceHealthBody(namespace: string, name: string, localEndpoints: number): string {
  return `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(namespace)},\n\t\t"name": ${JSON.stringify(name)}\n\t},\n\t"localEndpoints": ${localEndpoints},\n\t"serviceProxyHealthy": true\n}`;
}

function serviceHealthApp(serviceKey: string, localEndpoints: number): App {
  const slash = serviceKey.indexOf("/");
  const body = serviceHealthBody(serviceKey.slice(0, slash), serviceKey.slice(slash + 1), localEndpoints);
  return ({ request, now }) => ({ reply: reply(request, now, localEndpoints > 0 ? 200 : 503, "application/json", body) });
}

const proxierHealthApp: App = ({ request, now, startedAt }) => {
  const path = pathOf(request.target);
  if (path !== "/healthz" && path !== "/livez") return { reply: notFound(request, now) };
  const time = JSON.stringify(goTime(now, startedAt));
  const body = path === "/healthz" ? `{"lastUpdated": ${time},"currentTime": ${time}, "nodeEligible": true}` : `{"lastUpdated": ${time},"currentTime": ${time}}`;
  return { reply: reply(request, now, 200, "application/json", body) };
};

/** The metrics server; /proxyMode answers the mode the node's kube-proxy process chose as it started. */
const metricsApp = (mode: string): App => ({ request, now }) => {
  const path = pathOf(request.target);
  if (path === "/proxyMode") return { reply: reply(request, now, 200, "text/plain; charset=utf-8", mode) };
  if (path === "/healthz") return { reply: reply(request, now, 200, "text/plain; charset=utf-8", "ok") };
  return { reply: notFound(request, now) };
};

/** The node's kube-proxy pod and its running container, if kube-proxy runs there now. */
function runningKubeProxy(index: NetIndex, nodeName: string): { pod: Pod; key: string; container: string } | undefined {
  for (const info of index.hostNetworkPods(nodeName)) {
    const pod = info.pod;
    if (pod.metadata.labels?.["k8s-app"] !== "kube-proxy" || pod.status.phase !== "Running") continue;
    const status = pod.status.containerStatuses?.find((s) => s.name === "kube-proxy");
    if (status?.state.running) return { pod, key: info.key, container: "kube-proxy" };
  }
  return undefined;
}

export interface KubeProxyServer {
  app: App;
  label: string;
  pod: Pod;
  podKey: string;
  container: string;
}

/** kube-proxy's server on `port` of the node, reached at `dstIP`; undefined when none listens. */
export function kubeProxyServer(index: NetIndex, node: NodeInfo, port: number, dstIP: string): KubeProxyServer | undefined {
  const hcService = index.serviceAtHealthCheckNodePort(port);
  const wanted = hcService !== undefined || port === PROXIER_HEALTH_PORT || (port === METRICS_PORT && dstIP.startsWith("127."));
  if (!wanted) return undefined;
  const proxy = runningKubeProxy(index, node.name);
  if (!proxy) return undefined;
  const base = { podKey: proxy.key, pod: proxy.pod, container: proxy.container };
  if (hcService !== undefined) {
    const local = index.localReadyEndpoints(hcService, node.name);
    return { ...base, app: serviceHealthApp(hcService, local), label: `kube-proxy's health check server for ${hcService} on ${node.name} (${local} local endpoint${local === 1 ? "" : "s"})` };
  }
  if (port === PROXIER_HEALTH_PORT) return { ...base, app: proxierHealthApp, label: `kube-proxy's health server on ${node.name}` };
  return { ...base, app: metricsApp(nodeProxier(index, node.name).mode), label: `kube-proxy's metrics server on ${node.name} (127.0.0.1 only)` };
}
