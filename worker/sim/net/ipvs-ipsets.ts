// The ip sets kube-proxy keeps in ipvs mode (pkg/proxy/ipvs/ipset.go's ipsetInfo, filled by
// proxier.go syncProxyRules), derived from the node's virtual servers (ipvs.ts): a set member
// exists because a virtual server does, so `ipset list`, `ipvsadm -Ln` and the iptables rules that
// match the sets (ipvs-ruleset.ts) cannot disagree.
//
// Members are written as the ipset Entry.String() forms kube-proxy adds (`10.96.0.1,tcp:443`,
// `10.244.1.5,tcp:80,10.244.1.5`, `30080`). kube-proxy creates the sets with the utilipset defaults
// (hash types: family inet hashsize 1024 maxelem 65536; bitmap:port: range 0-65535) and no `comment`
// extension: the comments below go into the iptables rules only.

import type { NetIndex } from "./index.ts";
import { ipvsDummyAddresses, nodeProxier, nodeVirtualServers, type VirtualServer } from "./ipvs.ts";

export type IpsetType = "hash:ip" | "hash:ip,port" | "hash:ip,port,ip" | "hash:ip,port,net" | "bitmap:port";

export interface IpsetInfo {
  name: string;
  type: IpsetType;
  comment: string;
}

// ipset.go's names and comments, in proxier.go's ipsetInfo order.
export const KUBE_LOOP_BACK: IpsetInfo = { name: "KUBE-LOOP-BACK", type: "hash:ip,port,ip", comment: "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" };
export const KUBE_CLUSTER_IP: IpsetInfo = { name: "KUBE-CLUSTER-IP", type: "hash:ip,port", comment: "Kubernetes service cluster ip + port for masquerade purpose" };
export const KUBE_EXTERNAL_IP: IpsetInfo = { name: "KUBE-EXTERNAL-IP", type: "hash:ip,port", comment: "Kubernetes service external ip + port for masquerade and filter purpose" };
export const KUBE_EXTERNAL_IP_LOCAL: IpsetInfo = { name: "KUBE-EXTERNAL-IP-LOCAL", type: "hash:ip,port", comment: "Kubernetes service external ip + port with externalTrafficPolicy=local" };
export const KUBE_LOAD_BALANCER: IpsetInfo = { name: "KUBE-LOAD-BALANCER", type: "hash:ip,port", comment: "Kubernetes service lb portal" };
export const KUBE_LOAD_BALANCER_FW: IpsetInfo = { name: "KUBE-LOAD-BALANCER-FW", type: "hash:ip,port", comment: "Kubernetes service load balancer ip + port for load balancer with sourceRange" };
export const KUBE_LOAD_BALANCER_LOCAL: IpsetInfo = { name: "KUBE-LOAD-BALANCER-LOCAL", type: "hash:ip,port", comment: "Kubernetes service load balancer ip + port with externalTrafficPolicy=local" };
export const KUBE_LOAD_BALANCER_SOURCE_IP: IpsetInfo = { name: "KUBE-LOAD-BALANCER-SOURCE-IP", type: "hash:ip,port,ip", comment: "Kubernetes service load balancer ip + port + source IP for packet filter purpose" };
export const KUBE_LOAD_BALANCER_SOURCE_CIDR: IpsetInfo = { name: "KUBE-LOAD-BALANCER-SOURCE-CIDR", type: "hash:ip,port,net", comment: "Kubernetes service load balancer ip + port + source cidr for packet filter purpose" };
export const KUBE_NODE_PORT_TCP: IpsetInfo = { name: "KUBE-NODE-PORT-TCP", type: "bitmap:port", comment: "Kubernetes nodeport TCP port for masquerade purpose" };
export const KUBE_NODE_PORT_LOCAL_TCP: IpsetInfo = { name: "KUBE-NODE-PORT-LOCAL-TCP", type: "bitmap:port", comment: "Kubernetes nodeport TCP port with externalTrafficPolicy=local" };
export const KUBE_NODE_PORT_UDP: IpsetInfo = { name: "KUBE-NODE-PORT-UDP", type: "bitmap:port", comment: "Kubernetes nodeport UDP port for masquerade purpose" };
export const KUBE_NODE_PORT_LOCAL_UDP: IpsetInfo = { name: "KUBE-NODE-PORT-LOCAL-UDP", type: "bitmap:port", comment: "Kubernetes nodeport UDP port with externalTrafficPolicy=local" };
export const KUBE_NODE_PORT_SCTP: IpsetInfo = { name: "KUBE-NODE-PORT-SCTP-HASH", type: "hash:ip,port", comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'" };
export const KUBE_NODE_PORT_LOCAL_SCTP: IpsetInfo = { name: "KUBE-NODE-PORT-LOCAL-SCTP-HASH", type: "hash:ip,port", comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'" };
export const KUBE_HEALTH_CHECK_NODE_PORT: IpsetInfo = { name: "KUBE-HEALTH-CHECK-NODE-PORT", type: "bitmap:port", comment: "Kubernetes health check node port" };
export const KUBE_IPVS_IPS: IpsetInfo = { name: "KUBE-IPVS-IPS", type: "hash:ip", comment: "Addresses on the ipvs interface" };

export const IPSET_INFO: readonly IpsetInfo[] = [
  KUBE_LOOP_BACK,
  KUBE_CLUSTER_IP,
  KUBE_EXTERNAL_IP,
  KUBE_EXTERNAL_IP_LOCAL,
  KUBE_LOAD_BALANCER,
  KUBE_LOAD_BALANCER_FW,
  KUBE_LOAD_BALANCER_LOCAL,
  KUBE_LOAD_BALANCER_SOURCE_IP,
  KUBE_LOAD_BALANCER_SOURCE_CIDR,
  KUBE_NODE_PORT_TCP,
  KUBE_NODE_PORT_LOCAL_TCP,
  KUBE_NODE_PORT_UDP,
  KUBE_NODE_PORT_LOCAL_UDP,
  KUBE_NODE_PORT_SCTP,
  KUBE_NODE_PORT_LOCAL_SCTP,
  KUBE_HEALTH_CHECK_NODE_PORT,
  KUBE_IPVS_IPS,
];

export interface Ipset extends IpsetInfo {
  /** Members in the order kube-proxy adds them (sorted as strings; bitmap:port by number). */
  members: string[];
}

/** The set (and members) one virtual server puts its address in, as syncProxyRules does. */
export function virtualServerSetEntries(v: VirtualServer, local: boolean): { set: IpsetInfo; member: string }[] {
  const proto = v.protocol.toLowerCase();
  const ipPort = `${v.ip},${proto}:${v.port}`;
  switch (v.kind) {
    case "cluster IP":
      return [{ set: KUBE_CLUSTER_IP, member: ipPort }];
    case "external IP":
      return [{ set: local ? KUBE_EXTERNAL_IP_LOCAL : KUBE_EXTERNAL_IP, member: ipPort }];
    case "loadbalancer IP":
      return local ? [{ set: KUBE_LOAD_BALANCER, member: ipPort }, { set: KUBE_LOAD_BALANCER_LOCAL, member: ipPort }] : [{ set: KUBE_LOAD_BALANCER, member: ipPort }];
    case "nodePort": {
      // TCP and UDP node ports go into bitmap:port sets (the port alone); SCTP into a hash:ip,port per node address.
      const [all, localSet] = proto === "tcp" ? [KUBE_NODE_PORT_TCP, KUBE_NODE_PORT_LOCAL_TCP] : proto === "udp" ? [KUBE_NODE_PORT_UDP, KUBE_NODE_PORT_LOCAL_UDP] : [KUBE_NODE_PORT_SCTP, KUBE_NODE_PORT_LOCAL_SCTP];
      const member = proto === "sctp" ? ipPort : String(v.port);
      return local ? [{ set: all, member }, { set: localSet, member }] : [{ set: all, member }];
    }
  }
}

/** Every set kube-proxy keeps on the node with its members; empty (no sets) when kube-proxy is not in ipvs mode. */
export function nodeIpsets(index: NetIndex, nodeName: string): Ipset[] {
  if (!index.nodeByName(nodeName) || nodeProxier(index, nodeName).mode !== "ipvs") return [];
  const servers = nodeVirtualServers(index, nodeName);
  const members = new Map<string, Set<string>>(IPSET_INFO.map((s) => [s.name, new Set<string>()]));
  const add = (set: IpsetInfo, member: string) => members.get(set.name)!.add(member);
  const seenPorts = new Set<object>();
  for (const v of servers) {
    const local = v.sp.service.spec.externalTrafficPolicy === "Local";
    for (const { set, member } of virtualServerSetEntries(v, local)) add(set, member);
    if (seenPorts.has(v.sp)) continue;
    seenPorts.add(v.sp);
    // Hairpin: a local endpoint reaching its own Service is masqueraded (KUBE-LOOP-BACK dst,dst,src).
    const proto = v.protocol.toLowerCase();
    for (const e of index.localEndpoints(v.sp, nodeName)) add(KUBE_LOOP_BACK, `${e.ip},${proto}:${e.port},${e.ip}`);
    const spec = v.sp.service.spec;
    if (spec.healthCheckNodePort && spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local") add(KUBE_HEALTH_CHECK_NODE_PORT, String(spec.healthCheckNodePort));
  }
  for (const ip of ipvsDummyAddresses(index, nodeName)) add(KUBE_IPVS_IPS, ip);
  return IPSET_INFO.map((info) => {
    const list = [...members.get(info.name)!];
    if (info.type === "bitmap:port") list.sort((a, b) => Number(a) - Number(b));
    else list.sort();
    return { ...info, members: list };
  });
}
