// kube-proxy in ipvs mode (pkg/proxy/ipvs/proxier.go syncProxyRules) as data: the virtual servers
// it creates on a node and the dummy interface kube-ipvs0 that carries every ClusterIP. The router
// (router.ts), `ipvsadm -Ln` and `ip addr show kube-ipvs0` all read these, so the three agree.
//
// Per Service port kube-proxy adds a virtual server for the ClusterIP, every external IP and
// load-balancer address and, for a nodePort, one per node address (nodePortAddresses is unset:
// every address of the node but kube-ipvs0's, loopback excluded, as netlink_linux.go's
// GetAllLocalAddressesExcept and isValidForSet give them: eth0's, flannel.1's and cni0's). Each has
// the ready endpoints as real servers (Masq, weight 1). syncEndpoint: with externalTrafficPolicy:
// Local the external ones get only the node's own endpoints, or all of them when the node has
// none (kubernetes#97081: pods on the node can still reach the Service; an outside client's reply
// is lost); with internalTrafficPolicy: Local the ClusterIP one gets the node's own, else the
// cluster-wide ones only if the Service is reachable from outside (CategorizeEndpoints' clusterEndpoints).
// sessionAffinity: ClientIP gives the virtual server persistence (`persistent 10800`).

import type { EndpointInfo, NetIndex, ServicePortInfo } from "./index.ts";
import { writeCount } from "../cluster/tx.ts";
import { DEFAULT_AFFINITY_SECONDS } from "./kube-proxy-ruleset.ts";
import { nodeEntries } from "./conntrack.ts";
import type { ConntrackEntry } from "../cluster/types.ts";

export interface NodeProxier {
  mode: "iptables" | "ipvs";
  scheduler: string;
}

const IPTABLES: NodeProxier = { mode: "iptables", scheduler: "" };

// Every routed request asks for its node's proxier: answered from a cache per podRuntime record
// (a new kube-proxy pod or run writes it), so the common case costs two map hits.
const proxiers = new WeakMap<object, { writes: number; byNode: Map<string, NodeProxier> }>();

/** The proxier of the node's kube-proxy: what its process chose as it started (iptables by default). */
export function nodeProxier(index: NetIndex, nodeName: string): NodeProxier {
  const runtimes = index.state.podRuntime;
  const writes = writeCount(runtimes);
  let hit = proxiers.get(runtimes);
  if (!hit || hit.writes !== writes) proxiers.set(runtimes, (hit = { writes, byNode: new Map() }));
  let proxier = hit.byNode.get(nodeName);
  if (!proxier) hit.byNode.set(nodeName, (proxier = readNodeProxier(index, nodeName)));
  return proxier;
}

function readNodeProxier(index: NetIndex, nodeName: string): NodeProxier {
  for (const info of index.hostNetworkPods(nodeName)) {
    if (info.pod.metadata.labels?.["k8s-app"] !== "kube-proxy") continue;
    const run = index.state.podRuntime[info.key]?.kubeProxy;
    if (run) return run.mode === "ipvs" ? { mode: "ipvs", scheduler: run.scheduler || "rr" } : IPTABLES;
  }
  return IPTABLES;
}

export interface VirtualServer {
  protocol: "TCP" | "UDP" | "SCTP";
  ip: string;
  port: number;
  scheduler: string;
  /** Persistence timeout in seconds (sessionAffinity: ClientIP), else undefined. */
  persistent?: number;
  realServers: readonly EndpointInfo[];
  sp: ServicePortInfo;
  kind: "cluster IP" | "external IP" | "loadbalancer IP" | "nodePort";
}

function ipNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

