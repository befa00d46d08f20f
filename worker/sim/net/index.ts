// The data plane's view of the cluster, derived from the state and cached on the identity of the
// records it reads (state.services, state.pods, state.nodes). A command that changes pods gives a
// new `state.pods` record and so a new pod view, over the store's pod address index (which follows
// pod writes instead of rescanning); the service index survives. Lookups are map hits: nothing here
// scans all services or pods per request.
//
// Like kube-proxy, service tracking (services by ClusterIP:port and nodePort, endpoints per
// service port) is kept apart from the proxier (router.ts), which only reads this index.

import { endpointSlicesFor } from "../cluster/endpoints.ts";
import type { PodAddressIndex } from "../cluster/pod-address-index.ts";
import { podAddressIndex } from "../cluster/store.ts";
import { writeCount } from "../cluster/tx.ts";
import type { ClusterState, Node, Pod, Service, ServicePort } from "../cluster/types.ts";
import { type Cidr, cidrAddress, parseCidr } from "./ip.ts";
import { endpointChainName, portProtoHash, servicePortNameOf } from "./kube-proxy-names.ts";
import { nodeInternalIP } from "../cluster/conditions.ts";
import { CALICO_TUNNEL_ANNOTATION, blockText, calicoBlockOf } from "../cluster/calico-ipam.ts";

export type Protocol = "TCP" | "UDP" | "SCTP";

export interface NodeInfo {
  name: string;
  ip: string;
  /** The node's address on the pod bridge (cni0, .1 of its pod CIDR): SNAT source towards local pods. */
  bridgeIP?: string;
  /**
   * The node's tunnel address, SNAT source towards pods on other nodes: flannel.1's (.0 of its
   * pod CIDR) or Calico's tunl0 (the first address of its IPAM block).
   */
  tunnelIP?: string;
  /** Calico nodes: the node's IPAM block (`10.244.192.128/26`); absent on flannel nodes. */
  calicoBlock?: string;
}

export interface ServicePortInfo {
  serviceKey: string;
  service: Service;
  port: ServicePort;
  protocol: Protocol;
  /** `ns/name` or `ns/name:portName`, kube-proxy's ServicePortName. */
  servicePortName: string;
  /** Filled on first use: hashing is not free and most ports are never routed to. */
  chainHash?: string;
  /** Rule and note texts built on first use (they depend only on this port and a node or address). */
  texts?: PortTexts;
}

/** What the proxier writes for a service port, kept from the first request that needed it. */
export interface PortTexts {
  /** KUBE-SVC-<hash> and KUBE-SVL-<hash>. */
  clusterChain?: string;
  localChain?: string;
  /** The Service hop's label (`service ns/name`) and reference. */
  serviceLabel?: string;
  serviceRef?: { kind: "Node" | "Service" | "Pod" | "Workstation"; namespace?: string; name: string };
  /** KUBE-SERVICES' rule for this port's ClusterIP, and its masquerade mark for a pod CIDR. */
  clusterIPRule?: string;
  clusterMasq?: { cidr: string; rule: string };
  /** The KUBE-NODEPORTS rule of this port's nodePort. */
  nodePortRule?: string;
  /** KUBE-EXT's masquerade mark and jump to KUBE-SVC (externalTrafficPolicy: Cluster). */
  extRules?: readonly [string, string];
  /** Notes that name the node the packet arrived at, by node name. */
  nodes: Map<string, NodeTexts>;
  /** The KUBE-SERVICES rule for each load-balancer address of the Service. */
  loadBalancerRules: Map<string, string>;
}

export interface NodeTexts {
  nodePortNote?: string;
  clusterNote?: string;
}

export interface PodInfo {
  key: string;
  pod: Pod;
  ip: string;
  nodeName?: string;
  /** Hop label, reference and notes, built on first use. */
  label?: string;
  ref?: { kind: "Pod"; namespace: string; name: string };
  notes?: Map<string, string>;
}

