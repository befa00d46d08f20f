// The exams that ship with the playground. Their source is exams/*.yaml; builtin-data.ts is
// generated from it (npm run exams:build) so that the Worker bundle includes them.
import { builtinExamData } from "./builtin-data.ts";
import type { ExamDefinition } from "./schema.ts";

export const builtinExams: readonly ExamDefinition[] = builtinExamData;

const byId = new Map(builtinExams.map((exam) => [exam.id, exam]));

export function findBuiltinExam(id: string): ExamDefinition | undefined {
  return byId.get(id);
}

/** What `GET /api/exams` lists. */
export function builtinExamSummaries(): Array<{ id: string; title: string; summary: string; durationMinutes: number; tasks: number; passPercent: number }> {
  return builtinExams.map((e) => ({
    id: e.id,
    title: e.title,
    summary: e.summary,
    durationMinutes: e.durationMinutes,
    tasks: Array.isArray((e.template as { tasks?: unknown }).tasks) ? (e.template as { tasks: unknown[] }).tasks.length : 0,
    passPercent: e.passPercent,
  }));
}