/** The virtual servers of one Service port on a node. */
export function servicePortVirtualServers(index: NetIndex, sp: ServicePortInfo, nodeName: string, nodeIPs: readonly string[], scheduler: string): VirtualServer[] {
  const spec = sp.service.spec;
  const clusterIP = spec.clusterIP;
  if (!clusterIP || clusterIP === "None") return [];
  const protocol = sp.protocol as VirtualServer["protocol"];
  const all = index.endpoints(sp);
  const local = index.localEndpoints(sp, nodeName);
  const nodePort = sp.port.nodePort && (spec.type === "NodePort" || spec.type === "LoadBalancer") ? sp.port.nodePort : 0;
  const externallyAccessible = nodePort !== 0 || (spec.externalIPs ?? []).length > 0 || (spec.type === "LoadBalancer" && (sp.service.status.loadBalancer.ingress ?? []).some((i) => i.ip));
  const internal = spec.internalTrafficPolicy === "Local" ? (local.length > 0 ? local : externallyAccessible ? all : local) : all;
  const external = spec.externalTrafficPolicy === "Local" && local.length > 0 ? local : all;
  const persistent = spec.sessionAffinity === "ClientIP" ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
  const port = sp.port.port;
  const base = { protocol, scheduler, sp, ...(persistent !== undefined ? { persistent } : {}) };
  const out: VirtualServer[] = [{ ...base, ip: clusterIP, port, realServers: internal, kind: "cluster IP" }];
  for (const ip of spec.externalIPs ?? []) out.push({ ...base, ip, port, realServers: external, kind: "external IP" });
  if (spec.type === "LoadBalancer") {
    for (const ingress of sp.service.status.loadBalancer.ingress ?? []) if (ingress.ip) out.push({ ...base, ip: ingress.ip, port, realServers: external, kind: "loadbalancer IP" });
  }
  if (nodePort) {
    for (const ip of nodeIPs) out.push({ ...base, ip, port: nodePort, realServers: external, kind: "nodePort" });
  }
  return out;
}

/** The node's own addresses a nodePort gets a virtual server on: eth0's, then the CNI's (flannel.1 and cni0, or Calico's tunl0). */
export function nodeAddresses(index: NetIndex, nodeName: string): string[] {
  const node = index.nodeByName(nodeName);
  if (!node) return [];
  return [node.ip, node.tunnelIP, node.bridgeIP].filter((ip): ip is string => !!ip);
}

/** Every virtual server on a node, in the order `ipvsadm -Ln` lists them (the kernel's hash order is not simulated: by protocol, address, then port). */
export function nodeVirtualServers(index: NetIndex, nodeName: string): readonly VirtualServer[] {
  let byNode = serversByIndex.get(index);
  if (!byNode) serversByIndex.set(index, (byNode = new Map()));
  let servers = byNode.get(nodeName);
  if (!servers) byNode.set(nodeName, (servers = buildNodeVirtualServers(index, nodeName)));
  return servers;
}

// ipvsadm, ipset, iptables-save and the router all ask for a node's table: built once per NetIndex
// (a new one is made whenever the cluster changes) and node.
const serversByIndex = new WeakMap<NetIndex, Map<string, readonly VirtualServer[]>>();

function buildNodeVirtualServers(index: NetIndex, nodeName: string): VirtualServer[] {
  const node = index.nodeByName(nodeName);
  if (!node) return [];
  const { mode, scheduler } = nodeProxier(index, nodeName);
  // In iptables mode kube-proxy creates no virtual server (and ipvsadm finds the table empty).
  if (mode !== "ipvs") return [];
  const out: VirtualServer[] = [];
  const addresses = nodeAddresses(index, nodeName);
  for (const sp of index.allServicePorts()) out.push(...servicePortVirtualServers(index, sp, nodeName, addresses, scheduler));
  // Sort keys computed once (a comparison parsing both addresses made 10,000 Services' sort the slowest part).
  const keyed = out.map((v) => ({ v, proto: v.protocol, ip: ipNumber(v.ip) }));
  keyed.sort((a, b) => (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : a.ip - b.ip || a.v.port - b.v.port));
  return keyed.map((k) => k.v);
}