export interface EndpointInfo {
  ip: string;
  port: number;
  /** `ip:port`, as kube-proxy prints it. */
  text: string;
  nodeName?: string;
  podKey?: string;
  /** A serving endpoint of a pod being deleted, used only while its Service has no ready one. */
  terminating?: boolean;
  sepChain?: string;
  /** The last statistic/jump rule written for this endpoint (chain, position and count fixed it). */
  pick?: { chain: string; i: number; n: number; text: string };
  label?: string;
  ref?: { kind: "Pod"; namespace: string; name: string };
  /** DNAT rule lists of this endpoint: [plain, with masquerade]. */
  sepRules?: [string[], string[]];
  /** The endpoint hop's last note and what it was written for (how it was picked, the addresses). */
  dnatNote?: { sticky: boolean; n: number; clientIP: string; dstIP: string; dstPort: number; snatIP: string | undefined; natNode: string; text: string };
}

interface ServiceIndex {
  byClusterIP: Map<string, ServicePortInfo[]>;
  /** LoadBalancer Services by the address in their status (a load balancer's ingress IP). */
  byLoadBalancerIP: Map<string, ServicePortInfo[]>;
  byNodePort: Map<number, ServicePortInfo[]>;
  byKey: Map<string, ServicePortInfo[]>;
  /** Services kube-proxy runs a health check server for, by their healthCheckNodePort. */
  byHealthCheckNodePort: Map<number, string>;
}

/**
 * Pods as the data plane sees them, per state: the store's address index (kept up to date by
 * every pod write, so a scale does not rescan the cluster) resolved to PodInfo on first lookup.
 */
class PodIndex {
  private readonly infos = new Map<string, PodInfo>();
  /**
   * Pod infos by the IPs asked for (null: no pod indexed there). The address index is sealed for
   * this view's lifetime, so an address keeps its pod key; the info is checked against the pod
   * record as info() does. A routed request looks up the same few addresses (its endpoint, its client).
   */
  private readonly byAddress = new Map<string, PodInfo | null>();
  private readonly hostNetworkInfos = new Map<string, { keys: readonly string[]; infos: PodInfo[] }>();

  constructor(
    private readonly pods: Record<string, Pod>,
    private readonly addresses: PodAddressIndex,
  ) {}

  byIP(ip: string): PodInfo | undefined {
    const hit = this.byAddress.get(ip);
    if (hit === null) return undefined;
    if (hit !== undefined && this.pods[hit.key] === hit.pod) return hit;
    const key = this.addresses.podAt(ip);
    if (key === undefined) {
      this.byAddress.set(ip, null);
      return undefined;
    }
    const info = this.info(key);
    if (info) this.byAddress.set(ip, info);
    return info;
  }

  hostNetwork(nodeName: string): readonly PodInfo[] {
    const keys = this.addresses.hostNetworkPods(nodeName);
    let hit = this.hostNetworkInfos.get(nodeName);
    if (!hit || hit.keys !== keys) {
      hit = { keys, infos: keys.map((k) => this.info(k)).filter((i): i is PodInfo => i !== undefined) };
      this.hostNetworkInfos.set(nodeName, hit);
    }
    return hit.infos;
  }

  private info(key: string): PodInfo | undefined {
    const pod = this.pods[key];
    if (!pod?.status.podIP) return undefined;
    let info = this.infos.get(key);
    if (!info || info.pod !== pod) {
      info = { key, pod, ip: pod.status.podIP, nodeName: pod.spec.nodeName };
      this.infos.set(key, info);
    }
    return info;
  }
}

interface NodeIndex {
  byIP: Map<string, NodeInfo>;
  byName: Map<string, NodeInfo>;
  list: NodeInfo[];
}

