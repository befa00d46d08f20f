// The lesson file format: what a course author writes (YAML or JSON), validated with valibot.
// Every error names the path of the bad field, e.g.
// `steps[2].check.object.fields["spec.type"]: Invalid type: Expected "ClusterIP" | "NodePort" | ...`.

import { type ClusterProfileRequest, ClusterProfileInput } from "../cluster/profile.ts";
import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { parseFieldPath } from "./fields.ts";

/** Largest lesson file accepted, in characters (a lesson is prose and a few dozen commands). */
export const MAX_LESSON_CHARS = 256 * 1024;

export type ObjectKind = "Pod" | "Service" | "Deployment" | "ReplicaSet" | "Node" | "Namespace" | "NetworkPolicy" | "Ingress" | "StatefulSet" | "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "Gateway" | "HTTPRoute";
export type FromKind = "workstation" | "node" | "pod";
export type Verdict = "answered" | "refused" | "timed-out" | "not-resolved" | "empty-reply" | "tls-failed";

/** Selects objects: by name, or by their labels (a selector), in a namespace ("default" if unset). */
export interface ObjectRef {
  kind: ObjectKind;
  name?: string;
  selector?: Record<string, string>;
  namespace?: string;
}

/** An object exists and its fields match. */
export interface ObjectCheck extends ObjectRef {
  /** Field path (`spec.type`, `spec.ports[0].targetPort`, `spec.ports[*].port`) -> matcher. */
  fields?: Record<string, unknown>;
  /** Pods: the Ready condition; Deployments: every desired replica is ready. */
  ready?: boolean;
  /** Exactly this many objects match (default: at least one). */
  count?: number;
}

/** The Service has ready endpoints. */
export interface EndpointsCheck {
  service: string;
  namespace?: string;
  /** At least this many ready endpoints (default 1). */
  min?: number;
  /** At most this many. */
  max?: number;
}

export type RequestTarget =
  | { kind: "nodePort"; service?: string; node?: string; port?: number }
  | { kind: "clusterIP"; service?: string; port?: number }
  | { kind: "loadBalancer"; service?: string; port?: number }
  | { kind: "podIP"; pod?: string; selector?: Record<string, string>; port?: number }
  | { kind: "name"; name?: string; service?: string; port?: number }
  | { kind: "service"; service: string; port?: number }
  | { kind: "address"; host: string; port?: number };

/** A request of this shape was made since the step started, and ended with this verdict. */
export interface RequestCheck {
  from?: { kind: FromKind; name?: string };
  to: RequestTarget;
  /** Namespace of the Services and Pods named in `to` (default "default"). */
  namespace?: string;
  verdict?: Verdict;
  status?: number;
  /** At least this many such requests (default 1). */
  count?: number;
  /** The answered requests reached at least this many different pods. */
  distinctPods?: number;
  /** The last `count` answered requests all reached one pod. */
  samePod?: boolean;
}

/** A field of an object differs from its value when the step started (e.g. a pod's IP). */
export interface ChangedCheck extends ObjectRef {
  field: string;
}

export type Check =
  | { object: ObjectCheck }
  | { endpoints: EndpointsCheck }
  | { request: RequestCheck }
  | { changed: ChangedCheck }
  | { allOf: Check[] }
  | { anyOf: Check[] }
  | { not: Check };

export interface LessonStep {
  id: string;
  title: string;
  /** Safe Markdown subset, see markdown.ts. */
  text: string;
  hints?: string[];
  /**
   * The hint that fits a mistake the check found (CheckResult.mistakes): a field path of an object
   * check (`spec.ports[0].targetPort`), `ready` or `name`. Shown with the verdict that names it.
   */
  hintsWhen?: Record<string, string>;
  check: Check;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  /** The cluster the lesson is written for (its CNI and add-ons); the default profile when absent. */
  cluster?: ClusterProfileRequest;
  /** Commands run before the learner starts (e.g. a broken setup to debug). */
  setup?: string[];
  steps: LessonStep[];
  /** The reference solution: commands that, run in order after setup, pass every step. */
  solution: string[];
}

export const SLUG = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const slug = v.pipe(v.string(), v.regex(SLUG, "must be a slug: lower-case letters, digits and '-'"), v.maxLength(63));
export const text = (max: number) => v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(max));
export const command = v.pipe(v.string(), v.nonEmpty("a command must not be empty"), v.maxLength(8 * 1024));
const labels = v.record(v.pipe(v.string(), v.nonEmpty()), v.string());
const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
const positive = v.pipe(v.number(), v.integer(), v.minValue(1));
const name = v.pipe(v.string(), v.nonEmpty("must not be empty"));

const kinds = ["Pod", "Service", "Deployment", "ReplicaSet", "Node", "Namespace", "NetworkPolicy", "Ingress", "StatefulSet", "ConfigMap", "Secret", "PersistentVolumeClaim", "Gateway", "HTTPRoute"] as const;
const verdicts = ["answered", "refused", "timed-out", "not-resolved", "empty-reply", "tls-failed"] as const;
const fromKinds = ["workstation", "node", "pod"] as const;

