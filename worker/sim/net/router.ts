// The proxier: where a packet from a place to ip:port ends up, following the rules kube-proxy
// (iptables mode) writes on every node, and the routes of a flannel-style pod network. It reads
// the NetIndex and never scans: one map hit per step. The result lists every hop with addresses
// before and after NAT and the rule text that matched.

import type { Random } from "../random.ts";
import type { Endpoint, Hop, TraceCause } from "./trace.ts";
import type { EndpointInfo, NetIndex, NodeInfo, NodeTexts, PodInfo, PortTexts, Protocol, ServicePortInfo } from "./index.ts";
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
  externalDestinationRule,
  HEALTH_CHECK_JUMP,
  healthCheckNodePortRule,
  MASQUERADE_RULE,
  NODEPORTS_JUMP,
  nodePortFilterRule,
  nodePortRule,
  saveText,
  sepDnatRule,
  sepMasqRule,
} from "./kube-proxy-rules.ts";
import { DEFAULT_AFFINITY_SECONDS } from "./kube-proxy-ruleset.ts";
import { ipvsMasqueradeRules } from "./ipvs-ruleset.ts";
import { connsKey, nodeAddresses, nodeProxier, realServerConnections, realServerText, roundRobinKey, schedule, servicePortVirtualServers, virtualServerText, type RealServerConns } from "./ipvs.ts";
import { nodeOfPlace, type Place } from "./places.ts";
import { type OutsideHost, outsideHostAt } from "./outside/index.ts";
import { type Direction, type PolicyDecision, type PolicyIndex, policyIndex } from "./policy.ts";

export interface AffinityEntry {
  /** The endpoint (`ip:port`) the client sticks to. */
  endpoint: string;
  /** Simulated ms of the last packet, as `-m recent --set` records it. */
  at: number;
}

/** Session affinity memory, kept in the cluster state: key = `servicePortName/protocol|clientIP`. */
export type AffinityTable = Record<string, AffinityEntry>;

export interface RouteRequest {
  from: Place;
  srcPort: number;
  dstIP: string;
  dstPort: number;
  protocol: Protocol;
}

export interface RouteEnv {
  random: Random;
  now: number;
  affinity?: AffinityTable;
}

export type DeliveryTarget = { kind: "pod"; pod: PodInfo } | { kind: "node"; node: NodeInfo } | { kind: "outside"; host: OutsideHost };

export interface Delivery {
  target: DeliveryTarget;
  /** Where the packet finally goes (after DNAT). */
  dst: Endpoint;
  /** The source the receiving process sees (after SNAT, if any). */
  client: Endpoint;
  /** The node whose kube-proxy rules rewrote the connection (DNAT, maybe SNAT): its conntrack holds it. */
  natNode?: string;
}

export type RouteOutcome =
  | {
      result: "delivered";
      hops: Hop[];
      delivery: Delivery;
      affinity?: { key: string; entry: AffinityEntry };
      /** IPVS's rr position to remember (ClusterState.ipvsRoundRobin): the virtual server's key and the real server chosen. */
      ipvs?: { key: string; realServer: string };
    }
  | { result: "refused" | "timed-out"; hops: Hop[]; reason: string; cause: TraceCause };

// The rule texts of the hops are kube-proxy-rules.ts's builders, as iptables-save prints them.
const MASQUERADE_TEXT = saveText(MASQUERADE_RULE);
const NODEPORTS_JUMP_TEXT = saveText(NODEPORTS_JUMP);

/**
 * The rule and note texts that depend only on a service port and a node or address, built once
 * per port (hot path: fields and maps keyed by strings the index already holds, so a routed
 * request builds and hashes no key).
 */
function portTexts(sp: ServicePortInfo): PortTexts {
  return (sp.texts ??= { nodes: new Map(), loadBalancerRules: new Map() });
}

/** The port's KUBE-SVC (Cluster) or KUBE-SVL (Local) chain name. */
function serviceChain(index: NetIndex, sp: ServicePortInfo, local: boolean): string {
  const texts = portTexts(sp);
  return local ? (texts.localChain ??= `KUBE-SVL-${index.chainHash(sp)}`) : (texts.clusterChain ??= `KUBE-SVC-${index.chainHash(sp)}`);
}

/** The Service hop's label (built once per port). */
function serviceLabel(sp: ServicePortInfo): string {
  return (portTexts(sp).serviceLabel ??= `service ${sp.serviceKey}`);
}

/** The Service hop's reference (shared by the traces, as pods' are). */
function serviceRefOf(sp: ServicePortInfo): Hop["ref"] {
  return (portTexts(sp).serviceRef ??= serviceRef(sp.serviceKey));
}

function nodeTexts(sp: ServicePortInfo, node: string): NodeTexts {
  const nodes = portTexts(sp).nodes;
  let texts = nodes.get(node);
  if (texts === undefined) nodes.set(node, (texts = {}));
  return texts;
}

export function route(index: NetIndex, req: RouteRequest, env: RouteEnv): RouteOutcome {
  return new Proxier(index, req, env).run();
}

class Proxier {
  private readonly hops: Hop[] = [];
  private src: Endpoint;
  private readonly dst: Endpoint;
  /** Set on Calico clusters with NetworkPolicies; flannel enforces none. */
  private readonly policies: PolicyIndex | undefined;

  constructor(
    private readonly index: NetIndex,
    private readonly req: RouteRequest,
    private readonly env: RouteEnv,
  ) {
    this.src = { ip: req.from.ip, port: req.srcPort };
    this.dst = { ip: req.dstIP, port: req.dstPort };
    this.policies = policyIndex(index.state);
  }

