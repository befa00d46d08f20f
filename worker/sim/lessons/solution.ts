// Running a lesson's setup and reference solution through the simulator, proving that each step's
// check passes in order. Used by `npm run lesson:check` and by the tests of the built-in lessons.
//
// A solution cannot know values the cluster picks at random (a NodePort, a pod's IP), so its
// commands may name them: {{nodeIP node01}}, {{nodePort nginx}}, {{clusterIP nginx}},
// {{podIP nginx}}, {{podName app=web}} (the first pod with these labels), {{hostIP nginx}} (the IP
// of the node running the pod), {{otherNodeIP nginx}} (a node not running it), {{externalIP web}}
// (a LoadBalancer Service's address); `ns/name` for
// another namespace, `{{nodePort name:443}}` for the NodePort of the Service's port 443. They are filled in from the cluster right before the command runs.

import { resolveProfile } from "../cluster/profile.ts";
import type { ClusterState } from "../cluster/types.ts";
import { createSession, execute, type SessionState } from "../engine.ts";
import { promptOf } from "../shell/prompt.ts";
import { labelsMatch, nodeIPs, podReady } from "./objects.ts";
import { advanceLesson, startLesson, type LessonProgress, type StepStatus } from "./progress.ts";
import type { Lesson } from "./schema.ts";

export interface SolutionLine {
  phase: "setup" | "solution";
  command: string;
  /** The prompt the command was typed at. */
  prompt: string;
  output: string;
  exitCode: number;
  /** The step this command completed, if any. */
  completed?: string;
  /** The current step's status after the command (why it does not pass yet). */
  status?: StepStatus;
}

export interface SolutionReport {
  ok: boolean;
  lines: SolutionLine[];
  completed: string[];
  errors: string[];
  /** Remarks that do not fail the check (commands left over after the last step passed). */
  notes: string[];
  progress?: LessonProgress;
}

export interface SolutionOptions {
  seed?: number;
  /** Simulated start time, ms since the epoch. */
  start?: number;
  /** Simulated time between two commands, as a learner would take. */
  stepMs?: number;
}

const PLACEHOLDER = /\{\{\s*(nodeIP|nodePort|clusterIP|externalIP|podIP|podName|hostIP|otherNodeIP)\s+([^\s}]+)\s*\}\}/g;

/** Fills the placeholders of a command from the cluster; an error names the one it cannot fill. */
export function resolvePlaceholders(command: string, cluster: ClusterState): { ok: true; command: string } | { ok: false; error: string } {
  let error: string | undefined;
  const resolved = command.replace(PLACEHOLDER, (whole, kind: string, arg: string) => {
    const value = resolveOne(kind, arg, cluster);
    if (value === undefined) error ??= `cannot fill ${whole}: no such object or value in the cluster`;
    return value ?? whole;
  });
  if (error) return { ok: false, error };
  if (/\{\{[^}]*\}\}/.test(resolved)) return { ok: false, error: `unknown placeholder in: ${command}` };
  return { ok: true, command: resolved };
}

function key(arg: string): string {
  return arg.includes("/") ? arg : `default/${arg}`;
}

