// Server-side apply's field ownership (k8s.io/apimachinery util/managedfields and
// sigs.k8s.io/structured-merge-diff): each apply records, in metadata.managedFields, the fields
// its manager's configuration sets (fieldsV1: `f:` fields, `k:{...}` items of keyed lists, `v:`
// members of sets, `.` for an item itself); applying a field another manager owns with another
// value is a 409 conflict unless forced, and a field a manager stops applying is removed when no
// other manager owns it.

import type { FieldsV1, ManagedFieldsEntry } from "../cluster/types.ts";
import { equalJson } from "../same-json.ts";
import { strategicMergePatch } from "./patch.ts";

export type { FieldsV1, ManagedFieldsEntry };

/**
 * The keys of the built-in kinds' associative lists (their Go types' `+listType=map` and
 * `+listMapKey` markers); `[]` marks a set of scalars (`+listType=set`). Lists not here are atomic:
 * owned whole (args, command, tolerations). By field name, and by parent field where one name has
 * two kinds of list (a Service's ports and a container's).
 */
const LIST_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  volumes: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  env: ["name"],
  imagePullSecrets: ["name"],
  hostAliases: ["ip"],
  conditions: ["type"],
  ownerReferences: ["uid"],
  finalizers: [],
  topologySpreadConstraints: ["topologyKey", "whenUnsatisfiable"],
  resourceClaims: ["name"],
};

/** Values the API server defaults in a list key the configuration leaves out (a port's protocol). */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: "TCP" };

export function listKeysOf(field: string, parent: string): readonly string[] | undefined {
  if (field === "ports") return parent === "spec" ? ["port", "protocol"] : ["containerPort", "protocol"];
  return LIST_KEYS[field];
}