  run(): RouteOutcome {
    const { from } = this.req;
    this.hops.push(clientHop(from));
    const dstIP = this.req.dstIP;

    if (dstIP.startsWith("127.")) return this.loopback();

    if (from.kind === "workstation") {
      const node = this.index.nodeByIP(dstIP);
      if (node) return this.atNode(node);
      const lb = this.index.portsAtLoadBalancerIP(dstIP);
      if (lb) return this.atLoadBalancerIP(lb, undefined);
      const host = outsideHostAt(dstIP);
      if (host) return this.fail("timed-out", `${dstIP} is ${host.name}, on the internet, and the workstation has no internet connection (the lab is offline); pods and nodes reach the simulated outside world through their node's NAT.`, "unreachable");
      return this.fail("timed-out", this.outsideReason(dstIP), "unreachable");
    }

    const srcNode = nodeOfPlace(from)!;
    // kube-proxy matches a load-balancer address in KUBE-SERVICES on the node the packet starts
    // from, so from inside the cluster it never goes out to the announcing node.
    const lb = this.index.portsAtLoadBalancerIP(dstIP);
    if (lb) return this.atLoadBalancerIP(lb, srcNode);
    const sp = this.index.servicePortAt(dstIP, this.req.dstPort, this.req.protocol);
    if (sp) return this.clusterIP(sp, srcNode);
    const vipPorts = this.index.portsAtClusterIP(dstIP);
    if (vipPorts) {
      const svc = vipPorts[0].serviceKey;
      const defined = vipPorts.map((p) => `${p.port.port}/${p.protocol}`).join(",");
      this.hops.push({
        kind: "service",
        label: `service ${svc}`,
        ref: serviceRef(svc),
        before: { src: this.src, dst: this.dst },
        note: `${dstIP} is the ClusterIP of ${svc}, but the Service defines only ${defined}: no KUBE-SERVICES rule matches port ${this.req.dstPort}, and no host owns a virtual IP, so the packet goes to the default route and is lost.`,
      });
      return this.fail("timed-out", `${svc} has no port ${this.req.dstPort}; a ClusterIP answers only on the ports its Service defines.`, "no-service-port");
    }
    const node = this.index.nodeByIP(dstIP);
    if (node) return this.atNode(node);
    const pod = this.index.podByIP(dstIP);
    if (pod) return this.toPodDirect(pod, srcNode);
    const outside = outsideHostAt(dstIP);
    if (outside) return this.toOutside(outside, srcNode);
    this.hops.push({
      kind: "node",
      label: srcNode,
      ref: { kind: "Node", name: srcNode },
      before: { src: this.src, dst: this.dst },
      note: `No node, pod or Service has the address ${dstIP}; the packet leaves by the default route and nothing answers.`,
    });
    return this.fail("timed-out", `Nothing in or around the cluster has the address ${dstIP}.`, "unreachable");
  }

  /**
   * A public address: the packet leaves by the node's default route. A pod's source address is
   * masqueraded to the node's (the CNI's POSTROUTING rule for pod traffic leaving the pod network),
   * so the outside host sees the node; a node's or hostNetwork pod's own address needs no NAT.
   */
  private toOutside(host: OutsideHost, srcNode: string): RouteOutcome {
    const from = this.req.from;
    const node = this.index.nodeByName(srcNode);
    const dropped = this.police(undefined, this.dst, this.src);
    if (dropped) return dropped;
    const served = this.req.protocol === "UDP" ? host.resolver && this.dst.port === 53 : host.http !== undefined && this.dst.port === 80;
    const before = { src: this.src, dst: this.dst };
    if (from.kind === "pod" && !from.hostNetwork && node) {
      const calico = node.calicoBlock !== undefined;
      const cidr = this.index.state.config.podCIDR;
      const rule = calico
        ? "-A cali-nat-outgoing -m comment --comment \"cali:flqWnvo8yq4ULQLa\" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully"
        : `-A FLANNEL-POSTRTG -s ${cidr} ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully`;
      this.src = { ip: node.ip, port: this.src.port };
      this.hops.push({
        kind: "node",
        label: srcNode,
        ref: { kind: "Node", name: srcNode },
        before,
        after: { src: this.src, dst: this.dst },
        rule,
        note: `${this.dst.ip} is outside the cluster: the packet leaves ${srcNode} by its default route, and ${calico ? "Calico's natOutgoing rule" : "flannel's masquerade rule"} in POSTROUTING rewrites the pod's address ${from.ip} to ${srcNode}'s ${node.ip} (SNAT), so the reply comes back to the node and conntrack returns it to the pod.`,
      });
    } else {
      this.hops.push({ kind: "node", label: srcNode, ref: { kind: "Node", name: srcNode }, before, note: `${this.dst.ip} is outside the cluster: the packet leaves ${srcNode} by its default route with the node's own address ${this.src.ip}.` });
    }
    if (!served) {
      const what = host.http ? "plain HTTP on TCP port 80 (HTTPS to the outside world is not simulated)" : "DNS on UDP port 53";
      this.hops.push({ kind: "outside", label: host.name, before: { src: this.src, dst: this.dst }, note: `${host.name} (${host.ip}) serves only ${what}: its firewall drops anything else.` });
      return this.fail("timed-out", `${host.name} does not answer ${this.req.protocol} port ${this.dst.port}; in the simulated outside world it serves only ${what}.`, "unreachable");
    }
    this.hops.push({ kind: "outside", label: host.name, before: { src: this.src, dst: this.dst }, note: `${host.name} (${host.ip}) on the simulated internet received it.` });
    return { result: "delivered", hops: this.hops, delivery: { target: { kind: "outside", host }, dst: this.dst, client: this.src } };
  }

  /** 127.0.0.0/8 never leaves the network namespace: the pod (or the node) talks to itself. */
  private loopback(): RouteOutcome {
    const from = this.req.from;
    const here = { src: { ip: this.req.dstIP, port: this.src.port }, dst: this.dst };
    if (from.kind === "pod" && !from.hostNetwork) {
      const pod = this.index.podByIP(from.ip);
      if (pod) {
        this.hops.push({ kind: "pod", label: `pod ${pod.key}`, ref: podRef(pod.key), before: here, note: "Loopback: the connection stays inside the pod's network namespace (all its containers share it)." });
        return { result: "delivered", hops: this.hops, delivery: { target: { kind: "pod", pod }, dst: this.dst, client: here.src } };
      }
    }
    const nodeName = nodeOfPlace(from);
    const node = nodeName ? this.index.nodeByName(nodeName) : undefined;
    if (node) {
      this.hops.push({ kind: "node", label: node.name, ref: { kind: "Node", name: node.name }, before: here, note: `Loopback: the connection stays on ${node.name}.` });
      return { result: "delivered", hops: this.hops, delivery: { target: { kind: "node", node }, dst: this.dst, client: here.src } };
    }
    return this.fail("refused", `Nothing on the ${from.name} listens on port ${this.req.dstPort}.`, "port-closed");
  }

