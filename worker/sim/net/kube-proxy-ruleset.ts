// The netfilter rule set of one node as it is now: kube-proxy's (iptables mode) for every
// Service port, in the order syncProxyRules writes them, plus the chains kubelet and flannel keep
// on a kubeadm + flannel node. Built from the NetIndex the router reads and from the builders in
// kube-proxy-rules.ts the router quotes, so `iptables-save` and the route trace cannot disagree.

import type { NetIndex, ServicePortInfo } from "./index.ts";
import {
  affinityRule,
  clusterIPFilterRule,
  clusterIPRule,
  clusterMasqRule,
  endpointPickRule,
  extJumpRule,
  extLocalMasqRule,
  extLocalRouteRule,
  extMasqRule,
  extPodTrafficRule,
  externalDestinationFilterRule,
  HEALTH_CHECK_JUMP,
  healthCheckNodePortRule,
  externalDestinationRule,
  MARK_MASQ_RULE,
  MASQ_MARK,
  NODEPORTS_JUMP,
  nodePortFilterRule,
  nodePortRule,
  POSTROUTING_RULES,
  sepDnatRule,
  sepMasqRule,
  type Rule,
} from "./kube-proxy-rules.ts";

export type TableName = "mangle" | "filter" | "nat";

export interface Table {
  name: TableName;
  /** Built-in chains with their policy, in the kernel's order. */
  builtins: string[];
  /** User-defined chains, sorted by name as iptables-nft lists them. */
  chains: string[];
  /** Rules grouped by chain: built-ins first, then the user chains in `chains` order. */
  rules: Rule[];
}

export interface Ruleset {
  tables: Table[];
}

const BUILTINS: Record<TableName, string[]> = {
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
};

/** Session affinity's default (v1.DefaultClientIPServiceAffinitySeconds). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

export class TableBuilder {
  private readonly chainSet = new Set<string>();
  private readonly byChain = new Map<string, Rule[]>();

  constructor(readonly name: TableName) {}

  chain(name: string): void {
    this.chainSet.add(name);
  }

  add(rule: Rule): void {
    if (!BUILTINS[this.name].includes(rule.chain)) this.chainSet.add(rule.chain);
    const list = this.byChain.get(rule.chain);
    if (list) list.push(rule);
    else this.byChain.set(rule.chain, [rule]);
  }

  build(): Table {
    const builtins = BUILTINS[this.name];
    const chains = [...this.chainSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rules: Rule[] = [];
    for (const c of [...builtins, ...chains]) rules.push(...(this.byChain.get(c) ?? []));
    return { name: this.name, builtins, chains, rules };
  }
}

export const c = (text: string) => ({ m: "comment" as const, text });
const ctNew = { m: "conntrack" as const, states: "NEW" };

/** mangle: only the canaries kubelet (and kube-proxy in iptables mode) create, and kubelet's hint. */
export function mangleTable(proxyCanary: boolean): Table {
  const mangle = new TableBuilder("mangle");
  for (const chain of ["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY", ...(proxyCanary ? ["KUBE-PROXY-CANARY"] : [])]) mangle.chain(chain);
  return mangle.build();
}

/** flannel's FLANNEL-FWD (its jump from FORWARD is added by the caller, after kube-proxy's). */
export function flannelForward(filter: TableBuilder, podCIDR: string): void {
  filter.chain("FLANNEL-FWD");
  filter.add({ chain: "FLANNEL-FWD", src: { cidr: podCIDR }, matches: [c("flanneld forward")], target: "ACCEPT" });
  filter.add({ chain: "FLANNEL-FWD", dst: { cidr: podCIDR }, matches: [c("flanneld forward")], target: "ACCEPT" });
}

/** kubelet's KUBE-FIREWALL (filter): no connection from outside to 127.0.0.0/8. */
export function kubeletFirewall(filter: TableBuilder): void {
  filter.chain("KUBE-KUBELET-CANARY");
  filter.add({
    chain: "KUBE-FIREWALL",
    src: { cidr: "127.0.0.0/8", not: true },
    dst: { cidr: "127.0.0.0/8" },
    matches: [c("block incoming localnet connections"), { m: "conntrack", not: true, states: "RELATED,ESTABLISHED,DNAT" }],
    target: "DROP",
  });
}

