// Job (batch/v1): pkg/registry/batch/job/strategy.go (PrepareForCreate's generated selector and
// template labels), ValidateJob's checks on what is sent, SetDefaults_Job, and printers.go printJob
// (STATUS from the conditions, COMPLETIONS succeeded/completions, DURATION start to completion) and
// describe.go describeJob.
// The job controller that runs its pods is cluster/job-controller.ts.
import { type StatusCause, invalid } from "../cluster/api-status.ts";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import { validatePodSpec } from "../cluster/pod-spec.ts";
import type { GenericObject, LabelSelector, ObjectMeta, PodTemplateSpec } from "../cluster/types.ts";
import type { EventObject } from "../cluster/events.ts";
import { age, humanDuration } from "../kubectl/printers/duration.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { PrefixWriter, annotationLines, describeEvents, describePodTemplate, labelLines, rfc1123z, writeMultiline } from "../kubectl/printers/describe.ts";
import { containerCells } from "../kubectl/printers/tables.ts";
import { defaultTemplate, isRecord } from "./templates.ts";
import type { Built, KindDefinition } from "./types.ts";

export interface JobCondition {
  type: "Complete" | "Failed" | "SuccessCriteriaMet" | "FailureTarget" | "Suspended";
  status: "True" | "False";
  lastProbeTime: string;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface Job extends GenericObject {
  apiVersion: "batch/v1";
  kind: "Job";
  metadata: ObjectMeta;
  spec: {
    parallelism: number;
    completions: number;
    backoffLimit: number;
    completionMode: "NonIndexed" | "Indexed";
    suspend: boolean;
    podReplacementPolicy: "TerminatingOrFailed" | "Failed";
    manualSelector?: boolean;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
  };
  status: {
    active?: number;
    ready?: number;
    terminating?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: JobCondition[];
    uncountedTerminatedPods?: Record<string, never>;
  };
}

/** The labels PrepareForCreate's generateSelector puts on the template (and the selector's one). */
export const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
const LEGACY_CONTROLLER_UID_LABEL = "controller-uid";
const LEGACY_JOB_NAME_LABEL = "job-name";

const RESTART_POLICIES = ["OnFailure", "Never"] as const;
const COMPLETION_MODES = ["NonIndexed", "Indexed"] as const;
const REPLACEMENT_POLICIES = ["TerminatingOrFailed", "Failed"] as const;

function nonNegative(spec: Record<string, unknown>, field: string, causes: StatusCause[]): void {
  const v = spec[field];
  if (v === undefined || v === null) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) causes.push(fieldInvalid(`spec.${field}`, v, "must be greater than or equal to 0"));
}

/** ValidateJobSpec and ValidateJobTemplateSpec, for the fields the playground keeps. */
function validateSpec(spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const f of ["parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"]) nonNegative(spec, f, causes);
  if (spec.activeDeadlineSeconds !== undefined && (typeof spec.activeDeadlineSeconds !== "number" || spec.activeDeadlineSeconds <= 0)) {
    causes.push(fieldInvalid("spec.activeDeadlineSeconds", spec.activeDeadlineSeconds, "must be greater than 0"));
  }
  if (spec.completionMode !== undefined && !COMPLETION_MODES.includes(spec.completionMode as "Indexed")) causes.push(fieldNotSupported("spec.completionMode", spec.completionMode, COMPLETION_MODES));
  if (spec.podReplacementPolicy !== undefined && !REPLACEMENT_POLICIES.includes(spec.podReplacementPolicy as "Failed")) {
    causes.push(fieldNotSupported("spec.podReplacementPolicy", spec.podReplacementPolicy, REPLACEMENT_POLICIES));
  }
  if (spec.manualSelector === true && !isRecord(spec.selector)) causes.push(fieldRequired("spec.selector"));
  if (spec.manualSelector !== true && spec.selector !== undefined) {
    // Without manualSelector the server generates the selector; one sent is refused.
    causes.push(fieldInvalid("spec.selector", spec.selector, "`selector` will be auto-generated"));
  }
  const template = isRecord(spec.template) ? spec.template : undefined;
  if (!template) {
    causes.push(fieldRequired("spec.template"));
    return causes;
  }
  const podSpec = isRecord(template.spec) ? template.spec : {};
  // The pod default is Always, which a Job refuses.
  const restart = podSpec.restartPolicy ?? "Always";
  causes.push(...validatePodSpec(template.spec, "spec.template.spec", ["Always", "OnFailure", "Never"]));
  if (!RESTART_POLICIES.includes(restart as "Never")) causes.push(fieldNotSupported("spec.template.spec.restartPolicy", restart, RESTART_POLICIES));
  return causes;
}

/** The fields ValidateJobUpdate lets change (the rest, template included, are immutable). */
const MUTABLE = ["parallelism", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "suspend", "backoffLimit"];