// Keyed on the record and its write count: within one transaction the record is written in place
// (a line that deletes a Service and creates another), so its identity alone goes stale. Not on
// the resourceVersion, which every pod status and event moves: rebuilding 10,000 Services' index
// for the first request after any change took ~20 ms.
const serviceIndexes = new WeakMap<Record<string, Service>, { writes: number; index: ServiceIndex }>();
const podIndexes = new WeakMap<Record<string, Pod>, { rv: number; index: PodIndex }>();
/** By the nodes record and its write count: a transaction adds a node (kubeadm join) to its copy of the record in place. */
const nodeIndexes = new WeakMap<Record<string, Node>, { writes: number; index: NodeIndex }>();
/**
 * A service port's endpoints as kube-proxy sorts them (topology.go CategorizeEndpoints): the ready
 * ones, and the serving, terminating ones it falls back to when none is ready.
 */
interface PortEndpoints {
  ready: EndpointInfo[];
  servingTerminating: EndpointInfo[];
}

const endpointCaches = new WeakMap<Record<string, Pod>, WeakMap<Record<string, Service>, Map<ServicePortInfo, PortEndpoints>>>();
const podCIDRs = new Map<string, Cidr | undefined>();

export class NetIndex {
  private readonly services: ServiceIndex;
  private readonly pods: PodIndex;
  private readonly nodes: NodeIndex;
  private readonly endpointCache: Map<ServicePortInfo, PortEndpoints>;
  readonly podCIDR?: Cidr;

  constructor(readonly state: ClusterState) {
    this.services = serviceIndexOf(state);
    this.pods = podIndexOf(state);
    this.nodes = nodeIndexOf(state.nodes);
    let byServices = endpointCaches.get(state.pods);
    if (!byServices) endpointCaches.set(state.pods, (byServices = new WeakMap()));
    let cache = byServices.get(state.services);
    if (!cache) byServices.set(state.services, (cache = new Map()));
    this.endpointCache = cache;
    let cidr = podCIDRs.get(state.config.podCIDR);
    if (!podCIDRs.has(state.config.podCIDR)) podCIDRs.set(state.config.podCIDR, (cidr = parseCidr(state.config.podCIDR)));
    this.podCIDR = cidr;
  }

  /** A Tx's state object is reused while its records are replaced: detect that. */
  stale(): boolean {
    const pods = podIndexes.get(this.state.pods);
    const services = serviceIndexes.get(this.state.services);
    return (
      this.services !== services?.index ||
      services.writes !== writeCount(this.state.services) ||
      this.pods !== pods?.index ||
      pods.rv !== this.state.resourceVersion ||
      this.nodes !== nodeIndexes.get(this.state.nodes)?.index ||
      nodeIndexes.get(this.state.nodes)?.writes !== writeCount(this.state.nodes)
    );
  }

  nodeByIP(ip: string): NodeInfo | undefined {
    return this.nodes.byIP.get(ip);
  }

  nodeByName(name: string): NodeInfo | undefined {
    return this.nodes.byName.get(name);
  }

  get nodeList(): readonly NodeInfo[] {
    return this.nodes.list;
  }

  podByIP(ip: string): PodInfo | undefined {
    return this.pods.byIP(ip);
  }

  hostNetworkPods(nodeName: string): readonly PodInfo[] {
    return this.pods.hostNetwork(nodeName);
  }

  /** All ports of the Service owning this ClusterIP; undefined when no Service owns the address. */
  portsAtClusterIP(ip: string): readonly ServicePortInfo[] | undefined {
    return this.services.byClusterIP.get(ip);
  }

  /** All ports of the LoadBalancer Service whose load-balancer address this is, if any. */
  portsAtLoadBalancerIP(ip: string): readonly ServicePortInfo[] | undefined {
    return this.services.byLoadBalancerIP.get(ip);
  }

  servicePortAt(ip: string, port: number, protocol: Protocol): ServicePortInfo | undefined {
    const ports = this.services.byClusterIP.get(ip);
    if (!ports) return undefined;
    for (const p of ports) if (p.port.port === port && p.protocol === protocol) return p;
    return undefined;
  }