/** flannel's masquerading (nat POSTROUTING after kube-proxy's jump, and FLANNEL-POSTRTG). */
export function flannelPostrouting(nat: TableBuilder, podCIDR: string, nodePodCIDR: string | undefined): void {
  nat.add({ chain: "POSTROUTING", matches: [c("flanneld masq")], target: "FLANNEL-POSTRTG" });
  const flannelMasq = (rule: Omit<Rule, "chain" | "matches"> & { matches?: Rule["matches"] }): Rule => ({ chain: "FLANNEL-POSTRTG", ...rule, matches: [...(rule.matches ?? []), c("flanneld masq")] });
  nat.add(flannelMasq({ matches: [{ m: "mark", mark: `${MASQ_MARK}/${MASQ_MARK}` }], target: "RETURN" }));
  if (nodePodCIDR) {
    nat.add(flannelMasq({ src: { cidr: nodePodCIDR }, dst: { cidr: podCIDR }, target: "RETURN" }));
    nat.add(flannelMasq({ src: { cidr: podCIDR }, dst: { cidr: nodePodCIDR }, target: "RETURN" }));
    nat.add(flannelMasq({ src: { cidr: podCIDR, not: true }, dst: { cidr: nodePodCIDR }, target: "RETURN" }));
  }
  nat.add(flannelMasq({ src: { cidr: podCIDR }, dst: { cidr: "224.0.0.0/4", not: true }, target: "MASQUERADE", option: { t: "masquerade", randomFully: true } }));
  nat.add(flannelMasq({ src: { cidr: podCIDR, not: true }, dst: { cidr: podCIDR }, target: "MASQUERADE", option: { t: "masquerade", randomFully: true } }));
}

/** The whole rule set of a node whose kube-proxy runs in iptables mode. */
export function nodeRuleset(index: NetIndex, nodeName: string): Ruleset {
  const podCIDR = index.podCIDR?.text ?? index.state.config.podCIDR;
  const nodePodCIDR = index.state.nodes[nodeName]?.spec.podCIDR;

  const filter = new TableBuilder("filter");
  for (const chain of ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-CANARY", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"]) filter.chain(chain);
  // The jumps kube-proxy prepends to the built-in chains (iptablesJumpChains), then kubelet's and flannel's.
  const firewallJump = (chain: string): Rule => ({ chain, matches: [ctNew, c("kubernetes load balancer firewall")], target: "KUBE-PROXY-FIREWALL" });
  filter.add(firewallJump("INPUT"));
  filter.add(HEALTH_CHECK_JUMP);
  filter.add({ chain: "INPUT", matches: [ctNew, c("kubernetes externally-visible service portals")], target: "KUBE-EXTERNAL-SERVICES" });
  filter.add({ chain: "INPUT", matches: [], target: "KUBE-FIREWALL" });
  filter.add(firewallJump("FORWARD"));
  filter.add({ chain: "FORWARD", matches: [c("kubernetes forwarding rules")], target: "KUBE-FORWARD" });
  filter.add({ chain: "FORWARD", matches: [ctNew, c("kubernetes service portals")], target: "KUBE-SERVICES" });
  filter.add({ chain: "FORWARD", matches: [ctNew, c("kubernetes externally-visible service portals")], target: "KUBE-EXTERNAL-SERVICES" });
  filter.add({ chain: "FORWARD", matches: [c("flanneld forward")], target: "FLANNEL-FWD" });
  filter.add(firewallJump("OUTPUT"));
  filter.add({ chain: "OUTPUT", matches: [ctNew, c("kubernetes service portals")], target: "KUBE-SERVICES" });
  filter.add({ chain: "OUTPUT", matches: [], target: "KUBE-FIREWALL" });
  flannelForward(filter, podCIDR);
  kubeletFirewall(filter);

  const nat = new TableBuilder("nat");
  for (const chain of ["KUBE-KUBELET-CANARY", "KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-PROXY-CANARY", "KUBE-SERVICES"]) nat.chain(chain);
  nat.add({ chain: "PREROUTING", matches: [c("kubernetes service portals")], target: "KUBE-SERVICES" });
  nat.add({ chain: "OUTPUT", matches: [c("kubernetes service portals")], target: "KUBE-SERVICES" });
  nat.add({ chain: "POSTROUTING", matches: [c("kubernetes postrouting rules")], target: "KUBE-POSTROUTING" });
  flannelPostrouting(nat, podCIDR, nodePodCIDR);
  for (const rule of POSTROUTING_RULES) nat.add(rule);
  nat.add(MARK_MASQ_RULE);

  const ports = [...index.allServicePorts()].sort((a, b) => (a.servicePortName < b.servicePortName ? -1 : a.servicePortName > b.servicePortName ? 1 : a.protocol < b.protocol ? -1 : 1));
  for (const sp of ports) servicePortRules(index, sp, nodeName, podCIDR, filter, nat);

  // The last rule of KUBE-SERVICES, after every service's.
  nat.add(NODEPORTS_JUMP);

  filter.add({ chain: "KUBE-FORWARD", matches: [{ m: "conntrack", states: "INVALID" }], target: "DROP" });
  filter.add({ chain: "KUBE-FORWARD", matches: [c("kubernetes forwarding rules"), { m: "mark", mark: `${MASQ_MARK}/${MASQ_MARK}` }], target: "ACCEPT" });
  filter.add({ chain: "KUBE-FORWARD", matches: [c("kubernetes forwarding conntrack rule"), { m: "conntrack", states: "RELATED,ESTABLISHED" }], target: "ACCEPT" });

  return { tables: [mangleTable(true), filter.build(), nat.build()] };
}

