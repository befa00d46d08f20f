// The API server: the one door through which kubectl and the controllers change the cluster.
// It validates (with the real messages), defaults, allocates ClusterIPs and NodePorts, enforces
// the session's object cap, and stores through store.ts so the indexes follow.
import type { Random } from "../random.ts";
import {
  type ApiResult,
  type ApiStatus,
  type ResourceKind,
  type StatusCause,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  internalError,
  invalid,
  notFound,
} from "./api-status.ts";
import { withProps } from "./compact.ts";
import { podQosClass } from "./quantity.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, formatValue, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, validateLabels } from "./field-errors.ts";
import { canonicalJson, newUid, randomSuffix, rfc3339 } from "./ids.ts";
import { type LabelSelectorRequirement, matchesRequirements } from "./label-selector.ts";
import { killingEvents } from "./kubelet-events.ts";
import { defaultPodSpec, validatePodSpec } from "./pod-spec.ts";
import { admitServiceAccount, isMirrorPod, keepServiceAccountVolume } from "./service-account.ts";
import { prepareServiceSpec } from "./service-spec.ts";
import { NO_LOGS, SYSTEM_NAMESPACES, isUserObject, nextResourceVersion, objectKey, putObject, removeObject, usedClusterIPs, usedNodePorts, userObjectCount } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ClusterState, DaemonSet, Deployment, KubeObject, LabelSelector, Labels, Namespace, ObjectMeta, Pod, PodTemplateSpec, ReplicaSet, Service, SubmittedObject } from "./types.ts";

export type { ApiResult, ApiStatus, ResourceKind, StatusCause } from "./api-status.ts";
export type { LabelSelectorRequirement } from "./label-selector.ts";
export { qualifiedResource } from "./api-status.ts";

export interface ApiContext {
  now: number;
  random: Random;
}

/** How long a deleted pod shows Terminating before the kubelet has killed it (simulated). */
export const POD_TERMINATION_MS = { min: 2000, spread: 1000 };

interface KindInfo {
  resource: ResourceKind;
  collection: "pods" | "services" | "deployments" | "replicaSets" | "daemonSets" | "nodes" | "namespaces";
  apiVersion: string;
  group: string;
  namespaced: boolean;
  validateName: (name: string) => string[];
}

const KINDS: Record<string, KindInfo> = {
  Pod: { resource: "pods", collection: "pods", apiVersion: "v1", group: "", namespaced: true, validateName: isDNS1123Subdomain },
  Service: { resource: "services", collection: "services", apiVersion: "v1", group: "", namespaced: true, validateName: isDNS1035Label },
  Deployment: { resource: "deployments", collection: "deployments", apiVersion: "apps/v1", group: "apps", namespaced: true, validateName: isDNS1123Subdomain },
  ReplicaSet: { resource: "replicasets", collection: "replicaSets", apiVersion: "apps/v1", group: "apps", namespaced: true, validateName: isDNS1123Subdomain },
  DaemonSet: { resource: "daemonsets", collection: "daemonSets", apiVersion: "apps/v1", group: "apps", namespaced: true, validateName: isDNS1123Subdomain },
  Namespace: { resource: "namespaces", collection: "namespaces", apiVersion: "v1", group: "", namespaced: false, validateName: isDNS1123Label },
  Node: { resource: "nodes", collection: "nodes", apiVersion: "v1", group: "", namespaced: false, validateName: isDNS1123Subdomain },
};

const BY_RESOURCE: Record<ResourceKind, KindInfo> = Object.fromEntries(Object.values(KINDS).map((k) => [k.resource, k])) as Record<ResourceKind, KindInfo>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const fail = (status: ApiStatus): { ok: false; status: ApiStatus } => ({ ok: false, status });

