// CoreDNS as the cluster runs it: the Corefile of the `coredns` ConfigMap in kube-system (kubeadm's
// default, or what a learner edited), parsed the way CoreDNS's Caddyfile parser does it (same
// error texts: `/etc/coredns/Corefile:N - Error during parsing: Unknown directive 'x'`), and a
// query answered by the server block whose zone matches longest, through its plugins in
// CoreDNS's own order (plugin.cfg: rewrite, hosts, kubernetes, forward), whatever their order in
// the Corefile. Plugins that only observe (errors, log, cache, health, ready, reload, loop,
// prometheus) are accepted and change no answer; loadbalance shuffles a successful answer's
// address records (roundRobinShuffle below).

import type { ClusterState } from "../cluster/types.ts";
import { endpointSlicesFor } from "../cluster/endpoints.ts";
import { clusterLookup } from "./cluster-records.ts";
import type { NetIndex } from "./index.ts";
import { isIPv4 } from "./ip.ts";
import { sha512Hex } from "./sha512.ts";

/** Where CoreDNS reads its configuration (the Deployment's args `-conf /etc/coredns/Corefile`). */
export const COREFILE_PATH = "/etc/coredns/Corefile";
export const COREDNS_CONFIG_MAP = "kube-system/coredns";

/** kubeadm's CoreDNSConfigMap (cmd/kubeadm/app/phases/addons/dns/manifests.go) rendered for a domain. */
export function kubeadmCorefile(domain: string): string {
  return [
    ".:53 {",
    "    errors",
    "    health {",
    "       lameduck 5s",
    "    }",
    "    ready",
    `    kubernetes ${domain} in-addr.arpa ip6.arpa {`,
    "       pods insecure",
    "       fallthrough in-addr.arpa ip6.arpa",
    "       ttl 30",
    "    }",
    "    prometheus :9153",
    "    forward . /etc/resolv.conf {",
    "       max_concurrent 1000",
    "    }",
    "    cache 30 {",
    `       disable success ${domain}`,
    `       disable denial ${domain}`,
    "    }",
    "    loop",
    "    reload",
    "    loadbalance",
    "}",
    "",
  ].join("\n");
}

/** The plugins compiled into CoreDNS, in the order they handle a query (coredns/plugin.cfg). */
const PLUGINS = [
  "metadata", "cancel", "tls", "reload", "nsid", "bufsize", "root", "bind", "debug", "trace", "ready", "health", "pprof",
  "prometheus", "errors", "log", "dnstap", "acl", "any", "chaos", "loadbalance", "cache", "rewrite", "dnssec", "autopath",
  "template", "transfer", "hosts", "route53", "azure", "clouddns", "k8s_external", "kubernetes", "file", "auto",
  "secondary", "etcd", "loop", "forward", "grpc", "erratic", "whoami", "on", "sign",
];

interface Token {
  text: string;
  line: number;
}

export interface Directive {
  name: string;
  args: string[];
  line: number;
  /** The lines of its `{ }` block, each a directive-like list of tokens. */
  block: Directive[];
}

export interface ServerBlock {
  /** Zones, lower case and fully qualified ("." or "example.local."). */
  zones: string[];
  port: number;
  directives: Directive[];
}

export type Corefile = { ok: true; servers: ServerBlock[] } | { ok: false; error: string };

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"') {
      let value = "";
      const at = line;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && text[i + 1] === '"') i++;
        if (text[i] === "\n") line++;
        value += text[i++];
      }
      i++;
      tokens.push({ text: value, line: at });
    } else {
      let value = "";
      while (i < text.length && !/\s/.test(text[i])) value += text[i++];
      tokens.push({ text: value, line });
    }
  }
  return tokens;
}

class ParseError extends Error {}

