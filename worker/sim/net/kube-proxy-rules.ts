// kube-proxy's rules (iptables mode, v1.34) as data: one builder per kind of rule
// pkg/proxy/iptables/proxier.go writes, and the two ways iptables shows a rule (iptables-save's
// `-A` line and `iptables -L`'s columns). The router (router.ts) quotes these builders' texts in
// its hops and the node's rule set (kube-proxy-ruleset.ts) is made of the same builders, so a
// trace can only name rules that `iptables-save` prints.
//
// The texts are what iptables-save prints, not what kube-proxy wrote: the kernel keeps a rule in
// its own form, so `-m comment --comment X -m tcp -p tcp -d 10.96.0.1 --dport 443` comes back as
// `-d 10.96.0.1/32 -p tcp -m comment --comment X -m tcp --dport 443`, `--or-mark 0x4000` as
// `--set-xmark 0x4000/0x4000`, and a probability as the 31-bit fraction the kernel stores
// (libxt_statistic: lround(p * 2^31), printed with %.11f: 1/3 -> 0.33333333349).

/** kube-proxy's masquerade bit (14) as the mark iptables shows. */
export const MASQ_MARK = "0x4000";

export type Match =
  | { m: "comment"; text: string }
  | { m: "proto"; proto: string; dport?: number }
  | { m: "addrtype"; dstType?: "LOCAL"; srcType?: "LOCAL"; srcNot?: boolean }
  /** ipset's set match (libxt_set): a set name and its src/dst flags, e.g. `dst,dst`. */
  | { m: "set"; name: string; flags: string; not?: boolean }
  /** `-m physdev ! --physdev-is-in` (the ipvs proxier's external IP rules). */
  | { m: "physdev"; notIsIn: true }
  | { m: "statistic"; probability: number }
  | { m: "recent"; mode: "set" | "rcheck"; name: string; seconds?: number; reap?: boolean }
  | { m: "mark"; not?: boolean; mark: string }
  | { m: "conntrack"; not?: boolean; states: string };

export type TargetOption =
  | { t: "dnat"; to: string }
  | { t: "masquerade"; randomFully: boolean }
  | { t: "mark"; value: string; mask: string }
  | { t: "reject" };

export interface Rule {
  chain: string;
  src?: { cidr: string; not?: boolean };
  dst?: { cidr: string; not?: boolean };
  proto?: string;
  matches: Match[];
  target: string;
  option?: TargetOption;
}

/** An address as the kernel keeps it: a host gets its /32. */
function cidr(address: string): string {
  return address.includes("/") ? address : `${address}/32`;
}

/** The probability iptables reads back from the kernel (libxt_statistic's save/print). */
export function kernelProbability(p: number): string {
  return (Math.round(p * 0x80000000) / 0x80000000).toFixed(11);
}

// ---- iptables-save's form -------------------------------------------------------------------

function quoteComment(text: string): string {
  // iptables-save quotes a comment always (xtables_save_string).
  return `"${text.replace(/(["\\])/g, "\\$1")}"`;
}

function saveMatch(m: Match): string {
  switch (m.m) {
    case "comment":
      return ` -m comment --comment ${quoteComment(m.text)}`;
    case "proto":
      return ` -m ${m.proto}${m.dport !== undefined ? ` --dport ${m.dport}` : ""}`;
    case "addrtype":
      return ` -m addrtype${m.srcType ? `${m.srcNot ? " !" : ""} --src-type ${m.srcType}` : ""}${m.dstType ? ` --dst-type ${m.dstType}` : ""}`;
    case "set":
      return ` -m set${m.not ? " !" : ""} --match-set ${m.name} ${m.flags}`;
    case "physdev":
      return " -m physdev ! --physdev-is-in";
    case "statistic":
      return ` -m statistic --mode random --probability ${kernelProbability(m.probability)}`;
    case "recent":
      return ` -m recent --${m.mode}${m.seconds !== undefined ? ` --seconds ${m.seconds}` : ""}${m.reap ? " --reap" : ""} --name ${m.name} --mask 255.255.255.255 --rsource`;
    case "mark":
      return ` -m mark${m.not ? " !" : ""} --mark ${m.mark}`;
    case "conntrack":
      return ` -m conntrack${m.not ? " !" : ""} --ctstate ${m.states}`;
  }
}

function saveOption(o: TargetOption | undefined): string {
  if (!o) return "";
  switch (o.t) {
    case "dnat":
      return ` --to-destination ${o.to}`;
    case "masquerade":
      return o.randomFully ? " --random-fully" : "";
    case "mark":
      return ` --set-xmark ${o.value}/${o.mask}`;
    case "reject":
      return " --reject-with icmp-port-unreachable";
  }
}