  private outsideReason(dstIP: string): string {
    const index = this.index;
    if (index.portsAtClusterIP(dstIP)) {
      return `${dstIP} is a ClusterIP: it exists only in the iptables rules of the cluster's nodes, so from outside nothing answers. From outside, use a node's IP and the Service's nodePort.`;
    }
    if (index.podByIP(dstIP)) {
      return `${dstIP} is a pod IP: the pod network is routed only between the cluster's nodes, so from outside nothing answers. From outside, use a node's IP and a NodePort Service.`;
    }
    return `No host on the node network has the address ${dstIP}; from outside only the nodes' IPs answer.`;
  }

  private fail(result: "refused" | "timed-out", reason: string, cause: TraceCause): RouteOutcome {
    return { result, hops: this.hops, reason, cause };
  }

  /** A packet that reached a node's own address: NodePort rules, else the node's own sockets. */
  private atNode(node: NodeInfo): RouteOutcome {
    const { dstPort, protocol } = this.req;
    const sp = this.index.servicePortAtNodePort(dstPort, protocol);
    const hcService = protocol === "TCP" && !sp ? this.index.serviceAtHealthCheckNodePort(dstPort) : undefined;
    if (hcService !== undefined) {
      // The first of the Service's ports (in rule order) carries the ACCEPT that matches.
      const first = [...this.index.portsOfService(hcService)].sort((a, b) => (a.servicePortName < b.servicePortName ? -1 : 1))[0];
      const accept = saveText(healthCheckNodePortRule(first?.servicePortName ?? hcService, dstPort));
      this.hops.push({
        kind: "node",
        label: node.name,
        ref: { kind: "Node", name: node.name },
        before: { src: this.src, dst: this.dst },
        rule: accept,
        rules: [saveText(HEALTH_CHECK_JUMP), accept],
        note: `${dstPort} is the healthCheckNodePort of ${hcService}: kube-proxy accepts it on every node and answers it itself with the node's count of ready local endpoints.`,
      });
      const dropped = this.police(undefined, this.dst, this.src);
      if (dropped) return dropped;
      return { result: "delivered", hops: this.hops, delivery: { target: { kind: "node", node }, dst: this.dst, client: this.src } };
    }
    if (!sp) {
      this.hops.push({
        kind: "node",
        label: node.name,
        ref: { kind: "Node", name: node.name },
        before: { src: this.src, dst: this.dst },
        note: `${dstPort} is not a NodePort of any Service, so no kube-proxy rule matches; the packet goes to ${node.name}'s own sockets.`,
      });
      const dropped = this.police(undefined, this.dst, this.src);
      if (dropped) return dropped;
      return { result: "delivered", hops: this.hops, delivery: { target: { kind: "node", node }, dst: this.dst, client: this.src } };
    }
    if (nodeProxier(this.index, node.name).mode === "ipvs") {
      const hop: Hop = {
        kind: "node",
        label: node.name,
        ref: { kind: "Node", name: node.name },
        before: { src: this.src, dst: this.dst },
        note: `NodePort ${dstPort} is open on every node; on ${node.name} it belongs to ${sp.serviceKey} (port ${sp.port.port}).`,
      };
      this.hops.push(hop);
      return this.viaIpvs(sp, node.name, hop, sp.service.spec.externalTrafficPolicy !== "Local");
    }
    const hash = this.index.chainHash(sp);
    const spn = sp.servicePortName;
    const npRule = (portTexts(sp).nodePortRule ??= saveText(nodePortRule(spn, protocol.toLowerCase(), dstPort, hash)));
    const nodeHop: Hop = {
      kind: "node",
      label: node.name,
      ref: { kind: "Node", name: node.name },
      before: { src: this.src, dst: this.dst },
      rule: npRule,
      rules: [NODEPORTS_JUMP_TEXT, npRule],
      note: (nodeTexts(sp, node.name).nodePortNote ??= `NodePort ${dstPort} is open on every node; on ${node.name} it belongs to ${sp.serviceKey} (port ${sp.port.port}).`),
    };
    this.hops.push(nodeHop);
    return this.external(node, sp, nodeHop, (target) => saveText(nodePortFilterRule(spn, protocol.toLowerCase(), dstPort, target)));
  }

