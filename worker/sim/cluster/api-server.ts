// The API server: the one door through which kubectl and the controllers change the cluster.
// Generic over the kinds of the registry (worker/sim/kinds): it checks metadata (with the real
// messages), enforces the session's object cap, resourceVersion and uid rules, and stores through
// store.ts so the indexes follow; what is particular to a kind is that kind's strategy.
import { apiVersionOfKind, kindByName, kindByResource, kindServed, listKind, servesApiVersion, readKind, storageKey, storeLocation, storedObjects } from "../kinds/index.ts";
import type { ApiContext, KindDefinition, KindStrategy } from "../kinds/types.ts";
import { copyLabels, isRecord } from "../kinds/templates.ts";
import {
  type ApiResult,
  type ApiStatus,
  type ResourceKind,
  type StatusCause,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
} from "./api-status.ts";
import { admissionPolicies } from "./admission-policies.ts";
import { validatingAdmission } from "./admission-webhooks.ts";
import { withProps } from "./compact.ts";
import { fieldInvalid, fieldRequired, validateLabels } from "./field-errors.ts";
import { canonicalJson, newUid, randomSuffix, rfc3339 } from "./ids.ts";
import { type LabelSelectorRequirement, matchesRequirements } from "./label-selector.ts";
import { type StoreLocation, isUserObject, nextResourceVersion, objectKey, putAt, removeAt, userObjectCount } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, KubeObject, ManagedFieldsEntry, ObjectMeta, SubmittedObject } from "./types.ts";

export type { ApiResult, ApiStatus, ResourceKind, StatusCause } from "./api-status.ts";
export type { LabelSelectorRequirement } from "./label-selector.ts";
export type { ApiContext } from "../kinds/types.ts";
export { qualifiedResource } from "./api-status.ts";
export { deletePodGracefully } from "../kinds/pod.ts";
export { TEMPLATE_GENERATION } from "../kinds/daemon-set.ts";

interface Writable {
  def: KindDefinition;
  collection: StoreLocation;
  strategy: KindStrategy;
}

const fail = (status: ApiStatus): { ok: false; status: ApiStatus } => ({ ok: false, status });

/** The kind a client's object names, if the server stores it and clients may write it. */
function kindOf(state: ClusterState, obj: SubmittedObject): Writable | ApiStatus {
  const named = typeof obj?.kind === "string" ? kindByName(obj.kind) : undefined;
  const def = named && kindServed(state, named) ? named : undefined;
  const writable = def?.strategy && storeLocation(def) ? def : undefined;
  const version = obj?.apiVersion ?? (writable ? apiVersionOfKind(writable) : undefined);
  if (!writable || !servesApiVersion(state, writable, String(version))) {
    return badRequest(`no matches for kind ${JSON.stringify(String(obj?.kind ?? ""))} in version ${JSON.stringify(String(version ?? ""))}`);
  }
  return { def: writable, collection: storeLocation(writable)!, strategy: writable.strategy! };
}

/** apimachinery's TotalAnnotationSizeLimitB: keys and values together, in bytes. */
const TOTAL_ANNOTATION_SIZE = 256 * 1024;

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

function annotationsSize(annotations: Record<string, string>): number {
  let n = 0;
  for (const key in annotations) n += utf8Length(key) + utf8Length(annotations[key]);
  return n;
}

