// The exams API the session (Durable Object), the routes and the scripts use.
export { parseExam, validateExam, drawExam, MAX_EXAM_CHARS, DEFAULT_DURATION_MINUTES, DEFAULT_PASS_PERCENT, MAX_DURATION_MINUTES } from "./schema.ts";
export type { Exam, ExamTask, ExamCheck, ExamDefinition, FileCheck, RouteCheck, ExamParseResult } from "./schema.ts";
export { gradeExam, contextErrors, sessionContexts } from "./grade.ts";
export type { ExamReport, TaskReport, CheckReport, ExamMemory } from "./grade.ts";
export { startExamRun, recordExamCommand, finishExamRun, examOver, examView, prepareAnswerDirectories } from "./run.ts";
export type { ExamRun, ExamView } from "./run.ts";
export { examSetup, runExamReference, startExamSession } from "./reference.ts";