/** One service port's rules on a node (proxier.go, the loop over svcPortMap). */
function servicePortRules(index: NetIndex, sp: ServicePortInfo, nodeName: string, podCIDR: string, filter: TableBuilder, nat: TableBuilder): void {
  const spec = sp.service.spec;
  const clusterIP = spec.clusterIP;
  // Headless Services (and ExternalName ones) get no rules: nothing answers for a virtual IP.
  if (!clusterIP || clusterIP === "None") return;
  const proto = sp.protocol.toLowerCase();
  const spn = sp.servicePortName;
  const hash = index.chainHash(sp);
  const port = sp.port.port;
  const endpoints = index.endpoints(sp);
  const local = index.localEndpoints(sp, nodeName);
  const hasEndpoints = endpoints.length > 0;
  const itpLocal = spec.internalTrafficPolicy === "Local";
  const etpLocal = spec.externalTrafficPolicy === "Local";
  const nodePort = sp.port.nodePort && (spec.type === "NodePort" || spec.type === "LoadBalancer") ? sp.port.nodePort : 0;
  const lbIPs = spec.type === "LoadBalancer" ? (sp.service.status.loadBalancer.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])) : [];
  const externalIPs = spec.externalIPs ?? [];
  const externallyAccessible = nodePort !== 0 || lbIPs.length > 0 || externalIPs.length > 0;

  const svcChain = `KUBE-SVC-${hash}`;
  const svlChain = `KUBE-SVL-${hash}`;
  // BaseServicePortInfo.UsesClusterEndpoints: even with externalTrafficPolicy Local, external
  // traffic from pods and the node itself is short-circuited to the Cluster chain.
  const usesCluster = hasEndpoints && (!itpLocal || externallyAccessible);
  const usesLocal = local.length > 0 && (itpLocal || (externallyAccessible && etpLocal));
  const internalChain = itpLocal ? svlChain : svcChain;
  const hasInternal = hasEndpoints && (!itpLocal || local.length > 0);
  const externalPolicyChain = etpLocal ? svlChain : svcChain;
  const hasExternal = hasEndpoints && (!etpLocal || local.length > 0);
  const usesExt = hasEndpoints && externallyAccessible;
  const filterTarget = hasEndpoints ? "DROP" : "REJECT";

  if (hasInternal) nat.add(clusterIPRule(spn, proto, clusterIP, port, internalChain));
  else filter.add(clusterIPFilterRule(spn, proto, clusterIP, port, filterTarget));

  for (const ip of externalIPs) {
    if (hasEndpoints) nat.add(externalDestinationRule(spn, proto, ip, port, "external IP", hash));
    if (!hasExternal) filter.add(externalDestinationFilterRule(spn, proto, ip, port, filterTarget));
  }
  for (const ip of lbIPs) {
    if (hasEndpoints) nat.add(externalDestinationRule(spn, proto, ip, port, "loadbalancer IP", hash));
  }
  if (!hasExternal) for (const ip of lbIPs) filter.add(externalDestinationFilterRule(spn, proto, ip, port, filterTarget));

  if (nodePort) {
    if (hasEndpoints) nat.add(nodePortRule(spn, proto, nodePort, hash));
    if (!hasExternal) filter.add(nodePortFilterRule(spn, proto, nodePort, filterTarget));
  }
  // Whether or not the node has local endpoints, the health check port is let in (proxier.go).
  if (spec.healthCheckNodePort && spec.type === "LoadBalancer" && etpLocal) filter.add(healthCheckNodePortRule(spn, spec.healthCheckNodePort));

  if (hasInternal) nat.add(clusterMasqRule(internalChain, spn, proto, clusterIP, port, podCIDR));

  if (usesExt) {
    if (!etpLocal) nat.add(extMasqRule(hash, spn));
    else {
      nat.add(extPodTrafficRule(hash, spn, podCIDR));
      nat.add(extLocalMasqRule(hash, spn));
      nat.add(extLocalRouteRule(hash, spn));
    }
    if (hasExternal) nat.add(extJumpRule(hash, externalPolicyChain));
  }

  const affinity = spec.sessionAffinity === "ClientIP";
  const seconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
  const writeChain = (chain: string, list: typeof endpoints) => {
    if (affinity) for (const e of list) nat.add(affinityRule(chain, spn, e.text, index.sepChain(sp, e), seconds));
    list.forEach((e, i) => nat.add(endpointPickRule(chain, spn, e.text, index.sepChain(sp, e), i, list.length)));
  };
  if (usesCluster) writeChain(svcChain, endpoints);
  if (usesLocal) writeChain(svlChain, local);

  // allReachableEndpoints: the Local chain may hold terminating endpoints the Cluster chain has not.
  const reachable = usesCluster && usesLocal && local.some((e) => !endpoints.includes(e))
    ? [...endpoints, ...local.filter((e) => !endpoints.includes(e))].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    : usesCluster ? endpoints : usesLocal ? local : [];
  for (const e of reachable) {
    const sep = index.sepChain(sp, e);
    nat.add(sepMasqRule(sep, spn, e.ip));
    nat.add(sepDnatRule(sep, spn, proto, e.text, affinity));
  }
}
