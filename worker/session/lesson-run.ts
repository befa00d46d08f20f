// A session (or snapshot) that follows a lesson keeps the lesson and the learner's progress beside
// its state: the lesson is written once, the progress after every command that may advance it.

import type { SessionState } from "../sim/engine.ts";
import { type AdvanceResult, evaluateStep, type Lesson, type LessonProgress } from "../sim/lessons/index.ts";
import type { LessonUpdate, LessonView } from "../sim/wire.ts";
import type { SessionStorage } from "./storage.ts";

export type { LessonUpdate, LessonView };

export interface LessonRun {
  lesson: Lesson;
  progress: LessonProgress;
}

export function lessonView(run: LessonRun, state: SessionState): LessonView {
  return { lesson: run.lesson, progress: run.progress, status: evaluateStep(run.lesson, run.progress, state) ?? null };
}

export function lessonUpdate(result: AdvanceResult): LessonUpdate {
  return { progress: result.progress, events: result.events, status: result.status ?? null };
}

export function readLessonRun(storage: SessionStorage): LessonRun | undefined {
  const lesson = storage.getMeta("lesson");
  const progress = storage.getMeta("lessonProgress");
  if (lesson === undefined || progress === undefined) return undefined;
  return { lesson: JSON.parse(lesson) as Lesson, progress: JSON.parse(progress) as LessonProgress };
}

export function writeLessonRun(storage: SessionStorage, run: LessonRun): void {
  storage.setMeta("lesson", JSON.stringify(run.lesson));
  writeProgress(storage, run.progress);
}

export function writeProgress(storage: SessionStorage, progress: LessonProgress): void {
  storage.setMeta("lessonProgress", JSON.stringify(progress));
}
