// A learner's progress through a lesson, as a value the session keeps (shared links and forks carry
// it). After each command the session calls advanceLesson with the new state and the command's
// traces; a passed step completes, and the next one starts on the following command.

import type { ClusterState } from "../cluster/types.ts";
import type { RouteTrace } from "../net/trace.ts";
import { evaluateCheck, leaves, watchedValue, type CheckResult, type JsonValue, type StepMemory } from "./checks.ts";
import { emptyRequestMemory, recordTraces, type RequestMemory } from "./requests.ts";
import type { Lesson } from "./schema.ts";

export interface LessonProgress {
  lessonId: string;
  /** Index of the step the learner is on; equals steps.length once the lesson is complete. */
  currentStep: number;
  /** Ids of completed steps, in order. */
  completed: string[];
  /** `changed` checks of the current step: values when it started, by check path. */
  remembered: Record<string, JsonValue>;
  /** `request` checks of the current step: what was seen during the lesson, by check path. */
  requests: Record<string, RequestMemory>;
  /**
   * `request` checks of the other steps, by step id and check path: a request made early (the
   * node01 curl of step 4 that step 5 asks for) counts when its step starts, and a step the
   * learner goes back to keeps what it saw.
   */
  ahead?: Record<string, Record<string, RequestMemory>>;
  /**
   * `changed` checks of every step: the first value the lesson saw (not null), by step id and check
   * path. A step begins comparing with it rather than with the value of the moment, so a change
   * made before the step began (the db pod recreated early) counts.
   */
  firstSeen?: Record<string, Record<string, JsonValue>>;
  /** Ids of the steps the learner skipped (not completed), in order. */
  skipped?: string[];
  /**
   * How many times the learner moved by hand (Skip, Back): progress may then go backwards, and a
   * report with a lower count is older than one with a higher (the page orders reports by it).
   */
  moves?: number;
}

export type LessonEvent =
  | { type: "lesson-started"; lessonId: string }
  | { type: "step-completed"; lessonId: string; stepId: string }
  | { type: "step-skipped"; lessonId: string; stepId: string }
  | { type: "step-reopened"; lessonId: string; stepId: string }
  | { type: "lesson-completed"; lessonId: string };

/** How the current step stands after a command, for the page to show. */
export interface StepStatus extends CheckResult {
  stepId: string;
}

export interface AdvanceResult {
  progress: LessonProgress;
  events: LessonEvent[];
  /** The current step's check as evaluated now (absent once the lesson is complete). */
  status?: StepStatus;
}

/** Anything that holds a cluster: a SessionState from the engine, or a test's value. */
export interface HasCluster {
  cluster: ClusterState;
}

/** Progress at the start of a lesson (after its setup ran): step 0 begins now. */
export function startLesson(lesson: Lesson, state: HasCluster): AdvanceResult {
  const start: LessonProgress = { lessonId: lesson.id, currentStep: 0, completed: [], remembered: {}, requests: {} };
  const progress = beginStep(lesson, withFirstSeen(lesson, start, state.cluster), state.cluster);
  return { progress, events: [{ type: "lesson-started", lessonId: lesson.id }], status: evaluateStep(lesson, progress, state) };
}

/** Remembers what the step's checks compare against: values now, and the requests already seen for it. */
function beginStep(lesson: Lesson, progress: LessonProgress, cluster: ClusterState): LessonProgress {
  const step = lesson.steps[progress.currentStep];
  const { [step?.id ?? ""]: early, ...ahead } = progress.ahead ?? {};
  const rest = Object.keys(ahead).length ? { ahead } : {};
  const { ahead: _old, ...base } = progress;
  if (!step) return { ...base, ...rest, remembered: {}, requests: {} };
  const remembered: Record<string, JsonValue> = {};
  for (const { path, check } of leaves(step.check, "changed")) remembered[path] = progress.firstSeen?.[step.id]?.[path] ?? watchedValue(check.changed, cluster);
  const requests: Record<string, RequestMemory> = {};
  for (const { path } of leaves(step.check, "request")) requests[path] = early?.[path] ?? emptyRequestMemory();
  return { ...base, ...rest, remembered, requests };
}

/** Notes the first value (not null) of every step's `changed` checks; the same progress when nothing is new. */
function withFirstSeen(lesson: Lesson, progress: LessonProgress, cluster: ClusterState): LessonProgress {
  let firstSeen = progress.firstSeen;
  for (const step of lesson.steps) {
    for (const { path, check } of leaves(step.check, "changed")) {
      if (firstSeen?.[step.id]?.[path] !== undefined) continue;
      const value = watchedValue(check.changed, cluster);
      if (value !== null) firstSeen = { ...firstSeen, [step.id]: { ...firstSeen?.[step.id], [path]: value } };
    }
  }
  return firstSeen === progress.firstSeen ? progress : { ...progress, firstSeen };
}

/** Folds a command's traces into the request checks of the steps other than the current one. */
function recordAhead(lesson: Lesson, progress: LessonProgress, traces: readonly RouteTrace[], cluster: ClusterState): LessonProgress["ahead"] {
  let ahead = progress.ahead;
  for (const [index, step] of lesson.steps.entries()) {
    if (index === progress.currentStep) continue;
    for (const { path, check } of leaves(step.check, "request")) {
      const before = ahead?.[step.id]?.[path] ?? emptyRequestMemory();
      const after = recordTraces(check.request, before, traces, cluster);
      if (after !== before) ahead = { ...ahead, [step.id]: { ...ahead?.[step.id], [path]: after } };
    }
  }
  return ahead;
}

/**
 * After a command: record its traces for the current step, evaluate the step's check against the
 * new state, and complete the step if it passes. At most one step completes per call, so each
 * step's text is shown before its check can pass. Call it with `{ traces: [] }` after the clock
 * moved without a command, too (pods became ready).
 */
