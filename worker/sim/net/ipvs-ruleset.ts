// The netfilter rule set of a node whose kube-proxy runs in ipvs mode: what pkg/proxy/ipvs/proxier.go
// writes (createAndLinkKubeChain's chains and jumps, writeIptablesRules' set matches, in that order),
// plus kubelet's and flannel's chains as on any kubeadm + flannel node. The rules match kube-proxy's
// ip sets (ipvs-ipsets.ts), which are derived from the node's virtual servers (ipvs.ts): the router,
// `ipvsadm -Ln`, `ipset list` and `iptables-save` all read the same data. No KUBE-SVC-/KUBE-SEP-
// chains: in ipvs mode the kernel's IPVS table does the load balancing.

import type { NetIndex, ServicePortInfo } from "./index.ts";
import type { VirtualServer } from "./ipvs.ts";
import {
  KUBE_CLUSTER_IP,
  KUBE_EXTERNAL_IP,
  KUBE_EXTERNAL_IP_LOCAL,
  KUBE_HEALTH_CHECK_NODE_PORT,
  KUBE_IPVS_IPS,
  KUBE_LOAD_BALANCER,
  KUBE_LOAD_BALANCER_FW,
  KUBE_LOAD_BALANCER_LOCAL,
  KUBE_LOAD_BALANCER_SOURCE_CIDR,
  KUBE_LOAD_BALANCER_SOURCE_IP,
  KUBE_LOOP_BACK,
  KUBE_NODE_PORT_LOCAL_SCTP,
  KUBE_NODE_PORT_LOCAL_TCP,
  KUBE_NODE_PORT_LOCAL_UDP,
  KUBE_NODE_PORT_SCTP,
  KUBE_NODE_PORT_TCP,
  KUBE_NODE_PORT_UDP,
  nodeIpsets,
  type Ipset,
  type IpsetInfo,
} from "./ipvs-ipsets.ts";
import { c, flannelForward, flannelPostrouting, kubeletFirewall, mangleTable, TableBuilder, type Ruleset } from "./kube-proxy-ruleset.ts";
import { MARK_MASQ_RULE, MASQ_MARK, POSTROUTING_RULES, saveText, type Match, type Rule } from "./kube-proxy-rules.ts";

const set = (s: IpsetInfo, flags: string): Match => ({ m: "set", name: s.name, flags });

/** ipsetWithIptablesChain: the sets matched by one rule each, in proxier.go's order. */
const SET_JUMPS: { set: IpsetInfo; table: "nat" | "filter"; from: string; to: string; flags: string; proto?: string }[] = [
  { set: KUBE_LOOP_BACK, table: "nat", from: "KUBE-POSTROUTING", to: "MASQUERADE", flags: "dst,dst,src" },
  { set: KUBE_LOAD_BALANCER, table: "nat", from: "KUBE-SERVICES", to: "KUBE-LOAD-BALANCER", flags: "dst,dst" },
  { set: KUBE_LOAD_BALANCER_LOCAL, table: "nat", from: "KUBE-LOAD-BALANCER", to: "RETURN", flags: "dst,dst" },
  { set: KUBE_NODE_PORT_LOCAL_TCP, table: "nat", from: "KUBE-NODE-PORT", to: "RETURN", flags: "dst", proto: "tcp" },
  { set: KUBE_NODE_PORT_TCP, table: "nat", from: "KUBE-NODE-PORT", to: "KUBE-MARK-MASQ", flags: "dst", proto: "tcp" },
  { set: KUBE_NODE_PORT_LOCAL_UDP, table: "nat", from: "KUBE-NODE-PORT", to: "RETURN", flags: "dst", proto: "udp" },
  { set: KUBE_NODE_PORT_UDP, table: "nat", from: "KUBE-NODE-PORT", to: "KUBE-MARK-MASQ", flags: "dst", proto: "udp" },
  { set: KUBE_NODE_PORT_LOCAL_SCTP, table: "nat", from: "KUBE-NODE-PORT", to: "RETURN", flags: "dst,dst", proto: "sctp" },
  { set: KUBE_NODE_PORT_SCTP, table: "nat", from: "KUBE-NODE-PORT", to: "KUBE-MARK-MASQ", flags: "dst,dst", proto: "sctp" },
  { set: KUBE_LOAD_BALANCER_FW, table: "filter", from: "KUBE-PROXY-FIREWALL", to: "KUBE-SOURCE-RANGES-FIREWALL", flags: "dst,dst" },
  { set: KUBE_LOAD_BALANCER_SOURCE_CIDR, table: "filter", from: "KUBE-SOURCE-RANGES-FIREWALL", to: "RETURN", flags: "dst,dst,src" },
  { set: KUBE_LOAD_BALANCER_SOURCE_IP, table: "filter", from: "KUBE-SOURCE-RANGES-FIREWALL", to: "RETURN", flags: "dst,dst,src" },
];

