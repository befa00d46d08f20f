// NetworkPolicy enforcement, as the network plugin does it: flannel stores nothing of it (the
// API server keeps the objects, no agent reads them), Calico's Felix turns every policy into
// per-workload rules. The semantics are the NetworkPolicy API's: a pod selected by a policy with
// Ingress (Egress) in its policyTypes is isolated in that direction and gets only what one rule of
// one of those policies allows; rules are ORed, a rule's ports and peers ANDed. Policies see
// addresses after kube-proxy's DNAT and SNAT (a NodePort client masqueraded to a node address no
// longer matches a pod selector), and a node's own connections to its pods (kubelet probes) are
// never blocked. Per pod, the selecting policies are found once per state and kept.

import { matchesRequirements, requirementsOfLabelSelector } from "../cluster/label-selector.ts";
import { profileOf } from "../cluster/profile.ts";
import type { ClusterState, LabelSelector, Labels, Pod } from "../cluster/types.ts";
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from "../kinds/network-policy.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { parseCidr, ipToInt } from "./ip.ts";
import type { NetIndex, PodInfo, Protocol } from "./index.ts";

export type Direction = "ingress" | "egress";

/** The other end of a packet as the policy sees it: its address, and its pod when it is one. */
export interface PolicyPeer {
  ip: string;
  pod?: Pod;
}

export interface PolicyDecision {
  allowed: boolean;
  direction?: Direction;
  /** When dropped: `ns/name` of every policy that isolates the pod in that direction. */
  names?: string[];
  /** `ns/name` of the policy whose rule allowed it; absent when dropped or not isolated. */
  policy?: string;
  /** 1-based rule number within that policy's ingress or egress list. */
  rule?: number;
  /** Plain-language sentence for the trace. */
  note: string;
  /** The delivering hop's note with this decision's sentence appended, per base note (hot path). */
  hopNotes?: Map<string, string>;
  /** The trace's `policy` field for an allowed packet, built once. */
  hopPolicy?: { names: string[]; direction: Direction; rule?: number; verdict: "allowed" };
}

const NOT_ISOLATED: PolicyDecision = Object.freeze({ allowed: true, note: "" }) as PolicyDecision;
/** Distinct peer addresses remembered per pod before starting over. */
const MAX_DECISIONS = 10_000;

interface SelectingPolicies {
  ingress: NetworkPolicy[];
  egress: NetworkPolicy[];
  /** Decisions already made for this pod: peer address -> (port, protocol, direction) -> decision. */
  decisions: Map<string, Map<number, PolicyDecision>>;
}

const PROTOCOL_CODE: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

const selectorCache = new WeakMap<LabelSelector, ReturnType<typeof requirementsOfLabelSelector>>();

function selects(selector: LabelSelector, labels: Labels | undefined): boolean {
  let reqs = selectorCache.get(selector);
  if (!reqs) selectorCache.set(selector, (reqs = requirementsOfLabelSelector(selector)));
  return matchesRequirements(labels, reqs);
}

const cidrCache = new Map<string, { base: number; size: number } | undefined>();

function inCidr(ip: string, text: string): boolean {
  let cidr = cidrCache.get(text);
  if (cidr === undefined && !cidrCache.has(text)) {
    const parsed = parseCidr(text);
    cidr = parsed ? { base: parsed.base, size: parsed.size } : undefined;
    if (cidrCache.size > 4096) cidrCache.clear();
    cidrCache.set(text, cidr);
  }
  if (!cidr) return false; // an IPv6 block never matches the cluster's IPv4 addresses
  const n = ipToInt(ip);
  return n >= cidr.base && n < cidr.base + cidr.size;
}

export class PolicyIndex {
  private readonly byPod = new Map<string, SelectingPolicies>();
  private readonly policies: NetworkPolicy[];

  constructor(private readonly state: ClusterState, record: Record<string, NetworkPolicy>) {
    this.policies = Object.keys(record)
      .sort()
      .map((k) => record[k]);
  }

