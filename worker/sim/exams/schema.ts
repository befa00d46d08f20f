// The exam file format: a lesson's format grown into a timed, weighted task set (issue 18). What an
// author writes (YAML or JSON) is a template: `{{name}}` in any string is one of its seeded
// parameters, drawn anew for every start (parameters.ts). Validation runs on the template's header
// and then on the exam drawn with seed 1, so every error names the path of the bad field, as a
// lesson's do: `tasks[3].checks[0].file.path: must be an absolute path`.

import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { type ClusterProfileRequest, ClusterProfileInput } from "../cluster/profile.ts";
import { MAX_CLUSTERS } from "../cluster/layout.ts";
import { type Check, checkFieldErrors, checkSchema, command, formatIssue, slug, text } from "../lessons/schema.ts";
import { drawParameters, PARAMETER_NAME, substituteParameters, type ParameterSpec } from "./parameters.ts";

/** Largest exam file accepted, in characters. */
export const MAX_EXAM_CHARS = 512 * 1024;
export const DEFAULT_DURATION_MINUTES = 120;
/** The CKA's pass mark. */
export const DEFAULT_PASS_PERCENT = 66;
export const MAX_DURATION_MINUTES = 600;

/** The answer a learner wrote into a file, compared one of three ways. */
export interface FileCheck {
  /** Absolute path, e.g. /opt/course/5/pods.txt. */
  path: string;
  /** The machine the file is on: the workstation (default) or a node's name. */
  host?: string;
  /** The file holds exactly this (a missing final newline and trailing blanks are forgiven). */
  content?: string;
  /** The file's lines, blank ones left out, are exactly these, in this order. */
  lines?: string[];
  /** The file holds what this command prints now, run at the workstation (`kubectl get pod -o name`). */
  command?: string;
}

/** A request the grader makes now, as the exam's own checker would, and the verdict it must get. */
export interface RouteCheck {
  /** Where `curl` runs: the workstation (default), a node, or a pod (through kubectl exec). */
  from?: { workstation: true } | { node: string } | { pod: string; namespace?: string; container?: string };
  /** May name values the cluster picks, filled in when grading: `http://{{externalIP shop/web}}/`. */
  url: string;
  /** Request headers, e.g. `{Host: shop.example}` to reach an Ingress rule. */
  headers?: Record<string, string>;
  verdict?: "answered" | "refused" | "timed-out" | "not-resolved" | "empty-reply";
  status?: number;
}

/** One check of a task: a name a learner reads in the report, and exactly one kind. */
export type ExamCheck = { name: string } & (Check | { file: FileCheck } | { route: RouteCheck });

export interface ExamTask {
  id: string;
  title: string;
  /** Points out of the exam's 100. */
  weight: number;
  /**
   * Where the task is solved, as `kubectl config use-context NAME` names it. Absent: the session's
   * default context.
   */
  context?: string;
  /** Safe Markdown subset (lessons/markdown.ts). */
  text: string;
  /** Commands that build the task's start state (often a broken one), run when the exam starts. */
  setup?: string[];
  checks: ExamCheck[];
  /** The reference solution's commands, run after every task's setup. */
  solution: string[];
  /** One sentence on why the solution is right, shown in the report. */
  why: string;
}

/** An exam with its parameters drawn: every string is final. */
export interface Exam {
  id: string;
  title: string;
  summary: string;
  durationMinutes: number;
  passPercent: number;
  cluster?: ClusterProfileRequest;
  /** Several clusters, a context each (as POST /api/sessions' `clusters`); the tasks' `context` names them. */
  clusters?: Array<{ name: string; profile?: ClusterProfileRequest }>;
  /** Commands run before the tasks' own setups (namespaces and objects several tasks share). */
  setup?: string[];
  tasks: ExamTask[];
}

/** A validated exam file: its template and what it draws from a seed. */
export interface ExamDefinition {
  id: string;
  title: string;
  summary: string;
  durationMinutes: number;
  passPercent: number;
  parameters: Record<string, ParameterSpec>;
  /** The file's value, `{{parameters}}` not yet filled in. */
  template: unknown;
}

const pathSchema = v.pipe(v.string(), v.regex(/^\/[^\0]*$/, "must be an absolute path"), v.maxLength(4096));
const hostName = v.pipe(v.string(), v.nonEmpty("must not be empty"), v.maxLength(253));