/** The rule of a set in SET_JUMPS (the trace quotes these). */
export function setJumpRule(s: IpsetInfo): Rule {
  const j = SET_JUMPS.find((x) => x.set === s)!;
  const option = j.to === "MASQUERADE" ? { t: "masquerade" as const, randomFully: false } : undefined;
  return { chain: j.from, ...(j.proto ? { proto: j.proto } : {}), matches: [c(s.comment), set(s, j.flags)], target: j.to, ...(option ? { option } : {}) };
}

/** KUBE-SERVICES: traffic to a ClusterIP from outside the pod network is marked for SNAT (localDetector.IfNotLocal). */
export function clusterIPMasqRule(podCIDR: string): Rule {
  return { chain: "KUBE-SERVICES", src: { cidr: podCIDR, not: true }, matches: [c(KUBE_CLUSTER_IP.comment), set(KUBE_CLUSTER_IP, "dst,dst")], target: "KUBE-MARK-MASQ" };
}

/** KUBE-SERVICES: traffic to an external IP (externalTrafficPolicy Cluster) is marked for SNAT. */
export const EXTERNAL_IP_MASQ_RULE: Rule = { chain: "KUBE-SERVICES", matches: [c(KUBE_EXTERNAL_IP.comment), set(KUBE_EXTERNAL_IP, "dst,dst")], target: "KUBE-MARK-MASQ" };

/** KUBE-LOAD-BALANCER's last rule: what KUBE-LOAD-BALANCER-LOCAL did not return is marked for SNAT. */
export const LOAD_BALANCER_MASQ_RULE: Rule = { chain: "KUBE-LOAD-BALANCER", matches: [], target: "KUBE-MARK-MASQ" };

/** The jump that sends what is addressed to a local address to KUBE-NODE-PORT. */
export const NODE_PORT_JUMP: Rule = { chain: "KUBE-SERVICES", matches: [{ m: "addrtype", dstType: "LOCAL" }], target: "KUBE-NODE-PORT" };

/** externalIPRules: traffic from off the machine, or to an external IP the node has, is accepted. */
function externalIPAccepts(s: IpsetInfo): Rule[] {
  const base = [c(s.comment), set(s, "dst,dst")];
  return [
    { chain: "KUBE-SERVICES", matches: [...base, { m: "physdev", notIsIn: true }, { m: "addrtype", srcType: "LOCAL", srcNot: true }], target: "ACCEPT" },
    { chain: "KUBE-SERVICES", matches: [...base, { m: "addrtype", dstType: "LOCAL" }], target: "ACCEPT" },
  ];
}

/**
 * The rules of the ipvs proxier a connection through a virtual server of this kind meets on the
 * way to SNAT, as iptables-save prints them (the router quotes these): the set match that marks
 * it (or lets it through unmarked with externalTrafficPolicy: Local), and KUBE-LOOP-BACK for a pod
 * reaching itself.
 */
