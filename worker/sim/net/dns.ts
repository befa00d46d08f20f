// Name resolution as each place does it. Pods (dnsPolicy ClusterFirst) ask CoreDNS at the
// kube-dns ClusterIP with the search path `<ns>.svc.<domain> svc.<domain> <domain>` and ndots:5;
// CoreDNS's kubernetes plugin answers Services (headless ones with their ready pod IPs) and
// `a-b-c-d.<ns>.pod.<domain>` names. Nodes, hostNetwork pods and the workstation use their
// /etc/hosts (the lab's node names) and an upstream resolver that knows no cluster names; the
// playground has no internet, so every other name fails.

import { endpointSlicesFor } from "../cluster/endpoints.ts";
import type { ClusterState } from "../cluster/types.ts";
import type { NetIndex } from "./index.ts";
import { isIPv4 } from "./ip.ts";
import { dnsBlocked } from "./policy.ts";
import { WORKSTATION_IP, type Place } from "./places.ts";
import type { Hop } from "./trace.ts";

export type Rcode = "NOERROR" | "NXDOMAIN" | "SERVFAIL";

export interface Answer {
  rcode: Rcode;
  ips: string[];
  /** The Service the name belongs to, for the trace. */
  serviceKey?: string;
}

/** Whether the place asks cluster DNS (CoreDNS) or the host's resolver. */
export function usesClusterDNS(place: Place): boolean {
  return place.kind === "pod" && !place.hostNetwork;
}