function kindOf(obj: SubmittedObject): KindInfo | ApiStatus {
  const info = typeof obj?.kind === "string" ? KINDS[obj.kind] : undefined;
  const version = obj?.apiVersion ?? info?.apiVersion;
  if (!info || version !== info.apiVersion) {
    return badRequest(`no matches for kind ${JSON.stringify(String(obj?.kind ?? ""))} in version ${JSON.stringify(String(version ?? ""))}`);
  }
  return info;
}

const NO_OBJECTS: Record<string, KubeObject> = Object.freeze({}) as Record<string, KubeObject>;

function collectionOf(state: ClusterState, info: KindInfo): Record<string, KubeObject> {
  return (state[info.collection] as Record<string, KubeObject> | undefined) ?? NO_OBJECTS;
}

/** Common metadata checks: namespace exists, name valid, labels valid. */
function checkMeta(tx: Tx, info: KindInfo, meta: NonNullable<SubmittedObject["metadata"]>, name: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const e of info.validateName(name)) causes.push(fieldInvalid(meta.name ? "metadata.name" : "metadata.generateName", meta.name ?? meta.generateName, e));
  causes.push(...validateLabels(meta.labels, "metadata.labels"));
  if (meta.annotations !== undefined && (!isRecord(meta.annotations) || Object.values(meta.annotations).some((v) => typeof v !== "string"))) {
    causes.push(fieldInvalid("metadata.annotations", meta.annotations, "must be a map of string keys to string values"));
  }
  return causes;
}

// Pods created together mostly carry equal labels (one manifest, a template's replicas): equal
// copies are one frozen object (objects are never edited in place). Recent ones only: sharing
// happens between neighbours, and the cache must not hold a big cluster's worth of keys.
/** What every new Service starts with (shared and frozen: objects are never edited in place). */
const NEW_SERVICE_STATUS: Service["status"] = Object.freeze({ loadBalancer: Object.freeze({}) });

const MAX_SHARED_LABELS = 256;
const sharedLabels = new Map<string, Labels>();

function copyLabels(labels: unknown): Labels | undefined {
  if (!isRecord(labels) || Object.keys(labels).length === 0) return undefined;
  const copy = { ...(labels as Labels) };
  for (const k in copy) if (typeof copy[k] !== "string") return copy;
  // JSON of string values: equal text, equal keys in equal order.
  const key = JSON.stringify(copy);
  const hit = sharedLabels.get(key);
  if (hit) return hit;
  if (sharedLabels.size >= MAX_SHARED_LABELS) sharedLabels.clear();
  sharedLabels.set(key, Object.freeze(copy));
  return copy;
}

// ---------------------------------------------------------------- kind-specific specs

