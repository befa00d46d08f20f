// ip (iproute2 on the Ubuntu machines, busybox's applet in busybox/alpine images) and busybox's
// ifconfig: the interfaces and routes of a place, derived from the cluster. They show what the
// lecture says: a pod's eth0 holds its IP from the node's /24; the node has cni0 (the bridge, .1)
// and flannel.1 (the tunnel, .0) and routes other nodes' pod subnets over flannel.1; the
// workstation has a route to the node network only, so pod and service IPs go nowhere from there.

import { numberToIp, parseCidr } from "../../cluster/ipv4.ts";
import type { ClusterState, Pod } from "../../cluster/types.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { netIndex } from "../index.ts";
import { sha1Hex } from "../sha1.ts";
import { CALICO_IPIP_MTU } from "../../cluster/calico-ipam.ts";
import type { Place } from "../places.ts";
import { currentPlace, usesBusybox } from "./where.ts";
import { ipvsDummyAddresses, nodeProxier } from "../ipvs.ts";

interface Interface {
  index: number;
  name: string;
  /** `eth0@if7`: the peer's index, for veth pairs. */
  peer?: number;
  mtu: number;
  mac: string;
  /** Address with prefix length, and broadcast; none for a bare veth. */
  inet?: { address: string; prefix: number; broadcast?: string; scope: "host" | "global" };
  /** Further addresses after `inet` (kube-ipvs0 carries one /32 per Service address). */
  moreInet?: ReadonlyArray<{ address: string; prefix: number; scope: "global" }>;
  kind: "loopback" | "ether" | "vxlan" | "bridge" | "veth" | "ipip" | "dummy";
  /** The bridge a veth is enslaved to (flannel's cni0); Calico's cali* veths have none. */
  master?: string;
}

interface Route {
  /** Destination; `default` for 0.0.0.0/0. */
  to: string;
  via?: string;
  dev: string;
  /** Connected routes: kernel-made, link scope, with the source address. */
  src?: string;
  onlink?: boolean;
  /** Calico: its local block is a blackhole route, and bird programs the routes to other blocks. */
  type?: "blackhole";
  proto?: "bird";
  /** A link-scope route without a source address (Calico's /32 per pod, the pod's gateway). */
  scopeLink?: boolean;
}

const FLANNEL_MTU = 1450;

/** A stable MAC from a seed string (a pod's uid, a node's name): locally administered, unicast. */
function macOf(seed: string): string {
  let h = 2166136261;
  const bytes: number[] = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ round, 16777619) >>> 0;
    bytes.push(h & 0xff);
  }
  bytes[0] = (bytes[0] & 0xfc) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The last address of the block `address/prefix`. */
function broadcastOf(address: string, prefix: number): string {
  const cidr = parseCidr(`${address}/${prefix}`);
  return cidr ? numberToIp(cidr.base + cidr.size - 1) : address;
}