/** Fields owned whole: a workload's label selector (`+structType=atomic`), a Service's selector (`+mapType=atomic`). */
function atomicField(field: string, parent: string, kind: string): boolean {
  if (field !== "selector" || parent !== "spec") return false;
  return ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Service", "ReplicationController"].includes(kind);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isMap(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `k:` element of a keyed list's item: its keys as JSON, sorted by name, as structured-merge-diff writes them. */
export function keyElement(item: Record<string, Json>, keys: readonly string[]): string {
  const fields = [...keys].sort().map((k) => [k, item[k] ?? KEY_DEFAULTS[k]] as const).filter(([, v]) => v !== undefined);
  return `k:{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
}

/** The metadata an apply never owns (fieldmanager's stripMeta): identity, server-set fields. */
const STRIPPED_METADATA = ["name", "namespace", "creationTimestamp", "selfLink", "uid", "resourceVersion", "generation", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds"];

/**
 * The set of fields an applied configuration sets. apiVersion and kind, the object's identity and
 * its status (reset on the main resource) are not owned.
 */
export function appliedFields(config: Record<string, unknown>, kind: string): FieldsV1 {
  const out: FieldsV1 = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "apiVersion" || key === "kind" || key === "status") continue;
    if (key === "metadata" && isMap(value)) {
      const meta: FieldsV1 = {};
      for (const [m, v] of Object.entries(value)) if (!STRIPPED_METADATA.includes(m)) meta[`f:${m}`] = fieldsOf(v as Json, m, "metadata", kind);
      if (Object.keys(meta).length > 0) out["f:metadata"] = meta;
      continue;
    }
    out[`f:${key}`] = fieldsOf(value as Json, key, "", kind);
  }
  return sorted(out);
}

/** The set in structured-merge-diff's order: `.` first, then fields by name, then keyed items, then set members. */
function sorted(set: FieldsV1): FieldsV1 {
  const out: FieldsV1 = {};
  for (const element of Object.keys(set).sort()) out[element] = sorted(set[element]);
  return out;
}

function fieldsOf(value: Json, field: string, parent: string, kind: string): FieldsV1 {
  if (value === null) return {};
  if (isMap(value)) {
    if (atomicField(field, parent, kind)) return {};
    const out: FieldsV1 = {};
    for (const [k, v] of Object.entries(value)) out[`f:${k}`] = fieldsOf(v, k, field, kind);
    return out;
  }
  if (Array.isArray(value)) {
    const keys = listKeysOf(field, parent);
    if (keys === undefined) return {};
    const out: FieldsV1 = {};
    for (const item of value) {
      if (keys.length === 0) {
        out[`v:${JSON.stringify(item)}`] = {};
        continue;
      }
      if (!isMap(item)) continue;
      const node: FieldsV1 = { ".": {} };
      for (const [k, v] of Object.entries(item)) node[`f:${k}`] = fieldsOf(v, k, field, kind);
      out[keyElement(item, keys)] = node;
    }
    return out;
  }
  return {};
}

/** A leaf path of a set: its elements from the root. A keyed item's own `.` is a leaf of it. */
export type FieldPath = readonly string[];

/** Every leaf of a set (`{}` nodes, and `.` of items), in the set's order. */
export function leaves(set: FieldsV1, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [element, child] of Object.entries(set)) {
    const path = [...prefix, element];
    if (Object.keys(child).length === 0) out.push(path);
    else out.push(...leaves(child, path));
  }
  return out;
}

function has(set: FieldsV1, path: FieldPath): boolean {
  let node: FieldsV1 | undefined = set;
  for (const element of path) {
    node = node[element];
    if (node === undefined) return false;
  }
  return Object.keys(node).length === 0;
}

/** The set without the leaves of `remove` (nodes left empty go too: they owned nothing else). */
export function without(set: FieldsV1, remove: readonly FieldPath[]): FieldsV1 {
  const copy = JSON.parse(JSON.stringify(set)) as FieldsV1;
  for (const path of remove) {
    const trail: FieldsV1[] = [copy];
    let node: FieldsV1 | undefined = copy;
    for (const element of path.slice(0, -1)) {
      node = node?.[element];
      if (node === undefined) break;
      trail.push(node);
    }
    if (node === undefined) continue;
    const last = path[path.length - 1];
    if (!(last in node) || Object.keys(node[last]).length > 0) continue;
    delete node[last];
    for (let i = trail.length - 1; i > 0; i--) {
      if (Object.keys(trail[i]).length > 0) break;
      delete trail[i - 1][path[i - 1]];
    }
  }
  return copy;
}

/** The value at a path of an object, or undefined where it has none. */
function valueAt(object: unknown, path: FieldPath): unknown {
  let node: unknown = object;
  for (const element of path) {
    if (element === ".") return node;
    if (element.startsWith("f:")) {
      if (!isMap(node)) return undefined;
      node = node[element.slice(2)];
    } else if (element.startsWith("k:")) {
      if (!Array.isArray(node)) return undefined;
      const key = JSON.parse(element.slice(2)) as Record<string, Json>;
      node = node.find((item) => isMap(item) && Object.entries(key).every(([k, v]) => JSON.stringify(item[k] ?? KEY_DEFAULTS[k]) === JSON.stringify(v)));
    } else if (element.startsWith("v:")) {
      if (!Array.isArray(node)) return undefined;
      const wanted = element.slice(2);
      node = node.find((item) => JSON.stringify(item) === wanted);
    } else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** A path as structured-merge-diff prints it: `.spec.replicas`, `.spec.containers[name="web"].image`. */
export function pathString(path: FieldPath): string {
  let out = "";
  for (const element of path) {
    if (element === ".") continue;
    if (element.startsWith("f:")) out += `.${element.slice(2)}`;
    else if (element.startsWith("k:")) {
      const key = JSON.parse(element.slice(2)) as Record<string, Json>;
      out += `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
    } else if (element.startsWith("v:")) out += `[=${element.slice(2)}]`;
  }
  return out;
}

export interface Conflict {
  manager: string;
  path: FieldPath;
  /** The entry that owns the field: one manager name can have an Apply and Update entries. */
  entry?: ManagedFieldsEntry;
}

/**
 * The fields the applied configuration sets to a value other than the live one while another
 * manager owns them, in the order of the configuration's fields.
 */
export function conflictsOf(entries: readonly ManagedFieldsEntry[], manager: string, applied: FieldsV1, config: unknown, live: unknown): Conflict[] {
  const out: Conflict[] = [];
  for (const path of leaves(applied)) {
    if (path[path.length - 1] === ".") continue;
    const wanted = valueAt(config, path);
    const current = valueAt(live, path);
    if (equalJson(wanted, current)) continue;
    for (const entry of entries) {
      if (entry.operation === "Apply" && entry.manager === manager) continue;
      if (has(entry.fieldsV1, path)) out.push({ manager: entry.manager, path, entry });
    }
  }
  return out;
}

/** How the conflict message names a manager (fieldmanager's printManager): an updater with its apiVersion. */
function managerName(entry: ManagedFieldsEntry): string {
  const name = JSON.stringify(entry.manager) + (entry.subresource ? ` with subresource ${JSON.stringify(entry.subresource)}` : "");
  return entry.operation === "Update" ? `${name} using ${entry.apiVersion}` : name;
}