function validateSelectorAgainstTemplate(spec: Record<string, unknown>, kindName: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = spec.selector;
  const template = isRecord(spec.template) ? spec.template : undefined;
  const tmeta = template && isRecord(template.metadata) ? template.metadata : {};
  const tlabels = isRecord(tmeta.labels) ? (tmeta.labels as Labels) : {};
  if (spec.replicas !== undefined && (typeof spec.replicas !== "number" || !Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    causes.push(fieldInvalid("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  }
  if (!isRecord(selector)) {
    causes.push(fieldRequired("spec.selector"));
  } else {
    const matchLabels = isRecord(selector.matchLabels) ? (selector.matchLabels as Labels) : {};
    const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
    if (Object.keys(matchLabels).length === 0 && exprs.length === 0) {
      causes.push(fieldInvalid("spec.selector", "", `empty selector is invalid for ${kindName === "Deployment" ? "deployment" : "replicaset"}`));
    } else {
      causes.push(...validateLabels(selector.matchLabels, "spec.selector.matchLabels"));
      exprs.forEach((e, i) => {
        if (!isRecord(e) || !["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator as string)) {
          causes.push(fieldNotSupported(`spec.selector.matchExpressions[${i}].operator`, isRecord(e) ? e.operator : e, ["In", "NotIn", "Exists", "DoesNotExist"]));
        }
      });
      const reqs: LabelSelectorRequirement[] = Object.entries(matchLabels).map(([key, v]) => ({ key, operator: "=", values: [v] }));
      for (const e of exprs) {
        if (!isRecord(e)) continue;
        const op = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as const)[e.operator as "In"];
        if (op) reqs.push({ key: String(e.key), operator: op, values: Array.isArray(e.values) ? e.values.map(String) : [] });
      }
      if (!matchesRequirements(tlabels, reqs)) {
        causes.push(fieldInvalid("spec.template.metadata.labels", tlabels, "`selector` does not match template `labels`"));
      }
    }
  }
  if (!template) causes.push(fieldRequired("spec.template"));
  else {
    causes.push(...validateLabels(tmeta.labels, "spec.template.metadata.labels"));
    causes.push(...validatePodSpec(template.spec, "spec.template.spec", ["Always"]));
  }
  return causes;
}

/** The selector's requirements, or undefined for a selector that selects nothing (absent). */
function selectorRequirements(selector: Record<string, unknown>): LabelSelectorRequirement[] {
  const matchLabels = isRecord(selector.matchLabels) ? (selector.matchLabels as Labels) : {};
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const reqs: LabelSelectorRequirement[] = Object.entries(matchLabels).map(([key, v]) => ({ key, operator: "=", values: [v] }));
  for (const e of exprs) {
    if (!isRecord(e)) continue;
    const op = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as const)[e.operator as "In"];
    if (op) reqs.push({ key: String(e.key), operator: op, values: Array.isArray(e.values) ? e.values.map(String) : [] });
  }
  return reqs;
}

/**
 * ValidateDaemonSetSpec, in its order: the selector's own checks; a template whose labels the
 * selector does not match (an absent selector matches nothing, so apps/v1 reports only that);
 * an empty selector; the pod template, which must restart Always.
 */
function validateDaemonSetSpec(spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = isRecord(spec.selector) ? spec.selector : undefined;
  const template = isRecord(spec.template) ? spec.template : undefined;
  const tmeta = template && isRecord(template.metadata) ? template.metadata : {};
  const tlabels = isRecord(tmeta.labels) ? (tmeta.labels as Labels) : {};
  if (selector) {
    causes.push(...validateLabels(selector.matchLabels, "spec.selector.matchLabels"));
    const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
    exprs.forEach((e, i) => {
      if (!isRecord(e) || !["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator as string)) {
        causes.push(fieldNotSupported(`spec.selector.matchExpressions[${i}].operator`, isRecord(e) ? e.operator : e, ["In", "NotIn", "Exists", "DoesNotExist"]));
      }
    });
  }
  const reqs = selector ? selectorRequirements(selector) : undefined;
  if (!reqs || !matchesRequirements(tlabels, reqs)) {
    causes.push(fieldInvalid("spec.template.metadata.labels", tlabels, "`selector` does not match template `labels`"));
  }
  if (selector && reqs && reqs.length === 0) {
    // field.Invalid prints a struct value with %#v.
    causes.push({ field: "spec.selector", message: `Invalid value: ${goLabelSelector(selectorOf(selector))}: empty selector is invalid for daemonset` });
  }
  if (!template) causes.push(fieldRequired("spec.template"));
  else {
    causes.push(...validateLabels(tmeta.labels, "spec.template.metadata.labels"));
    causes.push(...validatePodSpec(template.spec, "spec.template.spec", ["Always"]));
  }
  return causes;
}

function defaultTemplate(template: Record<string, unknown>): PodTemplateSpec {
  const meta = isRecord(template.metadata) ? template.metadata : {};
  // 1.34 no longer serializes the template's zero creationTimestamp (`creationTimestamp: null`).
  const out: PodTemplateSpec = { metadata: {}, spec: defaultPodSpec(template.spec as Record<string, unknown>, true) };
  const labels = copyLabels(meta.labels);
  if (labels) out.metadata.labels = labels;
  if (isRecord(meta.annotations) && Object.keys(meta.annotations).length > 0) out.metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  return out;
}

function selectorOf(selector: Record<string, unknown>): LabelSelector {
  const out: LabelSelector = {};
  if (isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0) out.matchLabels = { ...(selector.matchLabels as Labels) };
  if (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0) {
    out.matchExpressions = (selector.matchExpressions as Array<Record<string, unknown>>).map((e) => {
      const r: { key: string; operator: string; values?: string[] } = { key: String(e.key), operator: String(e.operator) };
      if (Array.isArray(e.values)) r.values = e.values.map(String);
      return r;
    });
  }
  return out;
}

type Built = { ok: true; obj: KubeObject } | { ok: false; status: ApiStatus };

function buildObject(tx: Tx, info: KindInfo, sub: SubmittedObject, meta: ObjectMeta, ctx: ApiContext, old: KubeObject | undefined): Built {
  const spec = isRecord(sub.spec) ? sub.spec : {};
  const bad = (causes: StatusCause[]): Built => ({ ok: false, status: invalid(sub.kind, info.group, meta.name, causes) });
  switch (info.resource) {
    case "pods": {
      const causes = validatePodSpec(sub.spec, "spec");
      if (causes.length) return bad(causes);
      let podSpec = defaultPodSpec(spec);
      if (old) {
        const before = old as Pod;
        podSpec = keepServiceAccountVolume(podSpec, before.spec);
        // Only images may change in a running pod (ValidatePodUpdate).
        const strip = (s: Pod["spec"]) => canonicalJson({ ...s, nodeName: undefined, containers: s.containers.map((c) => ({ ...c, image: "" })) });
        if (strip(podSpec) !== strip({ ...before.spec })) {
          return bad([
            fieldForbidden(
              "spec",
              "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
            ),
          ]);
        }
        return { ok: true, obj: { ...before, metadata: meta, spec: { ...before.spec, containers: podSpec.containers } } };
      }
      const owner = meta.ownerReferences?.find((o) => o.controller)?.uid;
      podSpec = admitServiceAccount(podSpec, owner ?? meta.uid, isMirrorPod(meta.annotations), owner !== undefined);
      const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: meta, spec: podSpec, status: { phase: "Pending", qosClass: podQosClass(podSpec) } };
      return { ok: true, obj: pod };
    }
    case "services": {
      const result = prepareServiceSpec(sub.spec, {
        config: tx.state.config,
        usedClusterIPs: usedClusterIPs(tx),
        usedNodePorts: usedNodePorts(tx),
        random: ctx.random,
        old: old as Service | undefined,
      });
      if (!result.ok) return result.internal ? { ok: false, status: internalError(result.internal) } : bad(result.causes);
      const status = old ? (old as Service).status : NEW_SERVICE_STATUS;
      const svc: Service = { apiVersion: "v1", kind: "Service", metadata: meta, spec: result.spec, status };
      return { ok: true, obj: svc };
    }
    case "deployments":
    case "replicasets": {
      const causes = validateSelectorAgainstTemplate(spec, sub.kind);
      if (old) {
        const oldSel = (old as Deployment).spec.selector;
        if (isRecord(spec.selector) && canonicalJson(selectorOf(spec.selector)) !== canonicalJson(oldSel)) {
          causes.push(fieldInvalid("spec.selector", goLabelSelector(selectorOf(spec.selector)), "field is immutable"));
        }
      }
      if (causes.length) return bad(causes);
      const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
      const selector = selectorOf(spec.selector as Record<string, unknown>);
      const template = defaultTemplate(spec.template as Record<string, unknown>);
      const specChanged = !old || canonicalJson((old as Deployment).spec) !== canonicalJson({ ...(old as Deployment).spec, replicas, selector, template });
      meta.generation = old ? (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
      if (info.resource === "deployments") {
        const d: Deployment = {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta,
          spec: {
            progressDeadlineSeconds: typeof spec.progressDeadlineSeconds === "number" ? spec.progressDeadlineSeconds : 600,
            replicas,
            revisionHistoryLimit: typeof spec.revisionHistoryLimit === "number" ? spec.revisionHistoryLimit : 10,
            selector,
            strategy: defaultStrategy(spec.strategy),
            template,
          },
          status: old ? (old as Deployment).status : {},
        };
        return { ok: true, obj: d };
      }
      const rs: ReplicaSet = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: meta,
        spec: { replicas, selector, template },
        status: old ? (old as ReplicaSet).status : { replicas: 0 },
      };
      return { ok: true, obj: rs };
    }
    case "daemonsets":
      return buildDaemonSet(sub, spec, meta, old as DaemonSet | undefined);
    case "namespaces": {
      const ns: Namespace = old
        ? { ...(old as Namespace), metadata: meta }
        : { apiVersion: "v1", kind: "Namespace", metadata: meta, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } };
      ns.metadata.labels = { ...(meta.labels ?? {}), "kubernetes.io/metadata.name": meta.name };
      return { ok: true, obj: ns };
    }
    case "nodes": {
      if (!old) return { ok: false, status: forbidden("nodes", meta.name, "nodes join the cluster through the kubelet; this playground's nodes are fixed") };
      const node = old as KubeObject & { kind: "Node" };
      const nextSpec = { ...node.spec };
      if (typeof spec.unschedulable === "boolean") nextSpec.unschedulable = spec.unschedulable || undefined;
      // An empty list is stored as none, as the API server omits empty taints.
      if (Array.isArray(spec.taints)) nextSpec.taints = spec.taints.length > 0 ? (spec.taints as typeof nextSpec.taints) : undefined;
      return { ok: true, obj: { ...node, metadata: meta, spec: nextSpec } };
    }
  }
}

export const TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

/**
 * A DaemonSet as the API server stores it: RollingUpdate (maxSurge 0, maxUnavailable 1) and a
 * revisionHistoryLimit of 10 by default; generation, and its copy in the deprecated template
 * generation annotation, go up when the template changes.
 */
function buildDaemonSet(sub: SubmittedObject, spec: Record<string, unknown>, meta: ObjectMeta, old: DaemonSet | undefined): Built {
  const causes = validateDaemonSetSpec(spec);
  if (old && isRecord(spec.selector) && canonicalJson(selectorOf(spec.selector)) !== canonicalJson(old.spec.selector)) {
    causes.push({ field: "spec.selector", message: `Invalid value: ${goLabelSelector(selectorOf(spec.selector))}: field is immutable` });
  }
  if (causes.length) return { ok: false, status: invalid(sub.kind, "apps", meta.name, causes) };
  const template = defaultTemplate(spec.template as Record<string, unknown>);
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  const type = typeof strategy.type === "string" ? strategy.type : "RollingUpdate";
  const rolling = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const next: DaemonSet["spec"] = {
    revisionHistoryLimit: typeof spec.revisionHistoryLimit === "number" ? spec.revisionHistoryLimit : 10,
    selector: selectorOf(spec.selector as Record<string, unknown>),
    template,
    updateStrategy: type === "RollingUpdate" ? { rollingUpdate: { maxSurge: (rolling.maxSurge as number | string) ?? 0, maxUnavailable: (rolling.maxUnavailable as number | string) ?? 1 }, type } : { type },
  };
  const templateChanged = !old || canonicalJson(old.spec.template) !== canonicalJson(template);
  const specChanged = !old || canonicalJson(old.spec) !== canonicalJson(next);
  meta.generation = old ? (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
  const templateGeneration = old && !templateChanged ? (old.metadata.annotations?.[TEMPLATE_GENERATION] ?? String(meta.generation)) : String(meta.generation);
  meta.annotations = { ...(meta.annotations ?? {}), [TEMPLATE_GENERATION]: templateGeneration };
  const status: DaemonSet["status"] = old ? old.status : { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  return { ok: true, obj: { apiVersion: "apps/v1", kind: "DaemonSet", metadata: meta, spec: next, status } };
}

/** SetDefaults_Deployment: RollingUpdate with 25% surge and 25% unavailable unless set. */
function defaultStrategy(strategy: unknown): Record<string, unknown> {
  const s = isRecord(strategy) ? strategy : {};
  const type = typeof s.type === "string" ? s.type : "RollingUpdate";
  if (type !== "RollingUpdate") return { ...s, type };
  const ru = isRecord(s.rollingUpdate) ? s.rollingUpdate : {};
  return { ...s, rollingUpdate: { ...ru, maxSurge: ru.maxSurge ?? "25%", maxUnavailable: ru.maxUnavailable ?? "25%" }, type };
}

function goLabelSelector(s: LabelSelector): { toString(): string } {
  return `v1.LabelSelector{MatchLabels:${formatValue(s.matchLabels ?? {})}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

// ---------------------------------------------------------------- create / update / delete

/** `uid`: for bootstrap's replay of a history whose objects were already referred to by uid. */
export function createObject(tx: Tx, obj: SubmittedObject, ctx: ApiContext, uid?: string): ApiResult<KubeObject> {
  const info = kindOf(obj);
  if ("code" in info) return fail(info);
  const sub = obj;
  const meta = isRecord(sub.metadata) ? sub.metadata : {};
  const namespace = info.namespaced ? (typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default") : undefined;
  const state = tx.state;

  let name = typeof meta.name === "string" ? meta.name : "";
  const generateName = typeof meta.generateName === "string" ? meta.generateName : "";
  if (name === "" && generateName === "") {
    return fail(invalid(sub.kind, info.group, "", [fieldRequired("metadata.name", "name or generateName is required")]));
  }
  const records = collectionOf(state, info);
  if (name === "") {
    // generateName: the API server appends 5 random characters (and retries on a clash).
    for (let attempt = 0; attempt < 8; attempt++) {
      name = generateName + randomSuffix(ctx.random);
      if (!records[objectKey(namespace, name)]) break;
    }
  }
  const causes = checkMeta(tx, info, meta, name);
  if (namespace !== undefined && causes.length === 0) {
    const ns = state.namespaces[namespace];
    if (!ns) return fail(notFound("namespaces", namespace));
    if (ns.status.phase === "Terminating") {
      return fail(forbidden(info.resource, name, `unable to create new content in namespace ${namespace} because it is being terminated`));
    }
  }
  if (causes.length) return fail(invalid(sub.kind, info.group, name, causes));
  const key = objectKey(namespace, name);
  if (records[key]) return fail(alreadyExists(info.resource, name));

  const metadata: ObjectMeta = { name, uid: uid ?? newUid(ctx.random), resourceVersion: "", creationTimestamp: rfc3339(ctx.now) };
  if (generateName && !meta.name) metadata.generateName = generateName;
  if (namespace !== undefined) metadata.namespace = namespace;
  const labels = copyLabels(meta.labels);
  if (labels) metadata.labels = labels;
  if (isRecord(meta.annotations) && Object.keys(meta.annotations).length > 0) metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) metadata.ownerReferences = meta.ownerReferences.map((r) => ({ ...r }));

  // Keys were added one by one: a compact copy drops the property array (~40 B an object).
  const built = buildObject(tx, info, sub, withProps(metadata, {}), ctx, undefined);
  if (!built.ok) return built;
  if (isUserObject(info.collection, built.obj)) {
    const used = userObjectCount(tx);
    const limit = state.config.maxObjects;
    if (used >= limit) {
      return fail(forbidden(info.resource, name, `exceeded quota: object-count, requested: count/objects=1, used: count/objects=${used}, limited: count/objects=${limit}`));
    }
  }
  built.obj.metadata.resourceVersion = nextResourceVersion(tx);
  putObject(tx, info.collection, key, built.obj as never);
  if (info.resource === "pods") {
    const runtime = tx.write("podRuntime");
    runtime[key] = { createdAt: ctx.now, logs: NO_LOGS, nextAt: ctx.now };
  }
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
  const info = kindOf(obj);
  if ("code" in info) return fail(info);
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const namespace = info.namespaced ? (typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default") : undefined;
  const name = typeof meta.name === "string" ? meta.name : "";
  if (name === "") return fail(invalid(obj.kind, info.group, "", [fieldRequired("metadata.name", "name or generateName is required")]));
  const key = objectKey(namespace, name);
  const old = collectionOf(tx.state, info)[key];
  if (!old) return fail(notFound(info.resource, name));
  if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) return fail(conflict(info.resource, name));
  if (meta.uid && meta.uid !== old.metadata.uid) {
    return fail(invalid(obj.kind, info.group, name, [fieldInvalid("metadata.uid", meta.uid, "field is immutable")]));
  }
  const causes = checkMeta(tx, info, meta, name);
  if (causes.length) return fail(invalid(obj.kind, info.group, name, causes));

  const metadata: ObjectMeta = { ...old.metadata, resourceVersion: old.metadata.resourceVersion };
  const labels = copyLabels(meta.labels);
  if (labels) metadata.labels = labels;
  else delete metadata.labels;
  if (isRecord(meta.annotations) && Object.keys(meta.annotations).length > 0) metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  else delete metadata.annotations;
  if (Array.isArray(meta.ownerReferences)) {
    if (meta.ownerReferences.length > 0) metadata.ownerReferences = meta.ownerReferences.map((r) => ({ ...r }));
    else delete metadata.ownerReferences;
  }
  const built = buildObject(tx, info, obj, metadata, ctx, old);
  if (!built.ok) return built;
  // An update that changes nothing is a no-op for the API server: same resourceVersion.
  if (canonicalJson(built.obj) === canonicalJson(old)) return { ok: true, value: old };
  built.obj.metadata.resourceVersion = nextResourceVersion(tx);
  putObject(tx, info.collection, key, built.obj as never);
  if (info.resource === "pods") restartChangedContainers(tx, key, old as Pod, built.obj as Pod, ctx.now);
  return { ok: true, value: built.obj };
}

/** A new image makes the kubelet kill and recreate that container (restartCount goes up). */
function restartChangedContainers(tx: Tx, key: string, before: Pod, after: Pod, now: number): void {
  const runtime = tx.state.podRuntime[key];
  if (!runtime?.containers) return;
  const changed = after.spec.containers.map((c, i) => c.image !== before.spec.containers[i]?.image);
  if (!changed.some(Boolean)) return;
  const containers = runtime.containers.map((c, i) =>
    changed[i] ? { ...c, phase: "creating" as const, since: now, until: now + 1000, pullAttempts: 0, restartCount: c.phase === "creating" ? c.restartCount : c.restartCount + 1 } : c,
  );
  tx.write("podRuntime")[key] = { ...runtime, containers, nextAt: now };
}

export function deleteObject(tx: Tx, kind: ResourceKind, namespace: string | undefined, name: string, ctx: ApiContext): ApiResult<KubeObject> {
  const info = BY_RESOURCE[kind];
  if (!info) return fail(badRequest(`the server doesn't have a resource type "${kind}"`));
  const ns = info.namespaced ? (namespace ?? "default") : undefined;
  const key = objectKey(ns, name);
  const old = collectionOf(tx.state, info)[key];
  if (!old) return fail(notFound(kind, name));
  switch (kind) {
    case "pods":
      return { ok: true, value: deletePodGracefully(tx, key, old as Pod, ctx) };
    case "namespaces": {
      if (name === "default" || SYSTEM_NAMESPACES.has(name)) return fail(forbidden("namespaces", name, "this namespace may not be deleted"));
      const nsObj = old as Namespace;
      if (nsObj.status.phase === "Terminating") return { ok: true, value: nsObj };
      const next: Namespace = {
        ...nsObj,
        metadata: { ...nsObj.metadata, deletionTimestamp: rfc3339(ctx.now), resourceVersion: nextResourceVersion(tx) },
        status: { phase: "Terminating" },
      };
      putObject(tx, "namespaces", key, next);
      return { ok: true, value: next };
    }
    case "nodes":
      return fail(forbidden("nodes", name, "this playground's nodes cannot be removed"));
    default:
      // Services go at once; Deployments, ReplicaSets and DaemonSets too, their dependents follow through
      // the garbage collector (background propagation, kubectl's default).
      nextResourceVersion(tx);
      removeObject(tx, info.collection, key);
      return { ok: true, value: old };
  }
}

/** Sets deletionTimestamp; the kubelet removes the pod a couple of simulated seconds later. */
export function deletePodGracefully(tx: Tx, key: string, pod: Pod, ctx: ApiContext): Pod {
  if (pod.metadata.deletionTimestamp) return pod;
  if (!pod.spec.nodeName) {
    // Never scheduled: no kubelet has to stop anything, the object goes at once.
    nextResourceVersion(tx);
    removeObject(tx, "pods", key);
    const runtime = tx.write("podRuntime");
    delete runtime[key];
    return pod;
  }
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const next: Pod = {
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: rfc3339(ctx.now + grace * 1000),
      deletionGracePeriodSeconds: grace,
      resourceVersion: nextResourceVersion(tx),
    },
  };
  putObject(tx, "pods", key, next);
  const runtime = tx.state.podRuntime[key];
  killingEvents(tx, pod, runtime?.containers, ctx.now);
  const goneAt = ctx.now + Math.min(grace * 1000, POD_TERMINATION_MS.min + ctx.random.int(POD_TERMINATION_MS.spread));
  tx.write("podRuntime")[key] = { ...(runtime ?? { createdAt: ctx.now, logs: [] }), goneAt, nextAt: Math.min(runtime?.nextAt ?? goneAt, goneAt) };
  return next;
}

// ---------------------------------------------------------------- reads

export function getObject(state: ClusterState, kind: ResourceKind, namespace: string | undefined, name: string): ApiResult<KubeObject> {
  const info = BY_RESOURCE[kind];
  if (!info) return fail(badRequest(`the server doesn't have a resource type "${kind}"`));
  const obj = collectionOf(state, info)[objectKey(info.namespaced ? (namespace ?? "default") : undefined, name)];
  return obj ? { ok: true, value: obj } : fail(notFound(kind, name));
}

const sortedKeysCache = new WeakMap<object, { rv: number; keys: string[] }>();

function compareKeys(a: string, b: string): number {
  const ia = a.indexOf("/");
  const ib = b.indexOf("/");
  const nsa = ia < 0 ? "" : a.slice(0, ia);
  const nsb = ib < 0 ? "" : b.slice(0, ib);
  if (nsa !== nsb) return nsa < nsb ? -1 : 1;
  const na = a.slice(ia + 1);
  const nb = b.slice(ib + 1);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function sortedKeys(state: ClusterState, record: Record<string, KubeObject>): string[] {
  const hit = sortedKeysCache.get(record);
  if (hit && hit.rv === state.resourceVersion) return hit.keys;
  const keys = Object.keys(record).sort(compareKeys);
  sortedKeysCache.set(record, { rv: state.resourceVersion, keys });
  return keys;
}

/** Objects of a kind, sorted by namespace then name as kubectl prints them. */
export function listObjects(state: ClusterState, kind: ResourceKind, namespace?: string, selector?: LabelSelectorRequirement[]): KubeObject[] {
  const info = BY_RESOURCE[kind];
  if (!info) return [];
  const record = collectionOf(state, info);
  const out: KubeObject[] = [];
  const prefix = info.namespaced && namespace !== undefined ? `${namespace}/` : undefined;
  for (const key of sortedKeys(state, record)) {
    if (prefix !== undefined && !key.startsWith(prefix)) continue;
    const obj = record[key];
    if (selector && selector.length > 0 && !matchesRequirements(obj.metadata.labels, selector)) continue;
    out.push(obj);
  }
  return out;
}
