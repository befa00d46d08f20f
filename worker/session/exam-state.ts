// A session started for an exam keeps the exam's run beside its state: the drawn exam and its
// clock once, the checks' memory after commands whose requests it counts, the report once final.

import type { ExamRun } from "../sim/exams/index.ts";
import type { SessionStorage } from "./storage.ts";

export function readExamRun(storage: SessionStorage): ExamRun | undefined {
  const stored = storage.getMeta("exam");
  return stored === undefined ? undefined : (JSON.parse(stored) as ExamRun);
}

export function writeExamRun(storage: SessionStorage, run: ExamRun): void {
  storage.setMeta("exam", JSON.stringify(run));
}

/** The message a command gets once the exam is over. */
export function examOverMessage(run: ExamRun): string {
  const when = new Date(run.finishedAt ?? run.deadline).toISOString();
  const why = run.finishedAt !== undefined && run.finishedAt < run.deadline ? "it was finished" : "its time was up";
  return `The exam ended at ${when} (${why}): the console takes no more commands. GET /api/sessions/:id/exam shows the report.`;
}
