// The endpoints controller as a derived view: EndpointSlices and Endpoints are computed from
// Services and Pods when read, never stored (Endpoints only when asked for, from the slices).
// Three caches keep that cheap:
// - the store's label index of the pods (namespace -> "key=value" -> pod keys), kept up to date
//   by every pod write, so a selector finds its pods without scanning the cluster;
// - a memo per Service object holding the pods it matched and the slices built from them, so a
//   Service whose pods did not change returns the very same slices (and objects) as before;
// - the full map for allEndpointSlices, per (services record, pods record, resourceVersion).
import { NAME_ALPHABET, derivedUid, fnv32a } from "./ids.ts";
import { ipToNumber } from "./ipv4.ts";
import { type PodKeys, keyCount } from "./label-index.ts";
import { podLabelIndex } from "./store.ts";
import type { ClusterState, EndpointSlice, Endpoints, Pod, Service, ServicePort } from "./types.ts";
import { nodeInternalIP, podReady as isReady } from "./conditions.ts";

type Protocol = "TCP" | "UDP" | "SCTP";

/** Pods a Service selects, in the order the label index holds them (creation order). */
function selectedPods(state: ClusterState, service: Service): Pod[] {
  const selector = service.spec.selector;
  if (!selector) return [];
  const keys = Object.keys(selector);
  if (keys.length === 0) return [];
  const index = podLabelIndex(state);
  const ns = service.metadata.namespace ?? "default";
  let smallest: PodKeys | undefined;
  let smallestCount = 0;
  for (const k of keys) {
    const set = index.podsWith(ns, k, selector[k]);
    const count = keyCount(set);
    if (count === 0) return [];
    if (!smallest || count < smallestCount) {
      smallest = set;
      smallestCount = count;
    }
  }
  // Sized up front: the memo keeps this list, and a pushed-to array keeps spare capacity.
  const pods: Pod[] = new Array(smallestCount);
  const all = state.pods;
  let n = 0;
  for (const key of smallest!) {
    const pod = all[key];
    if (keys.length === 1 || keys.every((k) => pod.metadata.labels![k] === selector[k])) pods[n++] = pod;
  }
  pods.length = n;
  return pods;
}


/** The port a pod serves a Service port on, or undefined when a named targetPort is missing. */
function resolvePort(pod: Pod, port: ServicePort): number | undefined {
  if (typeof port.targetPort === "number") return port.targetPort;
  for (const c of pod.spec.containers) {
    for (const cp of c.ports ?? []) if (cp.name === port.targetPort && (cp.protocol ?? "TCP") === port.protocol) return cp.containerPort;
  }
  return undefined;
}

/** Five characters of the name alphabet derived from `seed` (an EndpointSlice's generated suffix). */
export function endpointSliceSuffix(seed: string): string {
  let h = fnv32a(seed);
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += NAME_ALPHABET[h % NAME_ALPHABET.length];
    // `^` yields a signed 32-bit number; `>>> 0` keeps it unsigned so the index never goes negative.
    h = (Math.floor(h / NAME_ALPHABET.length) ^ fnv32a(`${seed}/${i}`)) >>> 0;
  }
  return out;
}

// Endpoint conditions take few values: one frozen object per combination, not one per endpoint.
const CONDITIONS = new Map<number, EndpointSlice["endpoints"][number]["conditions"]>();
function conditionsOf(ready: boolean, serving: boolean, terminating: boolean): EndpointSlice["endpoints"][number]["conditions"] {
  const key = (ready ? 1 : 0) + (serving ? 2 : 0) + (terminating ? 4 : 0);
  let c = CONDITIONS.get(key);
  if (!c) CONDITIONS.set(key, (c = Object.freeze({ ready, serving, terminating })));
  return c;
}

interface Derived {
  pods: Pod[];
  slices: EndpointSlice[];
  /** Built on first request (selector Services), from the slices. */
  endpoints?: Endpoints;
}

const memo = new WeakMap<Service, Derived>();

type SlicePort = { name: string; port: number; protocol: Protocol };

// Most Services' slices list the same ports (80/TCP): one frozen list per distinct list, so ten
// thousand Services do not keep ten thousand equal copies. The key names every field of every
// port (port names are DNS labels: no ":" or ","), so equal keys are equal lists.
const MAX_SHARED_PORTS = 1024;
const sharedPorts = new Map<string, SlicePort[]>();
function slicePorts(key: string, ports: SlicePort[]): SlicePort[] {
  let list = sharedPorts.get(key);
  if (!list) {
    if (sharedPorts.size >= MAX_SHARED_PORTS) sharedPorts.clear();
    list = Object.freeze(ports.map((p) => Object.freeze(p))) as SlicePort[];
    sharedPorts.set(key, list);
  }
  return list;
}

