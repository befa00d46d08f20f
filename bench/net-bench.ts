// Routed requests per second through a NodePort, with the route trace built, on a small cluster
// (10 Services) and a large one (10,000 Services, 30,000 pods), plus the cost of the first request
// after a change of the pods (index rebuild). Run: npx tsx bench/net-bench.ts (bench/sim-bench.ts
// imports the same functions).

import { bootstrapCluster } from "../worker/sim/cluster/bootstrap.ts";
import { resolveProfile } from "../worker/sim/cluster/profile.ts";
import type { ClusterState, GenericObject, Pod, Service } from "../worker/sim/cluster/types.ts";
import { netIndex } from "../worker/sim/net/index.ts";
import type { Place } from "../worker/sim/net/places.ts";
import { route } from "../worker/sim/net/router.ts";
import { matchIngress, routingTable } from "../worker/sim/net/ingress-nginx.ts";
import { gatewayTable, matchGateway } from "../worker/sim/net/gateway.ts";
import type { RouteTrace } from "../worker/sim/net/trace.ts";
import { createRandom } from "../worker/sim/random.ts";
import { isMain } from "./is-main.ts";

const NOW = Date.UTC(2025, 10, 26, 10);

export function pod(name: string, node: string, ip: string, app: string): Pod {
  const ts = "2025-11-26T09:59:00Z";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `u-${name}`, resourceVersion: "1", creationTimestamp: ts, labels: { app } },
    spec: { containers: [{ name: "c", image: "nginx" }], nodeName: node },
    status: {
      phase: "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: ts }],
      containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: true, started: true, restartCount: 0, state: { running: { startedAt: ts } }, lastState: {} }],
    },
  };
}

function service(i: number): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `svc-${i}`, namespace: "default", uid: `s-${i}`, resourceVersion: "1", creationTimestamp: "2025-11-26T09:59:00Z" },
    spec: {
      type: "NodePort",
      selector: { app: `app-${i}` },
      ports: [{ protocol: "TCP", port: 80, targetPort: 80, nodePort: 30000 + (i % 2768) + (i >= 2768 ? 0 : 0) }],
      clusterIP: `10.${96 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${(i % 256) + (i % 256 === 0 ? 1 : 0)}`,
      sessionAffinity: "None",
    },
    status: { loadBalancer: {} },
  };
}

/** A cluster of `services` Services (NodePort for the first 2,000) with their Running pods. */
export function buildNetCluster(services: number, podsPerService: number, cni: "flannel" | "calico" = "flannel"): ClusterState {
  const base = bootstrapCluster({ now: NOW, random: createRandom(1), profile: resolveProfile({ cni }) });
  const pods: Record<string, Pod> = { ...base.pods };
  const svcs: Record<string, Service> = { ...base.services };
  const nodes = ["node01", "node02"];
  let n = 0;
  for (let i = 0; i < services; i++) {
    const s = service(i);
    // NodePorts are unique: large clusters use ClusterIP for the rest, as the port range is 2768 wide.
    if (i >= 2000) s.spec = { ...s.spec, type: "ClusterIP", ports: [{ protocol: "TCP", port: 80, targetPort: 80 }] };
    svcs[`default/svc-${i}`] = s;
    for (let j = 0; j < podsPerService; j++, n++) {
      const node = nodes[n % 2];
      const ip = `10.${244 + Math.floor(n / 65000)}.${1 + (n % 2) + 2 * (Math.floor(n / 2 / 250) % 100)}.${(Math.floor(n / 2) % 250) + 2}`;
      pods[`default/p-${i}-${j}`] = pod(`p-${i}-${j}`, node, ip, `app-${i}`);
    }
  }
  return { ...base, pods, services: svcs, resourceVersion: base.resourceVersion + 1 };
}

/**
 * The same cluster with every node's kube-proxy in ipvs mode (rr), as after editing its ConfigMap
 * and restarting its pods: the record each kube-proxy run keeps of the mode it read.
 */
export function withIpvsMode(state: ClusterState): ClusterState {
  const podRuntime = { ...state.podRuntime };
  for (const key in state.pods) {
    if (state.pods[key].metadata.labels?.["k8s-app"] !== "kube-proxy") continue;
    podRuntime[key] = { ...podRuntime[key], kubeProxy: { containerID: `bench-${key}`, mode: "ipvs", scheduler: "rr" } };
  }
  return { ...state, podRuntime };
}