const fileCheck = v.pipe(
  v.strictObject({
    path: pathSchema,
    host: v.optional(hostName),
    content: v.optional(v.pipe(v.string(), v.maxLength(64 * 1024))),
    lines: v.optional(v.pipe(v.array(v.string()), v.minLength(1, "must list at least one line"), v.maxLength(1000))),
    command: v.optional(command),
  }),
  v.check((c) => [c.content, c.lines, c.command].filter((x) => x !== undefined).length === 1, "a file check compares one way: content, lines or command"),
);

const verdicts = ["answered", "refused", "timed-out", "not-resolved", "empty-reply"] as const;

const routeFrom = v.pipe(
  v.unknown(),
  // `from: workstation` is a shorthand for `{workstation: true}`.
  v.transform((value) => (value === "workstation" ? { workstation: true } : value)),
  v.union(
    [
      v.strictObject({ workstation: v.literal(true) }),
      v.strictObject({ node: hostName }),
      v.strictObject({ pod: hostName, namespace: v.optional(hostName), container: v.optional(hostName) }),
    ],
    'must be "workstation", {node: NAME} or {pod: NAME, namespace?: NS, container?: NAME}',
  ),
);

const routeCheck = v.strictObject({
  from: v.optional(routeFrom),
  url: v.pipe(v.string(), v.regex(/^https?:\/\/[^\s/]+/, "must be an http:// or https:// URL"), v.maxLength(2048)),
  headers: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]+$/, "must be a header name")), v.pipe(v.string(), v.regex(/^[^\r\n]*$/, "must be one line"), v.maxLength(1024)))),
  verdict: v.optional(v.picklist(verdicts)),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
});

const EXAM_CHECK_KINDS = ["object", "endpoints", "request", "changed", "allOf", "anyOf", "not", "file", "route"];

const examCheck = v.pipe(
  v.looseObject({ name: text(300) }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const { name, ...rest } = dataset.value as { name: string } & Record<string, unknown>;
    const kinds = Object.keys(rest);
    if (kinds.length !== 1) {
      addIssue({ message: `a check has a name and exactly one kind: ${EXAM_CHECK_KINDS.join(", ")}` });
      return NEVER;
    }
    const kind = kinds[0];
    const schema = kind === "file" ? v.strictObject({ file: fileCheck }) : kind === "route" ? v.strictObject({ route: routeCheck }) : checkSchema;
    const parsed = v.safeParse(schema, rest);
    if (!parsed.success) {
      for (const issue of parsed.issues) addIssue({ message: formatIssue(issue) });
      return NEVER;
    }
    return { name, ...(parsed.output as object) } as ExamCheck;
  }),
);

const taskSchema = v.strictObject({
  id: slug,
  title: text(200),
  weight: v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(1), v.maxValue(100)),
  context: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9][-A-Za-z0-9_.@]*$/, "must be a context name, e.g. k8s-c2"), v.maxLength(253))),
  text: text(20_000),
  setup: v.optional(v.pipe(v.array(command), v.maxLength(100))),
  checks: v.pipe(v.array(examCheck), v.minLength(1, "a task needs at least one check"), v.maxLength(20)),
  solution: v.pipe(v.array(command), v.minLength(1, "a task needs a reference solution"), v.maxLength(100)),
  why: text(2_000),
});

const parameterSchema = v.pipe(
  v.strictObject({
    pick: v.optional(v.pipe(v.array(v.pipe(v.string(), v.nonEmpty())), v.minLength(1, "must list at least one value"), v.maxLength(1000))),
    name: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a name prefix: lower-case letters, digits and '-'"), v.maxLength(40))),
    int: v.optional(v.pipe(v.tuple([v.pipe(v.number(), v.integer()), v.pipe(v.number(), v.integer())]), v.check(([a, b]) => a <= b, "must be [min, max] with min <= max"))),
  }),
  v.check((p) => Object.keys(p).length === 1, "a parameter is drawn one way: pick, name or int"),
);

const headerSchema = v.looseObject({
  id: slug,
  title: text(200),
  summary: text(2_000),
  durationMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DURATION_MINUTES)), DEFAULT_DURATION_MINUTES),
  passPercent: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), DEFAULT_PASS_PERCENT),
  parameters: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.regex(PARAMETER_NAME, "a parameter name is letters, digits and '_', starting with a letter")), parameterSchema),
      v.check((p) => Object.keys(p).length <= 100, "at most 100 parameters"),
    ),
    {},
  ),
});