  servicePortAtNodePort(nodePort: number, protocol: Protocol): ServicePortInfo | undefined {
    const ports = this.services.byNodePort.get(nodePort);
    if (!ports) return undefined;
    for (const p of ports) if (p.protocol === protocol) return p;
    return undefined;
  }

  /** The Service whose health check node port this is (kube-proxy's health check server), if any. */
  serviceAtHealthCheckNodePort(port: number): string | undefined {
    return this.services.byHealthCheckNodePort.get(port);
  }

  /**
   * kube-proxy's health check count for a Service on a node (EndpointsMap.LocalReadyEndpoints): its
   * ready endpoints there, counted by IP over all its ports (terminating ones do not count).
   */
  localReadyEndpoints(serviceKey: string, nodeName: string): number {
    const ips = new Set<string>();
    for (const sp of this.portsOfService(serviceKey)) for (const e of this.categorized(sp).ready) if (e.nodeName === nodeName) ips.add(e.ip);
    return ips.size;
  }

  /** Every port of every Service (headless ones included), for the node's whole rule set. */
  *allServicePorts(): Iterable<ServicePortInfo> {
    for (const ports of this.services.byKey.values()) yield* ports;
  }

  portsOfService(serviceKey: string): readonly ServicePortInfo[] {
    return this.services.byKey.get(serviceKey) ?? [];
  }

  private categorized(sp: ServicePortInfo): PortEndpoints {
    let list = this.endpointCache.get(sp);
    if (!list) {
      list = usableEndpoints(this.state, sp);
      this.endpointCache.set(sp, list);
    }
    return list;
  }

  /**
   * The endpoints of a service port kube-proxy's Cluster chain uses, sorted as it writes its rules
   * (by ip:port): the ready ones; when none is ready anywhere, the serving, terminating ones
   * (KEP-1669), so connections still reach pods that are shutting down.
   */
  endpoints(sp: ServicePortInfo): readonly EndpointInfo[] {
    const c = this.categorized(sp);
    return c.ready.length > 0 ? c.ready : c.servingTerminating;
  }

  /** The endpoints of the Local chain on a node: its ready ones there, else its serving, terminating ones there. */
  localEndpoints(sp: ServicePortInfo, nodeName: string): readonly EndpointInfo[] {
    const c = this.categorized(sp);
    const ready = c.ready.filter((e) => e.nodeName === nodeName);
    return ready.length > 0 ? ready : c.servingTerminating.filter((e) => e.nodeName === nodeName);
  }

  chainHash(sp: ServicePortInfo): string {
    return (sp.chainHash ??= portProtoHash(sp.servicePortName, sp.protocol));
  }

  sepChain(sp: ServicePortInfo, endpoint: EndpointInfo): string {
    return (endpoint.sepChain ??= endpointChainName(sp.servicePortName, sp.protocol, endpoint.text));
  }
}

function usableEndpoints(state: ClusterState, sp: ServicePortInfo): PortEndpoints {
  const portName = sp.port.name ?? "";
  const ready: EndpointInfo[] = [];
  const servingTerminating: EndpointInfo[] = [];
  const seen = new Set<string>();
  for (const slice of endpointSlicesFor(state, sp.service)) {
    let port: number | undefined;
    for (const p of slice.ports) {
      if ((p.name ?? "") === portName && p.protocol === sp.protocol) port = p.port;
    }
    if (port === undefined) continue;
    for (const ep of slice.endpoints) {
      const { ready: isReady, serving, terminating } = ep.conditions;
      const list = isReady ? ready : serving && terminating ? servingTerminating : undefined;
      if (!list) continue;
      for (const ip of ep.addresses) {
        const text = `${ip}:${port}`;
        if (seen.has(text)) continue;
        seen.add(text);
        const info: EndpointInfo = {
          ip,
          port,
          text,
          nodeName: ep.nodeName,
          podKey: ep.targetRef ? `${ep.targetRef.namespace}/${ep.targetRef.name}` : undefined,
        };
        if (!isReady) info.terminating = true;
        list.push(info);
      }
    }
  }
  const byText = (a: EndpointInfo, b: EndpointInfo) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  ready.sort(byText);
  servingTerminating.sort(byText);
  return { ready, servingTerminating };
}

