// Events, as the scheduler, the kubelet and the controllers record them through client-go's
// event recorder: one entry per (object, source, type, reason, message), a repeat raising its
// count and lastTimestamp (the correlator's deduplication). The store keeps the latest
// MAX_EVENTS entries (by first occurrence) in a compact form; readers expand them to core/v1
// Events and drop those older than the API server's one-hour --event-ttl.
import { fnv32a, rfc3339 } from "./ids.ts";
import type { Tx } from "./tx.ts";
import type { ClusterEvent, ClusterState, EventSource, InvolvedObject, KubeObject } from "./types.ts";

export type { EventSource, InvolvedObject };

export const MAX_EVENTS = 1000;
/** kube-apiserver --event-ttl default. */
export const EVENT_TTL_MS = 60 * 60 * 1000;

export function involvedObject(obj: KubeObject, fieldPath?: string): InvolvedObject {
  const ref: InvolvedObject = { kind: obj.kind, apiVersion: obj.apiVersion, name: obj.metadata.name, uid: obj.metadata.uid };
  if (obj.metadata.namespace !== undefined) ref.namespace = obj.metadata.namespace;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

const dedupeKey = (uid: string, fieldPath: string | undefined, component: string, reason: string, message: string): string =>
  `${uid}|${fieldPath ?? ""}|${component}|${reason}|${message}`;

/**
 * Dedupe key -> position + base, per writable events array (built with one scan when a
 * transaction first writes; a trim removes the trimmed keys and raises base, no rescan), and each
 * entry's key in list order, so a trim does not build the keys it removes again.
 */
interface EventIndex {
  at: Map<string, number>;
  base: number;
  keys: string[];
}
const indexes = new WeakMap<object, EventIndex>();

function indexOf(list: ClusterEvent[]): EventIndex {
  let ix = indexes.get(list);
  if (!ix) {
    ix = { at: new Map(), base: 0, keys: [] };
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      const key = dedupeKey(e.uid, e.fieldPath, e.component, e.reason, e.message);
      ix.at.set(key, i);
      ix.keys.push(key);
    }
    indexes.set(list, ix);
  }
  return ix;
}

/**
 * The event's name as client-go makes it: the object's name and the time in hex nanoseconds
 * (milliseconds in hex, then a sub-millisecond part that keeps names apart).
 */
function eventName(ref: InvolvedObject, at: number, seq: number): string {
  return `${ref.name}.${at.toString(16)}${((uidHash(ref.uid) + seq) % 0x100000).toString(16).padStart(5, "0")}`;
}

// An object's events come in runs (a pod's Scheduled, Pulling, Pulled, Created, Started): its
// uid's hash is remembered rather than computed for each.
const uidHashes = new Map<string, number>();
function uidHash(uid: string): number {
  let h = uidHashes.get(uid);
  if (h === undefined) {
    if (uidHashes.size >= 1024) uidHashes.clear();
    uidHashes.set(uid, (h = fnv32a(uid)));
  }
  return h;
}

export function recordEvent(
  tx: Tx,
  ref: InvolvedObject,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  source: EventSource,
  at: number,
): void {
  const list = tx.write("events") as ClusterEvent[];
  const ix = indexOf(list);
  const dk = dedupeKey(ref.uid, ref.fieldPath, source.component, reason, message);
  const found = ix.at.get(dk);
  if (found !== undefined) {
    const existing = found - ix.base;
    const before = list[existing];
    list[existing] = { ...before, count: before.count + 1, last: Math.max(before.last, at), first: Math.min(before.first, at) };
    return;
  }
  // Object.assign, not a spread that adds keys: V8 (Node 20) gives each such result a hidden
  // class of its own, which made events half the cost of starting 30,000 pods.
  const event: ClusterEvent = Object.assign({}, ref, { type, reason, message, component: source.component, first: at, last: at, count: 1, eventName: eventName(ref, at, list.length) });
  if (source.host) event.host = source.host;
  ix.at.set(dk, ix.base + list.length);
  ix.keys.push(dk);
  list.push(event);
  // Trimmed in batches, oldest first: a splice per quarter of the cap.
  if (list.length > MAX_EVENTS + MAX_EVENTS / 4) {
    const drop = list.length - MAX_EVENTS;
    for (let i = 0; i < drop; i++) ix.at.delete(ix.keys[i]);
    list.splice(0, drop);
    ix.keys.splice(0, drop);
    ix.base += drop;
  }
}

/** core/v1 Event as the API server returns it. */
export interface EventObject {
  apiVersion: "v1";
  kind: "Event";
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string; labels?: Record<string, string> };
  involvedObject: InvolvedObject;
  reason: string;
  message: string;
  source: EventSource;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: "Normal" | "Warning";
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

function expand(e: ClusterEvent): EventObject {
  const namespace = e.namespace ?? "default";
  const involved: InvolvedObject = { kind: e.kind, name: e.name, uid: e.uid, apiVersion: e.apiVersion };
  if (e.namespace !== undefined) involved.namespace = e.namespace;
  if (e.fieldPath) involved.fieldPath = e.fieldPath;
  const source: EventSource = { component: e.component };
  if (e.host) source.host = e.host;
  const hash = fnv32a(`${namespace}/${e.eventName}`).toString(16).padStart(8, "0");
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: e.eventName,
      namespace,
      // Derived from the name: stable for the event's life, unique enough among 1,000.
      uid: `${hash}-${hash.slice(0, 4)}-4${hash.slice(5, 8)}-8${hash.slice(1, 4)}-${hash}${hash.slice(0, 4)}`,
      resourceVersion: String(e.last),
      creationTimestamp: rfc3339(e.first),
    },
    involvedObject: involved,
    reason: e.reason,
    message: e.message,
    source,
    firstTimestamp: rfc3339(e.first),
    lastTimestamp: rfc3339(e.last),
    count: e.count,
    type: e.type,
    eventTime: null,
    reportingComponent: e.component,
    reportingInstance: e.host ?? "",
  };
}

const live = (e: ClusterEvent, now: number): boolean => e.last > now - EVENT_TTL_MS;

/**
 * Events of one namespace (all when undefined) in the API server's list order (namespace,
 * name). Events of cluster-scoped objects (nodes) live in the default namespace, as on a real
 * cluster.
 */
export function listEvents(state: ClusterState, namespace: string | undefined): EventObject[] {
  const out: EventObject[] = [];
  for (const e of state.events ?? []) {
    if ((namespace === undefined || (e.namespace ?? "default") === namespace) && live(e, state.now)) out.push(expand(e));
  }
  const key = (o: EventObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const LIFECYCLE: Record<string, number> = { Scheduled: 0, Pulling: 1, Pulled: 2, Created: 3, Started: 4, BackOff: 5, Failed: 6, Unhealthy: 6, Killing: 7 };

/** Events about one object (describe's search by involvedObject uid), oldest lastTimestamp first. */
export function eventsFor(state: ClusterState, obj: { metadata: { uid: string } }): EventObject[] {
  const out: ClusterEvent[] = [];
  for (const e of state.events ?? []) if (e.uid === obj.metadata.uid && live(e, state.now)) out.push(e);
  // Events of the same second come in the order a pod's life produces them (the store keeps
  // first occurrences in order, not the last occurrence of a repeat).
  out.sort((a, b) => a.last - b.last || (LIFECYCLE[a.reason] ?? 9) - (LIFECYCLE[b.reason] ?? 9));
  return out.map(expand);
}