  /** The policies that select a pod, per direction they isolate. */
  selecting(podKey: string, pod: Pod): SelectingPolicies {
    let hit = this.byPod.get(podKey);
    if (hit) return hit;
    hit = { ingress: [], egress: [], decisions: new Map() };
    const ns = pod.metadata.namespace ?? "default";
    for (const np of this.policies) {
      if (np.metadata.namespace !== ns || !selects(np.spec.podSelector, pod.metadata.labels)) continue;
      if (np.spec.policyTypes.includes("Ingress")) hit.ingress.push(np);
      if (np.spec.policyTypes.includes("Egress")) hit.egress.push(np);
    }
    this.byPod.set(podKey, hit);
    return hit;
  }

  /**
   * Whether `self` may receive from (ingress) or send to (egress) the address `peerIP` on `port`
   * (for ingress its own port, for egress the destination's). The peer's pod, if the address is
   * one, is looked up in `index`; named ports resolve on the receiving pod. Decisions are kept per
   * state: the same packet shape gets the same object back.
   */
  decide(index: NetIndex, direction: Direction, self: PodInfo, peerIP: string, port: number, protocol: Protocol): PolicyDecision {
    const selecting = this.selecting(self.key, self.pod);
    const list = selecting[direction];
    if (list.length === 0) return NOT_ISOLATED;
    // Numeric keys under the peer's address: no string is built per packet.
    let byShape = selecting.decisions.get(peerIP);
    if (!byShape) {
      if (selecting.decisions.size >= MAX_DECISIONS) selecting.decisions.clear();
      selecting.decisions.set(peerIP, (byShape = new Map()));
    }
    const key = port * 8 + PROTOCOL_CODE[protocol] * 2 + (direction === "ingress" ? 0 : 1);
    let decision = byShape.get(key);
    if (decision) return decision;
    const peerInfo = index.podByIP(peerIP);
    const peer: PolicyPeer = { ip: peerIP, pod: peerInfo?.pod };
    const portPod = direction === "ingress" ? self.pod : peerInfo?.pod;
    decision = this.evaluate(list, direction, self.key, peer, port, protocol, portPod);
    byShape.set(key, decision);
    return decision;
  }

  private evaluate(list: readonly NetworkPolicy[], direction: Direction, podKey: string, peer: PolicyPeer, port: number, protocol: Protocol, portPod: Pod | undefined): PolicyDecision {
    const what = direction === "ingress" ? `${peer.ip} to port ${port}/${protocol}` : `${peer.ip}:${port}/${protocol}`;
    for (const np of list) {
      const rules = direction === "ingress" ? np.spec.ingress : np.spec.egress;
      if (!rules) continue;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as NetworkPolicyIngressRule & NetworkPolicyEgressRule;
        const peers = direction === "ingress" ? rule.from : rule.to;
        if (!portsMatch(rule.ports, port, protocol, portPod)) continue;
        if (peers && peers.length > 0 && !peers.some((p) => this.peerMatches(np, p, peer))) continue;
        const name = `${np.metadata.namespace}/${np.metadata.name}`;
        return {
          allowed: true,
          direction,
          policy: name,
          rule: i + 1,
          note: `NetworkPolicy ${name} selects ${podKey} for ${direction}; its ${direction} rule ${i + 1} (${ruleText(direction, rule.ports, peers)}) allows ${what}.`,
        };
      }
    }
    const names = list.map((np) => `${np.metadata.namespace}/${np.metadata.name}`);
    return {
      allowed: false,
      names,
      note: `${podKey} is isolated for ${direction} by NetworkPolicy ${names.join(", ")}, and no ${direction} rule allows ${what}: Calico drops the packet (no reply, the client waits).`,
    };
  }

  private peerMatches(np: NetworkPolicy, p: NetworkPolicyPeer, peer: PolicyPeer): boolean {
    if (p.ipBlock) {
      if (!inCidr(peer.ip, p.ipBlock.cidr)) return false;
      return !(p.ipBlock.except ?? []).some((e) => inCidr(peer.ip, e));
    }
    const pod = peer.pod;
    if (!pod || pod.spec.hostNetwork) return false;
    const podNs = pod.metadata.namespace ?? "default";
    if (p.namespaceSelector) {
      const ns = this.state.namespaces[podNs];
      if (!ns || !selects(p.namespaceSelector, ns.metadata.labels)) return false;
    } else if (podNs !== np.metadata.namespace) return false;
    return p.podSelector ? selects(p.podSelector, pod.metadata.labels) : true;
  }
}