/**
 * The same cluster with `count` NetworkPolicies in default, spread over the Services' pods (each
 * pod selected by count/services of them). Every policy isolates its pods for ingress; only the
 * last tenth allow what a NodePort request brings (the node's pod-network address kube-proxy
 * masquerades to, port 80), so a routed request is checked against every rule of its pod's other policies first.
 */
export function withPolicies(state: ClusterState, count: number, services: number): ClusterState {
  const policies: Record<string, GenericObject> = {};
  for (let i = 0; i < count; i++) {
    const allowsNodes = i >= count - count / 10;
    const name = `np-${String(i).padStart(3, "0")}`;
    policies[`default/${name}`] = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: "default", uid: `np-${i}`, resourceVersion: "1", creationTimestamp: "2025-11-26T09:59:00Z", generation: 1 },
      spec: {
        podSelector: { matchLabels: { app: `app-${i % services}` } },
        ingress: [
          allowsNodes
            ? // The except is a host address no node masquerades to: flannel's is a /24's .0, Calico's tunl0 a /26 block's first.
            { from: [{ ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.255.1/32"] } }], ports: [{ protocol: "TCP", port: 80 }] }
            : { from: [{ podSelector: { matchLabels: { role: `client-${i}` } } }, { namespaceSelector: { matchLabels: { team: "none" } } }], ports: [{ protocol: "TCP", port: "http" }] },
        ],
        policyTypes: ["Ingress"],
      },
    };
  }
  return { ...state, objects: { ...state.objects, networkpolicies: policies }, resourceVersion: state.resourceVersion + 1 };
}

export interface RouteRate {
  perSecond: number;
  usEach: number;
  /** The first request, index build included. */
  firstMs: number;
}

/** Routes `iterations` requests from the workstation to node01's NodePort, building each trace. */
export function routeRate(state: ClusterState, nodePort: number, iterations = 1_000_000): RouteRate {
  const label = `NodePort ${nodePort}`;
  const from: Place = { kind: "workstation", name: "workstation", ip: "192.168.56.1" };
  const random = createRandom(42);
  const t0 = performance.now();
  let index = netIndex(state);
  const req = { from, srcPort: 40000, dstIP: "192.168.56.11", dstPort: nodePort, protocol: "TCP" as const };
  const first = route(index, req, { random, now: NOW });
  const firstMs = performance.now() - t0;
  if (first.result !== "delivered") throw new Error(`${label}: not delivered: ${JSON.stringify(first)}`);
  const traces: RouteTrace[] = [];
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    index = netIndex(state);
    const out = route(index, req, { random, now: NOW });
    const trace: RouteTrace = {
      request: "curl",
      from: { kind: "workstation", name: "workstation", ip: from.ip },
      to: { host: req.dstIP, port: req.dstPort },
      hops: out.hops,
      verdict: out.result === "delivered" ? "answered" : out.result,
      reason: "",
    };
    if ((i & 0xffff) === 0) traces.push(trace);
    sink += trace.hops.length;
  }
  const ms = performance.now() - start;
  if (sink === 0 || traces.length === 0) throw new Error(`${label}: no hops`);
  return { perSecond: Math.round((iterations / ms) * 1000), usEach: (ms * 1000) / iterations, firstMs };
}

/** The first routed request after one more pod for one Service (a new pods record). */
export function firstRequestAfterPodChange(large: ClusterState): number {
  const scaled: ClusterState = { ...large, pods: { ...large.pods, "default/p-5-3": pod("p-5-3", "node02", "10.250.9.9", "app-5") }, resourceVersion: large.resourceVersion + 1 };
  const t0 = performance.now();
  const idx = netIndex(scaled);
  const out = route(idx, { from: { kind: "workstation", name: "workstation", ip: "192.168.56.1" }, srcPort: 1, dstIP: "192.168.56.11", dstPort: 30005, protocol: "TCP" }, { random: createRandom(1), now: NOW });
  const ms = performance.now() - t0;
  if (out.result !== "delivered") throw new Error(`after a pod change: ${out.result}`);
  return ms;
}

