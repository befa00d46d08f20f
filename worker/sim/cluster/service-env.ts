// The environment variables the kubelet gives a container for each Service that exists when the
// container starts (pkg/kubelet/envvars FromServices): the Docker-links style variables.
//
// They are fixed at container start, so each pod must remember what it saw. Storing the
// variables per pod cost ~13 KB a pod with 50 Services (most of a session's state); instead the
// cluster keeps two small content-addressed tables, and a pod keeps one id:
//   serviceLinks      snapshot id -> [name, clusterIP, ...ports] of one Service as it was seen
//   serviceLinkSets   set id -> snapshot ids, in the order their variables are applied
// Pods of a namespace that start while its Services stay the same share one set. The variables
// are derived again when read (`env` in a pod). Unreferenced entries are swept by the kubelet.
import type { Tx } from "./tx.ts";
import type { ClusterState, PodRuntime, Service, ServiceLink, ServiceLinkPort } from "./types.ts";

/**
 * Services recorded per pod. The kubelet has no such limit, but every pod keeps its variables in
 * the session state: beyond this many Services in a namespace the first ones (by name) are kept.
 */
export const MAX_SERVICE_LINKS = 100;

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

/** What of a Service its link variables are made of; undefined when it gives none. */
export function serviceLinkOf(service: Service): ServiceLink | undefined {
  const ip = service.spec.clusterIP;
  if (!ip || ip === "None" || service.spec.type === "ExternalName") return undefined;
  const ports = service.spec.ports ?? [];
  if (ports.length === 0) return undefined;
  const link: ServiceLink = [service.metadata.name, ip];
  for (const p of ports) {
    const port: ServiceLinkPort = p.name ? [p.port, p.protocol, p.name] : [p.port, p.protocol];
    link.push(port);
  }
  return link;
}

/** Adds one Service's variables (later Services overwrite earlier ones of the same name). */
export function serviceLinkEnvVars(link: ServiceLink, into: Record<string, string>): void {
  const name = envName(link[0]);
  const ip = link[1];
  const first = link[2];
  into[`${name}_SERVICE_HOST`] = ip;
  into[`${name}_SERVICE_PORT`] = String(first[0]);
  for (let i = 2; i < link.length; i++) {
    const p = link[i] as ServiceLinkPort;
    if (p[2]) into[`${name}_SERVICE_PORT_${envName(p[2])}`] = String(p[0]);
  }
  into[`${name}_PORT`] = `${first[1].toLowerCase()}://${ip}:${first[0]}`;
  for (let i = 2; i < link.length; i++) {
    const [port, protocol] = link[i] as ServiceLinkPort;
    const prefix = `${name}_PORT_${port}_${protocol.toUpperCase()}`;
    into[prefix] = `${protocol.toLowerCase()}://${ip}:${port}`;
    into[`${prefix}_PROTO`] = protocol.toLowerCase();
    into[`${prefix}_PORT`] = String(port);
    into[`${prefix}_ADDR`] = ip;
  }
}

/**
 * The Services whose variables a pod in `namespace` gets, in the order they are applied: every
 * Service of the namespace (by name) when enableServiceLinks is on, then the `kubernetes` Service
 * of `default` (the master service) unless it is already among them.
 */
export function serviceLinksFor(services: Iterable<Service>, namespace: string, enableServiceLinks: boolean, master: Service | undefined): ServiceLink[] {
  const links: ServiceLink[] = [];
  if (enableServiceLinks) {
    const sorted = [...services]
      .filter((s) => s.metadata.namespace === namespace)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
      .slice(0, MAX_SERVICE_LINKS);
    for (const s of sorted) {
      const link = serviceLinkOf(s);
      if (link) links.push(link);
    }
  }
  const masterLink = master && (namespace !== "default" || !enableServiceLinks) ? serviceLinkOf(master) : undefined;
  if (masterLink) links.push(masterLink);
  return links;
}

// ---------------------------------------------------------------- the shared tables

/** 32-bit FNV-1a in base 36: a short id for a content key (collisions are probed, never merged). */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The id under which `key` is stored in `table` (adding it with `make` if absent). */
function intern<T>(tx: Tx, collection: "serviceLinks" | "serviceLinkSets", key: string, keyOf: (value: T) => string, make: () => T): string {
  const base = fnv(key);
  const read = (tx.state[collection] ?? {}) as Record<string, T>;
  for (let n = 0; ; n++) {
    const id = n === 0 ? base : `${base}.${n}`;
    const found = read[id];
    if (found === undefined) {
      (tx.write(collection) as Record<string, T>)[id] = make();
      return id;
    }
    if (keyOf(found) === key) return id;
  }
}

const linkKey = (link: ServiceLink): string => JSON.stringify(link);
const setKey = (ids: string[]): string => ids.join(",");

/**
 * Records the Services a starting pod sees and returns the id its runtime keeps (undefined when
 * it sees none). Equal snapshots and equal sets are stored once.
 */
export function recordServiceLinks(tx: Tx, links: ServiceLink[]): string | undefined {
  if (links.length === 0) return undefined;
  const ids = links.map((link) => intern(tx, "serviceLinks", linkKey(link), linkKey, () => Object.freeze(link) as ServiceLink));
  return intern(tx, "serviceLinkSets", setKey(ids), setKey, () => Object.freeze(ids) as string[]);
}

/** Sets no pod refers to any more, and the snapshots no set refers to, are dropped. */
export function sweepServiceLinks(tx: Tx): void {
  const sets = tx.state.serviceLinkSets;
  if (!sets) return;
  const used = new Set<string>();
  const runtimes = tx.state.podRuntime;
  for (const key in runtimes) {
    const id = runtimes[key].serviceLinks;
    if (id !== undefined) used.add(id);
  }
  let dropped = false;
  for (const id in sets) {
    if (used.has(id)) continue;
    delete tx.write("serviceLinkSets")[id];
    dropped = true;
  }
  if (!dropped) return;
  const kept = new Set<string>();
  const remaining = tx.state.serviceLinkSets!;
  for (const id in remaining) for (const link of remaining[id]) kept.add(link);
  const snapshots = tx.state.serviceLinks ?? {};
  for (const id in snapshots) if (!kept.has(id)) delete tx.write("serviceLinks")[id];
}

/** A pod's Service variables, derived from the snapshots it recorded when it started. */
export function serviceEnvOf(state: ClusterState, runtime: PodRuntime | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (!runtime) return env;
  // Sessions saved before the tables existed kept the variables themselves.
  if (runtime.serviceEnv) return runtime.serviceEnv;
  const set = runtime.serviceLinks === undefined ? undefined : state.serviceLinkSets?.[runtime.serviceLinks];
  for (const id of set ?? []) {
    const link = state.serviceLinks?.[id];
    if (link) serviceLinkEnvVars(link, env);
  }
  return env;
}
