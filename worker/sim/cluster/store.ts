// Writes to the cluster go through here, so that the indexes the allocators and controllers need
// (used ClusterIPs and NodePorts, pods per node, pods per owner, object count) stay in step with
// the data without rescanning it. Indexes live beside one Tx and are built on first use (one
// scan); a write by anyone that bypasses this module still bumps resourceVersion, which makes
// the next use rebuild them, so they can be stale only in speed, never in content.
import { LabelIndex } from "./label-index.ts";
import { PodAddressIndex } from "./pod-address-index.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, DaemonSet, Deployment, GenericObject, KubeObject, Namespace, Pod, ReplicaSet, Service } from "./types.ts";

export const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "kube-flannel"]);
/** Add-ons' namespaces (MetalLB's): the cluster's own like the above, but a learner may delete them. */
export const ADDON_NAMESPACES = new Set(["metallb-system", "local-path-storage"]);

/** The default StorageClass bootstrap installs (cluster/local-path.ts). */
export const LOCAL_PATH_CLASS = "local-path";

export const isSystemNamespace = (namespace: string): boolean => SYSTEM_NAMESPACES.has(namespace) || ADDON_NAMESPACES.has(namespace);

export type StoredCollection = "pods" | "services" | "deployments" | "replicaSets" | "daemonSets" | "namespaces" | "nodes";

/** Where a stored kind lives: a ClusterState collection of its own, or the generic store by resource name. */
export type StoreLocation = { collection: StoredCollection } | { resource: string };

const NO_RECORD: Record<string, KubeObject> = Object.freeze({}) as Record<string, KubeObject>;

/** The stored objects at a location (an empty frozen record when there are none). */
export function recordAt(state: ClusterState, at: StoreLocation): Record<string, KubeObject> {
  const record = "collection" in at ? state[at.collection] : state.objects?.[at.resource];
  return (record as Record<string, KubeObject> | undefined) ?? NO_RECORD;
}

/** Stores (or replaces) an object at a location and keeps the indexes in step. */
export function putAt(tx: Tx, at: StoreLocation, key: string, obj: KubeObject): void {
  if ("collection" in at) return putObject(tx, at.collection, key, obj as never);
  const ix = indexesOf(tx);
  const record = tx.writeResource(at.resource);
  const before = record[key];
  record[key] = obj as GenericObject;
  reindex(tx, ix, at.resource, key, before, obj);
}

/** Removes an object at a location at once and keeps the indexes in step. */
export function removeAt(tx: Tx, at: StoreLocation, key: string): KubeObject | undefined {
  if ("collection" in at) return removeObject(tx, at.collection, key);
  const before = tx.state.objects?.[at.resource]?.[key];
  if (!before) return undefined;
  const ix = indexesOf(tx);
  delete tx.writeResource(at.resource)[key];
  reindex(tx, ix, at.resource, key, before, undefined);
  return before;
}

/** Objects that count against config.maxObjects: everything a user (or their controllers) made. */
export function isUserObject(collection: string, obj: KubeObject): boolean {
  if (collection === "nodes") return false;
  // The root CA publisher's ConfigMap is in every namespace, made by the cluster.
  if (collection === "configmaps" && obj.metadata.name === "kube-root-ca.crt") return false;
  // So is the service account controller's `default` account.
  if (collection === "serviceaccounts" && obj.metadata.name === "default") return false;
  // The cluster's default StorageClass came with it (the local-path provisioner's manifest).
  if (collection === "storageclasses" && obj.metadata.name === LOCAL_PATH_CLASS) return false;
  if (collection === "namespaces") return obj.metadata.name !== "default" && !isSystemNamespace(obj.metadata.name);
  const ns = obj.metadata.namespace ?? "default";
  if (isSystemNamespace(ns)) return false;
  return !(collection === "services" && ns === "default" && obj.metadata.name === "kubernetes");
}

/** The log of a pod that printed nothing yet: one frozen empty list (appending makes a new one). */
export const NO_LOGS: string[] = Object.freeze([]) as unknown as string[];

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

class Multi {
  readonly map = new Map<string, Set<string>>();
  add(k: string, v: string): void {
    let s = this.map.get(k);
    if (!s) this.map.set(k, (s = new Set()));
    s.add(v);
  }
  delete(k: string, v: string): void {
    const s = this.map.get(k);
    if (s && s.delete(v) && s.size === 0) this.map.delete(k);
  }
  get(k: string): ReadonlySet<string> {
    return this.map.get(k) ?? EMPTY;
  }
}
const EMPTY: ReadonlySet<string> = new Set();

interface ServiceIndex {
  clusterIPs: Set<string>;
  nodePorts: Set<number>;
}