if (isMain(import.meta.url)) {
  const small = buildNetCluster(10, 3);
  const large = buildNetCluster(10_000, 3);
  const heap = process.memoryUsage().heapUsed / 1e6;
  console.log(`clusters built: small ${Object.keys(small.pods).length} pods, large ${Object.keys(large.services).length} services / ${Object.keys(large.pods).length} pods; heap ${heap.toFixed(0)} MB`);
  const show = (label: string, r: RouteRate) =>
    console.log(`${label}: ${r.perSecond.toLocaleString("en")} routed requests/s with trace (${r.usEach.toFixed(2)} us each); first request incl. index build ${r.firstMs.toFixed(1)} ms`);
  show("small (10 services)", routeRate(small, 30005));
  const a = routeRate(small, 30005);
  show("small (10 services)", a);
  show("large (10,000 services, 30,000 pods)", routeRate(large, 30005));
  const b = routeRate(large, 30005);
  show("large (10,000 services, 30,000 pods)", b);
  console.log(`large/small time ratio: ${(a.perSecond / b.perSecond).toFixed(2)}x`);
  console.log(`after a change of the pods on the large cluster: first routed request ${firstRequestAfterPodChange(large).toFixed(1)} ms`);
}

/**
 * The same cluster with `count` Ingresses of class nginx (and the IngressClass), one host each,
 * three Prefix paths per host spread over the Services: ingress-nginx's routing table has
 * count * 3 rules (plus their exact twins).
 */
