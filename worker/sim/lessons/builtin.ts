// The lessons that ship with the playground. Their source is lessons/*.yaml; builtin-data.ts is
// generated from it (npm run lessons:build) so that the Worker bundle includes them.
import { builtinLessonData } from "./builtin-data.ts";
import type { Lesson } from "./schema.ts";

export const builtinLessons: readonly Lesson[] = builtinLessonData;

const byId = new Map(builtinLessons.map((lesson) => [lesson.id, lesson]));

export function findBuiltinLesson(id: string): Lesson | undefined {
  return byId.get(id);
}

/** What `GET /api/lessons` lists. */
export function builtinLessonSummaries(): Array<{ id: string; title: string; summary: string; steps: number }> {
  return builtinLessons.map((l) => ({ id: l.id, title: l.title, summary: l.summary, steps: l.steps.length }));
}
