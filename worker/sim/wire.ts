// Shapes of the session API (DESIGN.md, "HTTP API (v1)") that the Worker sends and the page reads.
// Declared once, here, because the sim project is the one both worker/ and web/ may import; the
// module holds types only, so it adds nothing to either bundle.
import type { Lesson, LessonEvent, LessonProgress, StepStatus } from "./lessons/index.ts";
import type { RouteTrace } from "./net/trace.ts";
import type { EditorName, EditorRequest } from "./shell/editor.ts";
import type { PasteHint } from "./shell/paste-hints.ts";

export type { EditorName, EditorRequest, PasteHint };

/** An editor open in the console: what watchers see (`student is editing svc.yaml`), never its text. */
export interface EditingView {
  editor: EditorName;
  /** The file as typed, or kubectl edit's temporary file. */
  title: string;
}

/** One command of a session's transcript, as the console showed it. */
export interface TranscriptEntry {
  /** 1, 2, 3, ... with no gaps: the order the session applied the commands in. */
  seq: number;
  command: string;
  /** Standard output and error, interleaved as a terminal shows them. */
  output: string;
  exitCode: number;
  /** The prompt after the command. */
  prompt: string;
  /** Routes of the requests the command made (curl makes one; most commands none). */
  traces: RouteTrace[];
  /** Wall-clock time the command was applied, ms since the epoch. */
  at: number;
  /**
   * Present when typographic characters pasted from a document (en dashes, curly quotes, no-break
   * spaces, a prompt) made the command fail or changed its meaning: what was found and the command
   * as meant. Not output: `output` is exactly what the shell and the programs printed.
   */
  hint?: PasteHint;
  /** The playground's notes beside the output (engine.ts CommandResult.notes): no internet, say. */
  notes?: string[];
  /** Present on commands a session ran at creation (a lesson's or an embed's `setup`), not typed by the learner. */
  setup?: true;
  /** The command opened an editor (vi FILE, kubectl edit), or reopened it: it was still open when this entry was recorded. */
  editing?: EditingView;
  /**
   * The entry continues the command of the entry before it, whose editor was saved or left, or
   * which Ctrl+C stopped: `output` is the rest of that command's output (`service/web edited`,
   * `^C`), `command` repeats it.
   */
  resumed?: "saved" | "cancelled" | "interrupted";
  /** The command still runs in the foreground (kubectl port-forward) after this entry: the console waits until Ctrl+C. */
  running?: true;
}

/** The lesson a session follows, as session and snapshot documents carry it. */
export interface LessonView {
  lesson: Lesson;
  /** Where the learner is. */
  progress: LessonProgress;
  /** The current step's check as it stands; null once the lesson is complete. */
  status: StepStatus | null;
}

/** What a command (or a clock tick that completed a step) did to the lesson's progress. */
export interface LessonUpdate {
  progress: LessonProgress;
  events: LessonEvent[];
  status: StepStatus | null;
}
