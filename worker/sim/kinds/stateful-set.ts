// StatefulSet (apps/v1): pkg/registry/apps/statefulset/strategy.go with ValidateStatefulSetSpec and
// ValidateStatefulSetUpdate, the v1 defaults (SetDefaults_StatefulSet), printers.go printStatefulSet
// and describe.go describeStatefulSet (with describeVolumeClaimTemplates).
import { type StatusCause, invalid } from "../cluster/api-status.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import { matchesRequirements, requirementsOfLabelSelector } from "../cluster/label-selector.ts";
import { listRecord } from "../cluster/listing.ts";
import type { GenericObject, LabelSelector, ObjectMeta, PodTemplateSpec } from "../cluster/types.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { containerCells } from "../kubectl/printers/tables.ts";
import { PrefixWriter, annotationLines, describeEvents, describePodTemplate, labelLines, rfc1123z, writeMultiline } from "../kubectl/printers/describe.ts";
import { defaultTemplate, isRecord, selectorOf, validateSelectorAgainstTemplate } from "./templates.ts";
import type { Built, KindDefinition } from "./types.ts";

/** A PersistentVolumeClaim template as the StatefulSet keeps it (the claim's own fields as sent). */
export interface ClaimTemplate {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface StatefulSet extends GenericObject {
  apiVersion: "apps/v1";
  kind: "StatefulSet";
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy: "OrderedReady" | "Parallel";
    updateStrategy: { type: "RollingUpdate" | "OnDelete"; rollingUpdate?: { partition: number } };
    revisionHistoryLimit: number;
    persistentVolumeClaimRetentionPolicy: { whenDeleted: string; whenScaled: string };
    minReadySeconds?: number;
    volumeClaimTemplates?: ClaimTemplate[];
  };
  status: {
    replicas: number;
    availableReplicas: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
    observedGeneration?: number;
  };
}

const POLICIES = ["OrderedReady", "Parallel"] as const;
const STRATEGIES = ["RollingUpdate", "OnDelete"] as const;
const RETENTION = ["Retain", "Delete"] as const;

/** The fields ValidateStatefulSetUpdate lets change; any other spec change is Forbidden. */
const MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

/** ValidateStatefulSetSpec's checks, in its order (policy, strategy, retention, replicas, selector, template). */
function validateSpec(spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const policy = spec.podManagementPolicy ?? "OrderedReady";
  if (!POLICIES.includes(policy as "Parallel")) causes.push(fieldNotSupported("spec.podManagementPolicy", policy, POLICIES));
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  const type = strategy.type ?? "RollingUpdate";
  if (!STRATEGIES.includes(type as "OnDelete")) causes.push(fieldNotSupported("spec.updateStrategy.type", type, STRATEGIES));
  else if (type === "OnDelete" && strategy.rollingUpdate !== undefined) {
    causes.push(fieldInvalid("spec.updateStrategy.rollingUpdate", strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (isRecord(strategy.rollingUpdate) && strategy.rollingUpdate.partition !== undefined) {
    const p = strategy.rollingUpdate.partition;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0) causes.push(fieldInvalid("spec.updateStrategy.rollingUpdate.partition", p, "must be greater than or equal to 0"));
  }
  const retention = isRecord(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : {};
  for (const f of ["whenDeleted", "whenScaled"]) {
    const v = retention[f];
    if (v !== undefined && !RETENTION.includes(v as "Delete")) causes.push(fieldNotSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, RETENTION));
  }
  if (spec.minReadySeconds !== undefined && (typeof spec.minReadySeconds !== "number" || spec.minReadySeconds < 0)) {
    causes.push(fieldInvalid("spec.minReadySeconds", spec.minReadySeconds, "must be greater than or equal to 0"));
  }
  causes.push(...validateSelectorAgainstTemplate(spec, "StatefulSet"));
  return causes;
}

function claimTemplates(value: unknown): ClaimTemplate[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(isRecord).map((t) => {
    const meta = isRecord(t.metadata) ? t.metadata : {};
    const out: ClaimTemplate = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: String(meta.name ?? "") }, spec: { volumeMode: "Filesystem", ...(isRecord(t.spec) ? t.spec : {}) } };
    if (isRecord(meta.labels)) out.metadata.labels = { ...(meta.labels as Record<string, string>) };
    if (isRecord(meta.annotations)) out.metadata.annotations = { ...(meta.annotations as Record<string, string>) };
    return out;
  });
}