export function advanceLesson(lesson: Lesson, progress: LessonProgress, state: HasCluster, result: { traces: readonly RouteTrace[] }): AdvanceResult {
  if (progress.lessonId !== lesson.id || progress.currentStep >= lesson.steps.length) return { progress, events: [] };
  const step = lesson.steps[progress.currentStep];
  const requests = { ...progress.requests };
  if (result.traces.length) {
    for (const { path, check } of leaves(step.check, "request")) {
      requests[path] = recordTraces(check.request, requests[path] ?? emptyRequestMemory(), result.traces, state.cluster);
    }
  }
  const ahead = result.traces.length ? recordAhead(lesson, progress, result.traces, state.cluster) : progress.ahead;
  const recorded: LessonProgress = withFirstSeen(lesson, { ...progress, requests, ...(ahead ? { ahead } : {}) }, state.cluster);
  const outcome = evaluateCheck(step.check, state.cluster, recorded);
  if (!outcome.passed) return { progress: recorded, events: [], status: { stepId: step.id, ...outcome } };

  const events: LessonEvent[] = [{ type: "step-completed", lessonId: lesson.id, stepId: step.id }];
  // The finished step's requests stay for a return to it (Back).
  const kept = Object.keys(requests).length ? { ahead: { ...recorded.ahead, [step.id]: requests } } : {};
  const next = beginStep(
    lesson,
    { ...recorded, ...kept, currentStep: progress.currentStep + 1, completed: [...progress.completed, step.id] },
    state.cluster,
  );
  if (next.currentStep >= lesson.steps.length) {
    events.push({ type: "lesson-completed", lessonId: lesson.id });
    return { progress: next, events };
  }
  return { progress: next, events, status: evaluateStep(lesson, next, state) };
}

/** The current step's check against a state, without recording anything (for a "check" button). */
export function evaluateStep(lesson: Lesson, progress: LessonProgress, state: HasCluster): StepStatus | undefined {
  const step = lesson.steps[progress.currentStep];
  if (!step || progress.lessonId !== lesson.id) return undefined;
  const memory: StepMemory = progress;
  return { stepId: step.id, ...evaluateCheck(step.check, state.cluster, memory) };
}

export function lessonComplete(lesson: Lesson, progress: LessonProgress): boolean {
  return progress.lessonId === lesson.id && progress.currentStep >= lesson.steps.length;
}

/** Why a learner's move cannot be made now (the session answers 409 with it). */
export interface LessonMoveRefused {
  refused: string;
}

/**
 * "Check again": the current step's check against the cluster as it is now, completing the step
 * if it passes, as a command would (without one: the learner asks after the clock moved, or
 * after a change made through the API).
 */
export function checkAgain(lesson: Lesson, progress: LessonProgress, state: HasCluster): AdvanceResult | LessonMoveRefused {
  if (lessonComplete(lesson, progress)) return { refused: "The lesson is complete: there is no step to check." };
  const advanced = advanceLesson(lesson, progress, state, { traces: [] });
  return { ...advanced, status: advanced.status ?? evaluateStep(lesson, advanced.progress, state) };
}

/** "Skip": the current step is left undone (kept as skipped) and the next one begins. */
export function skipStep(lesson: Lesson, progress: LessonProgress, state: HasCluster): AdvanceResult | LessonMoveRefused {
  const step = lesson.steps[progress.currentStep];
  if (!step || progress.lessonId !== lesson.id) return { refused: "The lesson is complete: there is no step to skip." };
  // What the skipped step saw of its requests stays for a return to it (Back).
  const ahead = Object.keys(progress.requests).length ? { ...progress.ahead, [step.id]: progress.requests } : progress.ahead;
  const moved: LessonProgress = {
    ...progress,
    ...(ahead ? { ahead } : {}),
    currentStep: progress.currentStep + 1,
    skipped: [...(progress.skipped ?? []).filter((id) => id !== step.id), step.id],
    moves: (progress.moves ?? 0) + 1,
  };
  const next = beginStep(lesson, moved, state.cluster);
  const events: LessonEvent[] = [{ type: "step-skipped", lessonId: lesson.id, stepId: step.id }];
  if (next.currentStep >= lesson.steps.length) {
    events.push({ type: "lesson-completed", lessonId: lesson.id });
    return { progress: next, events };
  }
  return { progress: next, events, status: evaluateStep(lesson, next, state) };
}

/**
 * "Back": the step before the current one begins again, no longer done or skipped; its check
 * compares with the cluster as it is now, and the requests the lesson saw still count.
 */
export function backStep(lesson: Lesson, progress: LessonProgress, state: HasCluster): AdvanceResult | LessonMoveRefused {
  if (progress.lessonId !== lesson.id || progress.currentStep === 0) return { refused: "This is the lesson's first step: there is no step before it." };
  const current = lesson.steps[progress.currentStep];
  const previous = lesson.steps[Math.min(progress.currentStep, lesson.steps.length) - 1];
  const ahead = current && Object.keys(progress.requests).length ? { ...progress.ahead, [current.id]: progress.requests } : progress.ahead;
  const moved: LessonProgress = {
    ...progress,
    ...(ahead ? { ahead } : {}),
    currentStep: Math.min(progress.currentStep, lesson.steps.length) - 1,
    completed: progress.completed.filter((id) => id !== previous.id),
    skipped: (progress.skipped ?? []).filter((id) => id !== previous.id),
    moves: (progress.moves ?? 0) + 1,
  };
  const next = beginStep(lesson, moved, state.cluster);
  return { progress: next, events: [{ type: "step-reopened", lessonId: lesson.id, stepId: previous.id }], status: evaluateStep(lesson, next, state) };
}

