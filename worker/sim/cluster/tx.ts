// A transaction over a ClusterState. The input state is never mutated: a collection is copied the
// first time it is written in this transaction, and objects are replaced, never edited in place.
// Commit returns the new state value; dropping the Tx leaves the old state untouched.

import type { ClusterState, GenericObject } from "./types.ts";

export type Collection =
  | "nodes"
  | "namespaces"
  | "pods"
  | "services"
  | "deployments"
  | "replicaSets"
  | "daemonSets"
  | "podRuntime"
  | "releasedPodIPs"
  | "affinity"
  | "ipvsRoundRobin"
  | "ipvsStats"
  | "conntrack"
  | "events"
  | "serviceLinks"
  | "serviceLinkSets"
  | "files"
  | "loadBalancerAnnouncements";

// How many times each record was handed out for writing. A transaction writes its copy of a
// collection in place, so a cache keyed on a record's identity alone goes stale inside the
// transaction; keyed on identity and this count it stays valid for as long as the record is
// unchanged, across resourceVersion bumps elsewhere (a pod's status, an event).
const writeCounts = new WeakMap<object, number>();

/** How many times this record was handed out by Tx.write (0 for one never written in place). */
export const writeCount = (record: object): number => writeCounts.get(record) ?? 0;

/**
 * A function of one record, computed again only when the record was written since: what a
 * controller reads on every reconcile pass (a scan of every pod) costs a WeakMap hit while the
 * record is unchanged. The answer is shared: callers must not change it.
 */
export function perRecord<R extends object, T>(compute: (record: R) => T): (record: R) => T {
  const cache = new WeakMap<R, { writes: number; value: T }>();
  return (record) => {
    const writes = writeCount(record);
    const hit = cache.get(record);
    if (hit && hit.writes === writes) return hit.value;
    const value = compute(record);
    cache.set(record, { writes, value });
    return value;
  };
}

export class Tx {
  private readonly base: ClusterState;
  private next: ClusterState;
  private readonly copied = new Set<Collection>();
  /** Resources of the generic store (ClusterState.objects) copied in this transaction. */
  private readonly copiedResources = new Set<string>();

  /**
   * Probes the kubelets ran in this transaction (each a request through the data plane or a
   * command in a container): the work a waiting command charges to its budget (shell/clock-step.ts).
   */
  probesRun = 0;

  constructor(base: ClusterState) {
    this.base = base;
    this.next = { ...base };
  }

  /** The state as this transaction sees it (read-only view). */
  get state(): ClusterState {
    return this.next;
  }

  /** True once anything was written. */
  get dirty(): boolean {
    return this.copied.size > 0 || this.copiedResources.size > 0;
  }

  /** A writable copy of a collection (copied once per transaction). */
  write<C extends Collection>(collection: C): NonNullable<ClusterState[C]> {
    if (!this.copied.has(collection)) {
      const base = this.base[collection];
      // events is a list; every other collection is a record (absent ones start empty).
      this.next[collection] = (collection === "events" ? [...((base as unknown[] | undefined) ?? [])] : { ...base }) as ClusterState[C];
      this.copied.add(collection);
    }
    const record = this.next[collection]!;
    writeCounts.set(record, (writeCounts.get(record) ?? 0) + 1);
    return record;
  }

  /** A writable copy of one resource's record in the generic store (the map and the record copied once). */
  writeResource(resource: string): Record<string, GenericObject> {
    if (!this.copiedResources.has(resource)) {
      if (this.copiedResources.size === 0) this.next.objects = { ...(this.base.objects ?? {}) };
      this.next.objects![resource] = { ...(this.base.objects?.[resource] ?? {}) };
      this.copiedResources.add(resource);
    }
    // Counted as Tx.write counts: a generic record is also written in place within a transaction.
    const record = this.next.objects![resource];
    writeCounts.set(record, (writeCounts.get(record) ?? 0) + 1);
    return record;
  }

  setNow(now: number): void {
    this.next.now = now;
  }

  /** Hands out the next resourceVersion, as the API server does on every write. */
  nextResourceVersion(): string {
    this.next.resourceVersion += 1;
    return String(this.next.resourceVersion);
  }

  commit(): ClusterState {
    return this.next;
  }
}