/** A StatefulSet as the API server stores it: the v1 defaults, generation bumped on spec changes, status kept. */
function buildStatefulSet(kind: string, spec: Record<string, unknown>, meta: ObjectMeta, old: StatefulSet | undefined): Built {
  const causes = validateSpec(spec);
  if (causes.length) return { ok: false, status: invalid(kind, "apps", meta.name, causes) };
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  const type = (strategy.type as "OnDelete" | undefined) ?? "RollingUpdate";
  const rolling = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const retention = isRecord(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : {};
  const next: StatefulSet["spec"] = {
    persistentVolumeClaimRetentionPolicy: { whenDeleted: (retention.whenDeleted as string) ?? "Retain", whenScaled: (retention.whenScaled as string) ?? "Retain" },
    podManagementPolicy: (spec.podManagementPolicy as "Parallel" | undefined) ?? "OrderedReady",
    replicas: typeof spec.replicas === "number" ? spec.replicas : 1,
    revisionHistoryLimit: typeof spec.revisionHistoryLimit === "number" ? spec.revisionHistoryLimit : 10,
    selector: selectorOf(spec.selector as Record<string, unknown>),
    template: defaultTemplate(spec.template as Record<string, unknown>),
    updateStrategy: type === "RollingUpdate" ? { rollingUpdate: { partition: typeof rolling.partition === "number" ? rolling.partition : 0 }, type } : { type },
  };
  if (typeof spec.serviceName === "string" && spec.serviceName !== "") next.serviceName = spec.serviceName;
  if (typeof spec.minReadySeconds === "number" && spec.minReadySeconds > 0) next.minReadySeconds = spec.minReadySeconds;
  const claims = claimTemplates(spec.volumeClaimTemplates);
  if (claims) next.volumeClaimTemplates = claims;
  if (old) {
    // Everything but the mutable fields must stay as it was.
    const frozen = (s: StatefulSet["spec"]) => canonicalJson(Object.fromEntries(Object.entries(s).filter(([k]) => !MUTABLE.includes(k))));
    if (frozen(old.spec) !== frozen(next)) {
      const status = invalid(kind, "apps", meta.name, [
        fieldForbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"),
      ]);
      return { ok: false, status };
    }
  }
  const specChanged = !old || canonicalJson(old.spec) !== canonicalJson(next);
  meta.generation = old ? (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
  const status: StatefulSet["status"] = old ? old.status : { availableReplicas: 0, replicas: 0 };
  return { ok: true, obj: { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta, spec: next, status } };
}

/** describe.go describeVolumeClaimTemplates. */
function describeClaimTemplates(w: PrefixWriter, templates: ClaimTemplate[] | undefined): void {
  if (!templates?.length) {
    w.write(0, "Volume Claims:\t<none>\n");
    return;
  }
  w.write(0, "Volume Claims:\n");
  for (const t of templates) {
    w.write(1, `Name:\t${t.metadata.name}\n`);
    // GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "".
    const className = t.metadata.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? (t.spec.storageClassName as string | undefined) ?? "";
    w.write(1, `StorageClass:\t${className}\n`);
    writeMultiline(w, 1, "Labels", labelLines(t.metadata.labels));
    writeMultiline(w, 1, "Annotations", labelLines(t.metadata.annotations));
    const resources = isRecord(t.spec.resources) ? t.spec.resources : {};
    const requests = isRecord(resources.requests) ? resources.requests : {};
    w.write(1, `Capacity:\t${requests.storage !== undefined ? String(requests.storage) : "<default>"}\n`);
    const modes = Array.isArray(t.spec.accessModes) ? t.spec.accessModes.map(String) : [];
    // Go's %s of a []PersistentVolumeAccessMode.
    w.write(1, `Access Modes:\t[${modes.join(" ")}]\n`);
  }
}

export function describeStatefulSet(set: StatefulSet, running: number, waiting: number, succeeded: number, failed: number, events: Parameters<typeof describeEvents>[1], now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${set.metadata.name}\n`);
  w.write(0, `Namespace:\t${set.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(set.metadata.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(set.spec.selector)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(set.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(set.metadata.annotations));
  w.write(0, `Replicas:\t${set.spec.replicas} desired | ${set.status.replicas ?? 0} total\n`);
  w.write(0, `Update Strategy:\t${set.spec.updateStrategy.type}\n`);
  if (set.spec.updateStrategy.rollingUpdate) w.write(1, `Partition:\t${set.spec.updateStrategy.rollingUpdate.partition}\n`);
  w.write(0, `Pods Status:\t${running} Running / ${waiting} Waiting / ${succeeded} Succeeded / ${failed} Failed\n`);
  describePodTemplate(w, set.spec.template);
  describeClaimTemplates(w, set.spec.volumeClaimTemplates);
  describeEvents(w, events, now);
  return w.flush();
}

export const statefulSetKind: KindDefinition = {
  kind: "StatefulSet",
  group: "apps",
  version: "v1",
  plural: "statefulsets",
  singular: "statefulset",
  shortNames: ["sts"],
  categories: ["all"],
  namespaced: true,
  storage: { resource: "statefulsets" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => buildStatefulSet(sub.kind, isRecord(sub.spec) ? sub.spec : {}, meta, old as StatefulSet | undefined),
  },
  // printStatefulSet: READY is status.readyReplicas over spec.replicas.
  table: {
    columns: ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"],
    narrow: 3,
    row: (o, now) => {
      const s = o as unknown as StatefulSet;
      return [s.metadata.name, `${s.status.readyReplicas ?? 0}/${s.spec.replicas}`, age(s.metadata.creationTimestamp, now), ...containerCells(s.spec.template.spec.containers)];
    },
  },
  describe: (state, object, events) => {
    const set = object as unknown as StatefulSet;
    // getPodStatusForController: the pods the selector matches that the StatefulSet controls.
    const selector = requirementsOfLabelSelector(set.spec.selector);
    const pods = listRecord(state, state.pods, true, set.metadata.namespace).filter(
      (p) => matchesRequirements(p.metadata.labels, selector) && p.metadata.ownerReferences?.some((o) => o.controller && o.uid === set.metadata.uid),
    );
    const count = (phase: string) => pods.filter((p) => p.status.phase === phase).length;
    return describeStatefulSet(set, count("Running"), count("Pending"), count("Succeeded"), count("Failed"), events, state.now);
  },
};