/** Parses a Corefile; errors read as CoreDNS prints them before it exits. */
export function parseCorefile(text: string, file = COREFILE_PATH): Corefile {
  const tokens = lex(text);
  let cursor = 0;
  const err = (line: number, message: string, plugin?: string): never => {
    throw new ParseError(`${plugin ? `plugin/${plugin}: ` : ""}${file}:${line} - Error during parsing: ${message}`);
  };
  const servers: ServerBlock[] = [];
  try {
    while (cursor < tokens.length) {
      const keys: Token[] = [];
      const first = tokens[cursor].line;
      while (cursor < tokens.length && tokens[cursor].text !== "{" && tokens[cursor].line === first) keys.push(tokens[cursor++]);
      const braced = cursor < tokens.length && tokens[cursor].text === "{";
      if (braced) cursor++;
      const directives: Directive[] = [];
      while (cursor < tokens.length) {
        const t = tokens[cursor];
        if (t.text === "}") {
          if (!braced) err(t.line, "Unexpected '}' because no matching opening brace");
          cursor++;
          break;
        }
        if (!PLUGINS.includes(t.text)) err(t.line, `Unknown directive '${t.text}'`);
        cursor++;
        const directive: Directive = { name: t.text, args: [], line: t.line, block: [] };
        while (cursor < tokens.length && tokens[cursor].line === t.line && tokens[cursor].text !== "{" && tokens[cursor].text !== "}") directive.args.push(tokens[cursor++].text);
        if (cursor < tokens.length && tokens[cursor].text === "{" && tokens[cursor].line === t.line) {
          cursor++;
          for (;;) {
            if (cursor >= tokens.length) err(tokens[tokens.length - 1].line, "Unexpected EOF");
            const s = tokens[cursor];
            if (s.text === "}") {
              cursor++;
              break;
            }
            const sub: Directive = { name: s.text, args: [], line: s.line, block: [] };
            cursor++;
            while (cursor < tokens.length && tokens[cursor].line === s.line && tokens[cursor].text !== "}") sub.args.push(tokens[cursor++].text);
            directive.block.push(sub);
          }
        }
        directives.push(directive);
        if (cursor >= tokens.length && braced) err(tokens[tokens.length - 1].line, "Unexpected EOF");
      }
      const server = serverOf(keys, directives, err);
      servers.push(server);
    }
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
  return { ok: true, servers };
}

type Err = (line: number, message: string, plugin?: string) => never;

function serverOf(keys: Token[], directives: Directive[], err: Err): ServerBlock {
  const zones: string[] = [];
  let port = 53;
  for (const key of keys) {
    for (const part of key.text.split(",").filter(Boolean)) {
      const m = /^(?:dns:\/\/)?([^:]*)(?::(\d+))?$/.exec(part);
      if (!m) err(key.line, `Unable to parse address '${part}'`);
      if (m![2]) port = Number(m![2]);
      zones.push(fqdn(m![1] || "."));
    }
  }
  for (const d of directives) checkDirective(d, err);
  return { zones, port, directives };
}

const KUBERNETES_PROPERTIES = new Set(["endpoint", "tls", "kubeconfig", "namespaces", "labels", "namespace_labels", "pods", "fallthrough", "ttl", "noendpoints", "ignore", "endpoint_pod_names", "multicluster", "startup_timeout", "apiserver_qps", "apiserver_burst", "apiserver_max_inflight"]);
const FORWARD_PROPERTIES = new Set(["except", "force_tcp", "prefer_udp", "expire", "max_fails", "tls", "tls_servername", "policy", "health_check", "max_concurrent", "next", "failfast_all_unhealthy_upstreams", "failover"]);
const HOSTS_PROPERTIES = new Set(["ttl", "no_reverse", "reload", "fallthrough"]);

/** The checks each plugin's setup makes that a learner meets (CoreDNS exits with them). */
function checkDirective(d: Directive, err: Err): void {
  const unknown = (set: Set<string>) => {
    for (const p of d.block) if (!set.has(p.name)) err(p.line, `unknown property '${p.name}'`, d.name);
  };
  switch (d.name) {
    case "forward":
      if (d.args.length < 2) err(d.line, `Wrong argument count or unexpected line ending after '${d.args.length ? d.args[d.args.length - 1] : d.name}'`, d.name);
      unknown(FORWARD_PROPERTIES);
      break;
    case "kubernetes":
      unknown(KUBERNETES_PROPERTIES);
      for (const p of d.block) {
        if (p.name === "pods" && !(p.args.length === 1 && ["disabled", "insecure", "verified"].includes(p.args[0]))) err(p.line, p.args.length === 1 ? `invalid option for 'pods': '${p.args[0]}'` : `Wrong argument count or unexpected line ending after 'pods'`, d.name);
      }
      break;
    case "hosts":
      for (const p of d.block) if (!HOSTS_PROPERTIES.has(p.name) && !isIPv4(p.name) && !p.name.includes(":")) err(p.line, `unknown property '${p.name}'`, d.name);
      break;
    case "rewrite":
      if (d.args[0] === "name" || d.args[0] === "stop" || d.args[0] === "continue") {
        const rest = d.args[0] === "name" ? d.args.slice(1) : d.args.slice(2);
        const type = ["exact", "prefix", "suffix", "substring", "regex"].includes(rest[0]) ? rest.slice(1) : rest;
        if (type.length < 2) err(d.line, `Wrong argument count or unexpected line ending after '${d.args[d.args.length - 1] ?? d.name}'`, d.name);
      } else if (d.args.length === 0) err(d.line, `Wrong argument count or unexpected line ending after 'rewrite'`, d.name);
      break;
    case "cache":
      if (d.args[0] !== undefined && !/^\d+$/.test(d.args[0]) && !d.args[0].includes(".")) err(d.line, `strconv.Atoi: parsing "${d.args[0]}": invalid syntax`, d.name);
      break;
  }
}

export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

function inZone(name: string, zone: string): boolean {
  return zone === "." || name === zone || name.endsWith(`.${zone}`);
}

/**
 * A question's type as dig and nslookup name it. CoreDNS takes any type: the kubernetes plugin
 * answers A, AAAA, TXT, CNAME, PTR, MX, SRV, SOA and NS (handler.go's switch) and treats every other
 * one (ANY among them: kubeadm's Corefile has no `any` plugin) as a fake A lookup that only decides
 * between NXDOMAIN and an empty answer.
 */
export type QType = string;
export type DnsRcode = "NOERROR" | "NXDOMAIN" | "SERVFAIL" | "REFUSED";

export interface Record {
  name: string;
  type: "A" | "CNAME" | "PTR" | "SRV" | "SOA" | "NS" | "TXT";
  ttl: number;
  data: string;
}

export interface DnsReply {
  rcode: DnsRcode;
  answers: Record[];
  /** The additional section: the A records of SRV and NS targets. */
  additional?: Record[];
  /** The AA bit: set by the kubernetes and hosts plugins, not on forwarded answers. */
  authoritative: boolean;
  /** Which plugin answered, for the trace. */
  by: string;
  /** The Service the name belongs to, for the trace. */
  serviceKey?: string;
  /**
   * The SOA of the zone the kubernetes plugin answered from: its BackendError puts it in the
   * authority section of an NXDOMAIN or of an empty (NODATA) answer.
   */
  soa?: Record;
  /**
   * The error a plugin returned with a SERVFAIL it did not write (forward's last upstream error):
   * what the errors plugin logs.
   */
  error?: string;
}

/** How a CoreDNS pod reaches an upstream: forward's target (an IP, or the node's resolver). */
export type Upstream = (target: string, qname: string, qtype: QType) => DnsReply;

/** The server block on the port (53 unless given) whose zone matches the name longest (dnsserver's zone lookup). */
export function serverBlockFor(servers: readonly ServerBlock[], qname: string, port = 53): ServerBlock | undefined {
  const name = fqdn(qname);
  let server: ServerBlock | undefined;
  let best = -1;
  for (const s of servers) {
    if (s.port !== port) continue;
    for (const z of s.zones) if (inZone(name, z) && z.length > best) ((best = z.length), (server = s));
  }
  return server;
}

/** Length of a name in DNS wire format. */
export function dnsWireLength(name: string): number {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  return labels.reduce((n, l) => n + 1 + l.length, 1);
}

function rdataLength(r: Record): number {
  if (r.type === "A") return 4;
  // MNAME, RNAME, then serial, refresh, retry, expire and minimum (32 bits each).
  if (r.type === "SOA") return dnsWireLength(r.data.split(" ")[0]) + dnsWireLength(r.data.split(" ")[1]) + 20;
  if (r.type === "SRV") return 6 + dnsWireLength(r.data.split(" ")[3]);
  // Each character-string: a length octet, then its bytes (the data holds them quoted).
  if (r.type === "TXT") return [...r.data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].reduce((n, m) => n + 1 + m[1].replace(/\\(.)/g, "$1").length, 0);
  return dnsWireLength(r.data);
}

/** The size of CoreDNS's reply on the wire (it does not compress its answers), with `opt` bytes of EDNS0 OPT record. */
export function dnsMessageSize(qname: string, reply: DnsReply, opt: number): number {
  // The kubernetes plugin's denials (NXDOMAIN, NODATA) carry its zone's SOA in the authority section.
  const authority = reply.soa && (reply.rcode === "NXDOMAIN" || (reply.rcode === "NOERROR" && reply.answers.length === 0)) ? [reply.soa] : [];
  const records = [...reply.answers, ...authority, ...(reply.additional ?? [])];
  return 12 + dnsWireLength(qname) + 4 + records.reduce((n, r) => n + dnsWireLength(r.name) + 10 + rdataLength(r), 0) + opt;
}

/**
 * The answer a CoreDNS server running this Corefile gives to one question. `localIP`: the answering
 * CoreDNS pod's address (the kubernetes plugin's localIPs, which its NS records start from); `port`:
 * the port the question came to (the server blocks listening there answer it).
 */
export function corednsAnswer(state: ClusterState, index: NetIndex, servers: readonly ServerBlock[], qnameIn: string, qtype: QType, upstream: Upstream, depth = 0, localIP?: string, port = 53): DnsReply {
  const asked = fqdn(qnameIn);
  let qname = asked;
  const server = serverBlockFor(servers, qname, port);
  if (!server) return { rcode: "REFUSED", answers: [], authoritative: false, by: "no server block" };
  const byName = (name: string) => server!.directives.filter((d) => d.name === name);
  // The response rewrite of the rules that fired (plugin/rewrite's ResponseReverter), applied to the reply.
  const reverts: Array<(name: string) => string> = [];
  for (const d of byName("rewrite")) {
    const before = qname;
    qname = rewriteName(d, qname);
    if (qname === before) continue;
    if (revertsAnswer(d)) reverts.push(remapName(qname, before));
    // A rule that fired ends the rewriting unless it says `continue` (the default mode is stop).
    if (d.args[0] !== "continue") break;
  }
  const reply = answerRewritten(state, index, server, byName, qname, qtype, upstream, servers, depth, localIP, port);
  if (reverts.length === 0) return reply;
  // Rules revert in reverse order of their request rewrites (rewrite's README).
  const revert = (name: string) => reverts.reduceRight((n, f) => f(n), name);
  const map = (r: Record): Record => ({ ...r, name: revert(r.name), ...(r.type === "CNAME" || r.type === "PTR" ? { data: revert(r.data) } : {}) });
  return { ...reply, answers: reply.answers.map(map), ...(reply.additional ? { additional: reply.additional.map(map) } : {}) };
}

/**
 * Whether a name rule rewrites the answer back (plugin/rewrite/name.go): an `exact` rule always
 * does (newExactNameRule passes auto true: its answers carry the name that was asked), the other
 * match types only with `answer auto`.
 */
function revertsAnswer(d: Directive): boolean {
  let args = d.args;
  if (args[0] === "stop" || args[0] === "continue") args = args.slice(1);
  if (args[0] !== "name") return false;
  const typed = ["exact", "prefix", "suffix", "substring", "regex"].includes(args[1]);
  if (!typed || args[1] === "exact") return true;
  const rest = args.slice(4);
  return rest[0] === "answer" && rest[1] === "auto";
}

/**
 * remapStringRewriter: the rewritten name (or a name under it) back to the asked one. (A suffix
 * rule's `answer auto` swaps the suffixes instead; for the answers to the rewritten name itself,
 * the only records the simulated plugins give, both come to the same.)
 */
function remapName(rewritten: string, asked: string): (name: string) => string {
  return (name) => {
    if (name === rewritten) return asked;
    if (name.endsWith(`.${rewritten}`)) return name.slice(0, name.length - rewritten.length) + asked;
    return name;
  };
}

function answerRewritten(
  state: ClusterState,
  index: NetIndex,
  server: ServerBlock,
  byName: (name: string) => Directive[],
  qname: string,
  qtype: QType,
  upstream: Upstream,
  servers: readonly ServerBlock[],
  depth: number,
  localIP: string | undefined,
  port: number,
): DnsReply {
  for (const d of byName("hosts")) {
    const fall = d.block.find((p) => p.name === "fallthrough");
    const origins = d.args.slice(1).filter((a) => !a.startsWith("/")).map(fqdn);
    const zones = origins.length ? origins : server.zones;
    if (qtype === "PTR" || !zones.some((z) => inZone(qname, z))) continue;
    const ttl = Number(d.block.find((p) => p.name === "ttl")?.args[0] ?? 3600);
    const ips = d.block.filter((p) => isIPv4(p.name) && p.args.some((n) => fqdn(n) === qname)).map((p) => p.name);
    if (ips.length) {
      return { rcode: "NOERROR", answers: qtype === "A" ? ips.map((ip) => ({ name: qname, type: "A", ttl, data: ip })) : [], authoritative: true, by: "hosts" };
    }
    if (fall && (fall.args.length === 0 || fall.args.some((z) => inZone(qname, fqdn(z))))) continue;
    return { rcode: "SERVFAIL", answers: [], authoritative: false, by: "hosts" };
  }
  for (const d of byName("kubernetes")) {
    const zones = d.args.length ? d.args.map(fqdn) : server.zones;
    const zone = zones.filter((z) => inZone(qname, z)).sort((a, b) => b.length - a.length)[0];
    if (!zone) continue;
    // An ExternalName's target is looked up through this same server (the kubernetes plugin's
    // upstream): forward for an outside name, itself for a cluster one.
    const lookup = (target: string) => (depth < 8 ? corednsAnswer(state, index, servers, target, qtype, upstream, depth + 1, localIP, port) : undefined);
    const reply = kubernetesAnswer(state, index, d, zone, qname, qtype, lookup, localIP);
    const fall = d.block.find((p) => p.name === "fallthrough");
    if (reply.rcode === "NXDOMAIN" && fall && (fall.args.length === 0 || fall.args.some((z) => inZone(qname, fqdn(z))))) continue;
    return { ...reply, soa: kubernetesSoa(state, d, zone) };
  }
  for (const d of byName("forward")) {
    const from = fqdn(d.args[0]);
    if (!inZone(qname, from)) continue;
    const except = d.block.find((p) => p.name === "except")?.args.map(fqdn) ?? [];
    if (except.some((z) => inZone(qname, z))) continue;
    const reply = upstream(d.args[1].replace(/^dns:\/\//, "").replace(/:53$/, ""), qname, qtype);
    return { ...reply, authoritative: false, by: `forward ${d.args.slice(1).join(" ")}` };
  }
  // No plugin took the query: CoreDNS's "no next plugin found" is a SERVFAIL.
  return { rcode: "SERVFAIL", answers: [], authoritative: false, by: "no plugin" };
}

/**
 * plugin/backend_lookup.go SOA(): `ns.dns.<zone>` and `hostmaster.<zone>`, refresh 7200, retry
 * 1800, expire 86400, the plugin's TTL as minimum and (at most 300) as the record's TTL. The serial
 * is the kubernetes plugin's Serial(): the Unix time its watch last saw a Service or an endpoint
 * change. The simulation keeps no time of deletions, so it takes the newest Service creation or pod
 * readiness change (an endpoint appearing or leaving).
 */
function kubernetesSoa(state: ClusterState, d: Directive, zone: string): Record {
  const minTtl = Number(d.block.find((p) => p.name === "ttl")?.args[0] ?? 5);
  let modified = 0;
  const seen = (stamp: string | null | undefined) => {
    const ms = stamp ? Date.parse(stamp) : NaN;
    if (ms > modified) modified = ms;
  };
  for (const service of Object.values(state.services)) seen(service.metadata.creationTimestamp);
  for (const pod of Object.values(state.pods)) seen(pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime);
  const serial = Math.floor(modified / 1000);
  const apex = zone === "." ? "" : zone;
  return { name: zone, type: "SOA", ttl: Math.min(minTtl, 300), data: `ns.dns.${apex} hostmaster.${apex} ${serial} 7200 1800 86400 ${minTtl}` };
}

/**
 * plugin/loadbalance (round_robin, kubeadm's Corefile has it): on a NOERROR answer from a server
 * block with the plugin, each section's A records are shuffled with roundRobinShuffle, which draws
 * a fresh message id (dns.Id()) per step; other records keep their order, CNAMEs first. `id` is
 * that random 16-bit draw, from the simulation's seeded stream for this question.
 */
export function loadBalanced(servers: readonly ServerBlock[], qnameIn: string, reply: DnsReply, id: () => number): DnsReply {
  if (reply.rcode !== "NOERROR") return reply;
  const plugin = serverBlockFor(servers, qnameIn)?.directives.find((d) => d.name === "loadbalance");
  if (!plugin || (plugin.args.length > 0 && plugin.args[0] !== "round_robin")) return reply;
  return { ...reply, answers: roundRobin(reply.answers, id), ...(reply.additional ? { additional: roundRobin(reply.additional, id) } : {}) };
}

function roundRobin(records: Record[], id: () => number): Record[] {
  if (records.length <= 1) return records;
  if (records.every((r) => r.type === "A")) return roundRobinShuffle([...records], id);
  const cname = records.filter((r) => r.type === "CNAME");
  const rest = records.filter((r) => r.type !== "CNAME" && r.type !== "A");
  return [...cname, ...rest, ...roundRobinShuffle(records.filter((r) => r.type === "A"), id)];
}

function roundRobinShuffle(records: Record[], id: () => number): Record[] {
  const l = records.length;
  if (l === 2) {
    if (id() % 2 === 0) [records[0], records[1]] = [records[1], records[0]];
  } else if (l > 2) {
    for (let j = 0; j < l; j++) {
      const p = j + (id() % (l - j));
      if (p !== j) [records[j], records[p]] = [records[p], records[j]];
    }
  }
  return records;
}

function rewriteName(d: Directive, qname: string): string {
  let args = d.args;
  if (args[0] === "stop" || args[0] === "continue") args = args.slice(1);
  if (args[0] !== "name") return qname;
  let type = "exact";
  let rest = args.slice(1);
  if (["exact", "prefix", "suffix", "substring", "regex"].includes(rest[0])) ((type = rest[0]), (rest = rest.slice(1)));
  const [from, to] = rest;
  const bare = (s: string) => s.toLowerCase().replace(/\.$/, "");
  const name = bare(qname);
  switch (type) {
    case "exact":
      return name === bare(from) ? fqdn(to) : qname;
    case "prefix":
      return name.startsWith(from.toLowerCase()) ? fqdn(to + name.slice(from.length)) : qname;
    case "suffix":
      return name.endsWith(bare(from)) ? fqdn(name.slice(0, name.length - bare(from).length) + bare(to)) : qname;
    case "substring":
      return name.includes(from.toLowerCase()) ? fqdn(name.replace(from.toLowerCase(), to)) : qname;
    case "regex": {
      try {
        const re = new RegExp(from);
        const target = qname.toLowerCase();
        return re.test(target) ? fqdn(target.replace(re, to.replace(/\{(\d)\}/g, "$$$1"))) : qname;
      } catch {
        return qname;
      }
    }
  }
  return qname;
}

/** The kubernetes plugin's DNSSchemaVersion (kubernetes.go), the TXT record of `dns-version.<zone>` the DNS spec for Kubernetes asks for. */
export const DNS_SCHEMA_VERSION = "1.1.0";
/** ns.go's defaultNSName. */
const DEFAULT_NS_NAME = "ns.dns.";

/**
 * plugin/kubernetes/handler.go ServeDNS: the answer by question type. A, AAAA, PTR and SRV are the
 * record lookups below. SOA answers only at the zone apex (elsewhere it is empty, name or no name).
 * NS at the apex gives ns.go's nsAddrs: the Services whose endpoints include the answering CoreDNS
 * pod (kube-dns), their addresses in the additional section. TXT has one record,
 * `dns-version.<zone>` (kubernetes.go Services, TTL 28800); any other TXT name is empty when it has
 * records of another type and NXDOMAIN otherwise (the apex too). CNAME gives an ExternalName's
 * target alone. Every other type (ANY, MX, NS below the apex, ...) is the handler's "fake A lookup",
 * which only tells NXDOMAIN from an empty answer; the apex is empty for all of them (parse.go's
 * "return NODATA for apex queries"), and `ns.dns.<zone>` answers A with nsAddrs' addresses.
 */
function kubernetesAnswer(state: ClusterState, index: NetIndex, d: Directive, zone: string, qname: string, qtype: QType, lookup: (target: string) => DnsReply | undefined, localIP: string | undefined): DnsReply {
  const ttl = Number(d.block.find((p) => p.name === "ttl")?.args[0] ?? 5);
  const ok = (answers: Record[], additional?: Record[], serviceKey?: string): DnsReply => ({ rcode: "NOERROR", answers, ...(additional?.length ? { additional } : {}), authoritative: true, by: "kubernetes", ...(serviceKey ? { serviceKey } : {}) });
  const nxdomain: DnsReply = { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
  const apex = qname === zone;
  const defaultNS = qname === `${DEFAULT_NS_NAME}${zone}`;
  const records = (type: QType) => kubernetesLookup(state, index, d, zone, qname, type, lookup);
  if (qtype === "SOA") return ok(apex ? [kubernetesSoa(state, d, zone)] : []);
  if (qtype === "AXFR" || qtype === "IXFR") return { rcode: "REFUSED", answers: [], authoritative: false, by: "kubernetes (no zone transfers)" };
  if (qtype === "NS" && apex) {
    const addrs = nsAddrs(state, zone, localIP);
    const answers: Record[] = [];
    for (const a of addrs) if (!answers.some((r) => r.data === a.name)) answers.push({ name: qname, type: "NS", ttl, data: a.name });
    return ok(answers, addrs.map((a) => ({ name: a.name, type: "A", ttl, data: a.ip })));
  }
  if (qtype === "TXT") {
    if (qname === `dns-version.${zone}`) return ok([{ name: qname, type: "TXT", ttl: 28800, data: `"${DNS_SCHEMA_VERSION}"` }]);
    if (apex || defaultNS) return nxdomain;
    const a = records("A");
    return a.rcode === "NOERROR" && a.answers.length > 0 ? ok([], undefined, a.serviceKey) : { ...nxdomain, serviceKey: a.serviceKey };
  }
  if (apex && qtype !== "PTR") return ok([]);
  if (defaultNS && qtype !== "PTR") {
    const addrs = qtype === "A" ? nsAddrs(state, zone, localIP) : [];
    return ok(addrs.map((a) => ({ name: qname, type: "A", ttl, data: a.ip })));
  }
  if (qtype === "A" || qtype === "AAAA" || qtype === "PTR" || qtype === "SRV") return records(qtype);
  if (qtype === "CNAME") {
    const labels = zone.endsWith("arpa.") ? [] : qname.slice(0, -zone.length - 1).split(".");
    const service = labels.length === 3 && labels[2] === "svc" ? state.services[`${labels[1]}/${labels[0]}`] : undefined;
    if (service?.spec.type === "ExternalName" && service.spec.externalName) return ok([{ name: qname, type: "CNAME", ttl, data: fqdn(service.spec.externalName) }], undefined, `${labels[1]}/${labels[0]}`);
  }
  const a = records("A");
  return a.rcode === "NOERROR" ? { ...a, answers: [], additional: undefined } : a;
}

/**
 * ns.go nsAddrs: for each Service with a ready endpoint at the answering CoreDNS pod's address
 * (kube-dns), its ClusterIPs under `<svc>.<ns>.svc.<zone>` (a headless one: each endpoint by its
 * hostname or dashed IP); when none has, the pod's own address as `ns.dns.<zone>`.
 */
function nsAddrs(state: ClusterState, zone: string, localIP: string | undefined): Array<{ name: string; ip: string }> {
  if (!localIP) return [];
  const addrs: Array<{ name: string; ip: string }> = [];
  let found = false;
  for (const service of Object.values(state.services)) {
    for (const slice of endpointSlicesFor(state, service)) {
      if (!slice.endpoints.some((e) => e.conditions.ready && e.addresses.includes(localIP))) continue;
      found = true;
      const name = `${service.metadata.name}.${service.metadata.namespace}.svc.${zone}`;
      if (service.spec.clusterIP === "None") {
        for (const e of slice.endpoints) if (e.conditions.ready) for (const ip of e.addresses) addrs.push({ name: `${e.hostname ?? ip.replace(/\./g, "-")}.${name}`, ip });
      } else for (const ip of service.spec.clusterIPs ?? (service.spec.clusterIP ? [service.spec.clusterIP] : [])) addrs.push({ name, ip });
    }
  }
  return found ? addrs : [{ name: `${DEFAULT_NS_NAME}${zone}`, ip: localIP }];
}

/** The kubernetes plugin's record lookups (A, AAAA, PTR, SRV) for a name in its zone. */
function kubernetesLookup(state: ClusterState, index: NetIndex, d: Directive, zone: string, qname: string, qtype: QType, lookup: (target: string) => DnsReply | undefined): DnsReply {
  const ttl = Number(d.block.find((p) => p.name === "ttl")?.args[0] ?? 5);
  const pods = d.block.find((p) => p.name === "pods")?.args[0] ?? "disabled";
  const name = qname.slice(0, -1);
  if (zone.endsWith("in-addr.arpa.")) {
    if (qtype !== "PTR") return { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
    const ip = name.replace(/\.in-addr\.arpa$/, "").split(".").reverse().join(".");
    const domain = clusterZone(d, zone);
    const svc = Object.values(state.services).find((s) => s.spec.clusterIP === ip);
    if (svc) return { rcode: "NOERROR", answers: [{ name: qname, type: "PTR", ttl, data: `${svc.metadata.name}.${svc.metadata.namespace}.svc.${domain}.` }], authoritative: true, by: "kubernetes", serviceKey: `${svc.metadata.namespace}/${svc.metadata.name}` };
    // serviceRecordForIP (plugin/kubernetes/reverse.go): no ClusterIP has the address, so each
    // Service with a ready endpoint there answers, `<hostname or dashed IP>.<svc>.<ns>.svc`
    // (web-0.nginx.default.svc for a StatefulSet's pod). `pods` serves forward lookups only: an
    // address no Service selects has no PTR record.
    const answers: Record[] = [];
    for (const service of Object.values(state.services)) {
      for (const slice of endpointSlicesFor(state, service)) {
        for (const e of slice.endpoints) {
          if (e.conditions.ready && e.addresses.includes(ip)) answers.push({ name: qname, type: "PTR", ttl, data: `${e.hostname ?? ip.replace(/\./g, "-")}.${service.metadata.name}.${service.metadata.namespace}.svc.${domain}.` });
        }
      }
    }
    if (answers.length > 0) return { rcode: "NOERROR", answers, authoritative: true, by: "kubernetes" };
    return { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
  }
  if (zone.endsWith("ip6.arpa.")) return { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
  const domain = zone.slice(0, -1);
  const labels = name === domain ? [] : name.slice(0, name.length - domain.length - 1).split(".");
  if (labels.length === 3 && labels[2] === "pod") {
    if (pods === "disabled") return { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
    const ip = labels[0].replace(/-/g, ".");
    const verified = pods !== "verified" || index.podByIP(ip)?.pod.metadata.namespace === labels[1];
    if (!verified) return { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
  }
  if (labels.length === 3 && labels[2] === "svc") {
    const key = `${labels[1]}/${labels[0]}`;
    const service = state.services[key];
    const target = service?.spec.type === "ExternalName" ? service.spec.externalName : undefined;
    if (target && qtype !== "PTR") {
      // plugin/backend_lookup.go A/AAAA: the Service's CNAME, then whatever the target's lookup
      // answers; a target that does not resolve leaves the CNAME alone, still NOERROR.
      const cname: Record = { name: qname, type: "CNAME", ttl, data: fqdn(target) };
      const chased = lookup(fqdn(target));
      const more = chased && chased.rcode === "NOERROR" ? chased.answers : [];
      return { rcode: "NOERROR", answers: [cname, ...more], authoritative: true, by: "kubernetes", serviceKey: key };
    }
  }
  if (qtype === "SRV") return srvAnswer(state, domain, labels, qname, ttl);
  const answer = clusterLookup({ ...state, config: { ...state.config, clusterDomain: domain } }, index, name);
  const answers: Record[] = qtype === "A" ? answer.ips.map((ip) => ({ name: qname, type: "A", ttl, data: ip })) : [];
  return { rcode: answer.rcode, answers, authoritative: true, by: "kubernetes", serviceKey: answer.serviceKey };
}

/**
 * SRV records of a Service (`<svc>.<ns>.svc`: one per port) or of one named port
 * (`_<port>._<proto>.<svc>.<ns>.svc`), as the kubernetes plugin builds them: priority 0, weights
 * splitting 100 among the records, the Service's name as target for a ClusterIP (each endpoint's
 * `<hostname or dashed IP>.<svc>.<ns>.svc` for a headless one), and the targets' A records in the
 * additional section.
 */
function srvAnswer(state: ClusterState, domain: string, labels: string[], qname: string, ttl: number): DnsReply {
  const none: DnsReply = { rcode: "NXDOMAIN", answers: [], authoritative: true, by: "kubernetes" };
  let port: { name: string; proto: string } | undefined;
  let rest = labels;
  if (labels.length === 5 && labels[0].startsWith("_") && labels[1].startsWith("_")) {
    port = { name: labels[0].slice(1), proto: labels[1].slice(1) };
    rest = labels.slice(2);
  }
  if (rest.length !== 3 || rest[2] !== "svc") return none;
  const key = `${rest[1]}/${rest[0]}`;
  const service = state.services[key];
  if (!service || service.spec.type === "ExternalName") return none;
  const ports = (service.spec.ports ?? []).filter((p) => !port || ((p.name ?? "") === port.name && (p.protocol ?? "TCP").toLowerCase() === port.proto));
  if (ports.length === 0) return { ...none, serviceKey: key };
  const base = `${rest[0]}.${rest[1]}.svc.${domain}.`;
  const targets: Array<{ host: string; ip: string }> = [];
  if (service.spec.clusterIP && service.spec.clusterIP !== "None") targets.push({ host: base, ip: service.spec.clusterIP });
  else {
    for (const slice of endpointSlicesFor(state, service)) {
      for (const e of slice.endpoints) if (e.conditions.ready) targets.push({ host: `${e.hostname ?? e.addresses[0].replace(/\./g, "-")}.${base}`, ip: e.addresses[0] });
    }
  }
  if (targets.length === 0) return { ...none, serviceKey: key };
  const count = targets.length * ports.length;
  const weight = Math.floor(100 / count);
  const answers: Record[] = [];
  for (const p of ports) for (const t of targets) answers.push({ name: qname, type: "SRV", ttl, data: `0 ${weight} ${p.port} ${t.host}` });
  const additional: Record[] = [];
  for (const t of targets) if (!additional.some((r) => r.name === t.host)) additional.push({ name: t.host, type: "A", ttl, data: t.ip });
  return { rcode: "NOERROR", answers, additional, authoritative: true, by: "kubernetes", serviceKey: key };
}

/** The forward zone of a kubernetes block used for reverse answers: its first non-arpa zone. */
function clusterZone(d: Directive, fallback: string): string {
  const zone = d.args.find((z) => !z.endsWith("arpa") && !z.endsWith("arpa."));
  return zone ? zone.replace(/\.$/, "") : fallback.replace(/\.$/, "");
}

/** encoding/json's string escaping (HTML-safe, as json.Marshal does it). */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The SHA512 the reload plugin logs: of json.Marshal of caddyfile.Parse's server blocks (each
 * block's Keys and, per directive name, every token of its lines with File, Line and Text). The
 * tokens carry no File (only imported ones do). The Corefile must parse; the hash is the same for files that differ only in comments and spacing.
 */
export function corefileSha512(text: string): string {
  const tokens = lex(text);
  const blocks: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const keys: string[] = [];
    let expectingAnother = false;
    for (;;) {
      const t = tokens[i];
      if (t.text === "{") break;
      let key = t.text;
      expectingAnother = key.endsWith(",");
      if (expectingAnother) key = key.slice(0, -1);
      if (key !== "") keys.push(key);
      i++;
      if (i >= tokens.length) break;
      if (!expectingAnother && tokens[i].line !== tokens[i - 1].line) break;
    }
    const braced = i < tokens.length && tokens[i].text === "{";
    if (braced) i++;
    const byName = new Map<string, Token[]>();
    while (i < tokens.length) {
      if (tokens[i].text === "}" && braced) {
        i++;
        break;
      }
      const name = tokens[i].text;
      const list = byName.get(name) ?? [];
      byName.set(name, list);
      list.push(tokens[i++]);
      let nesting = 0;
      while (i < tokens.length) {
        const t = tokens[i];
        if (t.text === "{") nesting++;
        else if (t.line !== tokens[i - 1].line && nesting === 0) break;
        else if (t.text === "}" && nesting > 0) nesting--;
        else if (t.text === "}") break;
        list.push(t);
        i++;
      }
      if (!braced && i < tokens.length && tokens[i].text !== "}" && tokens[i].line !== tokens[i - 1].line) break;
    }
    const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const tokenJson = names.map((n) => `${goJsonString(n)}:[${byName.get(n)!.map((t) => `{"File":"","Line":${t.line},"Text":${goJsonString(t.text)}}`).join(",")}]`);
    blocks.push(`{"Keys":[${keys.map(goJsonString).join(",")}],"Tokens":{${tokenJson.join(",")}}}`);
  }
  return sha512Hex(`[${blocks.join(",")}]`);
}