const refEntries = {
  kind: v.picklist(kinds),
  name: v.optional(name),
  selector: v.optional(labels),
  namespace: v.optional(name),
};

const objectCheck = v.strictObject({
  ...refEntries,
  fields: v.optional(v.record(v.pipe(v.string(), v.nonEmpty()), v.unknown())),
  ready: v.optional(v.boolean()),
  count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const endpointsCheck = v.strictObject({
  service: name,
  namespace: v.optional(name),
  min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  max: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const target = v.variant("kind", [
  v.strictObject({ kind: v.literal("nodePort"), service: v.optional(name), node: v.optional(name), port: v.optional(port) }),
  v.strictObject({ kind: v.literal("clusterIP"), service: v.optional(name), port: v.optional(port) }),
  v.strictObject({ kind: v.literal("loadBalancer"), service: v.optional(name), port: v.optional(port) }),
  v.strictObject({ kind: v.literal("podIP"), pod: v.optional(name), selector: v.optional(labels), port: v.optional(port) }),
  v.strictObject({ kind: v.literal("name"), name: v.optional(name), service: v.optional(name), port: v.optional(port) }),
  v.strictObject({ kind: v.literal("service"), service: name, port: v.optional(port) }),
  v.strictObject({ kind: v.literal("address"), host: name, port: v.optional(port) }),
]);

/** `from: pod` and `to: nodePort` are shorthands for `{kind: pod}` and `{kind: nodePort}`. */
const shorthand = (value: unknown) => (typeof value === "string" ? { kind: value } : value);

const requestCheck = v.strictObject({
  from: v.optional(v.pipe(v.unknown(), v.transform(shorthand), v.strictObject({ kind: v.picklist(fromKinds), name: v.optional(name) }))),
  to: v.pipe(v.unknown(), v.transform(shorthand), target),
  namespace: v.optional(name),
  verdict: v.optional(v.picklist(verdicts)),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
  count: v.optional(positive),
  distinctPods: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2))),
  samePod: v.optional(v.boolean()),
});

const changedCheck = v.strictObject({ ...refEntries, field: v.pipe(v.string(), v.nonEmpty()) });

const CHECK_KINDS = ["object", "endpoints", "request", "changed", "allOf", "anyOf", "not"];

export const checkSchema: v.GenericSchema<unknown, Check> = v.lazy(() =>
  v.pipe(
    v.strictObject({
      object: v.optional(objectCheck),
      endpoints: v.optional(endpointsCheck),
      request: v.optional(requestCheck),
      changed: v.optional(changedCheck),
      allOf: v.optional(v.pipe(v.array(checkSchema), v.minLength(1, "must list at least one check"))),
      anyOf: v.optional(v.pipe(v.array(checkSchema), v.minLength(1, "must list at least one check"))),
      not: v.optional(checkSchema),
    }),
    v.check(
      (c) => Object.keys(c).length === 1,
      `a check has exactly one kind: ${CHECK_KINDS.join(", ")}`,
    ),
  ) as unknown as v.GenericSchema<unknown, Check>,
);

const stepSchema = v.strictObject({
  id: slug,
  title: text(200),
  text: text(20_000),
  hints: v.optional(v.pipe(v.array(text(2_000)), v.maxLength(10))),
  hintsWhen: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.nonEmpty("a mistake must not be empty"), v.maxLength(200)), text(2_000)),
      v.check((r) => Object.keys(r).length <= 20, "at most 20 hintsWhen entries"),
    ),
  ),
  check: checkSchema,
});

const lessonSchema = v.pipe(
  v.strictObject({
    id: slug,
    title: text(200),
    summary: text(1_000),
    cluster: v.optional(ClusterProfileInput),
    setup: v.optional(v.pipe(v.array(command), v.maxLength(100))),
    steps: v.pipe(v.array(stepSchema), v.minLength(1, "a lesson needs at least one step"), v.maxLength(50)),
    solution: v.pipe(v.array(command), v.minLength(1, "a lesson needs a reference solution"), v.maxLength(500)),
  }),
);

export type LessonParseResult = { ok: true; lesson: Lesson } | { ok: false; errors: string[] };

/** Validates a parsed lesson value (from YAML, JSON or a request body). */
export function validateLesson(input: unknown): LessonParseResult {
  const result = v.safeParse(lessonSchema, input);
  if (!result.success) {
    return { ok: false, errors: result.issues.map(formatIssue) };
  }
  const lesson = result.output as Lesson;
  const errors = [...duplicateStepIds(lesson), ...lesson.steps.flatMap((step, i) => checkFieldErrors(step.check, `steps[${i}].check`))];
  return errors.length ? { ok: false, errors } : { ok: true, lesson };
}

/** Parses a lesson file's text (YAML; JSON is YAML too) and validates it. */
export function parseLesson(source: string): LessonParseResult {
  if (source.length > MAX_LESSON_CHARS) {
    return { ok: false, errors: [`the lesson file is too large: ${source.length} characters, at most ${MAX_LESSON_CHARS}`] };
  }
  let value: unknown;
  try {
    value = parseYaml(source, { maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`the lesson file is not valid YAML or JSON: ${message.split("\n")[0]}`] };
  }
  // An empty body, or a document of nothing but comments, reads as null.
  if (value === null || value === undefined) return { ok: false, errors: ["the lesson file is empty: expected a YAML or JSON object with id, title, summary, steps and solution"] };
  return validateLesson(value);
}