function sameList(a: readonly Pod[], b: readonly Pod[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function ipOrder(a: string, b: string): number {
  return (ipToNumber(a) ?? 0) - (ipToNumber(b) ?? 0);
}

function sliceMeta(service: Service, name: string, managed: boolean): EndpointSlice["metadata"] {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (managed) labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
  labels["kubernetes.io/service-name"] = service.metadata.name;
  const namespace = service.metadata.namespace;
  const uid = derivedUid(`${service.metadata.uid}/${name}`);
  const { resourceVersion, creationTimestamp } = service.metadata;
  if (!managed) return { name, namespace, uid, resourceVersion, creationTimestamp, labels };
  // One literal with every key: keys added later would go to a property array (~40 B a slice).
  const ownerReferences = [{ apiVersion: "v1", kind: "Service", name: service.metadata.name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }];
  return { name, namespace, uid, resourceVersion, creationTimestamp, labels, generateName: `${service.metadata.name}-`, ownerReferences };
}

/** The API server's own address behind the `kubernetes` Service (control-plane InternalIPs). */
function apiServerAddresses(state: ClusterState): string[] {
  const ips: string[] = [];
  for (const n of Object.values(state.nodes)) {
    if (n.metadata.labels?.["node-role.kubernetes.io/control-plane"] === undefined) continue;
    const ip = nodeInternalIP(n);
    if (ip) ips.push(ip);
  }
  return ips.sort(ipOrder);
}

function endpointsShell(service: Service): Endpoints {
  const ns = service.metadata.namespace ?? "default";
  const endpointsMeta: Endpoints["metadata"] = {
    name: service.metadata.name,
    namespace: ns,
    uid: derivedUid(`${service.metadata.uid}/endpoints`),
    resourceVersion: service.metadata.resourceVersion,
    creationTimestamp: service.metadata.creationTimestamp,
  };
  if (service.metadata.labels) endpointsMeta.labels = { ...service.metadata.labels };
  return { apiVersion: "v1", kind: "Endpoints", metadata: endpointsMeta };
}

/**
 * The v1 Endpoints of a selector Service, read off its slices (built only when asked for: few
 * commands print them): ready and not-ready addresses per slice, terminating pods left out.
 */
function endpointsFromSlices(service: Service, slices: readonly EndpointSlice[]): Endpoints {
  const endpoints = endpointsShell(service);
  const subsets: NonNullable<Endpoints["subsets"]> = [];
  for (const slice of slices) {
    const ready: NonNullable<NonNullable<Endpoints["subsets"]>[number]["addresses"]> = [];
    const notReady: typeof ready = [];
    for (const ep of slice.endpoints) {
      if (ep.conditions.terminating) continue;
      const a: (typeof ready)[number] = ep.hostname ? { ip: ep.addresses[0], hostname: ep.hostname, targetRef: ep.targetRef } : { ip: ep.addresses[0], targetRef: ep.targetRef };
      if (ep.nodeName) a.nodeName = ep.nodeName;
      (ep.conditions.ready ? ready : notReady).push(a);
    }
    if (ready.length || notReady.length) {
      const subset: NonNullable<Endpoints["subsets"]>[number] = {};
      if (ready.length) subset.addresses = ready;
      if (notReady.length) subset.notReadyAddresses = notReady;
      subset.ports = slice.ports.map((p) => (p.name ? { name: p.name, port: p.port, protocol: p.protocol } : { port: p.port, protocol: p.protocol }));
      subsets.push(subset);
    }
  }
  if (subsets.length) endpoints.subsets = subsets;
  return endpoints;
}

function derive(state: ClusterState, service: Service, pods: Pod[]): Derived {
  const ns = service.metadata.namespace ?? "default";
  if (!service.spec.selector) {
    const endpoints = endpointsShell(service);
    if (!(ns === "default" && service.metadata.name === "kubernetes")) return { pods, slices: [], endpoints };
    // Maintained by the API server itself: its advertise address and secure port.
    const ips = apiServerAddresses(state);
    const ports = service.spec.ports.map((p) => ({ name: p.name ?? "", port: typeof p.targetPort === "number" ? p.targetPort : p.port, protocol: p.protocol }));
    const slice: EndpointSlice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: sliceMeta(service, "kubernetes", false),
      addressType: "IPv4",
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } })),
      ports,
    };
    endpoints.subsets = ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports: ports.map((p) => (p.name ? p : { port: p.port, protocol: p.protocol })) }] : undefined;
    if (!endpoints.subsets) delete endpoints.subsets;
    return { pods, slices: [slice], endpoints };
  }

  // Group pods by the ports they resolve to: one slice (and one Endpoints subset) per group.
  const groups = new Map<string, { ports: Array<{ name: string; port: number; protocol: Protocol }>; pods: Pod[] }>();
  for (const pod of pods) {
    if (!pod.status.podIP || pod.status.phase === "Succeeded" || pod.status.phase === "Failed") continue;
    const ports: Array<{ name: string; port: number; protocol: Protocol }> = [];
    for (const sp of service.spec.ports) {
      const port = resolvePort(pod, sp);
      if (port !== undefined) ports.push({ name: sp.name ?? "", port, protocol: sp.protocol });
    }
    if (ports.length === 0 && service.spec.ports.length > 0) continue;
    const key = ports.map((p) => `${p.name}:${p.port}/${p.protocol}`).join(",");
    const g = groups.get(key);
    if (g) g.pods.push(pod);
    else groups.set(key, { ports: slicePorts(key, ports), pods: [pod] });
  }

  const slices: EndpointSlice[] = [];
  const sortedGroups = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [key, g] of sortedGroups) {
    const sorted = g.pods.slice().sort((a, b) => ipOrder(a.status.podIP!, b.status.podIP!));
    slices.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: sliceMeta(service, [service.metadata.name, endpointSliceSuffix(`${service.metadata.uid}/${key}`)].join("-"), true),
      addressType: "IPv4",
      endpoints: sorted.map((p) => {
        const terminating = !!p.metadata.deletionTimestamp;
        const ready = isReady(p);
        const addresses = [p.status.podIP!];
        // podToEndpoint: publishNotReadyAddresses makes every endpoint ready, terminating ones too.
        const conditions = conditionsOf(service.spec.publishNotReadyAddresses === true || (ready && !terminating), ready, terminating);
        const targetRef = { kind: "Pod" as const, name: p.metadata.name, namespace: ns, uid: p.metadata.uid };
        // One literal per key set: a key added later would go to a property array (~40 B each).
        const ep: EndpointSlice["endpoints"][number] = p.spec.nodeName ? { addresses, conditions, targetRef, nodeName: p.spec.nodeName } : { addresses, conditions, targetRef };
        if (p.spec.hostname && p.spec.subdomain === service.metadata.name) return { ...ep, hostname: p.spec.hostname };
        return ep;
      }),
      ports: g.ports,
    });
  }
  if (slices.length === 0) {
    // The controller keeps one empty placeholder slice for a Service that selects nothing.
    slices.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: sliceMeta(service, [service.metadata.name, endpointSliceSuffix(`${service.metadata.uid}/`)].join("-"), true),
      addressType: "IPv4",
      endpoints: [],
      ports: [],
    });
  }
  // An exact-size copy: the list lives as long as the Service, a pushed-to array keeps spare room.
  return { pods, slices: slices.slice() };
}