export function ipvsMasqueradeRules(index: NetIndex, sp: ServicePortInfo, kind: VirtualServer["kind"], marked: boolean, hairpin: boolean): string[] {
  const local = sp.service.spec.externalTrafficPolicy === "Local";
  const proto = sp.protocol.toLowerCase();
  const rules: Rule[] = [];
  if (kind === "cluster IP" && marked) rules.push(clusterIPMasqRule(index.podCIDR?.text ?? index.state.config.podCIDR));
  if (kind === "external IP" && !local) rules.push(EXTERNAL_IP_MASQ_RULE);
  if (kind === "loadbalancer IP") rules.push(setJumpRule(KUBE_LOAD_BALANCER), ...(local ? [setJumpRule(KUBE_LOAD_BALANCER_LOCAL)] : [LOAD_BALANCER_MASQ_RULE]));
  if (kind === "nodePort") {
    rules.push(NODE_PORT_JUMP);
    const [all, localSet] = proto === "udp" ? [KUBE_NODE_PORT_UDP, KUBE_NODE_PORT_LOCAL_UDP] : proto === "sctp" ? [KUBE_NODE_PORT_SCTP, KUBE_NODE_PORT_LOCAL_SCTP] : [KUBE_NODE_PORT_TCP, KUBE_NODE_PORT_LOCAL_TCP];
    rules.push(setJumpRule(local ? localSet : all));
  }
  if (hairpin) rules.push(setJumpRule(KUBE_LOOP_BACK));
  return rules.map(saveText);
}

export interface IpvsNetfilter {
  ruleset: Ruleset;
  ipsets: Ipset[];
}