export function formatIssue(issue: v.BaseIssue<unknown>): string {
  const path = formatPath(issue.path ?? []);
  const prefix = path ? `${path}: ` : "";
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.expected === "never") {
    return `${prefix}unknown field`;
  }
  if (issue.kind === "schema" && issue.received === "undefined") {
    return `${prefix}missing field`;
  }
  // valibot writes a picklist as `Expected ("a" | "b")`; the parentheses add nothing here.
  return `${prefix}${issue.message.replace(/Expected \(([^()]*)\) but/, "Expected $1 but")}`;
}

function formatPath(path: ReadonlyArray<{ key?: unknown }>): string {
  let out = "";
  for (const item of path) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function duplicateStepIds(lesson: Lesson): string[] {
  const seen = new Set<string>();
  const errors: string[] = [];
  lesson.steps.forEach((step, i) => {
    if (seen.has(step.id)) errors.push(`steps[${i}].id: the step id "${step.id}" is used twice`);
    seen.add(step.id);
  });
  return errors;
}

/** Fields whose values Kubernetes restricts: a typo there would make a check that never passes. */
const ENUM_FIELDS: Partial<Record<ObjectKind, Record<string, readonly string[]>>> = {
  Service: {
    "spec.type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    "spec.sessionAffinity": ["None", "ClientIP"],
    "spec.externalTrafficPolicy": ["Cluster", "Local"],
    "spec.internalTrafficPolicy": ["Cluster", "Local"],
  },
  Pod: { "status.phase": ["Pending", "Running", "Succeeded", "Failed", "Unknown"] },
  Namespace: { "status.phase": ["Active", "Terminating"] },
};

export function checkFieldErrors(check: Check, path: string): string[] {
  if ("allOf" in check) return check.allOf.flatMap((c, i) => checkFieldErrors(c, `${path}.allOf[${i}]`));
  if ("anyOf" in check) return check.anyOf.flatMap((c, i) => checkFieldErrors(c, `${path}.anyOf[${i}]`));
  if ("not" in check) return checkFieldErrors(check.not, `${path}.not`);
  const errors: string[] = [];
  if ("object" in check) {
    const o = check.object;
    if (o.name !== undefined && o.selector !== undefined) errors.push(`${path}.object: give a name or a selector, not both`);
    const enums = ENUM_FIELDS[o.kind] ?? {};
    for (const [field, matcher] of Object.entries(o.fields ?? {})) {
      const allowed = enums[field];
      if (!allowed || typeof matcher !== "string") continue;
      if (!allowed.includes(matcher)) {
        errors.push(
          `${path}.object.fields[${JSON.stringify(field)}]: Invalid type: Expected ${allowed.map((a) => JSON.stringify(a)).join(" | ")} but received ${JSON.stringify(matcher)}`,
        );
      }
    }
    errors.push(...matcherErrors(o.fields ?? {}, `${path}.object.fields`));
    for (const field of Object.keys(o.fields ?? {})) {
      if (!parseFieldPath(field)) errors.push(`${path}.object.fields[${JSON.stringify(field)}]: not a field path; write it like spec.ports[0].targetPort`);
    }
  }
  if ("changed" in check) {
    if (check.changed.name !== undefined && check.changed.selector !== undefined) errors.push(`${path}.changed: give a name or a selector, not both`);
    if (!parseFieldPath(check.changed.field)) errors.push(`${path}.changed.field: not a field path; write it like status.podIP`);
  }
  if ("endpoints" in check) {
    const e = check.endpoints;
    if (e.min !== undefined && e.max !== undefined && e.min > e.max) errors.push(`${path}.endpoints: min is larger than max`);
  }
  if ("request" in check) {
    const r = check.request;
    if ((r.distinctPods !== undefined || r.samePod) && r.verdict !== undefined && r.verdict !== "answered") {
      errors.push(`${path}.request: distinctPods and samePod count answered requests; the verdict must be "answered"`);
    }
  }
  return errors;
}

/** Operators a field matcher may use: `{$exists: true}`, `{$in: [...]}`, `{$ne: x}`, `{$gte: n}`, `{$lte: n}`. */
export const MATCHER_OPERATORS = ["$exists", "$in", "$ne", "$gte", "$lte"] as const;

function matcherErrors(fields: Record<string, unknown>, path: string): string[] {
  const errors: string[] = [];
  for (const [field, matcher] of Object.entries(fields)) {
    if (matcher === null || typeof matcher !== "object" || Array.isArray(matcher)) continue;
    for (const key of Object.keys(matcher)) {
      if (key.startsWith("$") && !(MATCHER_OPERATORS as readonly string[]).includes(key)) {
        errors.push(`${path}[${JSON.stringify(field)}].${key}: unknown operator; use one of ${MATCHER_OPERATORS.join(", ")}`);
      }
    }
  }
  return errors;
}