/** The addresses kube-proxy binds to kube-ipvs0: every ClusterIP, external IP and load-balancer address, once each. */
export function ipvsDummyAddresses(index: NetIndex, nodeName: string): string[] {
  const seen = new Set<string>();
  // An external address the node already has on another interface is not bound again (syncService's shouldBind).
  const own = new Set(nodeAddresses(index, nodeName));
  for (const v of nodeVirtualServers(index, nodeName)) if (v.kind !== "nodePort" && !own.has(v.ip)) seen.add(v.ip);
  return [...seen].map((ip) => ({ ip, n: ipNumber(ip) })).sort((a, b) => a.n - b.n).map((x) => x.ip);
}

/** `-> ip:port` lines' real server order: kube-proxy adds them in its endpoint order, which the kernel keeps. */
export function roundRobinKey(nodeName: string, v: { protocol: string; ip: string; port: number }): string {
  return `${nodeName}|${v.protocol}|${v.ip}:${v.port}`;
}

/**
 * The rr scheduler (ip_vs_rr.c): the real server after the one the last connection went to, in
 * list order, wrapping; the first one when the virtual server has not been used yet or the last
 * one is gone.
 */
export function roundRobinPick(realServers: readonly EndpointInfo[], last: string | undefined): EndpointInfo {
  if (last !== undefined) {
    const i = realServers.findIndex((e) => e.text === last);
    if (i >= 0) return realServers[(i + 1) % realServers.length];
  }
  return realServers[0];
}

/** A real server's connections as IPVS counts them: established ones and others (TIME_WAIT...). */
export interface RealServerConns {
  active: number;
  inactive: number;
}

/**
 * IPVS's connection counts per real server of the node's virtual servers, keyed
 * `proto|vip:port|rs:port`. The simulated connections close as soon as they are answered, so none
 * is active: each is inactive (TIME_WAIT) for 2 minutes after it closed, the same entries
 * `conntrack -L` lists (net/conntrack.ts).
 */
export function realServerConnections(conntrack: Readonly<Record<string, ConntrackEntry>> | undefined, nodeName: string, now: number): Map<string, RealServerConns> {
  const counts = new Map<string, RealServerConns>();
  for (const e of nodeEntries(conntrack, nodeName, now)) {
    const key = `${e.protocol.toUpperCase()}|${e.orig.dst}:${e.orig.dport}|${e.reply.src}:${e.reply.sport}`;
    const c = counts.get(key);
    if (c) c.inactive++;
    else counts.set(key, { active: 0, inactive: 1 });
  }
  return counts;
}

export function connsKey(v: { protocol: string; ip: string; port: number }, rs: string): string {
  return `${v.protocol}|${v.ip}:${v.port}|${rs}`;
}

/** hash_32 (include/linux/hash.h): the golden-ratio multiplicative hash's top `bits` bits. */
function hash32(value: number, bits: number): number {
  return Math.imul(value >>> 0, 0x61c88647) >>> (32 - bits);
}

/** What a scheduler sees of the connection and the virtual server's past. */
export interface ScheduleInput {
  clientIP: string;
  /** The packet's destination address (the virtual server's). */
  vip: string;
  /** The real server the last connection through this virtual server went to (rr's position, lblc's cache). */
  last: string | undefined;
  conns(rs: EndpointInfo): RealServerConns;
}

/** The least loaded real server by `overhead`, the earliest in list order on a tie (every weight is 1). */
function least(realServers: readonly EndpointInfo[], overhead: (e: EndpointInfo) => number): EndpointInfo {
  let best = realServers[0];
  let min = overhead(best);
  for (const e of realServers.slice(1)) {
    const o = overhead(e);
    if (o < min) {
      best = e;
      min = o;
    }
  }
  return best;
}

/**
 * The IPVS scheduler kube-proxy configured (net/netfilter/ipvs/ip_vs_*.c), with every real server
 * at weight 1 as kube-proxy adds them, over the real servers in list order:
 * rr and wrr take turns; lc and wlc pick the least (active << 8) + inactive connections (so, as
 * the simulated connections close at once, the fewest in TIME_WAIT); sed and nq the fewest active
 * ones (+1), nq an idle one at once: with no connection ever active, the first real server; sh
 * hashes the client's address (hash_32 into 256 buckets dealt to the real servers in turn), dh the
 * virtual server's address; lblc and lblcr keep the server chosen for the destination address
 * (by wlc) while it is not overloaded, which a server with no active connection never is.
 */