function buildJob(sub: Record<string, unknown>, meta: ObjectMeta, old: Job | undefined): Built {
  const spec = isRecord(sub.spec) ? sub.spec : {};
  const causes = validateSpec(spec);
  if (causes.length) return { ok: false, status: invalid("Job", "batch", meta.name, causes) };
  const template = defaultTemplate(spec.template as Record<string, unknown>);
  const manual = spec.manualSelector === true;
  let selector: LabelSelector;
  if (manual) selector = spec.selector as LabelSelector;
  else if (old) selector = old.spec.selector;
  else {
    // generateSelector: the job's uid selects its pods; the template carries it and the name.
    const uid = meta.uid;
    selector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
    template.metadata.labels = {
      ...(template.metadata.labels ?? {}),
      [CONTROLLER_UID_LABEL]: uid,
      [JOB_NAME_LABEL]: meta.name,
      [LEGACY_CONTROLLER_UID_LABEL]: uid,
      [LEGACY_JOB_NAME_LABEL]: meta.name,
    };
  }
  // SetDefaults_Job: both unset means one pod to one completion.
  const completions = typeof spec.completions === "number" ? spec.completions : 1;
  const parallelism = typeof spec.parallelism === "number" ? spec.parallelism : 1;
  const next: Job["spec"] = {
    backoffLimit: typeof spec.backoffLimit === "number" ? spec.backoffLimit : 6,
    completionMode: (spec.completionMode as "Indexed" | undefined) ?? "NonIndexed",
    completions,
    manualSelector: manual ? true : undefined,
    parallelism,
    podReplacementPolicy: (spec.podReplacementPolicy as "Failed" | undefined) ?? "TerminatingOrFailed",
    selector,
    suspend: spec.suspend === true,
    template: old ? old.spec.template : template,
  };
  if (!manual) delete next.manualSelector;
  if (typeof spec.activeDeadlineSeconds === "number") next.activeDeadlineSeconds = spec.activeDeadlineSeconds;
  if (typeof spec.ttlSecondsAfterFinished === "number") next.ttlSecondsAfterFinished = spec.ttlSecondsAfterFinished;
  if (old) {
    const frozen = (s: Job["spec"]) => canonicalJson(Object.fromEntries(Object.entries(s).filter(([k]) => !MUTABLE.includes(k) && k !== "template")));
    const sentTemplate = canonicalJson(defaultTemplate(spec.template as Record<string, unknown>).spec);
    if (frozen(old.spec) !== frozen(next) || sentTemplate !== canonicalJson(old.spec.template.spec)) {
      return { ok: false, status: invalid("Job", "batch", meta.name, [fieldForbidden("spec.template", "field is immutable")]) };
    }
  }
  const specChanged = !old || canonicalJson(old.spec) !== canonicalJson(next);
  meta.generation = old ? (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
  return { ok: true, obj: { apiVersion: "batch/v1", kind: "Job", metadata: meta, spec: next, status: old ? old.status : {} } };
}

const hasCondition = (job: Job, type: JobCondition["type"]) => job.status.conditions?.some((c) => c.type === type && c.status === "True") ?? false;

/** printJob's STATUS column. */
export function jobStatus(job: Job): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "Suspended")) return "Suspended";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

function completionsCell(job: Job): string {
  return `${job.status.succeeded ?? 0}/${job.spec.completions}`;
}

function durationCell(job: Job, now: number): string {
  if (!job.status.startTime) return "";
  const start = Date.parse(job.status.startTime);
  const end = job.status.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - start);
}

/** describe.go describeJob. */
export function describeJob(job: Job, events: readonly EventObject[], now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${job.metadata.name}\n`);
  w.write(0, `Namespace:\t${job.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(job.spec.selector)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(job.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(job.metadata.annotations));
  const controller = job.metadata.ownerReferences?.find((o) => o.controller);
  if (controller) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  w.write(0, `Parallelism:\t${job.spec.parallelism}\n`);
  w.write(0, `Completions:\t${job.spec.completions}\n`);
  w.write(0, `Completion Mode:\t${job.spec.completionMode}\n`);
  w.write(0, `Suspend:\t${job.spec.suspend}\n`);
  w.write(0, `Backoff Limit:\t${job.spec.backoffLimit}\n`);
  if (job.spec.ttlSecondsAfterFinished !== undefined) w.write(0, `TTL Seconds After Finished:\t${job.spec.ttlSecondsAfterFinished}\n`);
  const { startTime, completionTime } = job.status;
  if (startTime) w.write(0, `Start Time:\t${rfc1123z(startTime)}\n`);
  if (completionTime) w.write(0, `Completed At:\t${rfc1123z(completionTime)}\n`);
  if (startTime && completionTime) w.write(0, `Duration:\t${humanDuration(Date.parse(completionTime) - Date.parse(startTime))}\n`);
  if (job.spec.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${job.spec.activeDeadlineSeconds}s\n`);
  const counts = `${job.status.succeeded ?? 0} Succeeded / ${job.status.failed ?? 0} Failed`;
  if (job.status.ready === undefined) w.write(0, `Pods Statuses:\t${job.status.active ?? 0} Active / ${counts}\n`);
  else w.write(0, `Pods Statuses:\t${job.status.active ?? 0} Active (${job.status.ready} Ready) / ${counts}\n`);
  describePodTemplate(w, job.spec.template);
  describeEvents(w, events, now);
  return w.flush();
}

export const jobKind: KindDefinition = {
  kind: "Job",
  group: "batch",
  version: "v1",
  plural: "jobs",
  singular: "job",
  shortNames: [],
  categories: ["all"],
  namespaced: true,
  storage: { resource: "jobs" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => buildJob(sub as unknown as Record<string, unknown>, meta, old as Job | undefined),
  },
  table: {
    columns: ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 5,
    row: (o, now) => {
      const job = o as unknown as Job;
      return [job.metadata.name, jobStatus(job), completionsCell(job), durationCell(job, now), age(job.metadata.creationTimestamp, now), ...containerCells(job.spec.template.spec.containers), formatLabelSelector(job.spec.selector)];
    },
  },
  describe: (state, object, events) => describeJob(object as unknown as Job, events, state.now),
};
