// Running and grading an exam. An ExamRun is plain data the session keeps: the drawn exam, its
// clock, and what its checks remember (values at the start for `changed`, requests seen for
// `request`). Grading evaluates every check against the session as it is now and says, per check,
// what was expected and what was found; a route check that fails carries the route of the
// request that failed.

import type { ClusterState } from "../cluster/types.ts";
import { callerTimeOf, execute, type SessionState } from "../engine.ts";
import { inContext } from "../contexts.ts";
import { storedEntry, nodeMachine, WORKSTATION_MACHINE } from "../files/store.ts";
import { kubeconfigOf } from "../kubectl/kubeconfig.ts";
import { describeRequest, evaluateCheck, leaves, watchedValue, type CheckResult, type JsonValue } from "../lessons/checks.ts";
import { showMatcher } from "../lessons/fields.ts";
import { describeRef } from "../lessons/objects.ts";
import { resolvePlaceholders } from "../lessons/solution.ts";
import { emptyRequestMemory, recordTraces, type RequestMemory } from "../lessons/requests.ts";
import type { Check } from "../lessons/schema.ts";
import type { RouteTrace } from "../net/trace.ts";
import type { Exam, ExamCheck, FileCheck, RouteCheck } from "./schema.ts";

export interface ExamMemory {
  /** `changed` checks: values when the exam started, by check path (`tasks[2].checks[0]...`). */
  remembered: Record<string, JsonValue>;
  /** `request` checks: requests seen since the exam started, by check path. */
  requests: Record<string, RequestMemory>;
}

export interface CheckReport {
  name: string;
  passed: boolean;
  expected: string;
  found: string;
  /** A failing route check: the route the grader's request took. */
  trace?: RouteTrace;
}

export interface TaskReport {
  id: string;
  title: string;
  weight: number;
  /** weight × the share of its checks that passed, to one decimal. */
  score: number;
  checks: CheckReport[];
  solution: string[];
  why: string;
}

export interface ExamReport {
  examId: string;
  title: string;
  seed: number;
  /** Points out of `max`, to one decimal. */
  score: number;
  max: number;
  passPercent: number;
  passed: boolean;
  tasks: TaskReport[];
}

function checkPath(task: number, check: number): string {
  return `tasks[${task}].checks[${check}]`;
}

/** Where an exam's checks look: the session's clusters, its shell (whose kubeconfig names the contexts). */
type ExamPlace = Pick<SessionState, "cluster" | "shell" | "contexts">;

/** A task's cluster (its context's) and that cluster's name in a session with several; the current one for a task without a context. */
function taskCluster(task: Exam["tasks"][number], state: ExamPlace): { name?: string; cluster: ClusterState } {
  const where = task.context === undefined ? state : inContext(state, task.context);
  return { name: where.contexts?.current, cluster: where.cluster };
}

/** What the checks remember from the start of the exam (after its setup ran), each task's from its context's cluster. */
export function startMemory(exam: Exam, state: ExamPlace): ExamMemory {
  const memory: ExamMemory = { remembered: {}, requests: {} };
  exam.tasks.forEach((task, i) => {
    const { cluster } = taskCluster(task, state);
    task.checks.forEach((check, j) => {
      if ("file" in check || "route" in check) return;
      for (const leaf of leaves(check as Check, "changed", checkPath(i, j))) memory.remembered[leaf.path] = watchedValue(leaf.check.changed, cluster);
      for (const leaf of leaves(check as Check, "request", checkPath(i, j))) memory.requests[leaf.path] = emptyRequestMemory();
    });
  });
  return memory;
}

/**
 * Folds a command's route traces into the request checks' memory (the same object when none
 * matched). With several clusters a task with a context counts only the requests made in its
 * cluster (a trace without a cluster, as the proxy's, is the current context's).
 */
export function recordExamTraces(exam: Exam, memory: ExamMemory, traces: readonly RouteTrace[], state: ExamPlace): ExamMemory {
  if (traces.length === 0) return memory;
  let requests = memory.requests;
  exam.tasks.forEach((task, i) => {
    const { name, cluster } = taskCluster(task, state);
    const own = task.context === undefined || name === undefined ? traces : traces.filter((t) => (t.cluster ?? state.contexts?.current) === name);
    if (own.length === 0) return;
    task.checks.forEach((check, j) => {
      if ("file" in check || "route" in check) return;
      for (const leaf of leaves(check as Check, "request", checkPath(i, j))) {
        const before = requests[leaf.path] ?? emptyRequestMemory();
        const after = recordTraces(leaf.check.request, before, own, cluster);
        if (after !== before) requests = { ...requests, [leaf.path]: after };
      }
    });
  });
  return requests === memory.requests ? memory : { ...memory, requests };
}