interface PodIndex {
  /** Pods bound to each node and not yet terminating (what the scheduler balances). */
  perNode: Map<string, number>;
  /** Pod IPs in use per node (pod network only; host-network pods use the node's IP). */
  ipsPerNode: Multi;
  /** Pod keys per controller owner uid. */
  byOwner: Multi;
  /** Pods not yet bound to a node. */
  unscheduled: Set<string>;
  /** Per node, the lowest host offset that may be free (addresses below it are taken). */
  ipHint: Map<string, number>;
}

class Indexes {
  services?: ServiceIndex;
  pods?: PodIndex;
  replicaSetsByOwner?: Multi;
  /** Built when a reader first needs it (endpoints), then kept up to date by every pod write. */
  labels?: LabelIndex;
  /** Likewise for the data plane: pods by IP, host-network pods by node. */
  addresses?: PodAddressIndex;
  userObjects?: number;
  constructor(public rv: number) {}
}

const byTx = new WeakMap<Tx, Indexes>();
/** The indexes last used by a transaction, by its state object (what readers are handed). */
const byState = new WeakMap<ClusterState, Indexes>();

/**
 * Indexes left by a finished reconcile, for the next transaction over the same state to adopt
 * instead of rescanning. Keyed by the pods record; valid only if every collection record is the
 * very same object and resourceVersion is unchanged. Adoption removes the entry, so an index is
 * never shared by two transactions (a dropped transaction just loses it).
 */
const stash = new WeakMap<object, { records: object[]; ix: Indexes }>();

/** Stands for a collection a state does not have yet (older sessions, no generic objects). */
const ABSENT_RECORD = {};

function recordsOf(state: ClusterState): object[] {
  return [state.pods, state.services, state.replicaSets, state.deployments, state.namespaces, state.nodes, state.daemonSets ?? ABSENT_RECORD, state.objects ?? ABSENT_RECORD];
}

function indexesOf(tx: Tx): Indexes {
  let ix = byTx.get(tx);
  if (!ix || ix.rv !== tx.state.resourceVersion) {
    const left = stash.get(tx.state.pods);
    const records = recordsOf(tx.state);
    if (left && left.ix.rv === tx.state.resourceVersion && left.records.every((r, i) => r === records[i])) {
      ix = left.ix;
      stash.delete(tx.state.pods);
    } else {
      ix = new Indexes(tx.state.resourceVersion);
    }
    byTx.set(tx, ix);
    byState.set(tx.state, ix);
  }
  return ix;
}

/** Offers this transaction's indexes to the next one (called when a reconcile finishes). */
export function stashIndexes(tx: Tx): void {
  const ix = byTx.get(tx);
  if (!ix || ix.rv !== tx.state.resourceVersion) return;
  stash.set(tx.state.pods, { records: recordsOf(tx.state), ix });
  byTx.delete(tx);
}

/** Hands out the next resourceVersion without invalidating this Tx's indexes. */
export function nextResourceVersion(tx: Tx): string {
  const ix = indexesOf(tx);
  const rv = tx.nextResourceVersion();
  ix.rv = tx.state.resourceVersion;
  return rv;
}

function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}

function addService(ix: ServiceIndex, s: Service, sign: 1 | -1): void {
  const op = sign === 1 ? "add" : "delete";
  for (const ip of s.spec.clusterIPs ?? (s.spec.clusterIP ? [s.spec.clusterIP] : [])) if (ip !== "None") ix.clusterIPs[op](ip);
  for (const p of s.spec.ports ?? []) if (p.nodePort) ix.nodePorts[op](p.nodePort);
  if (s.spec.healthCheckNodePort) ix.nodePorts[op](s.spec.healthCheckNodePort);
}

function addPod(ix: PodIndex, key: string, p: Pod, sign: 1 | -1): void {
  const node = p.spec.nodeName;
  if (!node) {
    if (sign === 1) ix.unscheduled.add(key);
    else ix.unscheduled.delete(key);
  } else if (!p.metadata.deletionTimestamp) {
    ix.perNode.set(node, (ix.perNode.get(node) ?? 0) + sign);
  }
  if (node && p.status.podIP && !p.spec.hostNetwork) {
    if (sign === 1) ix.ipsPerNode.add(node, p.status.podIP);
    else {
      ix.ipsPerNode.delete(node, p.status.podIP);
      ix.ipHint.delete(node);
    }
  }
  const owner = controllerUid(p);
  if (owner) {
    if (sign === 1) ix.byOwner.add(owner, key);
    else ix.byOwner.delete(owner, key);
  }
}