/** `255.255.255.0` for 24. */
function netmaskOf(prefix: number): string {
  return numberToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

const LOOPBACK: Interface = { index: 1, name: "lo", mtu: 65536, mac: "00:00:00:00:00:00", inet: { address: "127.0.0.1", prefix: 8, scope: "host" }, kind: "loopback" };

/** Pods on a node in the order the kubelet set up their sandboxes (creation), for veth indexes. */
function podsOn(state: ClusterState, node: string): Pod[] {
  const pods: Pod[] = [];
  for (const pod of Object.values(state.pods)) {
    if (pod.spec.nodeName === node && pod.status.podIP && !pod.spec.hostNetwork) pods.push(pod);
  }
  return pods.sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The node's interfaces: lo, eth0 on the node network, flannel.1, cni0 and one veth per pod. */
function nodeNetwork(state: ClusterState, node: string): { interfaces: Interface[]; routes: Route[] } {
  const index = netIndex(state);
  const info = index.nodeByName(node);
  const interfaces: Interface[] = [LOOPBACK];
  const routes: Route[] = [];
  if (!info) return { interfaces, routes };
  interfaces.push({ index: 2, name: "eth0", mtu: 1500, mac: macOf(`eth0/${node}`), inet: { address: info.ip, prefix: 24, broadcast: broadcastOf(info.ip, 24), scope: "global" }, kind: "ether" });
  if (info.calicoBlock) return calicoNodeNetwork(state, node, interfaces);
  // flannel.1's MAC is the VTEP address flannel publishes in the node's annotation.
  const backend = state.nodes[node]?.metadata.annotations?.["flannel.alpha.coreos.com/backend-data"];
  const vtep = backend ? /"VtepMAC":"([0-9a-f:]{17})"/.exec(backend)?.[1] : undefined;
  if (info.tunnelIP) interfaces.push({ index: 3, name: "flannel.1", mtu: FLANNEL_MTU, mac: vtep ?? macOf(`flannel/${node}`), inet: { address: info.tunnelIP, prefix: 32, scope: "global" }, kind: "vxlan" });
  if (info.bridgeIP) interfaces.push({ index: 4, name: "cni0", mtu: FLANNEL_MTU, mac: macOf(`cni0/${node}`), inet: { address: info.bridgeIP, prefix: 24, broadcast: broadcastOf(info.bridgeIP, 24), scope: "global" }, kind: "bridge" });
  podsOn(state, node).forEach((pod, i) => {
    interfaces.push({ index: 5 + i, name: `veth${macOf(pod.metadata.uid).replace(/:/g, "").slice(0, 8)}`, peer: 2, mtu: FLANNEL_MTU, mac: macOf(`veth/${pod.metadata.uid}`), kind: "veth", master: "cni0" });
  });
  routes.push({ to: "default", via: "192.168.56.1", dev: "eth0" });
  const subnets: Array<{ node: string; cidr: string; tunnel?: string }> = [];
  for (const other of Object.values(state.nodes)) {
    if (other.spec.podCIDR) subnets.push({ node: other.metadata.name, cidr: other.spec.podCIDR, tunnel: index.nodeByName(other.metadata.name)?.tunnelIP });
  }
  subnets.sort((a, b) => compareCidr(a.cidr, b.cidr));
  for (const subnet of subnets) {
    if (subnet.node === node) {
      if (info.bridgeIP) routes.push({ to: subnet.cidr, dev: "cni0", src: info.bridgeIP });
    } else if (subnet.tunnel) routes.push({ to: subnet.cidr, via: subnet.tunnel, dev: "flannel.1", onlink: true });
  }
  routes.push({ to: "192.168.56.0/24", dev: "eth0", src: info.ip });
  return { interfaces, routes };
}

/**
 * A Calico node (IPIP Always): tunl0 with the first address of the node's block, one cali* veth
 * per pod (the CNI plugin's name, "cali" + sha1("namespace.pod")[:11], and the fixed MAC
 * ee:ee:ee:ee:ee:ee Calico gives every host-side veth); routes: the own block as a blackhole,
 * a /32 per local pod over its veth, and every other node's block via that node over tunl0, as
 * BIRD programs them.
 */
function calicoNodeNetwork(state: ClusterState, node: string, interfaces: Interface[]): { interfaces: Interface[]; routes: Route[] } {
  const index = netIndex(state);
  const info = index.nodeByName(node)!;
  interfaces.push({ index: 3, name: "tunl0", mtu: CALICO_IPIP_MTU, mac: "0.0.0.0", inet: { address: info.tunnelIP!, prefix: 32, scope: "global" }, kind: "ipip" });
  const local: Route[] = [];
  podsOn(state, node).forEach((pod, i) => {
    const name = calicoVethName(pod);
    interfaces.push({ index: 4 + i, name, peer: 2, mtu: CALICO_IPIP_MTU, mac: "ee:ee:ee:ee:ee:ee", kind: "veth" });
    local.push({ to: pod.status.podIP!, dev: name, scopeLink: true });
  });
  const routes: Route[] = [{ to: "default", via: "192.168.56.1", dev: "eth0" }];
  const pod: Route[] = [{ to: info.calicoBlock!, dev: "", type: "blackhole", proto: "bird" }, ...local];
  for (const other of index.nodeList) {
    if (other.name !== node && other.calicoBlock) pod.push({ to: other.calicoBlock, via: other.ip, dev: "tunl0", proto: "bird", onlink: true });
  }
  pod.sort((a, b) => compareCidr(a.to.includes("/") ? a.to : `${a.to}/32`, b.to.includes("/") ? b.to : `${b.to}/32`));
  routes.push(...pod, { to: "192.168.56.0/24", dev: "eth0", src: info.ip });
  return { interfaces, routes };
}

function calicoVethName(pod: Pod): string {
  return `cali${sha1Hex(`${pod.metadata.namespace}.${pod.metadata.name}`).slice(0, 11)}`;
}

function compareCidr(a: string, b: string): number {
  return (parseCidr(a)?.base ?? 0) - (parseCidr(b)?.base ?? 0);
}

/** A pod's own view: lo and eth0, paired with its veth on the node, and routes via cni0. */
function podNetwork(state: ClusterState, place: Extract<Place, { kind: "pod" }>): { interfaces: Interface[]; routes: Route[] } {
  const pod = state.pods[place.key];
  const veth = pod ? podsOn(state, place.nodeName).findIndex((p) => p.metadata.uid === pod.metadata.uid) : -1;
  const nodeInfo = netIndex(state).nodeByName(place.nodeName);
  if (nodeInfo?.calicoBlock) {
    // Calico: a /32 on eth0 and a default route via the link-local gateway 169.254.1.1, which
    // the host side answers by proxy ARP.
    return {
      interfaces: [LOOPBACK, { index: 2, name: "eth0", peer: veth >= 0 ? 4 + veth : undefined, mtu: CALICO_IPIP_MTU, mac: macOf(pod?.metadata.uid ?? place.key), inet: { address: place.ip, prefix: 32, scope: "global" }, kind: "ether" }],
      routes: [
        { to: "default", via: "169.254.1.1", dev: "eth0" },
        { to: "169.254.1.1", dev: "eth0", scopeLink: true },
      ],
    };
  }
  const bridge = nodeInfo?.bridgeIP;
  const interfaces: Interface[] = [
    LOOPBACK,
    { index: 2, name: "eth0", peer: veth >= 0 ? 5 + veth : undefined, mtu: FLANNEL_MTU, mac: macOf(pod?.metadata.uid ?? place.key), inet: { address: place.ip, prefix: 24, broadcast: broadcastOf(place.ip, 24), scope: "global" }, kind: "ether" },
  ];
  const routes: Route[] = bridge
    ? [
        { to: "default", via: bridge, dev: "eth0" },
        { to: state.config.podCIDR, via: bridge, dev: "eth0" },
        { to: state.nodes[place.nodeName]?.spec.podCIDR ?? `${place.ip}/24`, dev: "eth0", src: place.ip },
      ]
    : [];
  return { interfaces, routes };
}

function networkOf(ctx: ProgramContext, place: Place): { interfaces: Interface[]; routes: Route[] } {
  const state = ctx.tx.state;
  if (place.kind === "pod") return place.hostNetwork ? withIpvsDummy(state, place.nodeName, nodeNetwork(state, place.nodeName)) : podNetwork(state, place);
  if (place.kind === "node") return withIpvsDummy(state, place.name, nodeNetwork(state, place.name));
  // The workstation: one interface on the node network, and no route to pod or service ranges.
  return {
    interfaces: [LOOPBACK, { index: 2, name: "eth0", mtu: 1500, mac: macOf("eth0/workstation"), inet: { address: place.ip, prefix: 24, broadcast: broadcastOf(place.ip, 24), scope: "global" }, kind: "ether" }],
    routes: [{ to: "192.168.56.0/24", dev: "eth0", src: place.ip }],
  };
}

/**
 * kube-proxy in ipvs mode: the dummy interface kube-ipvs0 (never brought up: state DOWN, so no
 * IPv6 link-local address) with every ClusterIP, external IP and load-balancer address bound as a
 * /32, so the node accepts packets for them and IPVS sees them. Listed last, as it was created
 * when kube-proxy started.
 */
function withIpvsDummy(state: ClusterState, node: string, network: { interfaces: Interface[]; routes: Route[] }): { interfaces: Interface[]; routes: Route[] } {
  const index = netIndex(state);
  if (nodeProxier(index, node).mode !== "ipvs") return network;
  const addresses = ipvsDummyAddresses(index, node).map((address) => ({ address, prefix: 32, scope: "global" as const }));
  const last = network.interfaces.reduce((n, i) => Math.max(n, i.index), 0);
  const dummy: Interface = { index: last + 1, name: "kube-ipvs0", mtu: 1500, mac: macOf(`kube-ipvs0/${node}`), kind: "dummy", ...(addresses.length ? { inet: addresses[0], moreInet: addresses.slice(1) } : {}) };
  return { interfaces: [...network.interfaces, dummy], routes: network.routes };
}

function flags(i: Interface, busybox: boolean): string {
  if (i.kind === "loopback") return "<LOOPBACK,UP,LOWER_UP>";
  if (i.kind === "dummy") return "<BROADCAST,NOARP>";
  if (i.kind === "ipip") return "<NOARP,UP,LOWER_UP>";
  // busybox shows the carrier flag of a veth whose peer lives in another namespace.
  return busybox && i.peer !== undefined ? "<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN>" : "<BROADCAST,MULTICAST,UP,LOWER_UP>";
}

/** The IPv6 link-local address the kernel derives from a MAC (EUI-64). */
function linkLocal(mac: string): string {
  const b = mac.split(":").map((x) => parseInt(x, 16));
  b[0] ^= 0x02;
  const words = [(b[0] << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]];
  return `fe80::${words.map((w) => w.toString(16)).join(":")}`;
}

/** The first line of an interface: index, name, flags, mtu, queueing, state (iproute2 only). */
function headLine(i: Interface, busybox: boolean, link: boolean): string {
  const name = i.peer !== undefined ? `${i.name}@if${i.peer}` : i.kind === "ipip" ? `${i.name}@NONE` : i.name;
  const qdisc = i.kind === "dummy" ? "noop" : i.kind === "ether" && i.peer === undefined ? "fq_codel" : "noqueue";
  const qlen = i.kind === "loopback" || i.kind === "bridge" || i.kind === "ipip" || i.kind === "dummy" || qdisc === "fq_codel" ? " qlen 1000" : "";
  if (busybox) return `${i.index}: ${name}: ${flags(i, true)} mtu ${i.mtu} qdisc ${qdisc}${qlen || " "}\n`;
  const master = i.master ? ` master ${i.master}` : "";
  const state = i.kind === "dummy" ? "DOWN" : i.kind === "loopback" || i.kind === "vxlan" || i.kind === "ipip" ? "UNKNOWN" : "UP";
  return `${i.index}: ${name}: ${flags(i, false)} mtu ${i.mtu} qdisc ${qdisc}${master} state ${state}${link ? " mode DEFAULT" : ""} group default${qlen}\n`;
}

function linkLine(i: Interface, busybox: boolean): string {
  if (i.kind === "ipip") return "    link/ipip 0.0.0.0 brd 0.0.0.0\n";
  const brd = i.kind === "loopback" ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff";
  const netns = busybox || i.peer === undefined ? "" : i.kind === "veth" ? ` link-netns cni-${macOf(i.name).replace(/:/g, "")}` : " link-netnsid 0";
  return `    link/${i.kind === "loopback" ? "loopback" : "ether"} ${i.mac} brd ${brd}${netns}\n`;
}

function addrText(interfaces: Interface[], busybox: boolean, only?: string): string {
  let out = "";
  for (const i of interfaces) {
    if (only && i.name !== only) continue;
    out += headLine(i, busybox, false) + linkLine(i, busybox);
    if (i.inet) {
      const brdPart = i.inet.broadcast ? ` brd ${i.inet.broadcast}` : "";
      out += `    inet ${i.inet.address}/${i.inet.prefix}${brdPart} scope ${i.inet.scope} ${i.name}\n       valid_lft forever preferred_lft forever\n`;
      for (const more of i.moreInet ?? []) out += `    inet ${more.address}/${more.prefix} scope ${more.scope} ${i.name}\n       valid_lft forever preferred_lft forever\n`;
    }
    // A dummy interface that was never brought up has no IPv6 link-local address.
    if (i.kind === "dummy") continue;
    // Every interface but the tunnel has an IPv6 address: ::1 on lo, a link-local one elsewhere.
    if (i.kind === "loopback") out += "    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n";
    else if (i.kind !== "vxlan" && i.kind !== "ipip") out += `    inet6 ${linkLocal(i.mac)}/64 scope link \n       valid_lft forever preferred_lft forever\n`;
  }
  return out;
}

function linkText(interfaces: Interface[], busybox: boolean): string {
  return interfaces.map((i) => headLine(i, busybox, true) + linkLine(i, busybox)).join("");
}

function routeText(routes: Route[], busybox: boolean): string {
  return routes
    .map((r) => {
      if (r.type === "blackhole") return `blackhole ${r.to}${r.proto ? ` proto ${r.proto}` : ""} \n`;
      if (r.scopeLink) return `${r.to} dev ${r.dev} scope link \n`;
      if (r.src) return busybox ? `${r.to} dev ${r.dev} scope link  src ${r.src} \n` : `${r.to} dev ${r.dev} proto kernel scope link src ${r.src} \n`;
      return `${r.to} via ${r.via} dev ${r.dev}${r.proto ? ` proto ${r.proto}` : ""}${r.onlink ? " onlink" : ""} \n`;
    })
    .join("");
}

const IP_USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { address | link | route | neigh | netns | ... }
       OPTIONS := { -4 | -6 | -br[ief] | -c[olor] | -s[tatistics] | ... }
`;

export function ip(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const args = ctx.argv.slice(1).filter((a) => a !== "-4");
  const busybox = usesBusybox(ctx, place);
  const { interfaces, routes } = networkOf(ctx, place);
  const object = args[0];
  if (object === undefined || object === "help") {
    ctx.err(IP_USAGE);
    return object === undefined ? 255 : 0;
  }
  const command = args[1] ?? "show";
  if (["a", "ad", "add", "addr", "addre", "addres", "address"].includes(object) && object !== "add") {
    if (!["show", "list", "ls", "s", "sh"].includes(command)) return unsupported(ctx, busybox);
    const dev = args[2] === "dev" ? args[3] : args[2];
    if (dev && !interfaces.some((i) => i.name === dev)) {
      ctx.err(busybox ? `ip: can't find device '${dev}'\n` : `Device "${dev}" does not exist.\n`);
      return 1;
    }
    ctx.out(addrText(interfaces, busybox, dev));
    return 0;
  }
  if (["r", "ro", "rou", "rout", "route"].includes(object)) {
    if (!["show", "list", "ls", "s", "sh"].includes(command)) return unsupported(ctx, busybox);
    ctx.out(routeText(routes, busybox));
    return 0;
  }
  if (["l", "li", "lin", "link"].includes(object)) {
    if (!["show", "list", "ls", "s", "sh"].includes(command)) return unsupported(ctx, busybox);
    ctx.out(linkText(interfaces, busybox));
    return 0;
  }
  ctx.err(busybox ? `ip: unknown command '${object}'\n` : `Object "${object}" is unknown, try "ip help".\n`);
  return busybox ? 1 : 255;
}