/** The rule as an `-A` line of iptables-save. */
export function saveText(r: Rule): string {
  let s = `-A ${r.chain}`;
  if (r.src) s += `${r.src.not ? " !" : ""} -s ${r.src.cidr}`;
  if (r.dst) s += `${r.dst.not ? " !" : ""} -d ${r.dst.cidr}`;
  if (r.proto) s += ` -p ${r.proto}`;
  for (const m of r.matches) s += saveMatch(m);
  return s + ` -j ${r.target}` + saveOption(r.option);
}

// ---- iptables -L's form ---------------------------------------------------------------------

/** /etc/services names `iptables -L` shows without -n (Ubuntu 24.04's netbase). */
const SERVICE_NAMES: Record<number, string> = { 22: "ssh", 53: "domain", 80: "http", 443: "https", 3306: "mysql", 5432: "postgresql", 6379: "redis", 6443: "sun-sr-https", 8080: "http-alt" };

function listMatch(m: Match, numeric: boolean): string {
  switch (m.m) {
    case "comment":
      return ` /* ${m.text} */`;
    case "proto":
      return ` ${m.proto}${m.dport !== undefined ? ` dpt:${numeric ? m.dport : (SERVICE_NAMES[m.dport] ?? m.dport)}` : ""}`;
    case "addrtype":
      return ` ADDRTYPE match${m.srcType ? ` src-type ${m.srcNot ? "!" : ""}${m.srcType}` : ""}${m.dstType ? ` dst-type ${m.dstType}` : ""}`;
    case "set":
      return `${m.not ? " !" : ""} match-set ${m.name} ${m.flags}`;
    case "physdev":
      return " PHYSDEV match ! --physdev-is-in";
    case "statistic":
      return ` statistic mode random probability ${kernelProbability(m.probability)}`;
    case "recent":
      return m.mode === "set"
        ? ` recent: SET name: ${m.name} side: source mask: 255.255.255.255`
        : ` recent: CHECK${m.seconds !== undefined ? ` seconds: ${m.seconds}` : ""}${m.reap ? " reap" : ""} name: ${m.name} side: source mask: 255.255.255.255`;
    case "mark":
      return ` mark match${m.not ? " !" : ""} ${m.mark}`;
    case "conntrack":
      return `${m.not ? " !" : ""} ctstate ${m.states}`;
  }
}

function listOption(o: TargetOption | undefined): string {
  if (!o) return "";
  switch (o.t) {
    case "dnat":
      return ` to:${o.to}`;
    case "masquerade":
      return o.randomFully ? " random-fully" : "";
    case "mark":
      // libxt_MARK v2 print: or when value == mask, xor when the mask is 0.
      return o.value === o.mask ? ` MARK or ${o.value}` : o.mask === "0x0" ? ` MARK xor ${o.value}` : ` MARK xset ${o.value}/${o.mask}`;
    case "reject":
      return " reject-with icmp-port-unreachable";
  }
}

function listAddress(a: { cidr: string } | undefined, numeric: boolean): string {
  if (!a) return numeric ? "0.0.0.0/0" : "anywhere";
  // A host's /32 is shown bare (xtables_ipmask_to_numeric).
  return a.cidr.endsWith("/32") ? a.cidr.slice(0, -3) : a.cidr;
}

export interface ListFormat {
  numeric: boolean;
  verbose: boolean;
  lineNumbers: boolean;
}

/** One rule as a row of `iptables -L` (iptables 1.8's print_rule_details and print_fw). */
export function listRow(r: Rule, num: number, f: ListFormat): string {
  let s = "";
  if (f.lineNumbers) s += `${String(num).padEnd(4)} `;
  if (f.verbose) s += `${"0".padStart(5)} ${"0".padStart(5)} `;
  s += `${r.target.padEnd(9)} `;
  s += ` ${(r.proto ?? "all").padEnd(5)}`;
  s += "-- ";
  if (f.verbose) s += ` ${"*".padEnd(6)} ${"*".padEnd(6)} `;
  s += `${r.src?.not ? "!" : " "}${listAddress(r.src, f.numeric).padEnd(19)} `;
  s += `${r.dst?.not ? "!" : " "}${listAddress(r.dst, f.numeric).padEnd(19)} `;
  for (const m of r.matches) s += listMatch(m, f.numeric);
  return s + listOption(r.option);
}

