// MetalLB in layer-2 mode, the bare-metal load balancer (metallb/metallb): its controller hands
// LoadBalancer Services an address from an IPAddressPool (controller/service.go convergeBalancer,
// internal/allocator), and on each Service one speaker, elected among the nodes that may announce
// it, answers ARP for that address (speaker/layer2_controller.go ShouldAnnounce). Both run only
// while their pods do: with metallb-system gone, LoadBalancer Services stay `<pending>` and an
// address already given is announced by no one.
import { sha256 } from "../net/sha256.ts";
import type { IPAddressPool, L2Advertisement } from "../kinds/metallb.ts";
import { podReady } from "./conditions.ts";
import { endpointSlicesFor } from "./endpoints.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { ipToNumber, numberToIp } from "./ipv4.ts";
import { podLabelIndex, writeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, Service } from "./types.ts";

export const METALLB_NAMESPACE = "metallb-system";
export const METALLB_VERSION = "v0.15.2";
/** The pool bootstrap installs: the top of the node network (192.168.56.0/24), clear of the nodes. */
export const DEFAULT_POOL = { name: "default-pool", addresses: ["192.168.56.200-192.168.56.250"] };

/** How long the controller takes to see a new Service and write its address (its informer and queue). */
export const ALLOCATION_DELAY_MS = 1000;

const ANNOTATION_POOL = "metallb.io/address-pool";
const DEPRECATED_ANNOTATION_POOL = "metallb.universe.tf/address-pool";
const ANNOTATION_IPS = "metallb.io/loadBalancerIPs";
const DEPRECATED_ANNOTATION_IPS = "metallb.universe.tf/loadBalancerIPs";
const ANNOTATION_FROM_POOL = "metallb.io/ip-allocated-from-pool";
const DEPRECATED_ANNOTATION_FROM_POOL = "metallb.universe.tf/ip-allocated-from-pool";

const CONTROLLER = { component: "metallb-controller" };
const SPEAKER = { component: "metallb-speaker" };

function genericObjects<T>(state: ClusterState, resource: string): T[] {
  const record = state.objects?.[resource];
  if (!record) return [];
  const out: T[] = [];
  for (const key of Object.keys(record).sort()) if (key.startsWith(`${METALLB_NAMESPACE}/`)) out.push(record[key] as unknown as T);
  return out;
}

/** The running pods of a MetalLB component (`controller`, `speaker`), by node. */
function runningComponent(state: ClusterState, component: string): Map<string, string> {
  const out = new Map<string, string>();
  const keys = podLabelIndex(state).podsWith(METALLB_NAMESPACE, "component", component);
  for (const key of keys) {
    const pod = state.pods[key];
    if (pod && !pod.metadata.deletionTimestamp && podReady(pod) && pod.spec.nodeName) out.set(pod.spec.nodeName, pod.metadata.name);
  }
  return out;
}

interface Range {
  first: number;
  last: number;
}

/** An IPAddressPool's `addresses`: CIDRs and `a-b` ranges (IPv4 here; others are skipped). */
function poolRanges(pool: IPAddressPool): Range[] {
  const out: Range[] = [];
  for (const text of pool.spec.addresses ?? []) {
    const dash = text.indexOf("-");
    if (dash >= 0) {
      const first = ipToNumber(text.slice(0, dash).trim());
      const last = ipToNumber(text.slice(dash + 1).trim());
      if (first !== undefined && last !== undefined && first <= last) out.push({ first, last });
      continue;
    }
    const [ip, bits] = text.split("/");
    const base = ipToNumber(ip);
    const n = Number(bits);
    if (base === undefined || !Number.isInteger(n) || n < 0 || n > 32) continue;
    const size = 2 ** (32 - n);
    const first = base - (base % size);
    out.push({ first, last: first + size - 1 });
  }
  return out;
}

/** allocator.go ipConfusesBuggyFirmwares: .0 and .255. */
const buggy = (n: number): boolean => n % 256 === 0 || n % 256 === 255;

function poolFor(pools: readonly IPAddressPool[], ip: string): IPAddressPool | undefined {
  const n = ipToNumber(ip);
  if (n === undefined) return undefined;
  for (const pool of pools) {
    if (pool.spec.avoidBuggyIPs && buggy(n)) continue;
    if (poolRanges(pool).some((r) => n >= r.first && n <= r.last)) return pool;
  }
  return undefined;
}

