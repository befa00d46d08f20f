// Proving an exam fair for a seed (npm run exam:check, the tests of the built-in exams): after the
// setups an untouched attempt scores 0 with every check failing; then task by task, each task's
// checks all fail before its reference solution runs and all pass after it; at the end the
// reference solutions score 100.

import { resolveProfile } from "../cluster/profile.ts";
import { createSession, execute, tick, type SessionState } from "../engine.ts";
import { resolvePlaceholders } from "../lessons/solution.ts";
import { gradeExam, type ExamReport, type TaskReport } from "./grade.ts";
import { prepareAnswerDirectories, recordExamCommand, startExamRun, type ExamRun } from "./run.ts";
import type { Exam } from "./schema.ts";

export interface ReferenceOptions {
  seed: number;
  /** Simulated start time, ms since the epoch. */
  start?: number;
  /** Simulated time between two commands. */
  stepMs?: number;
}

export interface ReferenceResult {
  ok: boolean;
  errors: string[];
  /** The grade of the untouched attempt. */
  untouched?: ExamReport;
  /** The grade after every reference solution ran. */
  solved?: ExamReport;
  /** The session after every solution ran, and its exam (for timing a grading: scripts/exam-bench.ts). */
  final?: { state: SessionState; run: ExamRun };
  commands: number;
}

export interface StartedExam {
  state: SessionState;
  run: ExamRun;
  now: number;
  errors: string[];
  commands: number;
}

/** A session with the exam's setups run and the exam started, as POST /api/sessions makes one. */
export function startExamSession(exam: Exam, seed: number, start: number, stepMs: number): StartedExam {
  let now = start;
  let state = createSession({
    seed,
    now,
    profile: resolveProfile(exam.cluster),
    ...(exam.clusters ? { clusters: exam.clusters.map((c) => ({ name: c.name, profile: resolveProfile({ ...exam.cluster, ...c.profile }) })) } : {}),
  });
  const errors: string[] = [];
  let commands = 0;
  for (const command of examSetup(exam)) {
    now += stepMs;
    const result = execute(state, command, { now });
    commands++;
    state = result.state;
    if (result.exitCode !== 0) errors.push(`setup command "${command.split("\n")[0]}" exited with ${result.exitCode}: ${result.output.trim().split("\n")[0]}`);
  }
  state = prepareAnswerDirectories(state, exam, now);
  return { state, run: startExamRun(exam, seed, state, now), now, errors, commands };
}

/** Every setup command of the exam, in the order they run: the exam's, then each task's. */
export function examSetup(exam: Exam): string[] {
  return [...(exam.setup ?? []), ...exam.tasks.flatMap((task) => task.setup ?? [])];
}

function task(report: ExamReport, id: string): TaskReport {
  return report.tasks.find((t) => t.id === id)!;
}

export function runExamReference(exam: Exam, options: ReferenceOptions): ReferenceResult {
  const stepMs = options.stepMs ?? 5_000;
  const started = startExamSession(exam, options.seed, options.start ?? Date.UTC(2026, 0, 5, 9, 0, 0), stepMs);
  let { state, run, now, commands } = started;
  const errors = [...started.errors];
  if (errors.length) return { ok: false, errors, commands };

  const untouched = gradeExam(run.exam, run.seed, run.memory, state);
  if (untouched.score !== 0) errors.push(`an untouched attempt scores ${untouched.score}, not 0`);
  for (const t of untouched.tasks) {
    for (const c of t.checks) if (c.passed) errors.push(`task ${t.id}: check "${c.name}" passes before anything was done: ${c.found}`);
  }

  for (const exTask of exam.tasks) {
    // Earlier tasks' solutions ran: the task's own checks must still fail, so no task is solved by another.
    const before = task(gradeExam(run.exam, run.seed, run.memory, state), exTask.id);
    for (const c of before.checks) if (c.passed && !untouched.tasks.some((t) => t.id === exTask.id && t.checks.some((u) => u.name === c.name && u.passed))) {
      errors.push(`task ${exTask.id}: check "${c.name}" passes before its solution ran (after the earlier tasks' solutions): ${c.found}`);
    }
    for (const typed of exTask.solution) {
      now += stepMs;
      const filled = resolvePlaceholders(typed, state.cluster);
      if (!filled.ok) {
        errors.push(`task ${exTask.id}: solution command "${typed}": ${filled.error}`);
        continue;
      }
      const result = execute(state, filled.command, { now });
      commands++;
      state = result.state;
      run = recordExamCommand(run, state, result.traces);
      if (result.exitCode !== 0) errors.push(`task ${exTask.id}: solution command "${filled.command.split("\n")[0]}" exited with ${result.exitCode}: ${result.output.trim().split("\n")[0]}`);
    }
    // Pods the solution created get time to become ready, as a learner's next look would give them.
    now += stepMs;
    state = tick(state, now);
    const after = task(gradeExam(run.exam, run.seed, run.memory, state), exTask.id);
    for (const c of after.checks) if (!c.passed) errors.push(`task ${exTask.id}: check "${c.name}" fails after its solution: expected ${c.expected}; found ${c.found}`);
  }

  const solved = gradeExam(run.exam, run.seed, run.memory, state);
  if (solved.score !== 100) {
    errors.push(`the reference solutions score ${solved.score}, not 100`);
    for (const t of solved.tasks) for (const c of t.checks) if (!c.passed) errors.push(`task ${t.id}: check "${c.name}" fails at the end: expected ${c.expected}; found ${c.found}`);
  }
  return { ok: errors.length === 0, errors: [...new Set(errors)], untouched, solved, final: { state, run }, commands };
}