function unsupported(ctx: ProgramContext, busybox: boolean): number {
  // Changing interfaces needs privileges the learner's shell does not have.
  ctx.err(busybox ? "ip: RTNETLINK answers: Operation not permitted\n" : "RTNETLINK answers: Operation not permitted\n");
  return busybox ? 1 : 2;
}

/** busybox ifconfig: the interfaces that are up, eth0 before lo, in its fixed-width layout. */
export function ifconfig(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const { interfaces } = networkOf(ctx, place);
  const wanted = ctx.argv[1];
  const shown = interfaces.filter((i) => (wanted ? i.name === wanted : true)).sort((a, b) => (a.kind === "loopback" ? 1 : b.kind === "loopback" ? -1 : a.index - b.index));
  if (wanted && shown.length === 0) {
    ctx.err(`ifconfig: ${wanted}: error fetching interface information: Device not found\n`);
    return 1;
  }
  const blocks = shown.map((i) => {
    const head = i.kind === "loopback" ? "Link encap:Local Loopback  " : `Link encap:Ethernet  HWaddr ${i.mac.toUpperCase()}  `;
    let text = `${i.name.padEnd(10)}${head}\n`;
    if (i.inet) {
      const mask = netmaskOf(i.inet.prefix);
      text += `          inet addr:${i.inet.address}${i.inet.broadcast ? `  Bcast:${i.inet.broadcast}` : ""}  Mask:${mask}\n`;
    }
    text += i.kind === "loopback" ? "          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n" : `          UP BROADCAST RUNNING MULTICAST  MTU:${i.mtu}  Metric:1\n`;
    text += "          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n";
    text += `          collisions:0 txqueuelen:${i.kind === "loopback" ? 1000 : 0} \n          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n`;
    return text;
  });
  ctx.out(blocks.join("\n") + "\n");
  return 0;
}

/** `hostname -I`: every address but loopback and link-local ones, each followed by a space. */
export function allAddresses(ctx: ProgramContext, place: Place): string {
  const { interfaces } = networkOf(ctx, place);
  return interfaces.filter((i) => i.kind !== "loopback" && i.inet).map((i) => `${i.inet!.address} `).join("");
}