/** The 409's message (fieldmanager's getConflictMessage): one conflict inline, more grouped by sorted manager. */
export function conflictMessage(conflicts: readonly Conflict[], entries: readonly ManagedFieldsEntry[]): string {
  const named = (c: Conflict) => {
    const entry = c.entry ?? entries.find((e) => e.manager === c.manager);
    return entry ? managerName(entry) : JSON.stringify(c.manager);
  };
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${named(conflicts[0])}: ${pathString(conflicts[0].path)}`;
  // Grouped by the owner's identity, which sorts by manager name first.
  const owners = [...new Set(conflicts.map(named))].sort();
  const lines: string[] = [];
  for (const owner of owners) {
    lines.push(`conflicts with ${owner}:`);
    for (const c of conflicts) if (named(c) === owner) lines.push(`- ${pathString(c.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

/** The Status causes of the 409: one per conflict. */
export function conflictCauses(conflicts: readonly Conflict[], entries: readonly ManagedFieldsEntry[]): Array<{ reason: string; message: string; field: string }> {
  return conflicts.map((c) => {
    const entry = c.entry ?? entries.find((e) => e.manager === c.manager);
    return { reason: "FieldManagerConflict", message: `conflict with ${entry ? managerName(entry) : JSON.stringify(c.manager)}`, field: pathString(c.path) };
  });
}

/**
 * The leaves `manager` applied before and does not apply now, that no other manager owns: the
 * apply removes them from the object.
 */
export function released(entries: readonly ManagedFieldsEntry[], manager: string, applied: FieldsV1): FieldPath[] {
  const before = entries.find((e) => e.operation === "Apply" && e.manager === manager);
  if (!before) return [];
  return leaves(before.fieldsV1).filter((path) => !has(applied, path) && !entries.some((e) => e !== before && has(e.fieldsV1, path)));
}

/** The object without the fields at `paths` (a keyed item whose `.` is released goes whole). */
export function removeFields(object: Record<string, unknown>, paths: readonly FieldPath[]): void {
  for (const path of paths) {
    const itemPath = path[path.length - 1] === "." ? path.slice(0, -1) : path;
    const parent = valueAt(object, itemPath.slice(0, -1));
    const last = itemPath[itemPath.length - 1];
    if (last.startsWith("f:") && isMap(parent)) delete parent[last.slice(2)];
    else if (Array.isArray(parent)) {
      const item = valueAt(object, itemPath);
      const i = parent.indexOf(item as Json);
      if (i >= 0) parent.splice(i, 1);
    }
  }
}

/**
 * The entries after an apply: the manager's Apply entry holds what it applied now (first among
 * them when new, as the API server appends), forced fields leave the other managers' entries, and
 * an entry left with no fields goes.
 */
export function afterApply(entries: readonly ManagedFieldsEntry[], entry: ManagedFieldsEntry, forced: readonly Conflict[]): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  let placed = false;
  for (const e of entries) {
    if (e.operation === "Apply" && e.manager === entry.manager) {
      out.push(entry);
      placed = true;
      continue;
    }
    const lost = forced.filter((c) => (c.entry ? c.entry === e : c.manager === e.manager)).map((c) => c.path);
    const kept = lost.length > 0 ? { ...e, fieldsV1: without(e.fieldsV1, lost) } : e;
    if (Object.keys(kept.fieldsV1).length > 0) out.push(kept);
  }
  if (!placed) out.push(entry);
  return sortEntries(out);
}

/** What server-side apply makes of a configuration: the object to store, or the refusal. */
export type ServerSideApply =
  | { ok: true; object: Record<string, unknown> }
  | { ok: false; code: 409; message: string; causes: Array<{ reason: string; message: string; field: string }> }
  | { ok: false; code: 400; message: string };

/**
 * Server-side apply (fieldmanager's Apply) of `config` by `manager` over `live` (undefined: a new
 * object): the configuration's fields are the manager's; an existing object gets them merged in
 * by the built-in kinds' list keys. A field another manager owns with another value is a 409
 * conflict unless forced (then the field leaves that manager); a field the manager applied before
 * and no longer applies goes when no other manager owns it. The manager's Apply entry holds the
 * set; its time stays when the apply changed nothing. The object returned carries its
 * managedFields, to be created or updated as it is.
 */
export function serverSideApply(live: Record<string, unknown> | undefined, config: Record<string, unknown>, kind: string, apiVersion: string, manager: string, force: boolean, time: string): ServerSideApply {
  const fields = appliedFields(config, kind);
  const entry: ManagedFieldsEntry = { manager, operation: "Apply", apiVersion, time, fieldsType: "FieldsV1", fieldsV1: fields };
  if (!live) return { ok: true, object: { ...config, metadata: { ...(config.metadata as Record<string, unknown>), managedFields: [entry] } } };
  const entries: ManagedFieldsEntry[] = (live.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
  const conflicts = conflictsOf(entries, manager, fields, config, live);
  if (conflicts.length > 0 && !force) return { ok: false, code: 409, message: conflictMessage(conflicts, entries), causes: conflictCauses(conflicts, entries) };
  const base = JSON.parse(JSON.stringify(live)) as Record<string, unknown>;
  delete base.status;
  const merged = strategicMergePatch(base, config as Json);
  if (!merged.ok) return { ok: false, code: 400, message: merged.message };
  removeFields(merged.value, released(entries, manager, fields));
  const mergedMeta = merged.value.metadata as Record<string, unknown>;
  delete mergedMeta.resourceVersion;
  const before = entries.find((e) => e.operation === "Apply" && e.manager === manager);
  const { resourceVersion: _rv, managedFields: _mf, ...liveMeta } = base.metadata as Record<string, unknown>;
  const { managedFields: _mergedMf, ...nextMeta } = mergedMeta;
  const unchanged = before !== undefined && equalJson(before.fieldsV1, fields) && before.apiVersion === apiVersion && equalJson({ ...merged.value, metadata: nextMeta }, { ...base, metadata: liveMeta });
  mergedMeta.managedFields = afterApply(entries, unchanged ? { ...entry, time: before.time } : entry, force ? conflicts : []);
  return { ok: true, object: merged.value };
}

/** A set of fields as structured-merge-diff keeps it: each member a path (no `.`), a node with members below it a member too when it was set itself. */
type PathSet = Set<string>;

const pathKey = (path: FieldPath): string => JSON.stringify(path);

/** A fieldsV1 set's members: its leaves, an item's or map's own `.` standing for the node itself. */
function membersOf(set: FieldsV1): PathSet {
  return new Set(leaves(set).map((path) => pathKey(path[path.length - 1] === "." ? path.slice(0, -1) : path)));
}

/** The members as fieldsV1: a member with members below it gets its `.`, elements in structured-merge-diff's order. */
function fieldsV1Of(members: PathSet): FieldsV1 {
  const paths = [...members].map((key) => JSON.parse(key) as string[]);
  const root: FieldsV1 = {};
  for (const path of paths) {
    let node = root;
    for (const element of path) node = node[element] ??= {};
  }
  for (const path of paths) {
    let node = root;
    for (const element of path) node = node[element];
    if (Object.keys(node).length > 0) node["."] = {};
  }
  return sorted(root);
}

/** Fields no manager owns (fieldmanager's stripMeta and the main resource's reset status). */
const UNOWNED_ROOT = ["apiVersion", "kind", "status"];

/**
 * What an update changed, as structured-merge-diff's typed Compare finds it between the live and
 * the new object: leaves added, modified or removed; a map or struct that was not there, a keyed
 * list's new item and a set's new member are added themselves as well as their fields. Lists
 * without keys and atomic fields compare whole.
 */
function compareObjects(live: unknown, next: unknown, kind: string): { changed: PathSet; removed: PathSet } {
  const changed: PathSet = new Set();
  const removed: PathSet = new Set();
  const present = (v: unknown) => v !== undefined && v !== null;
  const everything = (value: unknown, path: FieldPath, field: string, parent: string, into: PathSet) => {
    into.add(pathKey(path));
    walkChildren(undefined, value, path, field, parent, (p) => into.add(p));
  };
  const walkChildren = (a: unknown, b: unknown, path: FieldPath, field: string, parent: string, add?: (key: string) => void) => {
    const both = (x: unknown, y: unknown, p: FieldPath, f: string, par: string) => {
      if (add) {
        if (present(y)) {
          add(pathKey(p));
          walkChildren(undefined, y, p, f, par, add);
        }
        return;
      }
      compare(x, y, p, f, par);
    };
    if (isMap(b) || isMap(a)) {
      if (atomicField(field, parent, kind)) return;
      const am = isMap(a) ? a : {};
      const bm = isMap(b) ? b : {};
      for (const key of new Set([...Object.keys(am), ...Object.keys(bm)])) {
        if (path.length === 0 && UNOWNED_ROOT.includes(key)) continue;
        if (path.length === 1 && path[0] === "f:metadata" && STRIPPED_METADATA.includes(key)) continue;
        both(am[key], bm[key], [...path, `f:${key}`], key, field);
      }
      return;
    }
    if (Array.isArray(b) || Array.isArray(a)) {
      const keys = listKeysOf(field, parent);
      if (keys === undefined) return;
      const element = (item: Json) => (keys.length === 0 ? `v:${JSON.stringify(item)}` : isMap(item) ? keyElement(item, keys) : undefined);
      const index = (list: unknown) => new Map((Array.isArray(list) ? (list as Json[]) : []).map((item) => [element(item), item] as const).filter(([e]) => e !== undefined) as Array<[string, Json]>);
      const ai = index(a);
      const bi = index(b);
      for (const e of new Set([...ai.keys(), ...bi.keys()])) both(ai.get(e), bi.get(e), [...path, e], field, parent);
    }
  };
  const compare = (a: unknown, b: unknown, path: FieldPath, field: string, parent: string) => {
    if (!present(a) && !present(b)) return;
    const atomic = atomicField(field, parent, kind) || path[path.length - 1]?.startsWith("v:") || (!isMap(a) && !isMap(b) && !((Array.isArray(a) || Array.isArray(b)) && listKeysOf(field, parent) !== undefined));
    if (!present(a)) {
      everything(b, path, field, parent, changed);
      return;
    }
    if (!present(b)) {
      everything(a, path, field, parent, removed);
      return;
    }
    if (atomic) {
      if (!equalJson(a, b)) changed.add(pathKey(path));
      return;
    }
    walkChildren(a, b, path, field, parent);
  };
  walkChildren(live, next, [], "", "");
  return { changed, removed };
}

/** How the API server orders the entries it stores (managedfields sortEncodedManagedFields): Apply first, then by time, manager, apiVersion, subresource. */
export function sortEntries(entries: readonly ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const seconds = (time: string | undefined) => (time === undefined ? 0 : Math.floor(Date.parse(time) / 1000));
  const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...entries].sort(
    (p, q) =>
      compareText(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareText(p.manager, q.manager) ||
      compareText(p.apiVersion, q.apiVersion) ||
      compareText(p.subresource ?? "", q.subresource ?? ""),
  );
}

/**
 * The entries after a write that is not an apply (fieldmanager's managedFieldsUpdater over
 * structured-merge-diff's Update): the fields it added or changed become the manager's `Update`
 * entry (merged with what that entry held, its time now) and leave every other manager, forced
 * (an update never conflicts); removed fields leave everyone; an entry left with nothing goes.
 * A write that changed nothing leaves the entries as they were.
 */
export function afterUpdate(entries: readonly ManagedFieldsEntry[], live: unknown, next: unknown, kind: string, apiVersion: string, manager: string, subresource: string | undefined, time: string): ManagedFieldsEntry[] {
  const { changed, removed } = compareObjects(live, next, kind);
  if (changed.size === 0 && removed.size === 0) return [...entries];
  const self = (e: ManagedFieldsEntry) => e.operation === "Update" && e.manager === manager && e.apiVersion === apiVersion && (e.subresource ?? "") === (subresource ?? "");
  const out: ManagedFieldsEntry[] = [];
  let mine: PathSet = new Set();
  let before: ManagedFieldsEntry | undefined;
  for (const e of entries) {
    const members = membersOf(e.fieldsV1);
    for (const key of removed) members.delete(key);
    if (self(e)) {
      mine = members;
      before = e;
      continue;
    }
    for (const key of changed) members.delete(key);
    if (members.size > 0) out.push({ ...e, fieldsV1: fieldsV1Of(members) });
  }
  for (const key of changed) mine.add(key);
  if (mine.size > 0) {
    const entry: ManagedFieldsEntry = { manager, operation: "Update", apiVersion, time: changed.size > 0 ? time : (before?.time ?? time), fieldsType: "FieldsV1", fieldsV1: fieldsV1Of(mine) };
    if (subresource !== undefined) entry.subresource = subresource;
    out.push(entry);
  }
  return sortEntries(out);
}

/** The manager a write is recorded under (handlers' managerOrUserAgent): its fieldManager, else the User-Agent up to its first `/`. */
export function managerOf(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return (userAgent ?? "").split("/")[0];
}