/** The column header of `iptables -L` under each chain line. */
export function listHeader(f: ListFormat): string {
  let s = "";
  if (f.lineNumbers) s += `${"num".padEnd(4)} `;
  if (f.verbose) s += `${"pkts".padStart(5)} ${"bytes".padStart(5)} `;
  s += `${"target".padEnd(9)} `;
  s += " prot opt";
  if (f.verbose) s += ` ${"in".padEnd(6)} ${"out".padEnd(6)} `;
  s += ` ${"source".padEnd(19)} `;
  s += ` ${"destination".padEnd(19)} `;
  return s;
}

// ---- the rules kube-proxy writes (proxier.go syncProxyRules) ------------------------------

const comment = (text: string): Match => ({ m: "comment", text });

/** KUBE-SERVICES (nat): a ClusterIP:port to its service chain. */
export function clusterIPRule(spn: string, proto: string, ip: string, port: number, target: string): Rule {
  return { chain: "KUBE-SERVICES", dst: { cidr: cidr(ip) }, proto, matches: [comment(`${spn} cluster IP`), { m: "proto", proto, dport: port }], target };
}

/** KUBE-SERVICES (filter): a ClusterIP:port with no (local) endpoints is rejected or dropped. */
export function clusterIPFilterRule(spn: string, proto: string, ip: string, port: number, target: "REJECT" | "DROP"): Rule {
  const text = target === "REJECT" ? `${spn} has no endpoints` : `${spn} has no local endpoints`;
  return {
    chain: "KUBE-SERVICES",
    dst: { cidr: cidr(ip) },
    proto,
    matches: [comment(text), { m: "proto", proto, dport: port }],
    target,
    option: target === "REJECT" ? { t: "reject" } : undefined,
  };
}

/** KUBE-SVC/KUBE-SVL: traffic to the ClusterIP from outside the pod network is marked for SNAT. */
export function clusterMasqRule(chain: string, spn: string, proto: string, ip: string, port: number, podCIDR: string): Rule {
  return {
    chain,
    src: { cidr: podCIDR, not: true },
    dst: { cidr: cidr(ip) },
    proto,
    matches: [comment(`${spn} cluster IP`), { m: "proto", proto, dport: port }],
    target: "KUBE-MARK-MASQ",
  };
}

/** KUBE-NODEPORTS (nat): a nodePort to the service's KUBE-EXT chain. */
export function nodePortRule(spn: string, proto: string, nodePort: number, hash: string): Rule {
  return { chain: "KUBE-NODEPORTS", proto, matches: [comment(spn), { m: "proto", proto, dport: nodePort }], target: `KUBE-EXT-${hash}` };
}

/** KUBE-EXTERNAL-SERVICES (filter): a nodePort with no (local) endpoints. */
export function nodePortFilterRule(spn: string, proto: string, nodePort: number, target: "REJECT" | "DROP"): Rule {
  const text = target === "REJECT" ? `${spn} has no endpoints` : `${spn} has no local endpoints`;
  return {
    chain: "KUBE-EXTERNAL-SERVICES",
    proto,
    matches: [comment(text), { m: "addrtype", dstType: "LOCAL" }, { m: "proto", proto, dport: nodePort }],
    target,
    option: target === "REJECT" ? { t: "reject" } : undefined,
  };
}

/** KUBE-NODEPORTS (filter): kube-proxy accepts its health check node port on every node. */
export function healthCheckNodePortRule(spn: string, port: number): Rule {
  return { chain: "KUBE-NODEPORTS", proto: "tcp", matches: [comment(`${spn} health check node port`), { m: "proto", proto: "tcp", dport: port }], target: "ACCEPT" };
}

/** filter INPUT: kube-proxy's jump to KUBE-NODEPORTS, where health check node ports are accepted. */
export const HEALTH_CHECK_JUMP: Rule = { chain: "INPUT", matches: [comment("kubernetes health check service ports")], target: "KUBE-NODEPORTS" };

