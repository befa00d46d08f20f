// Matching the route traces of commands against a lesson's request checks, and the small memory a
// step keeps of them (counts, which pods answered, the last request) between commands.

import type { ClusterState } from "../cluster/types.ts";
import type { RouteTrace, TraceCause } from "../net/trace.ts";
import { labelsMatch, nodeIPs } from "./objects.ts";
import type { RequestCheck, RequestTarget, Verdict } from "./schema.ts";

/** What a step remembers about the requests of one shape since it started. Plain JSON. */
export interface RequestMemory {
  /** Requests of this shape (any verdict). */
  seen: number;
  /** Of those, the ones with the wanted verdict and status. */
  hits: number;
  /** Distinct pods that answered the hits (`namespace/name`), at most MAX_PODS. */
  pods: string[];
  /** The pod of each of the last RECENT hits, oldest first ("" when no pod answered). */
  recent: string[];
  /** The last request of this shape, whatever its verdict. */
  last?: LastRequest;
  /**
   * The last request that missed this shape narrowly and failed, while none of the shape was seen:
   * the right host at another port (8080 on a node's IP instead of its NodePort), a node's IP for a
   * Service, a name that did not resolve. Its cause tells the learner what went wrong.
   */
  miss?: LastRequest;
}

export interface LastRequest {
  request: string;
  host: string;
  port: number;
  verdict: Verdict;
  status?: number;
  reason: string;
  cause?: TraceCause;
}

function lastOf(trace: RouteTrace): LastRequest {
  return {
    request: trace.request,
    host: trace.to.host,
    port: trace.to.port,
    verdict: trace.verdict,
    ...(trace.status !== undefined ? { status: trace.status } : {}),
    reason: trace.reason,
    ...(trace.cause !== undefined ? { cause: trace.cause } : {}),
  };
}

const MAX_PODS = 32;
const RECENT = 20;

export function emptyRequestMemory(): RequestMemory {
  return { seen: 0, hits: 0, pods: [], recent: [] };
}

/** Folds one command's traces into the memory of a request check. Returns the same object if none matched. */
export function recordTraces(check: RequestCheck, memory: RequestMemory, traces: readonly RouteTrace[], cluster: ClusterState): RequestMemory {
  let next = memory;
  for (const trace of traces) {
    if (!matchesShape(check, trace, cluster)) {
      if (next.seen === 0 && trace.verdict !== "answered" && nearMiss(check, trace, cluster)) next = { ...next, miss: lastOf(trace) };
      continue;
    }
    const hit = matchesOutcome(check, trace);
    const pod = answeringPod(trace);
    const pods = hit && pod && !next.pods.includes(pod) && next.pods.length < MAX_PODS ? [...next.pods, pod] : next.pods;
    next = {
      seen: next.seen + 1,
      hits: next.hits + (hit ? 1 : 0),
      pods,
      recent: hit ? [...next.recent, pod ?? ""].slice(-RECENT) : next.recent,
      last: lastOf(trace),
    };
  }
  return next;
}

function matchesOutcome(check: RequestCheck, trace: RouteTrace): boolean {
  if (check.verdict !== undefined && trace.verdict !== check.verdict) return false;
  if (check.status !== undefined && trace.status !== check.status) return false;
  return true;
}

/** The pod whose process handled the request, from the trace's hops. */
export function answeringPod(trace: RouteTrace): string | undefined {
  for (let i = trace.hops.length - 1; i >= 0; i--) {
    const ref = trace.hops[i].ref;
    if (ref?.kind === "Pod") return `${ref.namespace ?? "default"}/${ref.name}`;
  }
  return undefined;
}

/** A request from the right client that missed the target narrowly: see RequestMemory.miss. */
function nearMiss(check: RequestCheck, trace: RouteTrace, cluster: ClusterState): boolean {
  if (!fromMatches(check, trace)) return false;
  const to = check.to;
  const host = trace.to.host.toLowerCase().replace(/\.$/, "");
  const namespace = check.namespace ?? "default";
  if (to.port !== undefined && trace.to.port !== to.port && matchesTarget(to, host, trace.to.port, namespace, cluster)) return true;
  if ((to.kind === "nodePort" || to.kind === "service" || to.kind === "loadBalancer") && [...nodeIPs(cluster).values()].includes(host)) return true;
  return (to.kind === "name" || to.kind === "service") && trace.verdict === "not-resolved";
}

function fromMatches(check: RequestCheck, trace: RouteTrace): boolean {
  if (!check.from) return true;
  if (trace.from.kind !== check.from.kind) return false;
  return check.from.name === undefined || sameName(trace.from.name, check.from.name);
}

