// Name resolution as each place does it. A pod's /etc/resolv.conf comes from its dnsPolicy: with
// ClusterFirst (the default; ClusterFirstWithHostNet for hostNetwork pods) it names the kube-dns
// ClusterIP, the search path `<ns>.svc.<domain> svc.<domain> <domain>` and ndots:5 (dnsPolicy None:
// only the pod's dnsConfig; either way dnsConfig's nameservers, searches and options are added). A query is a
// UDP packet to that nameserver through the data plane (kube-proxy's DNAT to a CoreDNS pod, the
// NetworkPolicies), answered by the CoreDNS pod from its Corefile (coredns.ts): CoreDNS scaled to
// 0 or a policy without DNS egress makes resolution fail as it really does. Nodes, hostNetwork
// pods with ClusterFirst, dnsPolicy Default pods and the workstation use their /etc/hosts (the
// lab's node names) and an upstream resolver that knows no cluster names but the simulated
// outside world's (outside/index.ts); the workstation has no internet, so other names fail there.

import type { ClusterState, Pod } from "../cluster/types.ts";
import { createRandom } from "../random.ts";
import { fnv32a } from "../cluster/ids.ts";
import { parseCorefileCached, runningCorefile } from "../cluster/coredns-process.ts";
import { corednsAnswer, loadBalanced, serverBlockFor, type DnsReply, type QType } from "./coredns.ts";
import { corednsLogLine } from "./coredns-log.ts";
import { recordQuery } from "./coredns-metrics.ts";
import { appendContainerLog } from "../cluster/container-log.ts";
import type { Tx } from "../cluster/tx.ts";
import type { NetIndex } from "./index.ts";
import { isIPv4 } from "./ip.ts";
import { outsideAnswer } from "./outside/index.ts";
import { WORKSTATION_IP, type Place } from "./places.ts";
import { route, type RouteEnv } from "./router.ts";
import type { Hop } from "./trace.ts";

export { clusterLookup, type Answer, type Rcode } from "./cluster-records.ts";

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
  /** The `options` line as the kubelet writes it (ndots:5 first for cluster DNS, then dnsConfig's); absent for a resolver's own view. */
  options?: string[];
}

/** The kubelet's podDNSType (pkg/kubelet/network/dns): ClusterFirst on the host network is Default. */
function podDNSType(state: ClusterState | undefined, place: Place): "cluster" | "host" | "none" {
  if (place.kind !== "pod") return "host";
  const policy = state?.pods[place.key]?.spec.dnsPolicy ?? "ClusterFirst";
  if (policy === "None") return "none";
  if (policy === "Default") return "host";
  if (policy === "ClusterFirstWithHostNet") return "cluster";
  return place.hostNetwork ? "host" : "cluster";
}

/** Whether the place resolves with the resolv.conf the kubelet made (cluster DNS, or dnsPolicy None's own) rather than the host's resolver. */
export function usesClusterDNS(place: Place, state?: ClusterState): boolean {
  return podDNSType(state, place) !== "host";
}