/** The last rule of KUBE-SERVICES: anything for a local address goes on to KUBE-NODEPORTS. */
export const NODEPORTS_JUMP: Rule = {
  chain: "KUBE-SERVICES",
  matches: [comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"), { m: "addrtype", dstType: "LOCAL" }],
  target: "KUBE-NODEPORTS",
};

/** KUBE-EXT with externalTrafficPolicy: Cluster: mark, then the KUBE-SVC chain. */
export function extMasqRule(hash: string, spn: string): Rule {
  return { chain: `KUBE-EXT-${hash}`, matches: [comment(`masquerade traffic for ${spn} external destinations`)], target: "KUBE-MARK-MASQ" };
}

export function extJumpRule(hash: string, target: string): Rule {
  return { chain: `KUBE-EXT-${hash}`, matches: [], target };
}

/** KUBE-EXT with externalTrafficPolicy: Local: pods of the cluster may use any endpoint. */
export function extPodTrafficRule(hash: string, spn: string, podCIDR: string): Rule {
  return { chain: `KUBE-EXT-${hash}`, src: { cidr: podCIDR }, matches: [comment(`pod traffic for ${spn} external destinations`)], target: `KUBE-SVC-${hash}` };
}

export function extLocalMasqRule(hash: string, spn: string): Rule {
  return { chain: `KUBE-EXT-${hash}`, matches: [comment(`masquerade LOCAL traffic for ${spn} external destinations`), { m: "addrtype", srcType: "LOCAL" }], target: "KUBE-MARK-MASQ" };
}

export function extLocalRouteRule(hash: string, spn: string): Rule {
  return { chain: `KUBE-EXT-${hash}`, matches: [comment(`route LOCAL traffic for ${spn} external destinations`), { m: "addrtype", srcType: "LOCAL" }], target: `KUBE-SVC-${hash}` };
}

/** KUBE-SVC/KUBE-SVL with sessionAffinity: ClientIP: a client seen lately goes to its endpoint. */
export function affinityRule(chain: string, spn: string, endpoint: string, sep: string, seconds: number): Rule {
  return { chain, matches: [comment(`${spn} -> ${endpoint}`), { m: "recent", mode: "rcheck", name: sep, seconds, reap: true }], target: sep };
}

/** KUBE-SVC/KUBE-SVL: endpoint i of n, chosen with probability 1/(n-i); the last one always. */
export function endpointPickRule(chain: string, spn: string, endpoint: string, sep: string, i: number, n: number): Rule {
  const matches: Match[] = [comment(`${spn} -> ${endpoint}`)];
  if (i < n - 1) matches.push({ m: "statistic", probability: Number((1 / (n - i)).toFixed(10)) });
  return { chain, matches, target: sep };
}

/** KUBE-SEP: a pod talking to its own Service and landing on itself (hairpin) is marked for SNAT. */
export function sepMasqRule(sep: string, spn: string, ip: string): Rule {
  return { chain: sep, src: { cidr: cidr(ip) }, matches: [comment(spn)], target: "KUBE-MARK-MASQ" };
}

export function sepDnatRule(sep: string, spn: string, proto: string, endpoint: string, affinity: boolean): Rule {
  const matches: Match[] = [comment(spn)];
  if (affinity) matches.push({ m: "recent", mode: "set", name: sep });
  matches.push({ m: "proto", proto });
  return { chain: sep, proto, matches, target: "DNAT", option: { t: "dnat", to: endpoint } };
}

export const MARK_MASQ_RULE: Rule = { chain: "KUBE-MARK-MASQ", matches: [], target: "MARK", option: { t: "mark", value: MASQ_MARK, mask: MASQ_MARK } };

export const POSTROUTING_RULES: Rule[] = [
  { chain: "KUBE-POSTROUTING", matches: [{ m: "mark", not: true, mark: `${MASQ_MARK}/${MASQ_MARK}` }], target: "RETURN" },
  { chain: "KUBE-POSTROUTING", matches: [], target: "MARK", option: { t: "mark", value: MASQ_MARK, mask: "0x0" } },
  { chain: "KUBE-POSTROUTING", matches: [comment("kubernetes service traffic requiring SNAT")], target: "MASQUERADE", option: { t: "masquerade", randomFully: true } },
];

/** The rule of KUBE-POSTROUTING that rewrites a marked packet's source. */
export const MASQUERADE_RULE = POSTROUTING_RULES[2];

/** KUBE-SERVICES (nat): an external IP or a load balancer's IP:port to the service's KUBE-EXT chain. */
export function externalDestinationRule(spn: string, proto: string, ip: string, port: number, kind: "external IP" | "loadbalancer IP", hash: string): Rule {
  return { chain: "KUBE-SERVICES", dst: { cidr: cidr(ip) }, proto, matches: [comment(`${spn} ${kind}`), { m: "proto", proto, dport: port }], target: `KUBE-EXT-${hash}` };
}

/** KUBE-EXTERNAL-SERVICES (filter): an external or load balancer IP:port with no (local) endpoints. */
export function externalDestinationFilterRule(spn: string, proto: string, ip: string, port: number, target: "REJECT" | "DROP"): Rule {
  const text = target === "REJECT" ? `${spn} has no endpoints` : `${spn} has no local endpoints`;
  return {
    chain: "KUBE-EXTERNAL-SERVICES",
    dst: { cidr: cidr(ip) },
    proto,
    matches: [comment(text), { m: "proto", proto, dport: port }],
    target,
    option: target === "REJECT" ? { t: "reject" } : undefined,
  };
}