export function schedule(scheduler: string, realServers: readonly EndpointInfo[], input: ScheduleInput): { ep: EndpointInfo; how: string } {
  const overhead = (e: EndpointInfo) => {
    const c = input.conns(e);
    return c.active * 256 + c.inactive;
  };
  const n = realServers.length;
  switch (scheduler) {
    case "lc":
    case "wlc": {
      const ep = least(realServers, overhead);
      return { ep, how: `The ${scheduler} scheduler picks ${ep.text}, the real server with the fewest connections (${realServers.map((e) => `${e.text}: ${input.conns(e).active} active, ${input.conns(e).inactive} inactive`).join("; ")}).` };
    }
    case "sed":
    case "nq": {
      const ep = least(realServers, (e) => input.conns(e).active + 1);
      return { ep, how: `The ${scheduler} scheduler picks ${ep.text}: ${scheduler === "nq" ? "the first idle real server (no active connection)" : "the smallest expected delay (active connections + 1, weight 1)"}; the playground's connections close as soon as they are answered, so no real server has an active one.` };
    }
    case "sh": {
      const bucket = hash32(ipNumber(input.clientIP), 8);
      const ep = realServers[bucket % n];
      return { ep, how: `The sh scheduler hashes the client's address ${input.clientIP} to bucket ${bucket} of 256, which holds ${ep.text}: the same client always reaches the same real server.` };
    }
    case "dh": {
      const bucket = Number(BigInt(ipNumber(input.vip)) * 2654435761n & 255n);
      const ep = realServers[bucket % n];
      return { ep, how: `The dh scheduler hashes the destination ${input.vip} to bucket ${bucket} of 256, which holds ${ep.text}: every connection to this address reaches it.` };
    }
    case "lblc":
    case "lblcr": {
      const cached = input.last !== undefined ? realServers.find((e) => e.text === input.last) : undefined;
      if (cached) return { ep: cached, how: `The ${scheduler} scheduler keeps ${cached.text} for ${input.vip}, as it is not overloaded (no active connection).` };
      const ep = least(realServers, overhead);
      return { ep, how: `The ${scheduler} scheduler has no server for ${input.vip} yet and picks the least connected one, ${ep.text}, which it keeps for that address.` };
    }
    default: {
      const ep = roundRobinPick(realServers, input.last);
      const after = input.last !== undefined && realServers.some((e) => e.text === input.last) ? input.last : "none (first use)";
      return { ep, how: `The ${scheduler} scheduler picks ${ep.text}, the real server after ${after} in kube-proxy's order (${n} real servers, weight 1 each).` };
    }
  }
}

/** A virtual server's line as `ipvsadm -Ln` prints it (print_service_entry: "%-4s %s" cut at 33, the scheduler, persistence). */
export function virtualServerText(v: Pick<VirtualServer, "protocol" | "ip" | "port" | "scheduler" | "persistent">, address = `${v.ip}:${v.port}`): string {
  let s = `${`${v.protocol.padEnd(4)} ${address}`.slice(0, 33)} ${v.scheduler}`;
  if (v.persistent !== undefined) s += ` persistent ${v.persistent}`;
  return s;
}

/** A real server's line as `ipvsadm -Ln` prints it: `  -> %-28s %-7s %-6d %-10u %-10u` (Masq, weight 1, its connections). */
export function realServerText(address: string, conns: RealServerConns = { active: 0, inactive: 0 }): string {
  return `  -> ${address.slice(0, 28).padEnd(28)} ${"Masq".padEnd(7)} ${"1".padEnd(6)} ${String(conns.active).padEnd(10)} ${String(conns.inactive).padEnd(10)}`;
}