function sameName(actual: string, wanted: string): boolean {
  return actual === wanted || actual.endsWith(`/${wanted}`);
}

export function matchesShape(check: RequestCheck, trace: RouteTrace, cluster: ClusterState): boolean {
  if (!fromMatches(check, trace)) return false;
  const to = check.to;
  if (to.port !== undefined && trace.to.port !== to.port) return false;
  return matchesTarget(to, trace.to.host.toLowerCase().replace(/\.$/, ""), trace.to.port, check.namespace ?? "default", cluster);
}

function matchesTarget(to: RequestTarget, host: string, port: number, namespace: string, cluster: ClusterState): boolean {
  switch (to.kind) {
    case "address":
      return host === to.host.toLowerCase();
    case "nodePort":
      return isNodePort(cluster, host, port, namespace, to.service, to.node);
    case "clusterIP":
      return isClusterIP(cluster, host, namespace, to.service);
    case "loadBalancer":
      return isLoadBalancerIP(cluster, host, namespace, to.service);
    case "podIP":
      return isPodIP(cluster, host, namespace, to.pod, to.selector);
    case "name":
      if (isIPv4(host)) return false;
      if (to.name !== undefined && host !== to.name.toLowerCase()) return false;
      return to.service === undefined || serviceNames(to.service, namespace, cluster.config.clusterDomain).includes(host);
    case "service":
      return (
        isNodePort(cluster, host, port, namespace, to.service, undefined) ||
        isClusterIP(cluster, host, namespace, to.service) ||
        isLoadBalancerIP(cluster, host, namespace, to.service) ||
        serviceNames(to.service, namespace, cluster.config.clusterDomain).includes(host)
      );
  }
}

/** The DNS names a pod in the same namespace may use for a Service. */
export function serviceNames(service: string, namespace: string, domain: string): string[] {
  const s = service.toLowerCase();
  return [s, `${s}.${namespace}`, `${s}.${namespace}.svc`, `${s}.${namespace}.svc.${domain}`];
}

function isNodePort(cluster: ClusterState, host: string, port: number, namespace: string, service: string | undefined, node: string | undefined): boolean {
  const ips = nodeIPs(cluster);
  if (node !== undefined ? ips.get(node) !== host : ![...ips.values()].includes(host)) return false;
  if (service !== undefined) {
    const svc = cluster.services[`${namespace}/${service}`];
    return svc?.spec.ports.some((p) => p.nodePort === port) ?? false;
  }
  for (const svc of Object.values(cluster.services)) {
    if (svc.spec.ports.some((p) => p.nodePort === port)) return true;
  }
  return false;
}

function isClusterIP(cluster: ClusterState, host: string, namespace: string, service: string | undefined): boolean {
  if (service !== undefined) {
    const svc = cluster.services[`${namespace}/${service}`];
    return svc !== undefined && (svc.spec.clusterIPs ?? [svc.spec.clusterIP]).includes(host);
  }
  for (const svc of Object.values(cluster.services)) {
    if (svc.spec.clusterIP === host) return true;
  }
  return false;
}

/** The address MetalLB gave the Service (status.loadBalancer.ingress), or any Service's when none is named. */
function isLoadBalancerIP(cluster: ClusterState, host: string, namespace: string, service: string | undefined): boolean {
  const ips = (svc: ClusterState["services"][string] | undefined) => svc?.status?.loadBalancer?.ingress?.map((i) => i.ip) ?? [];
  if (service !== undefined) return ips(cluster.services[`${namespace}/${service}`]).includes(host);
  return Object.values(cluster.services).some((svc) => ips(svc).includes(host));
}

function isPodIP(cluster: ClusterState, host: string, namespace: string, pod: string | undefined, selector: Record<string, string> | undefined): boolean {
  if (pod !== undefined) return cluster.pods[`${namespace}/${pod}`]?.status.podIP === host;
  if (selector !== undefined) {
    for (const p of Object.values(cluster.pods)) {
      if (p.metadata.namespace === namespace && p.status.podIP === host && labelsMatch(p.metadata.labels, selector)) return true;
    }
    return false;
  }
  // Any pod IP, including one whose pod is gone: the address is still in the pod network.
  return inCIDR(host, cluster.config.podCIDR);
}

export function isIPv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

function toNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function inCIDR(ip: string, cidr: string): boolean {
  if (!isIPv4(ip)) return false;
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toNumber(base) / size) * size;
  const n = toNumber(ip);
  return n >= start && n < start + size;
}