export function withIngresses(state: ClusterState, count: number, services: number): ClusterState {
  const ingresses: Record<string, GenericObject> = {};
  for (let i = 0; i < count; i++) {
    const name = `ing-${String(i).padStart(3, "0")}`;
    const backend = (k: number) => ({ service: { name: `svc-${(i + k) % services}`, port: { number: 80 } } });
    ingresses[`default/${name}`] = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, namespace: "default", uid: `i-${i}`, resourceVersion: "1", creationTimestamp: "2025-11-26T09:59:00Z" },
      spec: { ingressClassName: "nginx", rules: [{ host: `h${i}.example`, http: { paths: ["/", "/api", "/static"].map((path, k) => ({ path, pathType: "Prefix", backend: backend(k) })) } }] },
      status: { loadBalancer: {} },
    } as GenericObject;
  }
  const classes = { nginx: { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx", uid: "ic", resourceVersion: "1", creationTimestamp: "2025-11-26T09:59:00Z" }, spec: { controller: "k8s.io/ingress-nginx" } } as GenericObject };
  return { ...state, objects: { ...(state.objects ?? {}), ingresses, ingressclasses: classes }, resourceVersion: state.resourceVersion + 1 };
}

/**
 * The same cluster with a Gateway `web` of class nginx (one HTTP listener on 80) and `count`
 * HTTPRoutes attached to it, one host each, three PathPrefix rules per host spread over the Services.
 */
export function withHttpRoutes(state: ClusterState, count: number, services: number): ClusterState {
  const meta = (name: string, uid: string) => ({ name, namespace: "default", uid, resourceVersion: "1", creationTimestamp: "2025-11-26T09:59:00Z" });
  const gateway = { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: meta("web", "gw"), spec: { gatewayClassName: "nginx", listeners: [{ name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" } } }] } } as GenericObject;
  const httproutes: Record<string, GenericObject> = {};
  for (let i = 0; i < count; i++) {
    const name = `route-${String(i).padStart(3, "0")}`;
    const rules = ["/", "/api", "/static"].map((value, k) => ({ matches: [{ path: { type: "PathPrefix", value } }], backendRefs: [{ group: "", kind: "Service", name: `svc-${(i + k) % services}`, port: 80, weight: 1 }] }));
    httproutes[`default/${name}`] = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: meta(name, `r-${i}`), spec: { parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "web" }], hostnames: [`h${i}.example`], rules } } as GenericObject;
  }
  return { ...state, objects: { ...(state.objects ?? {}), gateways: { "default/web": gateway }, httproutes }, resourceVersion: state.resourceVersion + 1 };
}

/**
 * What one request through a Gateway's data plane costs: the client's route to the NodePort (svc-5's
 * pods stand in for the data plane), the HTTPRoute match, the backend's endpoints and the data-plane
 * pod's route to one, both traces built.
 */
export function gatewayRouteRate(state: ClusterState, nodePort: number, iterations = 1_000_000): RouteRate {
  const from: Place = { kind: "workstation", name: "workstation", ip: "192.168.56.1" };
  const proxy = state.pods["default/p-5-0"];
  const podPlace: Place = { kind: "pod", name: "p-5-0", namespace: "default", key: "default/p-5-0", ip: proxy.status.podIP!, nodeName: proxy.spec.nodeName!, hostNetwork: false, container: "c" };
  const gateway = state.objects!.gateways!["default/web"];
  const random = createRandom(42);
  const req = { from, srcPort: 40000, dstIP: "192.168.56.11", dstPort: nodePort, protocol: "TCP" as const };
  const requests = Array.from({ length: 100 }, (_, i) => ({ method: "GET", target: "/api/users", headers: [["Host", `h${i}.example`]] as Array<[string, string]> }));
  let sink = 0;
  const one = (i: number) => {
    const index = netIndex(state);
    const outer = route(index, req, { random, now: NOW });
    const match = matchGateway(gatewayTable(state, gateway, 80), requests[i % 100]);
    if (match.kind !== "rule") throw new Error("gateway bench: no rule matched");
    const backend = match.entry.backends[0];
    const sp = index.portsOfService(backend.serviceKey)[0];
    const endpoints = index.endpoints(sp);
    const endpoint = endpoints[random.int(endpoints.length)];
    const inner = route(index, { from: podPlace, srcPort: 40001, dstIP: endpoint.ip, dstPort: endpoint.port, protocol: "TCP" }, { random, now: NOW });
    if (inner.result !== "delivered" || outer.result !== "delivered") throw new Error("gateway bench: not delivered");
    sink += outer.hops.length + inner.hops.length;
  };
  const t0 = performance.now();
  one(0);
  const firstMs = performance.now() - t0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) one(i);
  const ms = performance.now() - start;
  if (sink === 0) throw new Error("gateway bench: no hops");
  return { perSecond: Math.round((iterations / ms) * 1000), usEach: (ms * 1000) / iterations, firstMs };
}

/**
 * What one request through ingress-nginx costs the router: the client's route to the NodePort, the
 * rule match in the routing table, the endpoint's Service lookup and the controller pod's route to
 * that endpoint, both traces built. The NodePort leg goes to svc-5's pods here, standing in for the
 * controller's (same rules, same cost).
 */
export function ingressRouteRate(state: ClusterState, nodePort: number, iterations = 1_000_000): RouteRate {
  const from: Place = { kind: "workstation", name: "workstation", ip: "192.168.56.1" };
  const controller = state.pods["default/p-5-0"];
  const podPlace: Place = { kind: "pod", name: "p-5-0", namespace: "default", key: "default/p-5-0", ip: controller.status.podIP!, nodeName: controller.spec.nodeName!, hostNetwork: false, container: "c" };
  const random = createRandom(42);
  const req = { from, srcPort: 40000, dstIP: "192.168.56.11", dstPort: nodePort, protocol: "TCP" as const };
  let sink = 0;
  const one = (i: number) => {
    const index = netIndex(state);
    const outer = route(index, req, { random, now: NOW });
    const match = matchIngress(routingTable(state), `h${i % 100}.example`, "/api/users");
    if (match.kind !== "rule") throw new Error("ingress bench: no rule matched");
    const sp = index.portsOfService(match.target.serviceKey)[0];
    const endpoints = index.endpoints(sp);
    const endpoint = endpoints[random.int(endpoints.length)];
    const inner = route(index, { from: podPlace, srcPort: 40001, dstIP: endpoint.ip, dstPort: endpoint.port, protocol: "TCP" }, { random, now: NOW });
    if (inner.result !== "delivered" || outer.result !== "delivered") throw new Error("ingress bench: not delivered");
    sink += outer.hops.length + inner.hops.length;
  };
  const t0 = performance.now();
  one(0);
  const firstMs = performance.now() - t0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) one(i);
  const ms = performance.now() - start;
  if (sink === 0) throw new Error("ingress bench: no hops");
  return { perSecond: Math.round((iterations / ms) * 1000), usEach: (ms * 1000) / iterations, firstMs };
}