function serviceIndex(tx: Tx): ServiceIndex {
  const ix = indexesOf(tx);
  if (!ix.services) {
    ix.services = { clusterIPs: new Set(), nodePorts: new Set() };
    for (const s of Object.values(tx.state.services)) addService(ix.services, s, 1);
  }
  return ix.services;
}

function podIndex(tx: Tx): PodIndex {
  const ix = indexesOf(tx);
  if (!ix.pods) {
    ix.pods = { perNode: new Map(), ipsPerNode: new Multi(), byOwner: new Multi(), unscheduled: new Set(), ipHint: new Map() };
    const pods = tx.state.pods;
    for (const key in pods) addPod(ix.pods, key, pods[key], 1);
  }
  return ix.pods;
}

function replicaSetsByOwnerIndex(tx: Tx): Multi {
  const ix = indexesOf(tx);
  if (!ix.replicaSetsByOwner) {
    ix.replicaSetsByOwner = new Multi();
    const all = tx.state.replicaSets;
    for (const key in all) {
      const owner = controllerUid(all[key]);
      if (owner) ix.replicaSetsByOwner.add(owner, key);
    }
  }
  return ix.replicaSetsByOwner;
}

function countUserObjects(state: ClusterState): number {
  let n = 0;
  const collections: StoredCollection[] = ["pods", "services", "deployments", "replicaSets", "daemonSets", "namespaces"];
  for (const c of collections) {
    const record = (state[c] ?? {}) as Record<string, KubeObject>;
    for (const key in record) if (isUserObject(c, record[key])) n++;
  }
  for (const resource in state.objects ?? {}) {
    const record = state.objects![resource];
    for (const key in record) if (isUserObject(resource, record[key])) n++;
  }
  return n;
}

export const usedClusterIPs = (tx: Tx): ReadonlySet<string> => serviceIndex(tx).clusterIPs;
export const usedNodePorts = (tx: Tx): ReadonlySet<number> => serviceIndex(tx).nodePorts;
export const podIPsOnNode = (tx: Tx, node: string): ReadonlySet<string> => podIndex(tx).ipsPerNode.get(node);
export const podsOnNode = (tx: Tx, node: string): number => podIndex(tx).perNode.get(node) ?? 0;
export const podsOwnedBy = (tx: Tx, uid: string): ReadonlySet<string> => podIndex(tx).byOwner.get(uid);
export const unscheduledPods = (tx: Tx): ReadonlySet<string> => podIndex(tx).unscheduled;
export const replicaSetsOwnedBy = (tx: Tx, uid: string): ReadonlySet<string> => replicaSetsByOwnerIndex(tx).get(uid);

export function userObjectCount(tx: Tx): number {
  const ix = indexesOf(tx);
  if (ix.userObjects === undefined) ix.userObjects = countUserObjects(tx.state);
  return ix.userObjects;
}

type ObjectOf<C extends StoredCollection> = NonNullable<ClusterState[C]>[string];

/** Stores (or replaces) an object and keeps the indexes in step. */
export function putObject<C extends StoredCollection>(tx: Tx, collection: C, key: string, obj: ObjectOf<C>): void {
  const ix = indexesOf(tx);
  const record = tx.write(collection) as Record<string, KubeObject>;
  const before = record[key];
  record[key] = obj as KubeObject;
  reindex(tx, ix, collection, key, before, obj as KubeObject);
}

/** Removes an object at once (no grace) and keeps the indexes in step. */
export function removeObject(tx: Tx, collection: StoredCollection, key: string): KubeObject | undefined {
  const ix = indexesOf(tx);
  const before = (tx.state[collection] as Record<string, KubeObject> | undefined)?.[key];
  if (!before) return undefined;
  const record = tx.write(collection) as Record<string, KubeObject>;
  delete record[key];
  reindex(tx, ix, collection, key, before, undefined);
  return before;
}

function reindex(tx: Tx, ix: Indexes, collection: string, key: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
  // Another writer may have bumped the version in between; then these indexes are dropped anyway.
  if (ix.rv !== tx.state.resourceVersion) return;
  if (ix.userObjects !== undefined) {
    ix.userObjects += (after && isUserObject(collection, after) ? 1 : 0) - (before && isUserObject(collection, before) ? 1 : 0);
  }
  if (collection === "services" && ix.services) {
    if (before) addService(ix.services, before as Service, -1);
    if (after) addService(ix.services, after as Service, 1);
  } else if (collection === "pods") {
    if (ix.pods) {
      if (before) addPod(ix.pods, key, before as Pod, -1);
      if (after) addPod(ix.pods, key, after as Pod, 1);
    }
    const b = before?.metadata.labels;
    const a = after?.metadata.labels;
    // Status writes keep the labels object: nothing to do for the usual write.
    if (ix.labels && a !== b) {
      if (ix.labels.sealed) ix.labels = ix.labels.fork();
      if (b) ix.labels.remove(before!.metadata.namespace ?? "default", b, key);
      if (a) ix.labels.add(after!.metadata.namespace ?? "default", a, key);
    }
    if (ix.addresses && addressChanged(before as Pod | undefined, after as Pod | undefined)) {
      if (ix.addresses.sealed) ix.addresses = ix.addresses.fork();
      if (before) ix.addresses.update(key, before as Pod, -1);
      if (after) ix.addresses.update(key, after as Pod, 1);
    }
  } else if (collection === "replicaSets" && ix.replicaSetsByOwner) {
    const b = before && controllerUid(before);
    const a = after && controllerUid(after);
    if (b) ix.replicaSetsByOwner.delete(b, key);
    if (a) ix.replicaSetsByOwner.add(a, key);
  }
}