const annotation = (svc: Service, stable: string, deprecated: string): string => svc.metadata.annotations?.[stable] ?? svc.metadata.annotations?.[deprecated] ?? "";

const ingressIP = (svc: Service): string | undefined => svc.status.loadBalancer.ingress?.find((i) => i.ip)?.ip;

/** The addresses the controller has given, by address -> Service key. */
function addressesInUse(state: ClusterState): Map<string, string> {
  const used = new Map<string, string>();
  for (const key in state.services) {
    const svc = state.services[key];
    if (svc.spec.type !== "LoadBalancer") continue;
    const ip = ingressIP(svc);
    if (ip) used.set(ip, key);
  }
  return used;
}

type Allocation = { ok: true; ip: string; pool: string } | { ok: false; error: string };

/** controller/service.go allocateIPs with the allocator's Assign/AllocateFromPool/Allocate (no IP sharing). */
function allocate(key: string, svc: Service, pools: readonly IPAddressPool[], used: Map<string, string>): Allocation {
  const wantedIPs = annotation(svc, ANNOTATION_IPS, DEPRECATED_ANNOTATION_IPS);
  const wantedPool = annotation(svc, ANNOTATION_POOL, DEPRECATED_ANNOTATION_POOL);
  const specIP = svc.spec.loadBalancerIP ?? "";
  if (wantedIPs !== "" && specIP !== "") return { ok: false, error: `service can not have both ${ANNOTATION_IPS} and svc.Spec.LoadBalancerIP` };
  let desired: string[] = [];
  if (wantedIPs !== "") {
    desired = wantedIPs.split(",").map((s) => s.trim());
    if (desired.some((ip) => ipToNumber(ip) === undefined)) return { ok: false, error: `invalid ${ANNOTATION_IPS}: ${JSON.stringify(wantedIPs)}` };
  } else if (specIP !== "") {
    if (ipToNumber(specIP) === undefined) return { ok: false, error: `invalid spec.loadBalancerIP ${JSON.stringify(specIP)}` };
    desired = [specIP];
  }
  if (desired.length > 0) {
    // Single-stack IPv4: one address is all a Service can use.
    const ip = desired[0];
    const pool = poolFor(pools, ip);
    if (!pool) return { ok: false, error: `${JSON.stringify(ip)} is not allowed in config` };
    const owner = used.get(ip);
    if (owner && owner !== key) return { ok: false, error: `can't change sharing key for ${JSON.stringify(key)}, address also in use by ${owner}` };
    if (wantedPool !== "" && pool.metadata.name !== wantedPool) {
      return { ok: false, error: `requested loadBalancer IP(s) ${JSON.stringify(desired)} is not compatible with requested address pool ${wantedPool}` };
    }
    return { ok: true, ip, pool: pool.metadata.name };
  }
  const fromPool = (pool: IPAddressPool): string | undefined => {
    for (const r of poolRanges(pool)) {
      for (let n = r.first; n <= r.last; n++) {
        if (pool.spec.avoidBuggyIPs && buggy(n)) continue;
        const ip = numberToIp(n);
        if (!used.has(ip)) return ip;
      }
    }
    return undefined;
  };
  if (wantedPool !== "") {
    const pool = pools.find((p) => p.metadata.name === wantedPool);
    if (!pool) return { ok: false, error: `unknown pool ${JSON.stringify(wantedPool)}` };
    const ip = fromPool(pool);
    return ip ? { ok: true, ip, pool: pool.metadata.name } : { ok: false, error: `no available IPs in pool ${JSON.stringify(wantedPool)}` };
  }
  for (const pool of pools) {
    if (pool.spec.autoAssign === false) continue;
    const ip = fromPool(pool);
    if (ip) return { ok: true, ip, pool: pool.metadata.name };
  }
  return { ok: false, error: "no available IPs" };
}

/** What the controller has still to do for a Service, if anything. */
function needsWork(svc: Service): boolean {
  if (svc.spec.type !== "LoadBalancer") return ingressIP(svc) !== undefined || svc.metadata.annotations?.[ANNOTATION_FROM_POOL] !== undefined;
  const ip = ingressIP(svc);
  if (!ip) return true;
  const wanted = annotation(svc, ANNOTATION_IPS, DEPRECATED_ANNOTATION_IPS) || svc.spec.loadBalancerIP || "";
  return wanted !== "" && wanted.split(",")[0].trim() !== ip;
}