/** Common metadata checks: name valid, labels valid, annotations a string map within the size limit. */
function checkMeta(strategy: KindStrategy, meta: NonNullable<SubmittedObject["metadata"]>, name: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const e of strategy.validateName(name)) causes.push(fieldInvalid(meta.name ? "metadata.name" : "metadata.generateName", meta.name ?? meta.generateName, e));
  causes.push(...validateLabels(meta.labels, "metadata.labels"));
  if (meta.annotations !== undefined && (!isRecord(meta.annotations) || Object.values(meta.annotations).some((v) => typeof v !== "string"))) {
    causes.push(fieldInvalid("metadata.annotations", meta.annotations, "must be a map of string keys to string values"));
  } else if (meta.annotations !== undefined && annotationsSize(meta.annotations) > TOTAL_ANNOTATION_SIZE) {
    // apimachinery's ValidateAnnotationsSize: client-side apply's last-applied copy of a big CRD hits it.
    causes.push({ field: "metadata.annotations", message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE} bytes` });
  }
  return causes;
}

// ---------------------------------------------------------------- create / update / delete

/** `uid`: for bootstrap's replay of a history whose objects were already referred to by uid. */
export function createObject(tx: Tx, obj: SubmittedObject, ctx: ApiContext, uid?: string): ApiResult<KubeObject> {
  const info = kindOf(tx.state, obj);
  if ("code" in info) return fail(info);
  const { def, collection, strategy } = info;
  const sub = obj;
  const meta = isRecord(sub.metadata) ? sub.metadata : {};
  const namespace = def.namespaced ? (typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default") : undefined;
  const state = tx.state;

  let name = typeof meta.name === "string" ? meta.name : "";
  const generateName = typeof meta.generateName === "string" ? meta.generateName : "";
  if (name === "" && generateName === "") {
    return fail(invalid(sub.kind, def.group, "", [fieldRequired("metadata.name", "name or generateName is required")]));
  }
  const records = storedObjects(state, def);
  if (name === "") {
    // generateName: the API server appends 5 random characters (and retries on a clash).
    for (let attempt = 0; attempt < 8; attempt++) {
      name = generateName + randomSuffix(ctx.random);
      if (!records[objectKey(namespace, name)]) break;
    }
  }
  const causes = checkMeta(strategy, meta, name);
  if (namespace !== undefined && causes.length === 0) {
    const ns = state.namespaces[namespace];
    if (!ns) return fail(notFound("namespaces", namespace));
    if (ns.status.phase === "Terminating") {
      return fail(forbidden(def.plural, name, `unable to create new content in namespace ${namespace} because it is being terminated`));
    }
  }
  if (causes.length) return fail(invalid(sub.kind, def.group, name, causes));
  const key = objectKey(namespace, name);
  if (records[key]) return fail(alreadyExists(def.plural, name, def.group));

  const metadata: ObjectMeta = { name, uid: uid ?? newUid(ctx.random), resourceVersion: "", creationTimestamp: rfc3339(ctx.now) };
  if (generateName && !meta.name) metadata.generateName = generateName;
  if (namespace !== undefined) metadata.namespace = namespace;
  const labels = copyLabels(meta.labels);
  if (labels) metadata.labels = labels;
  if (isRecord(meta.annotations) && Object.keys(meta.annotations).length > 0) metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) metadata.ownerReferences = meta.ownerReferences.map((r) => ({ ...r }));
  // Server-side apply sends the entries it computed; a client's own are taken as they are, as the API server takes them.
  if (Array.isArray(meta.managedFields) && meta.managedFields.length > 0) metadata.managedFields = JSON.parse(JSON.stringify(meta.managedFields)) as ManagedFieldsEntry[];

  // Keys were added one by one: a compact copy drops the property array (~40 B an object).
  const built = strategy.build(tx, sub, withProps(metadata, {}), ctx, undefined);
  if (!built.ok) return built;
  const denied = admissionPolicies(state, def, "CREATE", built.obj, undefined) ?? validatingAdmission(state, def, "CREATE", built.obj, undefined);
  if (denied) return fail(denied);
  if (isUserObject("collection" in collection ? collection.collection : collection.resource, built.obj)) {
    const used = userObjectCount(tx);
    const limit = state.config.maxObjects;
    if (used >= limit) {
      return fail(forbidden(def.plural, name, `exceeded quota: object-count, requested: count/objects=1, used: count/objects=${used}, limited: count/objects=${limit}`));
    }
  }
  built.obj.metadata.resourceVersion = nextResourceVersion(tx);
  putAt(tx, collection, key, built.obj);
  strategy.afterCreate?.(tx, key, built.obj, ctx);
  return { ok: true, value: built.obj };
}

/**
 * Full replace of an existing object (apply, label, scale, patch, rollout restart use it).
 * Server-side rules kept: uid and creationTimestamp stay; a stale metadata.resourceVersion is a
 * Conflict; spec.clusterIP is immutable and kept when omitted; a Service port sent without a
 * nodePort keeps its allocated one (matched by port name, as patchAllocatedValues does); a
 * change to type ClusterIP drops the nodePorts it had; Pods may change only images, labels and
 * annotations; Deployments bump metadata.generation when their spec changes; status is kept.
 */
export function updateObject(tx: Tx, obj: SubmittedObject, ctx: ApiContext): ApiResult<KubeObject> {
  const info = kindOf(tx.state, obj);
  if ("code" in info) return fail(info);
  const { def, collection, strategy } = info;
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const namespace = def.namespaced ? (typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default") : undefined;
  const name = typeof meta.name === "string" ? meta.name : "";
  if (name === "") return fail(invalid(obj.kind, def.group, "", [fieldRequired("metadata.name", "name or generateName is required")]));
  const key = objectKey(namespace, name);
  const old = storedObjects(tx.state, def)[key];
  if (!old) return fail(notFound(def.plural, name, def.group));
  if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) return fail(conflict(def.plural, name, def.group));
  if (meta.uid && meta.uid !== old.metadata.uid) {
    return fail(invalid(obj.kind, def.group, name, [fieldInvalid("metadata.uid", meta.uid, "field is immutable")]));
  }
  const causes = checkMeta(strategy, meta, name);
  if (causes.length) return fail(invalid(obj.kind, def.group, name, causes));

  const metadata: ObjectMeta = { ...old.metadata, resourceVersion: old.metadata.resourceVersion };
  const labels = copyLabels(meta.labels);
  if (labels) metadata.labels = labels;
  else delete metadata.labels;
  if (isRecord(meta.annotations) && Object.keys(meta.annotations).length > 0) metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  else delete metadata.annotations;
  if (Array.isArray(meta.managedFields)) {
    if (meta.managedFields.length > 0) metadata.managedFields = JSON.parse(JSON.stringify(meta.managedFields)) as ManagedFieldsEntry[];
    else delete metadata.managedFields;
  }
  if (Array.isArray(meta.ownerReferences)) {
    if (meta.ownerReferences.length > 0) metadata.ownerReferences = meta.ownerReferences.map((r) => ({ ...r }));
    else delete metadata.ownerReferences;
  }
  const built = strategy.build(tx, obj, metadata, ctx, old);
  if (!built.ok) return built;
  // Admission runs before storage finds an update changes nothing.
  const denied = admissionPolicies(tx.state, def, "UPDATE", built.obj, old) ?? validatingAdmission(tx.state, def, "UPDATE", built.obj, old);
  if (denied) return fail(denied);
  // An update that changes nothing is a no-op for the API server: same resourceVersion.
  if (canonicalJson(built.obj) === canonicalJson(old)) return { ok: true, value: old };
  built.obj.metadata.resourceVersion = nextResourceVersion(tx);
  putAt(tx, collection, key, built.obj);
  strategy.afterUpdate?.(tx, key, old, built.obj, ctx);
  return { ok: true, value: built.obj };
}


export function deleteObject(tx: Tx, kind: ResourceKind, namespace: string | undefined, name: string, ctx: ApiContext): ApiResult<KubeObject> {
  const def = kindByResource(kind);
  const at = def && def.strategy ? storeLocation(def) : undefined;
  if (!def || !def.strategy || !at) return fail(badRequest(`the server doesn't have a resource type "${kind}"`));
  const key = storageKey(def, namespace, name);
  const old = storedObjects(tx.state, def)[key];
  if (!old) return fail(notFound(kind, name, def.group));
  if (def.strategy.delete) return def.strategy.delete(tx, key, old, ctx);
  // Services go at once; Deployments, ReplicaSets and DaemonSets too, their dependents follow through
  // the garbage collector (background propagation, kubectl's default).
  nextResourceVersion(tx);
  removeAt(tx, at, key);
  return { ok: true, value: old };
}

// ---------------------------------------------------------------- reads

export function getObject(state: ClusterState, kind: ResourceKind, namespace: string | undefined, name: string): ApiResult<KubeObject> {
  const def = kindByResource(kind);
  if (!def || !storeLocation(def)) return fail(badRequest(`the server doesn't have a resource type "${kind}"`));
  const obj = readKind(state, def, namespace, name) as KubeObject | undefined;
  return obj ? { ok: true, value: obj } : fail(notFound(kind, name, def.group));
}

/** Objects of a kind, sorted by namespace then name as kubectl prints them. */
export function listObjects(state: ClusterState, kind: ResourceKind, namespace?: string, selector?: LabelSelectorRequirement[]): KubeObject[] {
  const def = kindByResource(kind);
  if (!def || !storeLocation(def)) return [];
  const all = listKind(state, def, namespace) as KubeObject[];
  return selector && selector.length > 0 ? all.filter((o) => matchesRequirements(o.metadata.labels, selector)) : all;
}