function resolveOne(kind: string, arg: string, cluster: ClusterState): string | undefined {
  switch (kind) {
    case "nodeIP":
      return nodeIPs(cluster).get(arg);
    case "nodePort": {
      // `name:443`: the NodePort of the Service's port 443; otherwise its first.
      const m = /^(.*):(\d+)$/.exec(arg);
      const name = m ? m[1] : arg;
      const wanted = m ? Number(m[2]) : undefined;
      const port = cluster.services[key(name)]?.spec.ports.find((p) => p.nodePort !== undefined && (wanted === undefined || p.port === wanted));
      return port?.nodePort !== undefined ? String(port.nodePort) : undefined;
    }
    case "clusterIP":
      return cluster.services[key(arg)]?.spec.clusterIP;
    case "externalIP":
      return cluster.services[key(arg)]?.status?.loadBalancer?.ingress?.[0]?.ip;
    case "podIP":
      return cluster.pods[key(arg)]?.status.podIP;
    case "hostIP": {
      const node = cluster.pods[key(arg)]?.spec.nodeName;
      return node !== undefined ? nodeIPs(cluster).get(node) : undefined;
    }
    case "otherNodeIP": {
      const node = cluster.pods[key(arg)]?.spec.nodeName;
      if (node === undefined) return undefined;
      const others = [...nodeIPs(cluster)].filter(([name]) => name !== node).sort(([a], [b]) => (a < b ? -1 : 1));
      return others[0]?.[1];
    }
    case "podName": {
      const [namespace, selectorText] = arg.includes("/") ? arg.split("/", 2) : ["default", arg];
      const selector = Object.fromEntries(selectorText.split(",").map((pair) => pair.split("=", 2) as [string, string]));
      const pods = Object.values(cluster.pods)
        .filter((p) => p.metadata.namespace === namespace && !p.metadata.deletionTimestamp && labelsMatch(p.metadata.labels, selector))
        .sort((a, b) => Number(podReady(b)) - Number(podReady(a)) || (a.metadata.name < b.metadata.name ? -1 : 1));
      return pods[0]?.metadata.name;
    }
  }
  return undefined;
}

export function runSolution(lesson: Lesson, options: SolutionOptions = {}): SolutionReport {
  const stepMs = options.stepMs ?? 5_000;
  let now = options.start ?? Date.UTC(2026, 0, 5, 9, 0, 0);
  let state: SessionState = createSession({ seed: options.seed ?? 1, now, profile: resolveProfile(lesson.cluster) });
  const lines: SolutionLine[] = [];
  const errors: string[] = [];
  const notes: string[] = [];

  const run = (phase: SolutionLine["phase"], typed: string) => {
    now += stepMs;
    const filled = resolvePlaceholders(typed, state.cluster);
    if (!filled.ok) {
      errors.push(`${phase} command "${typed}": ${filled.error}`);
      return undefined;
    }
    const prompt = promptOf(state.shell);
    const result = execute(state, filled.command, { now });
    state = result.state;
    const line: SolutionLine = { phase, command: filled.command, prompt, output: result.output, exitCode: result.exitCode };
    lines.push(line);
    return { result, line };
  };

  for (const command of lesson.setup ?? []) {
    const ran = run("setup", command);
    if (ran && ran.result.exitCode !== 0) errors.push(`setup command "${ran.line.command}" exited with ${ran.result.exitCode}: ${ran.result.output.trim()}`);
  }
  if (errors.length) return { ok: false, lines, completed: [], errors, notes };

  let { progress } = startLesson(lesson, state);
  for (let i = 0; i < lesson.solution.length; i++) {
    const command = lesson.solution[i];
    if (progress.currentStep >= lesson.steps.length) {
      const left = lesson.solution.length - i;
      notes.push(left === 1 ? "the lesson was complete before the last solution command; it was not run" : `the lesson was complete before the last ${left} solution commands; they were not run`);
      break;
    }
    const ran = run("solution", command);
    if (!ran) break;
    const advanced = advanceLesson(lesson, progress, state, ran.result);
    progress = advanced.progress;
    const done = advanced.events.find((e) => e.type === "step-completed");
    if (done && done.type === "step-completed") ran.line.completed = done.stepId;
    if (advanced.status) ran.line.status = advanced.status;
  }
  if (errors.length === 0 && progress.currentStep < lesson.steps.length) {
    const step = lesson.steps[progress.currentStep];
    const status = lines.at(-1)?.status;
    errors.push(`step "${step.id}" (${step.title}) did not pass after the last solution command: ${status?.explanation ?? "its check failed"}`);
  }
  return { ok: errors.length === 0, lines, completed: progress.completed, errors, notes, progress };
}