export type { DaemonSet, Deployment, Namespace, ReplicaSet };

function addressChanged(before: Pod | undefined, after: Pod | undefined): boolean {
  if (!before || !after) return true;
  return before.status.podIP !== after.status.podIP || before.spec.hostNetwork !== after.spec.hostNetwork || before.spec.nodeName !== after.spec.nodeName;
}

function buildAddressIndex(pods: ClusterState["pods"]): PodAddressIndex {
  const index = new PodAddressIndex();
  for (const key in pods) index.update(key, pods[key], 1);
  return index;
}

function buildLabelIndex(pods: ClusterState["pods"]): LabelIndex {
  const index = new LabelIndex();
  for (const key in pods) {
    const meta = pods[key].metadata;
    if (meta.labels) index.add(meta.namespace ?? "default", meta.labels, key);
  }
  return index;
}

/** The indexes of the transaction or finished reconcile that produced this very state, if any. */
function indexesFor(state: ClusterState): Indexes | undefined {
  const ix = byState.get(state);
  if (ix && ix.rv === state.resourceVersion) return ix;
  const left = stash.get(state.pods);
  const records = recordsOf(state);
  if (left && left.ix.rv === state.resourceVersion && left.records.every((r, i) => r === records[i])) return left.ix;
  return undefined;
}

const publishedLabels = new WeakMap<object, { rv: number; index: LabelIndex }>();
const publishedAddresses = new WeakMap<object, { rv: number; index: PodAddressIndex }>();

/**
 * The pods' label index for a state, as readers (the endpoints controller) see it: taken from the
 * transaction or finished reconcile that produced this very state when there is one, so a change
 * of a few pods costs a few bucket updates instead of a scan. What is returned is sealed (writers
 * fork a sealed index before changing it: this state's view stays as it is).
 */
export function podLabelIndex(state: ClusterState): LabelIndex {
  const hit = publishedLabels.get(state.pods);
  if (hit && hit.rv === state.resourceVersion) return hit.index;
  const ix = indexesFor(state);
  const index = ix ? (ix.labels ??= buildLabelIndex(state.pods)) : buildLabelIndex(state.pods);
  index.seal();
  publishedLabels.set(state.pods, { rv: state.resourceVersion, index });
  return index;
}

/** Pods by IP and host-network pods by node for a state (the data plane's view), like podLabelIndex. */
export function podAddressIndex(state: ClusterState): PodAddressIndex {
  const hit = publishedAddresses.get(state.pods);
  if (hit && hit.rv === state.resourceVersion) return hit.index;
  const ix = indexesFor(state);
  const index = ix ? (ix.addresses ??= buildAddressIndex(state.pods)) : buildAddressIndex(state.pods);
  index.sealed = true;
  publishedAddresses.set(state.pods, { rv: state.resourceVersion, index });
  return index;
}

/** Owner uid -> pod keys, for the garbage collector. */
export function podOwners(tx: Tx): ReadonlyMap<string, ReadonlySet<string>> {
  return podIndex(tx).byOwner.map;
}

/** Replaces an object with a new version of it (a controller's write), bumping resourceVersion. */
export function writeObject<C extends StoredCollection>(tx: Tx, collection: C, key: string, obj: ObjectOf<C>): ObjectOf<C> {
  const o = obj as KubeObject;
  const next = { ...o, metadata: { ...o.metadata, resourceVersion: nextResourceVersion(tx) } } as ObjectOf<C>;
  putObject(tx, collection, key, next);
  return next;
}

/** Where the pod IP search on a node may start, and where the next one should. */
export function podIPHint(tx: Tx, node: string): number {
  return podIndex(tx).ipHint.get(node) ?? 2;
}
export function setPodIPHint(tx: Tx, node: string, offset: number): void {
  podIndex(tx).ipHint.set(node, offset);
}