// The Services the controller has to look at, per services record and resourceVersion (a
// transaction writes its copy of the record in place, so the record alone is not enough).
const pendingCache = new WeakMap<Record<string, Service>, { rv: number; list: string[] }>();

function pendingServices(state: ClusterState): string[] {
  const hit = pendingCache.get(state.services);
  if (hit && hit.rv === state.resourceVersion) return hit.list;
  const list: string[] = [];
  for (const key in state.services) if (needsWork(state.services[key])) list.push(key);
  pendingCache.set(state.services, { rv: state.resourceVersion, list });
  return list;
}

/**
 * When the controller will next act on its own (a LoadBalancer Service created less than a moment
 * before the state's clock), if it will. Only times after the clock count: a Service whose moment
 * has passed was handled, or is waiting for a change (a pool, the controller's pod) that wakes
 * the controllers anyway.
 */
export function metallbDueAt(state: ClusterState): number | undefined {
  let at: number | undefined;
  for (const key of pendingServices(state)) {
    const svc = state.services[key];
    if (svc.spec.type !== "LoadBalancer") continue;
    const due = Date.parse(svc.metadata.creationTimestamp) + ALLOCATION_DELAY_MS;
    if (due > state.now && (at === undefined || due < at)) at = due;
  }
  return at;
}

// Failures already reported for a Service's current spec: the controller retries when something
// changes, and a retry that fails the same way adds to the same event (its count), as a real
// event recorder's dedup does. Keyed on the Service object, so an edit reports again.
const reported = new WeakMap<Service, string>();

/** The controller's pass over the Services it has work for. */
export function metallbController(tx: Tx, now: number): void {
  const state = tx.state;
  const pending = pendingServices(state);
  if (pending.length === 0) return;
  const running = runningComponent(state, "controller").size > 0;
  const pools = genericObjects<IPAddressPool>(state, "ipaddresspools");
  let used: Map<string, string> | undefined;
  for (const key of pending) {
    const svc = tx.state.services[key];
    if (!svc) continue;
    if (svc.spec.type !== "LoadBalancer") {
      if (!running) continue;
      const annotations = { ...svc.metadata.annotations };
      delete annotations[ANNOTATION_FROM_POOL];
      delete annotations[DEPRECATED_ANNOTATION_FROM_POOL];
      writeObject(tx, "services", key, { ...svc, metadata: { ...svc.metadata, annotations }, status: { loadBalancer: {} } });
      continue;
    }
    if (!running || pools.length === 0) continue;
    if (now < Date.parse(svc.metadata.creationTimestamp) + ALLOCATION_DELAY_MS) continue;
    used ??= addressesInUse(tx.state);
    const had = ingressIP(svc);
    if (had) used.delete(had);
    const result = allocate(key, svc, pools, used);
    if (!result.ok) {
      // clearServiceState: an address the Service no longer wants is given back first.
      let current = svc;
      if (had) {
        const annotations = { ...svc.metadata.annotations };
        delete annotations[ANNOTATION_FROM_POOL];
        delete annotations[DEPRECATED_ANNOTATION_FROM_POOL];
        current = writeObject(tx, "services", key, { ...svc, metadata: { ...svc.metadata, annotations }, status: { loadBalancer: {} } });
      }
      if (reported.get(svc) === result.error) continue;
      reported.set(current, result.error);
      recordEvent(tx, involvedObject(current), "Warning", "AllocationFailed", `Failed to allocate IP for ${JSON.stringify(key)}: ${result.error}`, CONTROLLER, now);
      continue;
    }
    used.set(result.ip, key);
    const annotations: Record<string, string> = { ...svc.metadata.annotations, [ANNOTATION_FROM_POOL]: result.pool };
    delete annotations[DEPRECATED_ANNOTATION_FROM_POOL];
    // ipMode VIP: what the API server defaults an ingress IP's ipMode to since 1.30 (LoadBalancerIPMode).
    const written = writeObject(tx, "services", key, { ...svc, metadata: { ...svc.metadata, annotations }, status: { loadBalancer: { ingress: [{ ip: result.ip, ipMode: "VIP" }] } } });
    recordEvent(tx, involvedObject(written), "Normal", "IPAllocated", `Assigned IP ${JSON.stringify([result.ip])}`, CONTROLLER, now);
  }
}