function portsMatch(ports: readonly NetworkPolicyPort[] | undefined, port: number, protocol: Protocol, portPod: Pod | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  for (const p of ports) {
    if (p.protocol !== protocol) continue;
    if (p.port === undefined) return true;
    if (typeof p.port === "number") {
      if (p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort) return true;
      continue;
    }
    // A named port means the container port of that name on the destination pod.
    if (portPod && namedPort(portPod, p.port, protocol) === port) return true;
  }
  return false;
}

function namedPort(pod: Pod, name: string, protocol: Protocol): number | undefined {
  for (const c of pod.spec.containers) for (const cp of c.ports ?? []) if (cp.name === name && (cp.protocol ?? "TCP") === protocol) return cp.containerPort;
  return undefined;
}

function ruleText(direction: Direction, ports: readonly NetworkPolicyPort[] | undefined, peers: readonly NetworkPolicyPeer[] | undefined): string {
  const portText = ports?.length
    ? `ports ${ports.map((p) => `${p.port ?? "any"}${p.endPort === undefined ? "" : `-${p.endPort}`}/${p.protocol}`).join(", ")}`
    : "any port";
  const peerText = peers?.length
    ? peers
        .map((p) =>
          p.ipBlock
            ? `ipBlock ${p.ipBlock.cidr}${p.ipBlock.except?.length ? ` except ${p.ipBlock.except.join(", ")}` : ""}`
            : [p.namespaceSelector ? `namespaceSelector ${formatLabelSelector(p.namespaceSelector)}` : "", p.podSelector ? `podSelector ${formatLabelSelector(p.podSelector)}` : ""].filter(Boolean).join(" and "),
        )
        .join("; ")
    : direction === "ingress"
      ? "any source"
      : "any destination";
  return `${direction === "ingress" ? "from" : "to"} ${peerText}, ${portText}`;
}

const indexes = new WeakMap<object, WeakMap<Record<string, Pod>, WeakMap<object, { rv: number; index: PolicyIndex }>>>();

/**
 * The policy index of a state when its network plugin enforces policies (Calico) and there are
 * any; undefined otherwise, so flannel clusters and policy-free ones pay nothing per packet. Kept
 * per policies, pods and namespaces records and resource version (a Tx edits its records in place).
 */
export function policyIndex(state: ClusterState): PolicyIndex | undefined {
  if (profileOf(state).cni !== "calico") return undefined;
  const record = state.objects?.networkpolicies as Record<string, NetworkPolicy> | undefined;
  if (!record) return undefined;
  let byPods = indexes.get(record);
  if (!byPods) indexes.set(record, (byPods = new WeakMap()));
  let byNamespaces = byPods.get(state.pods);
  if (!byNamespaces) byPods.set(state.pods, (byNamespaces = new WeakMap()));
  let hit = byNamespaces.get(state.namespaces);
  if (!hit || hit.rv !== state.resourceVersion) byNamespaces.set(state.namespaces, (hit = { rv: state.resourceVersion, index: new PolicyIndex(state, record) }));
  return hit.index;
}

/**
 * A pod's DNS query under Calico: UDP 53 to a CoreDNS pod behind the kube-dns ClusterIP must pass
 * the pod's egress and CoreDNS's ingress. Undefined when it gets through; otherwise why not (the
 * query is dropped, the resolver times out and getaddrinfo fails).
 */
export function dnsBlocked(index: NetIndex, sourceIP: string): string | undefined {
  const policies = policyIndex(index.state);
  if (!policies) return undefined;
  const source = index.podByIP(sourceIP);
  const sp = index.servicePortAt(index.state.config.dnsServiceIP, 53, "UDP");
  if (!source || !sp) return undefined;
  let why: string | undefined;
  for (const ep of index.endpoints(sp)) {
    const out = policies.decide(index, "egress", source, ep.ip, ep.port, "UDP");
    if (!out.allowed) {
      why ??= out.note;
      continue;
    }
    const target = index.podByIP(ep.ip);
    if (!target) return undefined;
    const into = policies.decide(index, "ingress", target, sourceIP, ep.port, "UDP");
    if (into.allowed) return undefined;
    why ??= into.note;
  }
  return why && `The DNS query (UDP 53 to CoreDNS behind ${index.state.config.dnsServiceIP}) is dropped: ${why} Egress-isolated pods need a rule allowing UDP 53 to kube-dns.`;
}