  /**
   * A LoadBalancer Service's address. From outside, the node whose MetalLB speaker announces it
   * answers ARP for it (layer 2) and gets the packet; from a node or a pod, that node's own
   * KUBE-SERVICES rule catches it. Then the KUBE-EXT chain, as for a NodePort.
   */
  private atLoadBalancerIP(ports: readonly ServicePortInfo[], srcNode: string | undefined): RouteOutcome {
    const { dstIP, dstPort, protocol } = this.req;
    const serviceKey = ports[0].serviceKey;
    let node: NodeInfo | undefined;
    let arp = "";
    if (srcNode === undefined) {
      const announced = this.index.state.loadBalancerAnnouncements?.[serviceKey]?.node;
      node = announced ? this.index.nodeByName(announced) : undefined;
      if (!node) {
        this.hops.push({
          kind: "service",
          label: `service ${serviceKey}`,
          ref: serviceRef(serviceKey),
          before: { src: this.src, dst: this.dst },
          note: `${dstIP} is the load-balancer address of ${serviceKey}, but no MetalLB speaker announces it, so no host on the node network answers ARP for it and the packet is never sent.`,
        });
        return this.fail("timed-out", `Nothing answers for ${dstIP}: MetalLB announces a Service's address only while the Service has a ready endpoint and a speaker runs on a node allowed to announce it.`, "not-announced");
      }
      arp = `${node.name}'s MetalLB speaker answers ARP for ${dstIP} (layer 2: it was elected to announce ${serviceKey}), so the packet goes to ${node.name} (${node.ip}). `;
    } else node = this.index.nodeByName(srcNode);
    const sp = ports.find((p) => p.port.port === dstPort && p.protocol === protocol);
    const before = { src: this.src, dst: this.dst };
    if (!node || !sp) {
      const defined = ports.map((p) => `${p.port.port}/${p.protocol}`).join(",");
      this.hops.push({
        kind: "node",
        label: node?.name ?? serviceKey,
        ...(node ? { ref: { kind: "Node" as const, name: node.name } } : {}),
        before,
        note: `${arp}${serviceKey} defines only ${defined}: no KUBE-SERVICES rule matches port ${dstPort}, and no node owns the address, so the packet is dropped.`,
      });
      return this.fail("timed-out", `${serviceKey} has no port ${dstPort}; its load-balancer address answers only on the ports the Service defines.`, "no-service-port");
    }
    if (nodeProxier(this.index, node.name).mode === "ipvs") {
      const hop: Hop = {
        kind: "node",
        label: srcNode === undefined ? `${node.name} (announces ${dstIP})` : node.name,
        ref: { kind: "Node", name: node.name },
        before,
        note: `${arp}${dstIP}:${dstPort} is the load-balancer address of ${sp.serviceKey}; ${node.name}'s kube-proxy (ipvs mode) binds it to kube-ipvs0 and keeps a virtual server for it.`,
      };
      this.hops.push(hop);
      return this.viaIpvs(sp, node.name, hop, sp.service.spec.externalTrafficPolicy !== "Local");
    }
    const proto = protocol.toLowerCase();
    const hash = this.index.chainHash(sp);
    const spn = sp.servicePortName;
    const lbRules = portTexts(sp).loadBalancerRules;
    let lbRule = lbRules.get(dstIP);
    if (lbRule === undefined) lbRules.set(dstIP, (lbRule = saveText(externalDestinationRule(spn, proto, dstIP, dstPort, "loadbalancer IP", hash))));
    const nodeHop: Hop = {
      kind: "node",
      label: srcNode === undefined ? `${node.name} (announces ${dstIP})` : node.name,
      ref: { kind: "Node", name: node.name },
      before,
      rule: lbRule,
      rules: [lbRule],
      note: `${arp}${dstIP}:${dstPort} is the load-balancer address of ${sp.serviceKey}; ${node.name}'s KUBE-SERVICES rule for it sends the packet to the Service's KUBE-EXT chain.`,
    };
    this.hops.push(nodeHop);
    return this.external(node, sp, nodeHop, (target) => saveText(externalDestinationFilterRule(spn, proto, dstIP, dstPort, target)));
  }

  /** Traffic from outside a Service's ClusterIP (NodePort, load-balancer IP): KUBE-EXT, then KUBE-SVC/SVL. */
  private external(node: NodeInfo, sp: ServicePortInfo, nodeHop: Hop, filterRule: (target: "REJECT" | "DROP") => string): RouteOutcome {
    const { protocol } = this.req;
    const hash = this.index.chainHash(sp);
    const spn = sp.servicePortName;
    const endpoints = this.index.endpoints(sp);
    if (endpoints.length === 0) {
      const reject = filterRule("REJECT");
      nodeHop.rule = reject;
      nodeHop.rules = [reject];
      nodeHop.note = `${sp.serviceKey} has no ready endpoints, so kube-proxy rejects the connection at once.`;
      return this.fail("refused", noEndpointsReason(sp), "no-endpoints");
    }

    const from = this.req.from;
    const local = sp.service.spec.externalTrafficPolicy === "Local";
    const fromPod = from.kind === "pod" && !from.hostNetwork;
    const fromThisNode = (from.kind === "node" && from.name === node.name) || (from.kind === "pod" && from.hostNetwork && from.nodeName === node.name);
    const extRules: string[] = [];
    let masquerade = false;
    let candidates = endpoints;
    let chain = serviceChain(this.index, sp, false);
    if (local && !fromPod && !fromThisNode) {
      candidates = this.index.localEndpoints(sp, node.name);
      if (candidates.length === 0) {
        const drop = filterRule("DROP");
        nodeHop.rule = drop;
        nodeHop.rules = [drop];
        nodeHop.note = `externalTrafficPolicy: Local and no ready endpoint of ${sp.serviceKey} runs on ${node.name}: kube-proxy drops the packet (no reply, the client waits).`;
        return this.fail("timed-out", `${sp.serviceKey} has externalTrafficPolicy: Local and none of its ready pods runs on ${node.name}; the packet is dropped. Try the IP of a node that runs one of its pods.`, "traffic-policy-local");
      }
      chain = serviceChain(this.index, sp, true);
      extRules.push(saveText(extJumpRule(hash, chain)));
    } else if (local && fromPod) {
      extRules.push(saveText(extPodTrafficRule(hash, spn, this.index.podCIDR?.text ?? this.index.state.config.podCIDR)));
    } else if (local) {
      masquerade = true;
      extRules.push(
        saveText(extLocalMasqRule(hash, spn)),
        saveText(extLocalRouteRule(hash, spn)),
      );
    } else {
      masquerade = true;
      const [masq, jump] = (portTexts(sp).extRules ??= [saveText(extMasqRule(hash, spn)), saveText(extJumpRule(hash, chain))]);
      extRules.push(masq, jump);
    }
    const nodeRules = nodeHop.rules!;
    for (const rule of extRules) nodeRules.push(rule);
    const serviceHop: Hop = {
      kind: "service",
      label: serviceLabel(sp),
      ref: serviceRefOf(sp),
      before: { src: this.src, dst: this.dst },
      rule: extRules[extRules.length - 1],
      rules: extRules.slice(),
      note: local
        ? chain.startsWith("KUBE-SVL")
          ? `externalTrafficPolicy: Local: only endpoints on ${node.name} are used and the client's address is kept (no SNAT).`
          : `externalTrafficPolicy: Local, but traffic from inside the cluster is sent to any endpoint.`
        : (nodeTexts(sp, node.name).clusterNote ??= `externalTrafficPolicy: Cluster: any ready endpoint on any node may be chosen, and the packet is marked for SNAT to ${node.name}'s address so the reply comes back through it.`),
    };
    this.hops.push(serviceHop);
    return this.toEndpoint(sp, candidates, chain, node.name, masquerade, serviceHop);
  }

