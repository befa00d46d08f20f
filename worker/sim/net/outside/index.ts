// A small simulated internet beyond the lab: a few public hosts with fixed addresses that pods
// and nodes reach through their node's NAT (the lab's workstation has no internet, as before).
// Their names are known to the nodes' upstream resolver, which is what CoreDNS's
// `forward . /etc/resolv.conf` asks; every other outside name is NXDOMAIN there, as the real DNS
// answers a name nobody registered. Public resolvers (8.8.8.8, 1.1.1.1) answer the same names
// over UDP 53, for `forward . 8.8.8.8` and `nslookup NAME 8.8.8.8`.

import type { App } from "../apps/types.ts";
import type { DnsReply, QType } from "../coredns.ts";
import { exampleDomain } from "./example-domain.ts";
import { httpbin } from "./httpbin.ts";

export interface OutsideHost {
  /** The name it is known by first (the trace's label). */
  name: string;
  /** Every name the upstream DNS resolves to it. */
  names: string[];
  ip: string;
  /** The HTTP server on port 80, for web hosts. */
  http?: { app: App; label: string };
  /** True for public DNS resolvers: they answer queries on UDP port 53. */
  resolver?: boolean;
}

export const OUTSIDE_HOSTS: readonly OutsideHost[] = [
  { name: "example.com", names: ["example.com", "www.example.com"], ip: "93.184.216.34", http: { app: exampleDomain, label: "ECS (Edgecast's web server for example.com)" } },
  { name: "httpbin.org", names: ["httpbin.org", "www.httpbin.org"], ip: "54.243.135.173", http: { app: httpbin, label: "gunicorn/19.9.0 (httpbin.org)" } },
  { name: "dns.google", names: ["dns.google"], ip: "8.8.8.8", resolver: true },
  { name: "one.one.one.one", names: ["one.one.one.one"], ip: "1.1.1.1", resolver: true },
];

const byIP = new Map(OUTSIDE_HOSTS.map((h) => [h.ip, h]));
const byName = new Map<string, OutsideHost>(OUTSIDE_HOSTS.flatMap((h) => h.names.map((n) => [`${n}.`, h] as const)));

/** The outside host that owns a public address, if any. */
export function outsideHostAt(ip: string): OutsideHost | undefined {
  return byIP.get(ip);
}

/** The TTL the simulated outside zones give their records. */
const OUTSIDE_TTL = 3600;

/**
 * What the public DNS answers for a name (fully qualified, lower case): the host's A record, a
 * NOERROR without records for another type, NXDOMAIN for a name nobody registered.
 */
export function outsideAnswer(qname: string, qtype: QType, by: string): DnsReply {
  const name = qname.toLowerCase().endsWith(".") ? qname.toLowerCase() : `${qname.toLowerCase()}.`;
  if (qtype === "PTR") {
    const ip = name.replace(/\.in-addr\.arpa\.$/, "").split(".").reverse().join(".");
    const host = byIP.get(ip);
    return host && name.endsWith(".in-addr.arpa.") ? { rcode: "NOERROR", answers: [{ name, type: "PTR", ttl: OUTSIDE_TTL, data: `${host.name}.` }], authoritative: false, by } : { rcode: "NXDOMAIN", answers: [], authoritative: false, by };
  }
  const host = byName.get(name);
  if (!host) return { rcode: "NXDOMAIN", answers: [], authoritative: false, by };
  return { rcode: "NOERROR", answers: qtype === "A" ? [{ name, type: "A", ttl: OUTSIDE_TTL, data: host.ip }] : [], authoritative: false, by };
}