export function searchPath(state: ClusterState, namespace: string): string[] {
  const domain = state.config.clusterDomain;
  return [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
}

/** CoreDNS's answer to an A query for a fully qualified name. */
export function clusterLookup(state: ClusterState, index: NetIndex, fqdn: string): Answer {
  const name = fqdn.toLowerCase().replace(/\.$/, "");
  const domain = state.config.clusterDomain;
  if (name !== domain && !name.endsWith(`.${domain}`)) return { rcode: "NXDOMAIN", ips: [] };
  const labels = name.slice(0, Math.max(0, name.length - domain.length - 1)).split(".");
  if (labels.length === 3 && labels[2] === "svc") {
    const key = `${labels[1]}/${labels[0]}`;
    const service = state.services[key];
    if (!service || service.spec.type === "ExternalName") return { rcode: "NXDOMAIN", ips: [] };
    const clusterIP = service.spec.clusterIP;
    if (clusterIP && clusterIP !== "None") return { rcode: "NOERROR", ips: [clusterIP], serviceKey: key };
    // Headless: one A record per ready endpoint, ports or none (a Service without ports still has them).
    const ips = new Set<string>();
    for (const slice of endpointSlicesFor(state, service)) for (const e of slice.endpoints) if (e.conditions.ready) ips.add(e.addresses[0]);
    return { rcode: ips.size ? "NOERROR" : "NXDOMAIN", ips: [...ips].sort(), serviceKey: key };
  }
  if (labels.length === 4 && labels[3] === "svc") {
    // `<hostname>.<service>.<ns>.svc`: a headless Service's endpoint by its hostname (a pod whose
    // spec.subdomain names the Service, as StatefulSet pods are), or by its dashed IP.
    const key = `${labels[2]}/${labels[1]}`;
    const service = state.services[key];
    if (service && service.spec.type !== "ExternalName" && service.spec.clusterIP === "None") {
      for (const slice of endpointSlicesFor(state, service)) {
        for (const e of slice.endpoints) {
          const ip = e.addresses[0];
          if (e.conditions.ready && (e.hostname === labels[0] || ip.replace(/\./g, "-") === labels[0])) return { rcode: "NOERROR", ips: [ip], serviceKey: key };
        }
      }
    }
    return { rcode: "NXDOMAIN", ips: [] };
  }
  if (labels.length === 3 && labels[2] === "pod") {
    const ip = labels[0].replace(/-/g, ".");
    if (isIPv4(ip) && state.namespaces[labels[1]] !== undefined) return { rcode: "NOERROR", ips: [ip] };
    return { rcode: "NXDOMAIN", ips: [] };
  }
  // Namespaces and `svc.<domain>` exist as empty non-terminals: NOERROR without an address.
  if (labels.length === 2 && (labels[1] === "svc" || labels[1] === "pod") && state.namespaces[labels[0]] !== undefined) {
    return { rcode: "NOERROR", ips: [] };
  }
  if (labels.length === 1 && (labels[0] === "svc" || labels[0] === "pod")) return { rcode: "NOERROR", ips: [] };
  return { rcode: "NXDOMAIN", ips: [] };
}

/** /etc/hosts of the workstation and the nodes: the lab's machines by name. */
export function hostsFile(index: NetIndex, hostname: string): Array<[string, string[]]> {
  const lines: Array<[string, string[]]> = [
    ["127.0.0.1", ["localhost"]],
    ["127.0.1.1", [hostname]],
    ["::1", ["ip6-localhost", "ip6-loopback"]],
  ];
  lines.push([WORKSTATION_IP, ["workstation"]]);
  for (const node of index.nodeList) lines.push([node.ip, [node.name]]);
  return lines;
}

function hostsLookup(index: NetIndex, place: Place, name: string): string | undefined {
  const lower = name.toLowerCase();
  const hostname = place.kind === "pod" ? place.nodeName : place.name;
  for (const [ip, names] of hostsFile(index, hostname)) if (names.includes(lower)) return ip;
  return undefined;
}

export type Resolution =
  | { ok: true; ips: string[]; canonical: string; hop?: Hop }
  | { ok: false; hop: Hop };

/** What getaddrinfo returns at this place for a host name (curl, wget, ping). */
export function resolveHost(state: ClusterState, index: NetIndex, place: Place, host: string): Resolution {
  if (isIPv4(host)) return { ok: true, ips: [host], canonical: host };
  if (place.kind === "pod" && !place.hostNetwork) {
    if (host.toLowerCase() === "localhost") return { ok: true, ips: ["127.0.0.1"], canonical: "localhost" };
    if (host.toLowerCase() === place.name.toLowerCase()) return { ok: true, ips: [place.ip], canonical: host };
    const blocked = dnsBlocked(index, place.ip);
    if (blocked) return { ok: false, hop: { kind: "dns", label: `DNS ${host}`, note: blocked } };
    const trailingDot = host.endsWith(".");
    const dots = (host.match(/\./g) ?? []).length;
    const candidates: string[] = [];
    if (trailingDot) candidates.push(host.slice(0, -1));
    else {
      if (dots < 5) for (const suffix of searchPath(state, place.namespace)) candidates.push(`${host}.${suffix}`);
      candidates.push(host);
    }
    for (const fqdn of candidates) {
      const answer = clusterLookup(state, index, fqdn);
      if (answer.rcode === "NOERROR" && answer.ips.length) {
        return {
          ok: true,
          ips: answer.ips,
          canonical: fqdn,
          hop: {
            kind: "dns",
            label: `DNS ${host}`,
            ref: answer.serviceKey ? serviceRef(answer.serviceKey) : undefined,
            note: `CoreDNS (${state.config.dnsServiceIP}) answered ${fqdn} -> ${answer.ips.join(", ")}${fqdn === host ? "" : ` (the search path of /etc/resolv.conf expanded ${host})`}.`,
          },
        };
      }
    }
    return {
      ok: false,
      hop: {
        kind: "dns",
        label: `DNS ${host}`,
        note: `CoreDNS (${state.config.dnsServiceIP}) knows no ${host}: tried ${candidates.join(", ")}. Services resolve as <service>, <service>.<namespace> or <service>.<namespace>.svc.${state.config.clusterDomain}.`,
      },
    };
  }
  const ip = hostsLookup(index, place, host);
  if (ip) return { ok: true, ips: [ip], canonical: host, hop: { kind: "dns", label: `DNS ${host}`, note: `/etc/hosts: ${host} is ${ip}.` } };
  const where = place.kind === "workstation" ? "The workstation" : place.kind === "node" ? `Node ${place.name}` : `Pod ${place.key} (hostNetwork)`;
  return {
    ok: false,
    hop: {
      kind: "dns",
      label: `DNS ${host}`,
      note: `${where} does not use the cluster's DNS: its resolver knows only /etc/hosts (the lab's machines), so ${host} does not resolve. Service names resolve only inside pods.`,
    },
  };
}

function serviceRef(key: string): Hop["ref"] {
  const slash = key.indexOf("/");
  return { kind: "Service", namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