  /** ClusterIP:port from a node or a pod: KUBE-SERVICES on the node the packet starts from. */
  private clusterIP(sp: ServicePortInfo, srcNode: string): RouteOutcome {
    const { dstIP, dstPort, protocol } = this.req;
    const proto = protocol.toLowerCase();
    const hash = this.index.chainHash(sp);
    const spn = sp.servicePortName;
    const endpoints = this.index.endpoints(sp);
    const hop: Hop = {
      kind: "service",
      label: serviceLabel(sp),
      ref: serviceRefOf(sp),
      before: { src: this.src, dst: this.dst },
      note: `${dstIP}:${dstPort} is the ClusterIP and port of ${sp.serviceKey}; ${srcNode}'s kube-proxy rules handle it before the packet leaves the node.`,
    };
    this.hops.push(hop);
    const podCIDRInfo = this.index.podCIDR;
    if (nodeProxier(this.index, srcNode).mode === "ipvs") {
      // The ipvs proxier marks traffic to a ClusterIP from outside the pod network for SNAT, as iptables mode does.
      const fromPods = podCIDRInfo !== undefined && podCIDRInfo.size > 0 && inPodNetwork(this.index, this.src.ip);
      hop.note = `${dstIP}:${dstPort} is the ClusterIP and port of ${sp.serviceKey}; ${srcNode}'s kube-proxy (ipvs mode) binds ${dstIP} to kube-ipvs0, so the packet is local to the node and IPVS takes it.`;
      return this.viaIpvs(sp, srcNode, hop, !fromPods);
    }
    if (endpoints.length === 0) {
      hop.rule = saveText(clusterIPFilterRule(spn, proto, dstIP, dstPort, "REJECT"));
      hop.rules = [hop.rule];
      hop.note = `${sp.serviceKey} has no ready endpoints, so kube-proxy rejects the connection at once.`;
      return this.fail("refused", noEndpointsReason(sp), "no-endpoints");
    }
    const local = sp.service.spec.internalTrafficPolicy === "Local";
    const chain = serviceChain(this.index, sp, local);
    let candidates = endpoints;
    if (local) {
      candidates = this.index.localEndpoints(sp, srcNode);
      if (candidates.length === 0) {
        hop.rule = saveText(clusterIPFilterRule(spn, proto, dstIP, dstPort, "DROP"));
        hop.rules = [hop.rule];
        hop.note = `internalTrafficPolicy: Local and no ready endpoint of ${sp.serviceKey} runs on ${srcNode}: kube-proxy drops the packet.`;
        return this.fail("timed-out", `${sp.serviceKey} has internalTrafficPolicy: Local and none of its ready pods runs on ${srcNode}; the packet is dropped.`, "traffic-policy-local");
      }
    }
    // The address and port are the port's own ClusterIP and port, and its chain is fixed by the Service.
    const texts = portTexts(sp);
    const rules = [(texts.clusterIPRule ??= saveText(clusterIPRule(spn, proto, dstIP, dstPort, chain)))];
    const podCIDR = this.index.podCIDR;
    const fromPodNetwork = podCIDR !== undefined && podCIDR.size > 0 && inPodNetwork(this.index, this.src.ip);
    const masquerade = !fromPodNetwork;
    if (masquerade) {
      const cidr = podCIDR?.text ?? this.index.state.config.podCIDR;
      if (texts.clusterMasq?.cidr !== cidr) texts.clusterMasq = { cidr, rule: saveText(clusterMasqRule(chain, spn, proto, dstIP, dstPort, cidr)) };
      rules.push(texts.clusterMasq.rule);
    }
    hop.rule = rules[0];
    hop.rules = rules;
    return this.toEndpoint(sp, candidates, chain, srcNode, masquerade, hop);
  }

