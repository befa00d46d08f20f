// Where the machines' written files live: ClusterState.files, one entry per written path, keyed
// `machine|path`. Plain data, so files persist with the session (one storage row per entry) and
// travel in snapshots and forks. A container's machine id names the pod's uid and the container's
// restart count: a restarted container or a recreated pod starts from its image again, as with a
// real container's writable layer, and the entries of gone containers are dropped when a write
// needs their space (nothing can reach them any more).

import type { ClusterState, Pod, StoredEntry } from "../cluster/types.ts";
import type { Tx } from "../cluster/tx.ts";
import { byteLength } from "../net/http.ts";

/** Bytes of files (their names included) one session may store, on all its machines together. */
export const SESSION_FILE_BYTES = 1024 * 1024;
/** Bytes one file may hold. */
export const FILE_BYTES = 256 * 1024;

export const WORKSTATION_MACHINE = "workstation";

export function nodeMachine(node: string): string {
  return `node/${node}`;
}

/** The writable layer of a container as it runs now: a restart gets a new one. */
export function containerMachine(pod: Pod, container: string): string {
  const restarts = pod.status.containerStatuses?.find((s) => s.name === container)?.restartCount ?? 0;
  return `pod/${pod.metadata.uid}/${container}/${restarts}`;
}

export function entryKey(machine: string, path: string): string {
  return `${machine}|${path}`;
}

/** The written entry at `path` of `machine`, if any. */
export function storedEntry(state: ClusterState, machine: string, path: string): StoredEntry | undefined {
  const files = state.files;
  if (!files) return undefined;
  const key = entryKey(machine, path);
  return Object.prototype.hasOwnProperty.call(files, key) ? files[key] : undefined;
}

/** The written entries directly inside directory `dir` of `machine`, by name. */
export function storedChildren(state: ClusterState, machine: string, dir: string): Map<string, StoredEntry> {
  const out = new Map<string, StoredEntry>();
  const prefix = entryKey(machine, dir === "/" ? "/" : `${dir}/`);
  for (const key in state.files ?? {}) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (name === "" || name.includes("/")) continue;
    out.set(name, state.files![key]);
  }
  return out;
}

/** Data sizes of entries already measured: entries are never changed in place, so a size stays true. */
const dataBytes = new WeakMap<StoredEntry, number>();

/** What an entry counts against the session's space: its name and its data. */
export function entryBytes(key: string, entry: StoredEntry): number {
  if (entry.type !== "file") return byteLength(key);
  let size = dataBytes.get(entry);
  if (size === undefined) {
    size = byteLength(entry.data);
    dataBytes.set(entry, size);
  }
  return byteLength(key) + size;
}

/**
 * The total of each files map as last counted. A transaction copies the map once and then edits
 * its copy only through putEntry and dropStaleLayers, which keep the total right; so a line that
 * writes a thousand files counts the map once, not once per write.
 */
const totals = new WeakMap<Record<string, StoredEntry>, number>();

/** Bytes the session's files use now. */
export function usedBytes(state: ClusterState): number {
  const files = state.files;
  if (!files) return 0;
  let used = totals.get(files);
  if (used === undefined) {
    used = 0;
    for (const key in files) used += entryBytes(key, files[key]);
    totals.set(files, used);
  }
  return used;
}

/** Sets or deletes `key` in a writable files map, keeping its counted total right. */
function setKey(files: Record<string, StoredEntry>, key: string, entry: StoredEntry | undefined): void {
  const total = totals.get(files);
  const old = Object.prototype.hasOwnProperty.call(files, key) ? files[key] : undefined;
  if (entry === undefined) delete files[key];
  else files[key] = entry;
  if (total !== undefined) totals.set(files, total - (old ? entryBytes(key, old) : 0) + (entry ? entryBytes(key, entry) : 0));
}

/** Drops the entries of containers that restarted or whose pods are gone: nothing can reach them again. */
export function dropStaleLayers(tx: Tx): void {
  const files = tx.state.files;
  if (!files) return;
  let live: Set<string> | undefined;
  const stale: string[] = [];
  for (const key in files) {
    if (!key.startsWith("pod/")) continue;
    if (!live) {
      live = new Set();
      for (const pod of Object.values(tx.state.pods)) {
        for (const c of pod.spec.containers) live.add(containerMachine(pod, c.name));
        // A pod's emptyDir volumes live as long as the pod.
        for (const v of pod.spec.volumes ?? []) if (v.emptyDir) live.add(`pod/${pod.metadata.uid}/volume/${v.name}`);
      }
    }
    if (!live.has(key.slice(0, key.indexOf("|")))) stale.push(key);
  }
  if (stale.length === 0) return;
  const writable = tx.write("files");
  for (const key of stale) setKey(writable, key, undefined);
}

/** Sets (or with undefined, forgets) the entry at `path` of `machine`. */
export function putEntry(tx: Tx, machine: string, path: string, entry: StoredEntry | undefined): void {
  setKey(tx.write("files"), entryKey(machine, path), entry);
}