/** The rule set and the ip sets of a node in ipvs mode (writeIptablesRules; a set left empty gets no rule). */
export function ipvsNetfilter(index: NetIndex, nodeName: string): IpvsNetfilter {
  const podCIDR = index.podCIDR?.text ?? index.state.config.podCIDR;
  const nodePodCIDR = index.state.nodes[nodeName]?.spec.podCIDR;
  const ipsets = nodeIpsets(index, nodeName);
  const empty = (s: IpsetInfo) => (ipsets.find((x) => x.name === s.name)?.members.length ?? 0) === 0;

  const filter = new TableBuilder("filter");
  const nat = new TableBuilder("nat");
  for (const chain of ["KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER", "KUBE-MARK-MASQ", "KUBE-KUBELET-CANARY"]) nat.chain(chain);
  for (const chain of ["KUBE-FORWARD", "KUBE-NODE-PORT", "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL", "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER", "KUBE-FIREWALL"]) filter.chain(chain);

  // iptablesJumpChain, each rule prepended in turn (so the last one listed comes first), before kubelet's and flannel's.
  nat.add({ chain: "PREROUTING", matches: [c("kubernetes service portals")], target: "KUBE-SERVICES" });
  nat.add({ chain: "OUTPUT", matches: [c("kubernetes service portals")], target: "KUBE-SERVICES" });
  nat.add({ chain: "POSTROUTING", matches: [c("kubernetes postrouting rules")], target: "KUBE-POSTROUTING" });
  filter.add({ chain: "INPUT", matches: [c("kubernetes ipvs access filter")], target: "KUBE-IPVS-FILTER" });
  filter.add({ chain: "INPUT", matches: [c("kube-proxy firewall rules")], target: "KUBE-PROXY-FIREWALL" });
  filter.add({ chain: "INPUT", matches: [c("kubernetes health check rules")], target: "KUBE-NODE-PORT" });
  filter.add({ chain: "INPUT", matches: [], target: "KUBE-FIREWALL" });
  filter.add({ chain: "FORWARD", matches: [c("kube-proxy firewall rules")], target: "KUBE-PROXY-FIREWALL" });
  filter.add({ chain: "FORWARD", matches: [c("kubernetes forwarding rules")], target: "KUBE-FORWARD" });
  filter.add({ chain: "FORWARD", matches: [c("flanneld forward")], target: "FLANNEL-FWD" });
  filter.add({ chain: "OUTPUT", matches: [c("kubernetes ipvs access filter")], target: "KUBE-IPVS-OUT-FILTER" });
  filter.add({ chain: "OUTPUT", matches: [], target: "KUBE-FIREWALL" });
  flannelForward(filter, podCIDR);
  kubeletFirewall(filter);
  flannelPostrouting(nat, podCIDR, nodePodCIDR);

  // writeIptablesRules.
  nat.add({ chain: "KUBE-SERVICES", src: { cidr: "127.0.0.0/8" }, matches: [], target: "RETURN" });
  for (const j of SET_JUMPS) if (!empty(j.set)) (j.table === "nat" ? nat : filter).add(setJumpRule(j.set));
  if (!empty(KUBE_CLUSTER_IP)) nat.add(clusterIPMasqRule(podCIDR));
  if (!empty(KUBE_EXTERNAL_IP)) {
    nat.add(EXTERNAL_IP_MASQ_RULE);
    for (const r of externalIPAccepts(KUBE_EXTERNAL_IP)) nat.add(r);
  }
  if (!empty(KUBE_EXTERNAL_IP_LOCAL)) for (const r of externalIPAccepts(KUBE_EXTERNAL_IP_LOCAL)) nat.add(r);
  nat.add(NODE_PORT_JUMP);
  nat.add(LOAD_BALANCER_MASQ_RULE);
  filter.add({ chain: "KUBE-SOURCE-RANGES-FIREWALL", matches: [], target: "DROP" });
  // acceptIPVSTraffic: the last rules of KUBE-SERVICES.
  for (const s of [KUBE_CLUSTER_IP, KUBE_LOAD_BALANCER]) if (!empty(s)) nat.add({ chain: "KUBE-SERVICES", matches: [set(s, "dst,dst")], target: "ACCEPT" });
  filter.add({ chain: "KUBE-FORWARD", matches: [c("kubernetes forwarding rules"), { m: "mark", mark: `${MASQ_MARK}/${MASQ_MARK}` }], target: "ACCEPT" });
  filter.add({ chain: "KUBE-FORWARD", matches: [c("kubernetes forwarding conntrack rule"), { m: "conntrack", states: "RELATED,ESTABLISHED" }], target: "ACCEPT" });
  filter.add({ chain: "KUBE-NODE-PORT", matches: [c(KUBE_HEALTH_CHECK_NODE_PORT.comment), set(KUBE_HEALTH_CHECK_NODE_PORT, "dst")], target: "ACCEPT" });
  // KUBE-IPVS-FILTER: a VIP answers only on its Service ports (kubernetes#72236).
  for (const [s, flags] of [[KUBE_LOAD_BALANCER, "dst,dst"], [KUBE_CLUSTER_IP, "dst,dst"], [KUBE_EXTERNAL_IP, "dst,dst"], [KUBE_EXTERNAL_IP_LOCAL, "dst,dst"], [KUBE_HEALTH_CHECK_NODE_PORT, "dst"]] as const) {
    filter.add({ chain: "KUBE-IPVS-FILTER", matches: [set(s, flags)], target: "RETURN" });
  }
  filter.add({ chain: "KUBE-IPVS-FILTER", matches: [{ m: "conntrack", states: "NEW" }, set(KUBE_IPVS_IPS, "dst")], target: "REJECT", option: { t: "reject" } });
  for (const rule of POSTROUTING_RULES) nat.add(rule);
  nat.add(MARK_MASQ_RULE);

  return { ruleset: { tables: [mangleTable(false), filter.build(), nat.build()] }, ipsets };
}

/** References to a set: the rules that match it (the kernel counts each `-m set` match). */
export function setReferences(ruleset: Ruleset, name: string): number {
  let n = 0;
  for (const t of ruleset.tables) for (const r of t.rules) for (const m of r.matches) if (m.m === "set" && m.name === name) n++;
  return n;
}