  /** The KUBE-SVC/KUBE-SVL chain: pick an endpoint (affinity, else the statistic cascade), DNAT. */
  private toEndpoint(
    sp: ServicePortInfo,
    candidates: readonly EndpointInfo[],
    chain: string,
    natNode: string,
    masqueradeMarked: boolean,
    serviceHop: Hop,
  ): RouteOutcome {
    const spn = sp.servicePortName;
    const clientIP = this.src.ip;
    let chosen: EndpointInfo | undefined;
    let pickRule = "";
    /** Chosen by the affinity's --rcheck rule, not the statistic cascade. */
    let sticky = false;
    let affinityWrite: { key: string; entry: AffinityEntry } | undefined;
    const affinity = sp.service.spec.sessionAffinity === "ClientIP";
    const timeout = sp.service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
    const key = affinity ? `${spn}/${sp.protocol}|${clientIP}` : "";
    if (affinity) {
      const entry = this.env.affinity?.[key];
      if (entry && this.env.now - entry.at <= timeout * 1000) {
        for (const e of candidates) {
          if (e.text === entry.endpoint) {
            chosen = e;
            const sep = this.index.sepChain(sp, e);
            pickRule = saveText(affinityRule(chain, spn, e.text, sep, timeout));
            sticky = true;
            break;
          }
        }
      }
    }
    if (!chosen) {
      const n = candidates.length;
      for (let i = 0; i < n; i++) {
        const e = candidates[i];
        if (i === n - 1 || this.env.random.next() < 1 / (n - i)) {
          chosen = e;
          pickRule = this.pickRule(sp, chain, e, i, n);
          break;
        }
      }
    }
    const ep = chosen!;
    const sep = this.index.sepChain(sp, ep);
    if (ep.terminating) {
      // CategorizeEndpoints' fallback (KEP-1669): said once per hop, next to the policy's note.
      serviceHop.note = `${serviceHop.note ? `${serviceHop.note} ` : ""}${sp.serviceKey} has no ready endpoint${chain.startsWith("KUBE-SVL") ? ` on ${natNode}` : ""}, so kube-proxy uses its serving, terminating ones (pods being deleted that still answer) until a ready one appears.`;
    }
    if (affinity) affinityWrite = { key, entry: { endpoint: ep.text, at: this.env.now } };
    serviceHop.rules!.push(pickRule);
    serviceHop.rule = pickRule;

    const hairpin = clientIP === ep.ip;
    const masquerade = masqueradeMarked || hairpin;
    const node = this.index.nodeByName(natNode);
    const snatIP = masquerade ? snatAddress(node, ep.nodeName) : clientIP;
    const after = { src: masquerade ? { ip: snatIP, port: this.src.port } : this.src, dst: { ip: ep.ip, port: ep.port } };
    if (!ep.sepRules) {
      const dnat = saveText(sepDnatRule(sep, spn, sp.protocol.toLowerCase(), ep.text, affinity));
      ep.sepRules = [[dnat], [dnat, MASQUERADE_TEXT]];
    }
    let sepRules = ep.sepRules[masquerade ? 1 : 0];
    if (hairpin) sepRules = [saveText(sepMasqRule(sep, spn, ep.ip)), ...sepRules];
    const dstIP = this.dst.ip;
    const dstPort = this.dst.port;
    const n = candidates.length;
    // The last note written for this endpoint, reused while what it says is the same (hot path).
    let dnat = ep.dnatNote;
    if (!dnat || dnat.sticky !== sticky || dnat.n !== n || dnat.clientIP !== clientIP || dnat.dstIP !== dstIP || dnat.dstPort !== dstPort || dnat.snatIP !== (masquerade ? snatIP : undefined) || dnat.natNode !== natNode) {
      const how = sticky
        ? `sessionAffinity: ClientIP: ${clientIP} used ${ep.text} before, so it sticks to it.`
        : n === 1
          ? `The only ready endpoint is ${ep.text}.`
          : `Chosen at random among ${n} ready endpoints (each has probability 1/${n}).`;
      const text = `${how} DNAT ${dstIP}:${dstPort} -> ${ep.text}${masquerade ? `; SNAT ${clientIP} -> ${snatIP} so the reply returns through ${natNode}` : "; the client's address is kept"}.`;
      ep.dnatNote = dnat = { sticky, n, clientIP, dstIP, dstPort, snatIP: masquerade ? snatIP : undefined, natNode, text };
    }
    ep.label ??= ep.podKey ? `endpoint ${ep.podKey}` : `endpoint ${ep.text}`;
    if (ep.podKey) ep.ref ??= podRef(ep.podKey) as EndpointInfo["ref"];
    this.hops.push({
      kind: "endpoint",
      label: ep.label,
      ref: ep.ref,
      before: { src: this.src, dst: this.dst },
      after,
      rule: sepRules[hairpin ? 1 : 0],
      rules: sepRules,
      note: dnat.text,
    });
    return this.arrive(ep, after, natNode, { affinity: affinityWrite });
  }

  /** After DNAT (and SNAT): the endpoint's pod, or its node for a hostNetwork pod. */
  private arrive(ep: EndpointInfo, after: { src: Endpoint; dst: Endpoint }, natNode: string, writes: Pick<Extract<RouteOutcome, { result: "delivered" }>, "affinity" | "ipvs">): RouteOutcome {
    this.src = after.src;
    const dst = after.dst;
    const pod = this.index.podByIP(ep.ip);
    const dropped = this.police(pod, dst, after.src);
    if (dropped) return dropped;
    if (pod) {
      this.hops.push(this.policed(podHop(this.index, pod, natNode, after.src, dst)));
      return { result: "delivered", hops: this.hops, delivery: { target: { kind: "pod", pod }, dst, client: after.src, natNode }, ...writes };
    }
    const epNode = this.index.nodeByIP(ep.ip);
    if (epNode) {
      this.hops.push({
        kind: "node",
        label: epNode.name,
        ref: { kind: "Node", name: epNode.name },
        before: { src: after.src, dst },
        note: `The endpoint is a hostNetwork pod: it listens on ${epNode.name}'s own address.`,
      });
      return { result: "delivered", hops: this.hops, delivery: { target: { kind: "node", node: epNode }, dst, client: after.src, natNode }, ...writes };
    }
    this.hops.push({ kind: "pod", label: ep.text, before: { src: after.src, dst }, note: `No pod has the address ${ep.ip} any more.` });
    return this.fail("timed-out", `The endpoint ${ep.text} no longer exists.`, "endpoint-gone");
  }

