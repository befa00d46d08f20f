// The lessons API the session (Durable Object) and the page use.
export { parseLesson, validateLesson, MAX_LESSON_CHARS } from "./schema.ts";
export type { Lesson, LessonStep, Check, LessonParseResult } from "./schema.ts";
export { startLesson, advanceLesson, evaluateStep, lessonComplete, checkAgain, skipStep, backStep } from "./progress.ts";
export type { LessonProgress, LessonEvent, AdvanceResult, StepStatus, LessonMoveRefused } from "./progress.ts";
export { renderMarkdown, renderInline, inlineText } from "./markdown.ts";
export type { Block, Inline } from "./markdown.ts";
export { fittingHints } from "./hints.ts";