/** The L2Advertisements that announce a pool (by name or by selector; none named means all pools). */
function advertises(adv: L2Advertisement, pool: IPAddressPool): boolean {
  const spec = adv.spec ?? {};
  const names = spec.ipAddressPools ?? [];
  const selectors = spec.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return true;
  if (names.includes(pool.metadata.name)) return true;
  return selectors.some((s) => {
    const match = (s as { matchLabels?: Record<string, string> }).matchLabels ?? {};
    return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => pool.metadata.labels?.[k] === v);
  });
}

function hashOrder(node: string, ip: string): Uint8Array {
  return sha256(`${node}#${ip}`);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * The node whose speaker answers ARP for a LoadBalancer Service's address, or undefined when none
 * does: ShouldAnnounce's election among the nodes with a running speaker (not excluded from load
 * balancers, network up, matched by an L2Advertisement of the address' pool; with
 * externalTrafficPolicy Local only those with a ready endpoint), ordered by sha256(node#ip).
 */
export function announcingNode(state: ClusterState, svc: Service): string | undefined {
  if (svc.spec.type !== "LoadBalancer") return undefined;
  const ip = ingressIP(svc);
  if (!ip) return undefined;
  const pools = genericObjects<IPAddressPool>(state, "ipaddresspools");
  const pool = poolFor(pools, ip);
  if (!pool) return undefined;
  const advertisements = genericObjects<L2Advertisement>(state, "l2advertisements").filter((a) => advertises(a, pool));
  if (advertisements.length === 0) return undefined;
  const withEndpoint = new Set<string>();
  for (const slice of endpointSlicesFor(state, svc)) {
    for (const ep of slice.endpoints) if (ep.conditions.ready && ep.nodeName) withEndpoint.add(ep.nodeName);
  }
  if (withEndpoint.size === 0) return undefined;
  const local = svc.spec.externalTrafficPolicy === "Local";
  const candidates: string[] = [];
  for (const node of runningComponent(state, "speaker").keys()) {
    const n = state.nodes[node];
    if (!n) continue;
    if (n.metadata.labels?.["node.kubernetes.io/exclude-from-external-load-balancers"] !== undefined) continue;
    if (n.status.conditions.some((c) => c.type === "NetworkUnavailable" && c.status === "True")) continue;
    if (local && !withEndpoint.has(node)) continue;
    candidates.push(node);
  }
  if (candidates.length === 0) return undefined;
  let best = candidates[0];
  let bestHash = hashOrder(best, ip);
  for (const node of candidates.slice(1)) {
    const h = hashOrder(node, ip);
    if (compareBytes(h, bestHash) < 0) {
      best = node;
      bestHash = h;
    }
  }
  return best;
}

// The LoadBalancer Services that have an address, the ones the speakers look at.
const announcedCache = new WeakMap<Record<string, Service>, { rv: number; list: string[] }>();

function announcedServices(state: ClusterState): string[] {
  const hit = announcedCache.get(state.services);
  if (hit && hit.rv === state.resourceVersion) return hit.list;
  const list: string[] = [];
  for (const key in state.services) {
    const svc = state.services[key];
    if (svc.spec.type === "LoadBalancer" && ingressIP(svc)) list.push(key);
  }
  announcedCache.set(state.services, { rv: state.resourceVersion, list });
  return list;
}

/** The speakers' pass: a `nodeAssigned` event on each Service whose announcing node changed. */
export function metallbSpeakers(tx: Tx, now: number): void {
  const state = tx.state;
  const keys = announcedServices(state);
  const announced = state.loadBalancerAnnouncements ?? {};
  for (const key in announced) if (!keys.includes(key)) delete tx.write("loadBalancerAnnouncements")[key];
  for (const key of keys) {
    const svc = state.services[key];
    const node = announcingNode(state, svc);
    const before = announced[key];
    if (node === before?.node && before?.uid === svc.metadata.uid) continue;
    if (node === undefined) {
      if (before) delete tx.write("loadBalancerAnnouncements")[key];
      continue;
    }
    tx.write("loadBalancerAnnouncements")[key] = { node, uid: svc.metadata.uid };
    recordEvent(tx, involvedObject(svc), "Normal", "nodeAssigned", `announcing from node ${JSON.stringify(node)} with protocol "layer2"`, SPEAKER, now);
  }
}