  /**
   * kube-proxy in ipvs mode: the packet's destination is a virtual server in the node's IPVS
   * table (ipvs.ts, what `ipvsadm -Ln` lists). Its scheduler picks a real server (rr: the one
   * after the last connection's, in the order kube-proxy added them), or the client's persistent
   * one with sessionAffinity: ClientIP; IPVS rewrites the destination (Masq) and kube-proxy's
   * KUBE-MARK-MASQ mark, when set, SNATs in POSTROUTING. A virtual server without real servers
   * answers with ICMP port unreachable (ip_vs_leave), so the client sees a refusal.
   */
  private viaIpvs(sp: ServicePortInfo, nodeName: string, hop: Hop, masqueradeMarked: boolean): RouteOutcome {
    const { dstIP, dstPort } = this.req;
    const node = this.index.nodeByName(nodeName);
    const { scheduler } = nodeProxier(this.index, nodeName);
    const v = servicePortVirtualServers(this.index, sp, nodeName, nodeAddresses(this.index, nodeName), scheduler).find((x) => x.port === dstPort && (x.ip === dstIP || (x.kind === "nodePort" && this.index.nodeByIP(dstIP) !== undefined)));
    const vsText = virtualServerText(v ?? { protocol: sp.protocol as "TCP", ip: dstIP, port: dstPort, scheduler });
    hop.rule = vsText;
    hop.rules = [vsText];
    if (!v || v.realServers.length === 0) {
      hop.note = `${hop.note} The IPVS virtual server ${dstIP}:${dstPort} on ${nodeName} has no real server (no ready endpoint${v && this.index.endpoints(sp).length > 0 ? ` on ${nodeName}: the traffic policy is Local` : ""}), so IPVS answers with ICMP port unreachable.`;
      return this.fail("refused", this.index.endpoints(sp).length === 0 ? noEndpointsReason(sp) : `${sp.serviceKey} has no ready endpoint on ${nodeName} and its traffic policy is Local: ${nodeName}'s IPVS virtual server has no real server.`, this.index.endpoints(sp).length === 0 ? "no-endpoints" : "traffic-policy-local");
    }
    const clientIP = this.src.ip;
    const key = roundRobinKey(nodeName, v);
    let ep: EndpointInfo | undefined;
    let how: string;
    let affinityWrite: { key: string; entry: AffinityEntry } | undefined;
    const affinityKey = v.persistent !== undefined ? `${sp.servicePortName}/${sp.protocol}|${clientIP}` : "";
    if (v.persistent !== undefined) {
      const entry = this.env.affinity?.[affinityKey];
      if (entry && this.env.now - entry.at <= v.persistent * 1000) ep = v.realServers.find((e) => e.text === entry.endpoint);
    }
    const last = this.index.state.ipvsRoundRobin?.[key];
    let conns: Map<string, RealServerConns> | undefined;
    const connsOf = (e: EndpointInfo) => (conns ??= realServerConnections(this.index.state.conntrack, nodeName, this.env.now)).get(connsKey(v, e.text)) ?? { active: 0, inactive: 0 };
    if (ep) how = `persistent ${v.persistent}: ${clientIP} used ${ep.text} before, so IPVS keeps it there.`;
    else if (v.realServers.length === 1) {
      ep = v.realServers[0];
      how = `The only real server is ${ep.text}.`;
    } else {
      const picked = schedule(scheduler, v.realServers, { clientIP, vip: dstIP, last, conns: connsOf });
      ep = picked.ep;
      how = picked.how;
    }
    if (v.persistent !== undefined) affinityWrite = { key: affinityKey, entry: { endpoint: ep.text, at: this.env.now } };
    const hairpin = clientIP === ep.ip;
    const masquerade = masqueradeMarked || hairpin;
    const snatIP = masquerade ? snatAddress(node, ep.nodeName) : clientIP;
    const after = { src: masquerade ? { ip: snatIP, port: this.src.port } : this.src, dst: { ip: ep.ip, port: ep.port } };
    ep.label ??= ep.podKey ? `endpoint ${ep.podKey}` : `endpoint ${ep.text}`;
    if (ep.podKey) ep.ref ??= podRef(ep.podKey) as EndpointInfo["ref"];
    // The line as ipvsadm -Ln showed it when the connection came (its connections before this one).
    const rsText = realServerText(ep.text, connsOf(ep));
    // The iptables rules of the ipvs proxier that decided the SNAT (ipvs-ruleset.ts, what iptables-save prints).
    const rules = [vsText, rsText, ...ipvsMasqueradeRules(this.index, sp, v.kind, masqueradeMarked, hairpin)];
    if (masquerade) rules.push(MASQUERADE_TEXT);
    // kubernetes#97081: a Local-policy virtual server on a node without a local endpoint has every
    // endpoint as real server; without SNAT the endpoint answers an outside client from its own
    // node, with its pod address, and the client drops the reply.
    if (v.kind !== "cluster IP" && !masquerade && ep.nodeName !== undefined && ep.nodeName !== nodeName && this.req.from.kind === "workstation") {
      this.hops.push({
        kind: "endpoint",
        label: ep.label,
        ref: ep.ref,
        before: { src: this.src, dst: this.dst },
        after,
        rule: rsText,
        rules,
        note: `IPVS (kube-proxy in ipvs mode on ${nodeName}): ${how} externalTrafficPolicy: Local and no ready endpoint on ${nodeName}, so kube-proxy gave this virtual server every endpoint (kubernetes#97081) and does not SNAT: ${ep.text} answers ${clientIP} directly from ${ep.nodeName}, with its own address, and the client drops the reply.`,
      });
      return this.fail("timed-out", `${sp.serviceKey} has externalTrafficPolicy: Local and no ready endpoint on ${nodeName}: IPVS sent the connection to ${ep.text} on ${ep.nodeName} without SNAT, and its reply never reaches the client.`, "traffic-policy-local");
    }
    this.hops.push({
      kind: "endpoint",
      label: ep.label,
      ref: ep.ref,
      before: { src: this.src, dst: this.dst },
      after,
      rule: rsText,
      rules,
      note: `IPVS (kube-proxy in ipvs mode on ${nodeName}): ${how} Masq: ${this.dst.ip}:${this.dst.port} -> ${ep.text}${masquerade ? `; SNAT ${clientIP} -> ${snatIP} (KUBE-MARK-MASQ, then MASQUERADE) so the reply returns through ${nodeName}` : "; the client's address is kept"}.`,
    });
    return this.arrive(ep, after, nodeName, { affinity: affinityWrite, ipvs: { key, realServer: ep.text } });
  }

  /** The decisions that let the packet through, shown on the delivering hop. */
  private allowedBy: PolicyDecision[] | undefined;

  /**
   * Calico's check of a packet about to be delivered (after DNAT and SNAT): the sending pod's
   * egress, then the receiving pod's ingress. A drop ends the route here, timed out.
   */
  private police(target: PodInfo | undefined, dst: Endpoint, client: Endpoint): RouteOutcome | undefined {
    const policies = this.policies;
    if (!policies) return undefined;
    const from = this.req.from;
    const protocol = this.req.protocol;
    if (from.kind === "pod" && !from.hostNetwork) {
      const source = this.index.podByIP(from.ip);
      if (source) {
        const decision = policies.decide(this.index, "egress", source, dst.ip, dst.port, protocol);
        if (!decision.allowed) return this.dropped(source, "egress", decision);
        if (decision.policy) (this.allowedBy ??= []).push(decision);
      }
    }
    if (target && !target.pod.spec.hostNetwork) {
      // The node's own connections to its pods (the kubelet's probes) are never blocked.
      const fromOwnNode = (from.kind === "node" && from.name === target.nodeName) || (from.kind === "pod" && from.hostNetwork && from.nodeName === target.nodeName);
      if (!fromOwnNode) {
        const decision = policies.decide(this.index, "ingress", target, client.ip, dst.port, protocol);
        if (!decision.allowed) return this.dropped(target, "ingress", decision);
        if (decision.policy) (this.allowedBy ??= []).push(decision);
      }
    }
    return undefined;
  }