function derived(state: ClusterState, service: Service): Derived {
  const pods = selectedPods(state, service);
  const hit = memo.get(service);
  // The kubernetes Service depends on the nodes, not on pods: recompute it (it is tiny).
  if (hit && sameList(hit.pods, pods) && service.spec.selector) return hit;
  const d = derive(state, service, pods);
  memo.set(service, d);
  return d;
}

function serviceOf(state: ClusterState, service: Service | string): Service | undefined {
  return typeof service === "string" ? state.services[service] : service;
}

/** EndpointSlices of a Service (the object, or its "namespace/name" key). */
export function endpointSlicesFor(state: ClusterState, service: Service | string): EndpointSlice[] {
  const s = serviceOf(state, service);
  return s ? derived(state, s).slices : [];
}

/** The v1 Endpoints object of a Service (no subsets when nothing is selected). */
export function endpointsFor(state: ClusterState, service: Service | string): Endpoints | undefined {
  const s = serviceOf(state, service);
  if (!s) return undefined;
  const d = derived(state, s);
  return (d.endpoints ??= endpointsFromSlices(s, d.slices));
}

const allCache = new WeakMap<object, { pods: object; rv: number; map: Map<string, EndpointSlice[]> }>();

/** Every Service's slices, keyed "namespace/name". */
export function allEndpointSlices(state: ClusterState): Map<string, EndpointSlice[]> {
  const hit = allCache.get(state.services);
  if (hit && hit.pods === state.pods && hit.rv === state.resourceVersion) return hit.map;
  const map = new Map<string, EndpointSlice[]>();
  for (const key in state.services) map.set(key, derived(state, state.services[key]).slices);
  allCache.set(state.services, { pods: state.pods, rv: state.resourceVersion, map });
  return map;
}

/** Ready endpoints (not terminating) of one Service: what kube-proxy would route to. */
export function readyEndpointCount(state: ClusterState, service: Service | string): number {
  let n = 0;
  for (const slice of endpointSlicesFor(state, service)) for (const ep of slice.endpoints) if (ep.conditions.ready) n++;
  return n;
}