export function searchPath(state: ClusterState, namespace: string): string[] {
  const domain = state.config.clusterDomain;
  return [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
}

/** validation.MaxDNSNameservers: the kubelet keeps the first three. */
const MAX_NAMESERVERS = 3;
/** The kubelet's MaxDNSSearchPaths. */
const MAX_SEARCHES = 32;

/**
 * The resolver configuration the kubelet writes for a pod (GetPodDNS): ClusterFirst's kube-dns
 * address, search path and ndots:5, or nothing of its own with dnsPolicy None; then the pod's
 * dnsConfig appended (nameservers and searches without duplicates, options by name, the pod's
 * winning) and cut to the limits.
 */
export function resolvConf(state: ClusterState, place: Place): ResolvConf {
  const namespace = place.kind === "pod" ? place.namespace : "default";
  const cluster = podDNSType(state, place) === "cluster";
  let nameservers = cluster ? [state.config.dnsServiceIP] : [];
  let search = cluster ? searchPath(state, namespace) : [];
  const options = new Map<string, string | undefined>(cluster ? [["ndots", "5"]] : []);
  const config = place.kind === "pod" ? state.pods[place.key]?.spec.dnsConfig : undefined;
  if (config) {
    nameservers = [...new Set([...nameservers, ...(config.nameservers ?? [])])];
    search = [...new Set([...search, ...(config.searches ?? [])])];
    for (const o of config.options ?? []) options.set(o.name, o.value);
  }
  const ndots = Number(options.get("ndots") ?? 1);
  return {
    nameservers: nameservers.slice(0, MAX_NAMESERVERS),
    search: search.slice(0, MAX_SEARCHES),
    ndots: Number.isFinite(ndots) ? Math.min(Math.max(ndots, 0), 15) : 1,
    options: [...options].map(([name, value]) => (value === undefined ? name : `${name}:${value}`)),
  };
}

/** /etc/resolv.conf as the runtime writes it from the kubelet's configuration. */
export function resolvConfText(conf: ResolvConf): string {
  let text = conf.search.length ? `search ${conf.search.join(" ")}\n` : "";
  for (const ns of conf.nameservers) text += `nameserver ${ns}\n`;
  if (conf.options?.length) text += `options ${conf.options.join(" ")}\n`;
  return text;
}

/**
 * The time and session-affinity memory a query's packet is routed with; with `tx`, what the
 * answering CoreDNS process logs (its log plugin) is written to its container's log. `edns`: the
 * OPT record the client sends (dig's), which the log shows in the query's size and buffer size.
 */
export type DnsEnv = Pick<RouteEnv, "now" | "affinity"> & {
  tx?: Tx;
  edns?: { udp: number; cookie: boolean };
  /** dig's -p and +tcp: the server port (53 unless given) and the transport (UDP unless given). */
  port?: number;
  protocol?: "UDP" | "TCP";
};

export type DnsQueryResult =
  | { kind: "reply"; reply: DnsReply; hops: Hop[]; server: string }
  | { kind: "timed-out" | "refused"; hops: Hop[]; reason: string; server: string };

function isCoreDNS(pod: Pod): boolean {
  return pod.spec.containers.some((c) => /(^|\/)coredns\/coredns(:|@|$)/.test(c.image) || /(^|\/)coredns(:|@|$)/.test(c.image));
}

/**
 * One DNS question sent from a place to server:53 over UDP, through the router as any packet is.
 * A CoreDNS pod answers from the cluster's Corefile; anything else that receives it has no DNS
 * server, and a packet the router drops is a timeout.
 */
export function queryServer(state: ClusterState, index: NetIndex, from: Place, server: string, qname: string, qtype: QType, env?: DnsEnv, depth = 0): DnsQueryResult {
  // A stream of its own per question, so resolving takes nothing from the session's random stream
  // (the connection that follows picks its port and endpoint as it did before DNS was routed).
  const now = env?.now ?? state.now;
  const routeEnv: RouteEnv = { random: createRandom(fnv32a(`${from.ip}|${server}|${qname}|${now}`)), now, affinity: env?.affinity };
  const port = env?.port ?? 53;
  const protocol = env?.protocol ?? "UDP";
  const outcome = route(index, { from, srcPort: 32768 + routeEnv.random.int(28232), dstIP: server, dstPort: port, protocol }, routeEnv);
  if (outcome.result !== "delivered") return { kind: outcome.result, hops: outcome.hops, reason: outcome.reason, server };
  const target = outcome.delivery.target;
  if (target.kind === "outside" && target.host.resolver) {
    const reply = outsideAnswer(qname, qtype, `${target.host.name}, a public resolver`);
    const hop: Hop = { kind: "dns", label: `DNS ${target.host.name}`, note: `${target.host.name} (${server}) answered ${qtype} ${qname}: ${reply.rcode}${reply.answers.length ? ` ${reply.answers.map((r) => r.data).join(", ")}` : ""}.` };
    return { kind: "reply", reply, hops: [...outcome.hops, hop], server };
  }
  const nothing = `Nothing listens on ${protocol} port ${port} at ${server}: ${protocol === "UDP" ? "the host answers with ICMP port unreachable" : "the host answers the SYN with a reset"}.`;
  if (target.kind !== "pod" || !isCoreDNS(target.pod.pod)) return { kind: "refused", hops: outcome.hops, server, reason: nothing };
  // The Corefile this CoreDNS process loaded (at start or at its last reload), not the ConfigMap as it is now.
  const { path, text } = runningCorefile(state, target.pod.key);
  const corefile = text === undefined ? ({ ok: false, error: `open ${path}: no such file or directory` } as const) : parseCorefileCached(text, path);
  if (!corefile.ok) return { kind: "timed-out", hops: outcome.hops, server, reason: `CoreDNS cannot load its Corefile (${corefile.error}), so no DNS server runs in ${target.pod.key}.` };
  // CoreDNS listens (UDP and TCP) on the ports of its server blocks.
  if (!corefile.servers.some((s) => s.port === port)) return { kind: "refused", hops: outcome.hops, server, reason: nothing };
  const coredns = target.pod;
  const corePlace: Place = { kind: "pod", name: coredns.pod.metadata.name, namespace: coredns.key.slice(0, coredns.key.indexOf("/")), key: coredns.key, ip: coredns.ip, nodeName: coredns.nodeName ?? "", hostNetwork: coredns.pod.spec.hostNetwork === true, container: coredns.pod.spec.containers[0].name };
  const answer = corednsAnswer(state, index, corefile.servers, qname, qtype, (upstream, name, type) => {
    if (upstream === "/etc/resolv.conf") {
      // CoreDNS runs with dnsPolicy Default: the node's upstream resolver, which knows the public names of the simulated outside world.
      return outsideAnswer(name, type, "the node's upstream resolver");
    }
    if (!isIPv4(upstream) || depth >= 3) return { rcode: "SERVFAIL", answers: [], authoritative: false, by: `forward ${upstream}` };
    const next = queryServer(state, index, corePlace, upstream, name, type, env, depth + 1);
    if (next.kind === "reply") return next.reply;
    // forward returns its last upstream's error with the SERVFAIL (the errors plugin logs it): the
    // read on its UDP socket, from a port of its own stream, timing out or refused by ICMP.
    const socket = `read udp ${coredns.ip}:${32768 + (fnv32a(`forward|${coredns.key}|${upstream}|${name}|${now}`) % 28232)}->${upstream}:53`;
    return { rcode: "SERVFAIL", answers: [], authoritative: false, by: `forward ${upstream} (${next.reason})`, error: next.kind === "refused" ? `${socket}: read: connection refused` : `${socket}: i/o timeout` };
  }, 0, coredns.ip, port);
  const reply = loadBalanced(corefile.servers, qname, answer, () => routeEnv.random.int(65536));
  const server53 = env?.tx ? serverBlockFor(corefile.servers, qname, port) : undefined;
  if (env?.tx && server53?.directives.some((d) => d.name === "log")) {
    // The message ID the client picked and the time CoreDNS took: from the question's own stream
    // (a forwarded answer waits on the upstream for a few milliseconds, as dig's Query time shows).
    const id = routeEnv.random.int(65536);
    const durationNs = reply.authoritative ? 60_000 + routeEnv.random.int(400_000) : (4 + (fnv32a(fqdnOf(qname)) % 20)) * 1_000_000 + routeEnv.random.int(1_000_000);
    const line = corednsLogLine(server53, { qname, qtype, reply, client: outcome.delivery.client, local: coredns.ip, id, edns: env.edns, durationNs, protocol });
    const runtime = env.tx.state.podRuntime[coredns.key];
    if (line && runtime) env.tx.write("podRuntime")[coredns.key] = appendContainerLog(runtime, [line], now);
  }
  // The errors plugin wraps log: its line comes after the query's.
  if (env?.tx && server53) recordQuery(env.tx, coredns.key, corefile.servers, server53, qname, qtype, protocol, reply, now);
  const hop: Hop = {
    kind: "dns",
    label: `CoreDNS ${coredns.key}`,
    ref: reply.serviceKey ? serviceRef(reply.serviceKey) : { kind: "Pod", namespace: coredns.pod.metadata.namespace, name: coredns.pod.metadata.name },
    note: `${coredns.key} answered ${qtype} ${qname}: ${reply.rcode}${reply.answers.length ? ` ${reply.answers.map((r) => r.data).join(", ")}` : ""} (${reply.by}).`,
  };
  return { kind: "reply", reply, hops: [...outcome.hops, hop], server };
}

/**
 * /etc/hosts of the workstation and the nodes: the lab's machines by name. `lab`: the node
 * indexes of every cluster on the workstation's network (a session with several clusters; the
 * exam's jump host names every cluster's nodes), else the one cluster's.
 */
export function hostsFile(index: NetIndex, hostname: string, lab?: readonly NetIndex[]): Array<[string, string[]]> {
  const lines: Array<[string, string[]]> = [
    ["127.0.0.1", ["localhost"]],
    ["127.0.1.1", [hostname]],
    ["::1", ["ip6-localhost", "ip6-loopback"]],
  ];
  lines.push([WORKSTATION_IP, ["workstation"]]);
  for (const each of lab ?? [index]) for (const node of each.nodeList) lines.push([node.ip, [node.name]]);
  return lines;
}

/**
 * A pod's own lines of the /etc/hosts the kubelet writes for it (kubelet_pods.go,
 * managedHostsFileContent): localhost, the IPv6 names, then its address with its host name (spec.hostname,
 * else the pod's name), led by `<hostname>.<subdomain>.<ns>.svc.<domain>` when it has a subdomain.
 */
export function podHostsLines(pod: Pod, clusterDomain: string): Array<[string, string[]]> {
  const hostName = pod.spec.hostname || pod.metadata.name;
  const own: string[] = pod.spec.subdomain ? [`${hostName}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}`, hostName] : [hostName];
  return [
    ["127.0.0.1", ["localhost"]],
    ["::1", ["localhost", "ip6-localhost", "ip6-loopback"]],
    ["fe00::0", ["ip6-localnet"]],
    ["fe00::0", ["ip6-mcastprefix"]],
    ["fe00::1", ["ip6-allnodes"]],
    ["fe00::2", ["ip6-allrouters"]],
    ...(pod.status.podIP ? ([[pod.status.podIP, own]] as Array<[string, string[]]>) : []),
  ];
}

/** The lines spec.hostAliases adds after the kubelet's own, one per alias (hostsEntriesFromHostAliases). */
export function hostAliasLines(pod: Pod | undefined): Array<[string, string[]]> {
  return (pod?.spec.hostAliases ?? []).map((a) => [a.ip, a.hostnames ?? []]);
}

/** getaddrinfo's first source, /etc/hosts: the first IPv4 line naming the host (names match without case). */
function hostsLookup(state: ClusterState, index: NetIndex, place: Place, name: string): string | undefined {
  const lower = name.toLowerCase();
  const pod = place.kind === "pod" ? state.pods[place.key] : undefined;
  const lines =
    pod && place.kind === "pod" && !place.hostNetwork
      ? [...podHostsLines(pod, state.config.clusterDomain), ...hostAliasLines(pod)]
      : [...hostsFile(index, place.kind === "pod" ? place.nodeName : place.name), ...hostAliasLines(pod)];
  for (const [ip, names] of lines) if (isIPv4(ip) && names.some((n) => n.toLowerCase() === lower)) return ip;
  return undefined;
}

export type Resolution =
  | { ok: true; ips: string[]; canonical: string; hop?: Hop; hops?: Hop[] }
  | { ok: false; hop: Hop; hops?: Hop[] };

/** The names a resolver tries for a host, in order (ndots and the search path of resolv.conf). */
export function candidateNames(conf: ResolvConf, host: string): string[] {
  if (host.endsWith(".")) return [host.slice(0, -1)];
  const dots = (host.match(/\./g) ?? []).length;
  const searched = conf.search.map((s) => `${host}.${s}`);
  return dots < conf.ndots ? [...searched, host] : [host, ...searched];
}

/** What getaddrinfo returns at this place for a host name (curl, wget, ping). */
export function resolveHost(state: ClusterState, index: NetIndex, place: Place, host: string, env?: DnsEnv): Resolution {
  if (isIPv4(host)) return { ok: true, ips: [host], canonical: host };
  if (place.kind === "pod" && usesClusterDNS(place, state)) {
    const listed = hostsLookup(state, index, place, host);
    if (listed) return { ok: true, ips: [listed], canonical: host, ...(listed.startsWith("127.") || listed === place.ip ? {} : { hop: { kind: "dns" as const, label: `DNS ${host}`, note: `/etc/hosts: ${host} is ${listed} (the pod's hostAliases).` } }) };
    const conf = resolvConf(state, place);
    const server = conf.nameservers[0];
    const candidates = candidateNames(conf, host);
    for (const fqdn of candidates) {
      const result = queryServer(state, index, place, server, fqdn, "A", env);
      if (result.kind !== "reply") {
        const hop: Hop = { kind: "dns", label: `DNS ${host}`, note: `The query for ${fqdn} to ${server}:53 got no answer (${result.kind === "refused" ? "port unreachable" : "timed out"}): ${result.reason}` };
        return { ok: false, hop, hops: [...result.hops.slice(1), hop] };
      }
      const { reply } = result;
      const ips = reply.answers.filter((r) => r.type === "A").map((r) => r.data);
      const cnames = reply.answers.filter((r) => r.type === "CNAME").map((r) => r.data.replace(/\.$/, ""));
      if (reply.rcode === "NOERROR" && ips.length) {
        return {
          ok: true,
          ips,
          canonical: fqdn,
          hop: {
            kind: "dns",
            label: `DNS ${host}`,
            ref: reply.serviceKey ? serviceRef(reply.serviceKey) : undefined,
            note: `CoreDNS (${server}) answered ${fqdn} -> ${cnames.length ? `CNAME ${cnames.join(" -> ")} -> ` : ""}${ips.join(", ")}${fqdn === host ? "" : ` (the search path of /etc/resolv.conf expanded ${host})`}${cnames.length ? "; the client connects to that address and still names the host it asked for" : ""}.`,
          },
        };
      }
      // A SERVFAIL or REFUSED ends the search as NXDOMAIN does not: glibc stops on it.
      if (reply.rcode === "SERVFAIL" || reply.rcode === "REFUSED") {
        return { ok: false, hop: { kind: "dns", label: `DNS ${host}`, note: `CoreDNS (${server}) answered ${fqdn} with ${reply.rcode} (${reply.by}).` } };
      }
    }
    return {
      ok: false,
      hop: {
        kind: "dns",
        label: `DNS ${host}`,
        note: `CoreDNS (${server}) knows no ${host}: tried ${candidates.join(", ")} and none has an address (names outside the cluster domain went on to the upstream DNS). Services resolve as <service>, <service>.<namespace> or <service>.<namespace>.svc.${state.config.clusterDomain}.`,
      },
    };
  }
  const ip = hostsLookup(state, index, place, host);
  if (ip) return { ok: true, ips: [ip], canonical: host, hop: { kind: "dns", label: `DNS ${host}`, note: `/etc/hosts: ${host} is ${ip}.` } };
  if (place.kind !== "workstation") {
    // Nodes (and pods on the node's resolver) ask the lab's upstream DNS, which knows the outside world.
    const reply = outsideAnswer(host.replace(/\.$/, ""), "A", "the node's upstream resolver");
    const ips = reply.answers.filter((r) => r.type === "A").map((r) => r.data);
    if (ips.length) return { ok: true, ips, canonical: host, hop: { kind: "dns", label: `DNS ${host}`, note: `The node's upstream resolver answered ${host} -> ${ips.join(", ")} (a host of the simulated outside world).` } };
  }
  const where = place.kind === "workstation" ? "The workstation" : place.kind === "node" ? `Node ${place.name}` : `Pod ${place.key} (hostNetwork)`;
  return {
    ok: false,
    hop: {
      kind: "dns",
      label: `DNS ${host}`,
      note:
        place.kind === "workstation"
          ? `${where} does not use the cluster's DNS and has no internet connection (the lab is offline): its resolver knows only /etc/hosts (the lab's machines), so ${host} does not resolve. Service names resolve only inside pods; outside names (example.com, httpbin.org) only in pods and on the nodes.`
          : `${where} does not use the cluster's DNS: /etc/hosts (the lab's machines) and its upstream resolver (the simulated outside world) know no ${host}, so it does not resolve. Service names resolve only through the cluster's DNS.`,
    },
  };
}

function fqdnOf(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

function serviceRef(key: string): Hop["ref"] {
  const slash = key.indexOf("/");
  return { kind: "Service", namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