  private dropped(pod: PodInfo, direction: Direction, decision: PolicyDecision): RouteOutcome {
    this.hops.push({
      kind: "pod",
      label: `pod ${pod.key}`,
      ref: podRef(pod.key),
      before: { src: this.src, dst: this.dst },
      note: decision.note,
      policy: { names: decision.names ?? [], direction, verdict: "dropped" },
    });
    return this.fail("timed-out", decision.note, "policy-dropped");
  }

  /** The delivering hop (a fresh object) with the policies that allowed the packet. */
  private policed(hop: Hop): Hop {
    const allowed = this.allowedBy;
    if (!allowed) return hop;
    const last = allowed[allowed.length - 1];
    if (allowed.length === 1) {
      const notes = (last.hopNotes ??= new Map());
      let note = notes.get(hop.note);
      if (note === undefined) notes.set(hop.note, (note = `${hop.note} ${last.note}`));
      hop.note = note;
    } else hop.note = `${hop.note} ${allowed.map((a) => a.note).join(" ")}`;
    hop.policy = last.hopPolicy ??= { names: [last.policy!], direction: last.direction!, rule: last.rule, verdict: "allowed" };
    return hop;
  }

  private pickRule(sp: ServicePortInfo, chain: string, e: EndpointInfo, i: number, n: number): string {
    const cached = e.pick;
    if (cached && cached.chain === chain && cached.i === i && cached.n === n) return cached.text;
    const text = saveText(endpointPickRule(chain, sp.servicePortName, e.text, this.index.sepChain(sp, e), i, n));
    e.pick = { chain, i, n, text };
    return text;
  }

  /** Pod IP from inside: plain routing over the pod network, no kube-proxy rule involved. */
  private toPodDirect(pod: PodInfo, srcNode: string): RouteOutcome {
    const from = this.req.from;
    let src = this.src;
    if (from.kind === "node" || (from.kind === "pod" && from.hostNetwork)) {
      // A node's own process talks to the pod network from its bridge or tunnel address.
      src = { ip: snatAddress(this.index.nodeByName(srcNode), pod.nodeName), port: src.port };
    }
    this.src = src;
    const dropped = this.police(pod, this.dst, src);
    if (dropped) return dropped;
    this.hops.push(this.policed(podHop(this.index, pod, srcNode, src, this.dst)));
    return { result: "delivered", hops: this.hops, delivery: { target: { kind: "pod", pod }, dst: this.dst, client: src } };
  }
}

function inPodNetwork(index: NetIndex, ip: string): boolean {
  const cidr = index.podCIDR;
  if (!cidr) return false;
  // Inline CIDR test: this runs for every ClusterIP request.
  let n = 0;
  let part = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      n = n * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  n = n * 256 + part;
  return n >= cidr.base && n < cidr.base + cidr.size;
}

function snatAddress(node: NodeInfo | undefined, endpointNode: string | undefined): string {
  if (!node) return "0.0.0.0";
  // MASQUERADE takes the outgoing route's source: cni0's address on flannel; on Calico the /32
  // route over a cali* veth has none, so the kernel picks the node's own (eth0) address.
  if (endpointNode === node.name) return node.bridgeIP ?? node.ip;
  return node.tunnelIP ?? node.ip;
}

function podHop(index: NetIndex, pod: PodInfo, fromNode: string, src: Endpoint, dst: Endpoint): Hop {
  const notes = (pod.notes ??= new Map());
  let note = notes.get(fromNode);
  if (note === undefined) {
    const calico = index.nodeByName(fromNode)?.calicoBlock !== undefined;
    note =
      pod.nodeName === fromNode
        ? calico
          ? `${pod.ip} is on ${fromNode}: delivered over the pod's veth (cali*), a /32 route.`
          : `${pod.ip} is on ${fromNode}: delivered over the node's bridge (cni0).`
        : calico
          ? `${pod.ip} is on ${pod.nodeName ?? "another node"}: carried from ${fromNode} over the pod network (Calico IPIP, tunl0).`
          : `${pod.ip} is on ${pod.nodeName ?? "another node"}: carried from ${fromNode} over the pod network (flannel VXLAN).`;
    notes.set(fromNode, note);
  }
  pod.label ??= `pod ${pod.key}`;
  pod.ref ??= podRef(pod.key) as PodInfo["ref"];
  return { kind: "pod", label: pod.label, ref: pod.ref, before: { src, dst }, note };
}

function clientHop(from: Place): Hop {
  switch (from.kind) {
    case "workstation":
      return { kind: "client", label: from.name, ref: { kind: "Workstation", name: from.name }, note: `Outside the cluster, on the node network (${from.ip}).` };
    case "node":
      return { kind: "client", label: from.name, ref: { kind: "Node", name: from.name }, note: `On node ${from.name} (${from.ip}).` };
    case "pod":
      return {
        kind: "client",
        label: `pod ${from.key}`,
        ref: podRef(from.key),
        note: from.hostNetwork ? `In pod ${from.key}, which uses ${from.nodeName}'s network (${from.ip}).` : `In pod ${from.key} (${from.ip}) on ${from.nodeName}.`,
      };
  }
}

function noEndpointsReason(sp: ServicePortInfo): string {
  const selector = sp.service.spec.selector;
  const labels = selector ? Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",") : "";
  return labels
    ? `${sp.serviceKey} has no ready endpoints: no Running and Ready pod matches its selector ${labels} (check the labels and that the pods are Ready).`
    : `${sp.serviceKey} has no endpoints: it has no selector and no EndpointSlice lists an address.`;
}

function serviceRef(key: string): Hop["ref"] {
  const slash = key.indexOf("/");
  return { kind: "Service", namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function podRef(key: string): Hop["ref"] {
  const slash = key.indexOf("/");
  return { kind: "Pod", namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