const examSchema = v.strictObject({
  id: slug,
  title: text(200),
  summary: text(2_000),
  durationMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DURATION_MINUTES)), DEFAULT_DURATION_MINUTES),
  passPercent: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), DEFAULT_PASS_PERCENT),
  parameters: v.optional(v.unknown()),
  cluster: v.optional(ClusterProfileInput),
  clusters: v.optional(
    v.pipe(
      v.array(v.strictObject({ name: v.pipe(v.string(), v.maxLength(63), v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be lower-case letters, digits and '-', e.g. k8s-c2")), profile: v.optional(ClusterProfileInput) })),
      v.minLength(1, "clusters needs at least one cluster"),
      v.maxLength(MAX_CLUSTERS, `at most ${MAX_CLUSTERS} clusters`),
      v.check((list) => new Set(list.map((c) => c.name)).size === list.length, "each cluster needs a name of its own"),
    ),
  ),
  setup: v.optional(v.pipe(v.array(command), v.maxLength(200))),
  tasks: v.pipe(v.array(taskSchema), v.minLength(1, "an exam needs at least one task"), v.maxLength(50)),
});

export type ExamParseResult = { ok: true; exam: ExamDefinition } | { ok: false; errors: string[] };

/** Validates an exam file's value (from YAML, JSON or a request body). */
export function validateExam(input: unknown): ExamParseResult {
  const header = v.safeParse(headerSchema, input);
  if (!header.success) return { ok: false, errors: header.issues.map(formatIssue) };
  const parameters = header.output.parameters as Record<string, ParameterSpec>;
  const definition: ExamDefinition = {
    id: header.output.id,
    title: header.output.title,
    summary: header.output.summary,
    durationMinutes: header.output.durationMinutes,
    passPercent: header.output.passPercent,
    parameters,
    template: input,
  };
  const drawn = drawExam(definition, 1);
  return drawn.ok ? { ok: true, exam: definition } : drawn;
}

/** Parses an exam file's text (YAML; JSON is YAML too) and validates it. */
export function parseExam(source: string): ExamParseResult {
  if (source.length > MAX_EXAM_CHARS) {
    return { ok: false, errors: [`the exam file is too large: ${source.length} characters, at most ${MAX_EXAM_CHARS}`] };
  }
  let value: unknown;
  try {
    value = parseYaml(source, { maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`the exam file is not valid YAML or JSON: ${message.split("\n")[0]}`] };
  }
  if (value === null || value === undefined) return { ok: false, errors: ["the exam file is empty: expected a YAML or JSON object with id, title, summary and tasks"] };
  return validateExam(value);
}

/** The exam a seed draws: parameters filled in, then the whole exam validated. */
export function drawExam(definition: ExamDefinition, seed: number): { ok: true; exam: Exam; values: Record<string, string | number> } | { ok: false; errors: string[] } {
  const values = drawParameters(definition.parameters, seed);
  const filled = substituteParameters(definition.template, values);
  if (!filled.ok) return { ok: false, errors: filled.errors };
  const result = v.safeParse(examSchema, filled.value);
  if (!result.success) return { ok: false, errors: result.issues.map(formatIssue) };
  const exam = result.output as Exam & { parameters?: unknown };
  delete exam.parameters;
  const errors = examErrors(exam);
  return errors.length ? { ok: false, errors } : { ok: true, exam, values };
}

function examErrors(exam: Exam): string[] {
  const errors: string[] = [];
  const total = exam.tasks.reduce((sum, task) => sum + task.weight, 0);
  if (total !== 100) errors.push(`tasks: the weights add up to ${total}; they must add up to 100`);
  const seen = new Set<string>();
  exam.tasks.forEach((task, i) => {
    if (seen.has(task.id)) errors.push(`tasks[${i}].id: the task id "${task.id}" is used twice`);
    seen.add(task.id);
    task.checks.forEach((check, j) => {
      const path = `tasks[${i}].checks[${j}]`;
      if ("file" in check || "route" in check) return;
      errors.push(...checkFieldErrors(check as Check, path));
    });
  });
  return errors;
}
