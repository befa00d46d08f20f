// What the API server's strategies share: metadata copies, label selectors and pod templates
// (apps/v1 validation of selector against template, and the template's defaulting).
import { type ApiStatus, type StatusCause, invalid } from "../cluster/api-status.ts";
import { fieldInvalid, fieldNotSupported, fieldRequired, formatValue, validateLabels } from "../cluster/field-errors.ts";
import { type LabelSelectorRequirement, matchesRequirements } from "../cluster/label-selector.ts";
import { defaultPodSpec, validatePodSpec } from "../cluster/pod-spec.ts";
import { canonicalJson } from "../cluster/ids.ts";
import type { LabelSelector, Labels, ObjectMeta, PodTemplateSpec, SubmittedObject } from "../cluster/types.ts";

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// Pods created together mostly carry equal labels (one manifest, a template's replicas): equal
// copies are one frozen object (objects are never edited in place). Recent ones only: sharing
// happens between neighbours, and the cache must not hold a big cluster's worth of keys.
const MAX_SHARED_LABELS = 256;
const sharedLabels = new Map<string, Labels>();

export function copyLabels(labels: unknown): Labels | undefined {
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

export function validateSelectorAgainstTemplate(spec: Record<string, unknown>, kindName: string): StatusCause[] {
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
      causes.push(fieldInvalid("spec.selector", "", `empty selector is invalid for ${kindName.toLowerCase()}`));
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
    // A StatefulSet's pods get a volume per claim template (updateStorage), so its containers may
    // mount them by name.
    const claimVolumes = kindName === "StatefulSet" && Array.isArray(spec.volumeClaimTemplates)
      ? spec.volumeClaimTemplates.filter(isRecord).map((t) => ({ name: String((isRecord(t.metadata) ? t.metadata.name : "") ?? ""), persistentVolumeClaim: { claimName: "claim" } }))
      : [];
    const podSpec = claimVolumes.length > 0 && isRecord(template.spec) ? { ...template.spec, volumes: [...(Array.isArray(template.spec.volumes) ? template.spec.volumes : []), ...claimVolumes] } : template.spec;
    causes.push(...validatePodSpec(podSpec, "spec.template.spec", ["Always"]));
  }
  return causes;
}

/** The selector's requirements, or undefined for a selector that selects nothing (absent). */
export function selectorRequirements(selector: Record<string, unknown>): LabelSelectorRequirement[] {
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

export function defaultTemplate(template: Record<string, unknown>): PodTemplateSpec {
  const meta = isRecord(template.metadata) ? template.metadata : {};
  // 1.34 no longer serializes the template's zero creationTimestamp (`creationTimestamp: null`).
  const out: PodTemplateSpec = { metadata: {}, spec: defaultPodSpec(template.spec as Record<string, unknown>, true) };
  const labels = copyLabels(meta.labels);
  if (labels) out.metadata.labels = labels;
  if (isRecord(meta.annotations) && Object.keys(meta.annotations).length > 0) out.metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  return out;
}

export function selectorOf(selector: Record<string, unknown>): LabelSelector {
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


export function goLabelSelector(s: LabelSelector): { toString(): string } {
  return `v1.LabelSelector{MatchLabels:${formatValue(s.matchLabels ?? {})}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

/** What Deployments and ReplicaSets share: the replicas, selector and template of their spec. */
export interface ReplicatedSpec {
  replicas: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
}

/**
 * The apps/v1 checks and defaults a Deployment and a ReplicaSet share: selector against template,
 * an immutable selector, one replica by default, and metadata.generation bumped when the spec
 * changes. `spec` is the client's, `old` the stored object on update.
 */
export function prepareReplicatedSpec(
  sub: SubmittedObject,
  spec: Record<string, unknown>,
  meta: ObjectMeta,
  old: { spec: ReplicatedSpec; metadata: ObjectMeta } | undefined,
): { ok: true; spec: ReplicatedSpec } | { ok: false; status: ApiStatus } {
  const causes = validateSelectorAgainstTemplate(spec, sub.kind);
  if (old && isRecord(spec.selector) && canonicalJson(selectorOf(spec.selector)) !== canonicalJson(old.spec.selector)) {
    causes.push(fieldInvalid("spec.selector", goLabelSelector(selectorOf(spec.selector)), "field is immutable"));
  }
  if (causes.length) return { ok: false, status: invalid(sub.kind, "apps", meta.name, causes) };
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const selector = selectorOf(spec.selector as Record<string, unknown>);
  const template = defaultTemplate(spec.template as Record<string, unknown>);
  const specChanged = !old || canonicalJson(old.spec) !== canonicalJson({ ...old.spec, replicas, selector, template });
  meta.generation = old ? (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
  return { ok: true, spec: { replicas, selector, template } };
}