function serviceIndexOf(state: ClusterState): ServiceIndex {
  const services = state.services;
  const hit = serviceIndexes.get(services);
  const writes = writeCount(services);
  if (hit && hit.writes === writes) return hit.index;
  const index: ServiceIndex = { byClusterIP: new Map(), byLoadBalancerIP: new Map(), byNodePort: new Map(), byKey: new Map(), byHealthCheckNodePort: new Map() };
  for (const key in services) {
    const service = services[key];
    const spec = service.spec;
    if (spec.type === "ExternalName") continue;
    const clusterIP = spec.clusterIP && spec.clusterIP !== "None" ? spec.clusterIP : undefined;
    const infos: ServicePortInfo[] = [];
    for (const port of spec.ports ?? []) {
      const info: ServicePortInfo = {
        serviceKey: key,
        service,
        port,
        protocol: port.protocol ?? "TCP",
        servicePortName: servicePortNameOf(key, port.name),
      };
      infos.push(info);
      if (port.nodePort && (spec.type === "NodePort" || spec.type === "LoadBalancer")) {
        push(index.byNodePort, port.nodePort, info);
      }
    }
    index.byKey.set(key, infos);
    if (spec.healthCheckNodePort && spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local") index.byHealthCheckNodePort.set(spec.healthCheckNodePort, key);
    if (clusterIP) index.byClusterIP.set(clusterIP, infos);
    if (spec.type === "LoadBalancer") for (const ingress of service.status.loadBalancer.ingress ?? []) if (ingress.ip) index.byLoadBalancerIP.set(ingress.ip, infos);
  }
  serviceIndexes.set(services, { writes, index });
  return index;
}

function podIndexOf(state: ClusterState): PodIndex {
  const hit = podIndexes.get(state.pods);
  if (hit && hit.rv === state.resourceVersion) return hit.index;
  const index = new PodIndex(state.pods, podAddressIndex(state));
  podIndexes.set(state.pods, { rv: state.resourceVersion, index });
  return index;
}

function nodeIndexOf(nodes: Record<string, Node>): NodeIndex {
  const writes = writeCount(nodes);
  const cached = nodeIndexes.get(nodes);
  if (cached && cached.writes === writes) return cached.index;
  const index: NodeIndex = { byIP: new Map(), byName: new Map(), list: [] };
  for (const name in nodes) {
    const node = nodes[name];
    const ip = nodeInternalIP(node);
    if (!ip) continue;
    const podCIDR = node.spec.podCIDR ? parseCidr(node.spec.podCIDR) : undefined;
    const block = calicoBlockOf(node);
    // Calico has no bridge: pods hang off cali* veths, other nodes' blocks are routed over tunl0.
    const info: NodeInfo = block
      ? { name: node.metadata.name, ip, tunnelIP: node.metadata.annotations![CALICO_TUNNEL_ANNOTATION], calicoBlock: blockText(block) }
      : {
          name: node.metadata.name,
          ip,
          bridgeIP: podCIDR ? cidrAddress(podCIDR, 1) : undefined,
          tunnelIP: podCIDR ? cidrAddress(podCIDR, 0) : undefined,
        };
    index.byIP.set(ip, info);
    index.byName.set(info.name, info);
    index.list.push(info);
  }
  index.list.sort((a, b) => (a.name < b.name ? -1 : 1));
  nodeIndexes.set(nodes, { writes, index });
  return index;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const byState = new WeakMap<ClusterState, NetIndex>();

/** The index for a state; cheap to call per request (a WeakMap hit, or three when new). */
export function netIndex(state: ClusterState): NetIndex {
  let index = byState.get(state);
  if (!index || index.stale()) {
    index = new NetIndex(state);
    byState.set(state, index);
  }
  return index;
}