/** Grades every task against the session as it is now. */
export function gradeExam(exam: Exam, seed: number, memory: ExamMemory, state: SessionState): ExamReport {
  const tasks = exam.tasks.map((task, i): TaskReport => {
    // A task names the context it is solved in: its checks look at that context's cluster.
    const where = task.context === undefined ? state : inContext(state, task.context);
    const checks = task.checks.map((check, j) => gradeCheck(check, checkPath(i, j), memory, where));
    const passed = checks.filter((c) => c.passed).length;
    return { id: task.id, title: task.title, weight: task.weight, score: round1((task.weight * passed) / checks.length), checks, solution: task.solution, why: task.why };
  });
  const score = round1(tasks.reduce((sum, task) => sum + task.score, 0));
  return { examId: exam.id, title: exam.title, seed, score, max: 100, passPercent: exam.passPercent, passed: score >= exam.passPercent, tasks };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function gradeCheck(check: ExamCheck, path: string, memory: ExamMemory, state: SessionState): CheckReport {
  if ("file" in check) return { name: check.name, ...gradeFile(check.file, state) };
  if ("route" in check) return { name: check.name, ...gradeRoute(check.route, state) };
  const result: CheckResult = evaluateCheck(check as Check, state.cluster, memory, path);
  return { name: check.name, passed: result.passed, expected: expectedOf(check as Check), found: result.explanation };
}

// ---- what a check expects, in words -------------------------------------------------------------

function expectedOf(check: Check): string {
  if ("allOf" in check) return check.allOf.map(expectedOf).join("; and ");
  if ("anyOf" in check) return `one of: ${check.anyOf.map(expectedOf).join("; or ")}`;
  if ("not" in check) return `not so: ${expectedOf(check.not)}`;
  if ("object" in check) {
    const o = check.object;
    const parts = Object.entries(o.fields ?? {}).map(([field, matcher]) => `${field} ${showMatcher(matcher)}`);
    if (o.ready !== undefined) parts.push(o.ready ? "ready" : "not ready");
    const what = o.count !== undefined ? `exactly ${o.count} of ${describeRef({ ...o, name: undefined })}${o.name !== undefined ? ` named ${o.name}` : ""}` : `${describeRef(o)} exists`;
    return `${what}${parts.length ? ` with ${parts.join(", ")}` : ""}`;
  }
  if ("endpoints" in check) {
    const e = check.endpoints;
    const where = e.namespace && e.namespace !== "default" ? ` in namespace ${e.namespace}` : "";
    const range = e.max !== undefined ? `between ${e.min ?? 1} and ${e.max}` : `at least ${e.min ?? 1}`;
    return `service ${e.service}${where} has ${range} ready endpoint${e.max === 1 || (e.max === undefined && (e.min ?? 1) === 1) ? "" : "s"}`;
  }
  if ("changed" in check) return `${check.changed.field} of ${describeRef(check.changed)} differs from its value when the exam started`;
  const r = check.request;
  const outcome = r.status !== undefined ? ` answered with status ${r.status}` : r.verdict !== undefined ? ` ${r.verdict.replace("-", " ")}` : "";
  return `${r.count !== undefined && r.count > 1 ? `${r.count} requests of this kind: ` : ""}${describeRequest(r)}${outcome}, made during the exam`;
}

// ---- files --------------------------------------------------------------------------------------

/** A file's text as the check compares it: trailing blanks of each line and the final newlines dropped. */
function normalise(text: string): string {
  return text.split("\n").map((line) => line.replace(/[ \t\r]+$/, "")).join("\n").replace(/\n+$/, "");
}

function fileLines(text: string): string[] {
  return text.split("\n").map((line) => line.replace(/[ \t\r]+$/, "")).filter((line) => line.trim() !== "");
}

/** Shows a text in a message: short ones inline, long ones cut. */
function quote(text: string): string {
  const cut = text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text;
  return cut.includes("\n") ? `\n${cut}` : JSON.stringify(cut);
}

/** A throwaway copy of the session at the workstation's shell, for the grader's own commands. */
function graderShell(state: SessionState): SessionState {
  return { ...state, shell: [state.shell[0]], editing: undefined, jobs: undefined };
}

export function runAtWorkstation(state: SessionState, command: string): { output: string; exitCode: number; traces: RouteTrace[] } {
  const result = execute(graderShell(state), command, { now: callerTimeOf(state, state.cluster.now) });
  return { output: result.output, exitCode: result.exitCode, traces: result.traces };
}

function gradeFile(check: FileCheck, state: SessionState): Omit<CheckReport, "name"> {
  const where = check.host !== undefined ? `${check.path} on ${check.host}` : check.path;
  let expected: string;
  let matches: (data: string) => boolean;
  if (check.content !== undefined) {
    const want = normalise(check.content);
    expected = `${where} holds exactly: ${quote(want)}`;
    matches = (data) => normalise(data) === want;
  } else if (check.lines !== undefined) {
    const want = check.lines.map((line) => line.replace(/[ \t\r]+$/, ""));
    expected = `${where} lists these lines, in this order: ${quote(want.join("\n"))}`;
    matches = (data) => {
      const got = fileLines(data);
      return got.length === want.length && got.every((line, i) => line === want[i]);
    };
  } else {
    const ran = runAtWorkstation(state, check.command!);
    const want = normalise(ran.output);
    expected = `${where} holds what \`${check.command}\` prints now: ${quote(want)}`;
    matches = (data) => ran.exitCode === 0 && want !== "" && normalise(data) === want;
  }
  const machine = check.host === undefined ? WORKSTATION_MACHINE : nodeMachine(check.host);
  const entry = storedEntry(state.cluster, machine, check.path);
  if (!entry || entry.type === "gone") return { passed: false, expected, found: `there is no file ${where}` };
  if (entry.type === "dir") return { passed: false, expected, found: `${where} is a directory` };
  if (matches(entry.data)) return { passed: true, expected, found: `${where} holds the expected answer` };
  return { passed: false, expected, found: entry.data.trim() === "" ? `${where} is empty` : `${where} holds: ${quote(normalise(entry.data))}` };
}

// ---- routes -------------------------------------------------------------------------------------

/** The command the grader runs for a route check: curl where the check says, as a learner would. */
export function routeCommand(check: RouteCheck, url = check.url): string {
  const headers = Object.entries(check.headers ?? {}).map(([name, value]) => ` -H ${shellQuote(`${name}: ${value}`)}`).join("");
  const curl = `curl -sS -m 5${headers} ${shellQuote(url)}`;
  const from = check.from;
  if (!from || "workstation" in from) return curl;
  if ("node" in from) return `ssh ${from.node} ${curl}`;
  const container = from.container !== undefined ? ` -c ${from.container}` : "";
  return `kubectl exec -n ${from.namespace ?? "default"} ${from.pod}${container} -- ${curl}`;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function describeFrom(check: RouteCheck): string {
  const from = check.from;
  if (!from || "workstation" in from) return "from the workstation";
  if ("node" in from) return `from node ${from.node}`;
  return `from pod ${from.pod}${from.namespace && from.namespace !== "default" ? ` in namespace ${from.namespace}` : ""}`;
}

function gradeRoute(check: RouteCheck, state: SessionState): Omit<CheckReport, "name"> {
  const verdict = check.verdict ?? "answered";
  const outcome = check.status !== undefined ? `answered with status ${check.status}` : verdict === "answered" ? "answered" : verdict.replace("-", " ");
  const host = check.headers?.Host ?? check.headers?.host;
  const expected = `a request to ${check.url}${host !== undefined ? ` with Host ${host}` : ""} ${describeFrom(check)} is ${outcome}`;
  const filled = resolvePlaceholders(check.url, state.cluster);
  if (!filled.ok) return { passed: false, expected, found: `the request cannot be made: ${filled.error}` };
  const command = routeCommand(check, filled.command);
  const ran = runAtWorkstation(state, command);
  const trace = ran.traces.at(-1);
  if (!trace) {
    const said = ran.output.trim().split("\n")[0] ?? "";
    return { passed: false, expected, found: `\`${command}\` made no request${said ? `: ${said}` : ""}` };
  }
  const passed = trace.verdict === verdict && (check.status === undefined || trace.status === check.status);
  const got = trace.verdict === "answered" ? `answered${trace.status !== undefined ? ` with status ${trace.status}` : ""}` : trace.verdict.replace("-", " ");
  const found = `the request was ${got}: ${trace.reason}`;
  return passed ? { passed, expected, found } : { passed, expected, found, trace };
}

// ---- contexts -----------------------------------------------------------------------------------

/** The contexts the session's kubeconfig at the workstation knows. */
export function sessionContexts(state: SessionState): string[] {
  return kubeconfigOf(state.shell[0]).contexts.map((c) => c.name);
}

/**
 * Tasks whose context the session does not have: an exam written for several clusters cannot be
 * taken on a session with fewer, and saying so beats grading the wrong cluster.
 */
export function contextErrors(exam: Exam, available: readonly string[]): string[] {
  const errors: string[] = [];
  exam.tasks.forEach((task, i) => {
    if (task.context === undefined || available.includes(task.context)) return;
    errors.push(`tasks[${i}].context: the context ${task.context} does not exist in this session; it has ${available.length === 1 ? `one context, ${available[0]}` : `the contexts ${available.join(", ")}`}`);
  });
  return errors;
}
