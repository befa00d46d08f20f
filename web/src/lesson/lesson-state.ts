// The lesson as the page shows it, and how progress reports fold into it. Reports arrive twice
// (the command's HTTP response and the live socket) and sometimes out of order, so the page works
// out what is new by comparing progress rather than trusting each report's events: a step counts
// as completed once, and progress moves backwards only by the learner's own move (Back), which
// the progress counts (`moves`): a report with fewer moves is an old one.
import type { Lesson, LessonEvent, LessonProgress, LessonState, LessonUpdate, StepStatus } from "../api/types.ts";

export interface LessonModel {
  lesson: Lesson;
  progress: LessonProgress;
  status: StepStatus | null;
  /** The status is the verdict on a command typed in this step, so the learner should see it. */
  checked: boolean;
  /** Steps the latest advance completed: the "done" note stays above the step that followed. */
  justCompleted: string[];
  /** Sequence number of the command the status belongs to; a report about an older one is stale. */
  seq: number;
}

/** Where a report came from: a command (with its seq), the clock, or a fresh read of the session. */
export type UpdateSource = { kind: "command"; seq: number } | { kind: "clock" } | { kind: "refresh" } | { kind: "move"; action: "check" | "skip" | "back" };

/** The learner has run a command of their own (the setup's commands do not count). */
export function learnerTyped(transcript: ReadonlyArray<{ setup?: boolean }>): boolean {
  return transcript.some((e) => !e.setup);
}

/** The model for a session document's lesson; `typed` says the learner has already run commands. */
export function lessonModel(state: LessonState | null, typed: boolean): LessonModel | null {
  if (!state) return null;
  return { ...state, checked: typed && state.status !== null, justCompleted: [], seq: 0 };
}

export function isComplete(model: Pick<LessonModel, "lesson" | "progress">): boolean {
  return model.progress.currentStep >= model.lesson.steps.length;
}

export function applyUpdate(
  model: LessonModel | null,
  update: Pick<LessonUpdate, "progress" | "status">,
  source: UpdateSource,
): { model: LessonModel | null; events: LessonEvent[] } {
  if (!model || update.progress.lessonId !== model.lesson.id) return { model, events: [] };
  const before = model.progress;
  const after = update.progress;
  const movedBy = (after.moves ?? 0) - (before.moves ?? 0);
  if (movedBy < 0) return { model, events: [] };
  if (movedBy === 0 && after.currentStep < before.currentStep) return { model, events: [] };
  if (movedBy === 0 && after.currentStep === before.currentStep && source.kind === "command" && source.seq < model.seq) return { model, events: [] };

  const lessonId = model.lesson.id;
  const known = new Set(before.completed);
  const completedNow = after.completed.filter((id) => !known.has(id));
  const wasSkipped = new Set(before.skipped ?? []);
  const skippedNow = (after.skipped ?? []).filter((id) => !wasSkipped.has(id));
  const reopened = movedBy > 0 && after.currentStep < before.currentStep ? model.lesson.steps[after.currentStep]?.id : undefined;
  const events: LessonEvent[] = [
    ...completedNow.map((stepId): LessonEvent => ({ type: "step-completed", lessonId, stepId })),
    ...skippedNow.map((stepId): LessonEvent => ({ type: "step-skipped", lessonId, stepId })),
    ...(reopened ? [{ type: "step-reopened", lessonId, stepId: reopened } as LessonEvent] : []),
  ];
  const asked = source.kind === "move" && source.action === "check";
  const next: LessonModel = {
    lesson: model.lesson,
    progress: after,
    status: update.status,
    // A step that just began has not been tried yet, also when the report that began it arrives
    // again (HTTP, then the socket); a later command's verdict, or one asked for (Check again),
    // is worth showing.
    checked:
      completedNow.length > 0 || movedBy > 0 ? false : asked || (source.kind === "command" && source.seq > model.seq) || model.checked,
    // Kept until the next step is done: a command typed while the completion was on its way must
    // not wipe the note the learner has not seen yet. A move by hand starts afresh.
    justCompleted: completedNow.length > 0 ? completedNow : movedBy > 0 ? [] : model.justCompleted,
    seq: source.kind === "command" ? Math.max(model.seq, source.seq) : model.seq,
  };
  if (isComplete(next) && !isComplete(model)) events.push({ type: "lesson-completed", lessonId });
  return { model: next, events };
}
