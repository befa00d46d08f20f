// An exam in progress, as plain data the session keeps (snapshots and forks carry it): the drawn
// exam, its clock, what its checks remember, and once it is over, the final report.

import { Tx } from "../cluster/tx.ts";
import type { SessionState } from "../engine.ts";
import { parentOf } from "../files/file-system.ts";
import { machineOf } from "../files/machines.ts";
import { nodeMachine, putEntry, storedEntry, WORKSTATION_MACHINE } from "../files/store.ts";
import type { RouteTrace } from "../net/trace.ts";
import { gradeExam, recordExamTraces, startMemory, type ExamMemory, type ExamReport } from "./grade.ts";
import type { Exam } from "./schema.ts";

export interface ExamRun {
  exam: Exam;
  seed: number;
  /** Caller's clock, ms since the epoch. */
  startedAt: number;
  deadline: number;
  memory: ExamMemory;
  /** Set when the exam ended (Finish or the deadline): the report is final from then on. */
  finishedAt?: number;
  report?: ExamReport;
}

/** What a learner sees of a running exam: the tasks, never their checks or solutions. */
export interface ExamView {
  examId: string;
  title: string;
  seed: number;
  durationMinutes: number;
  passPercent: number;
  startedAt: string;
  deadline: string;
  secondsLeft: number;
  finished: boolean;
  tasks: Array<{ id: string; title: string; weight: number; context?: string; text: string }>;
}

/**
 * The exam's answer directories (`/opt/course/5` of `/opt/course/5/pods.txt`), made as the exam's
 * environment makes them before a start: owned by the learner, so `> /opt/course/5/pods.txt`
 * works where /opt itself is root's.
 */
export function prepareAnswerDirectories(state: SessionState, exam: Exam, now: number): SessionState {
  const tx = new Tx(state.cluster);
  const workstation = machineOf(state.cluster, state.shell[0]);
  for (const task of exam.tasks) {
    for (const check of task.checks) {
      if (!("file" in check)) continue;
      const machine = check.file.host === undefined ? WORKSTATION_MACHINE : nodeMachine(check.file.host);
      const inBase = (path: string) => (machine === WORKSTATION_MACHINE ? workstation?.base.has(path) === true : path.split("/").length <= 2);
      const missing: string[] = [];
      for (let dir = parentOf(check.file.path); dir !== "/" && !inBase(dir) && !storedEntry(tx.state, machine, dir); dir = parentOf(dir)) missing.push(dir);
      for (const dir of missing.reverse()) putEntry(tx, machine, dir, { type: "dir", mode: 0o755, mtime: now });
    }
  }
  return tx.dirty ? { ...state, cluster: tx.commit() } : state;
}

/** The exam starts once every setup ran: its checks remember the cluster as it is now. */
export function startExamRun(exam: Exam, seed: number, state: SessionState, startedAt: number, durationMinutes = exam.durationMinutes): ExamRun {
  return { exam: { ...exam, durationMinutes }, seed, startedAt, deadline: startedAt + durationMinutes * 60_000, memory: startMemory(exam, state) };
}

/** After a command: its requests count for the request checks (not once the exam is over). */
export function recordExamCommand(run: ExamRun, state: SessionState, traces: readonly RouteTrace[]): ExamRun {
  if (run.report) return run;
  const memory = recordExamTraces(run.exam, run.memory, traces, state);
  return memory === run.memory ? run : { ...run, memory };
}

export function examOver(run: ExamRun, now: number): boolean {
  return run.report !== undefined || now >= run.deadline;
}

/** Ends the exam: the report of the session as it is now, final from then on. */
export function finishExamRun(run: ExamRun, state: SessionState, now: number): ExamRun {
  if (run.report) return run;
  return { ...run, finishedAt: Math.min(now, run.deadline), report: gradeExam(run.exam, run.seed, run.memory, state) };
}

export function examView(run: ExamRun, now: number): ExamView {
  const exam = run.exam;
  return {
    examId: exam.id,
    title: exam.title,
    seed: run.seed,
    durationMinutes: exam.durationMinutes,
    passPercent: exam.passPercent,
    startedAt: new Date(run.startedAt).toISOString(),
    deadline: new Date(run.deadline).toISOString(),
    secondsLeft: run.report ? 0 : Math.max(0, Math.ceil((run.deadline - now) / 1000)),
    finished: run.report !== undefined,
    tasks: exam.tasks.map((t) => ({ id: t.id, title: t.title, weight: t.weight, ...(t.context !== undefined ? { context: t.context } : {}), text: t.text })),
  };
}
