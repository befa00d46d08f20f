// DaemonSet (apps/v1): pkg/registry/apps/daemonset/strategy.go with ValidateDaemonSetSpec,
// printers.go printDaemonSet, describe.go DaemonSetDescriber (with the pods it owns).
import { type StatusCause, invalid } from "../cluster/api-status.ts";
import { fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain, validateLabels } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import { matchesRequirements, requirementsOfLabelSelector } from "../cluster/label-selector.ts";
import { listRecord } from "../cluster/listing.ts";
import { validatePodSpec } from "../cluster/pod-spec.ts";
import type { DaemonSet, Labels, ObjectMeta, SubmittedObject } from "../cluster/types.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabels, formatLabelSelector } from "../kubectl/printers/labels.ts";
import { containerCells } from "../kubectl/printers/tables.ts";
import { defaultTemplate, goLabelSelector, isRecord, selectorOf, selectorRequirements } from "./templates.ts";
import type { Built, KindDefinition } from "./types.ts";
import { type Namespace, type Node, type Pod } from "../cluster/types.ts";
import { type EventObject } from "../cluster/events.ts";
import { PrefixWriter, annotationLines, describeEvents, describePodTemplate, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";

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


/**
 * describe.go describeDaemonSet. Pods Status counts the pods the selector matches that the
 * DaemonSet controls (getPodStatusForController); Waiting is Pending.
 */
function describeDaemonSet(ds: DaemonSet, pods: Pod[], events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ds.metadata.name}\n`);
  w.write(0, `Namespace:\t${ds.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(ds.spec.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec.template.spec.nodeSelector)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(ds.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(ds.metadata.annotations));
  const s = ds.status;
  w.write(0, `Desired Number of Nodes Scheduled: ${s.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${s.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${s.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${s.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${s.numberMisscheduled ?? 0}\n`);
  const count = (phase: string) => pods.filter((p) => p.status.phase === phase).length;
  w.write(0, `Pods Status:\t${count("Running")} Running / ${count("Pending")} Waiting / ${count("Succeeded")} Succeeded / ${count("Failed")} Failed\n`);
  describePodTemplate(w, ds.spec.template);
  describeEvents(w, events, now);
  return w.flush();
}

export const daemonSetKind: KindDefinition = {
  kind: "DaemonSet",
  group: "apps",
  version: "v1",
  plural: "daemonsets",
  singular: "daemonset",
  shortNames: ["ds"],
  categories: ["all"],
  namespaced: true,
  storage: { collection: "daemonSets" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => buildDaemonSet(sub, isRecord(sub.spec) ? sub.spec : {}, meta, old as DaemonSet | undefined),
  },
  // printDaemonSet: NODE SELECTOR is the template's nodeSelector.
  table: {
    columns: ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 8,
    row: (o, now) => {
      const d = o as DaemonSet;
      return [
        d.metadata.name,
        String(d.status.desiredNumberScheduled ?? 0),
        String(d.status.currentNumberScheduled ?? 0),
        String(d.status.numberReady ?? 0),
        String(d.status.updatedNumberScheduled ?? 0),
        String(d.status.numberAvailable ?? 0),
        formatLabels(d.spec.template.spec.nodeSelector),
        age(d.metadata.creationTimestamp, now),
        ...containerCells(d.spec.template.spec.containers),
        formatLabelSelector(d.spec.selector),
      ];
    },
  },
  describe: (state, object, events) => {
    const ds = object as DaemonSet;
    const selector = requirementsOfLabelSelector(ds.spec.selector);
    const pods = listRecord(state, state.pods, true, ds.metadata.namespace).filter(
      (p) => matchesRequirements(p.metadata.labels, selector) && p.metadata.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata.uid),
    );
    return describeDaemonSet(ds, pods, events, state.now);
  },
};
