// A session as a Snapshot keeps it and hands it to a fork: its own module, because both the
// Session and the Snapshot objects speak of it.
import type { SessionState } from "../sim/engine.ts";
import type { ExamRun } from "../sim/exams/index.ts";
import type { LessonRun } from "./lesson-run.ts";
import type { TranscriptEntry } from "./transcript.ts";

/** What a Snapshot hands to a fork. */
export interface FrozenSession {
  state: SessionState;
  transcript: TranscriptEntry[];
  seq: number;
  lesson?: LessonRun;
  /** The exam the session was taking: running (its clock as it was) or over (its final report). */
  exam?: ExamRun;
}
