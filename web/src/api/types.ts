// The session API's shapes as the page uses them (DESIGN.md, "HTTP API (v1)").
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";
import type { ClusterView } from "../../../worker/sim/view.ts";
import type { Lesson, LessonEvent, LessonProgress, StepStatus } from "../../../worker/sim/lessons/index.ts";
import type { EditingView, EditorRequest, LessonUpdate, LessonView, TranscriptEntry as WireTranscriptEntry } from "../../../worker/sim/wire.ts";
import type { PasteHint } from "../../../worker/sim/shell/paste-hints.ts";
import type { CheckReport, ExamReport, ExamView, TaskReport } from "../../../worker/sim/exams/index.ts";

export type { CheckReport, ExamReport, ExamView, TaskReport };
export type { ClusterView, EditingView, EditorRequest, Lesson, PasteHint, LessonEvent, LessonProgress, LessonUpdate, RouteTrace, StepStatus };

/** A built-in lesson as `GET /api/lessons` lists it. */
export interface LessonSummary {
  id: string;
  title: string;
  summary: string;
  /** How many steps it has. */
  steps: number;
}

/** The lesson a session follows, as session and snapshot documents carry it. */
export type LessonState = LessonView;

/**
 * One command of a session's transcript as the page keeps it: the server's entry without its
 * wall-clock `at`, which the page has no use for (client.ts leaves it out when it reads entries).
 */
export type TranscriptEntry = Omit<WireTranscriptEntry, "at">;

export interface SessionDoc {
  id: string;
  cluster: ClusterView;
  transcript: TranscriptEntry[];
  /** The prompt the console shows now. */
  prompt: string;
  lesson: LessonState | null;
  /** The editor open in the console (vi, kubectl edit), if any. */
  editing?: EditingView | null;
  /** With the edit key while an editor is open: the editor to reopen. */
  edit?: EditorRequest;
  /** The console's history (what `history` lists); absent from a server that does not keep it. */
  history?: string[];
}

export interface SnapshotDoc {
  snapshotId: string;
  cluster: ClusterView;
  transcript: TranscriptEntry[];
  prompt: string;
  lesson: LessonState | null;
}

/** A command's result: its transcript entry, and the lesson's progress when the session has one. */
export interface CommandResult {
  entry: TranscriptEntry;
  lesson?: LessonUpdate;
  /** The command opened an editor (or reopened it): what the editor panel shows. */
  edit?: EditorRequest;
  /** The whole history, when the command changed it otherwise than by keeping the line as typed. */
  history?: string[];
}

export interface CreatedSession {
  id: string;
  editKey: string;
  /** The exam the session was started for. */
  exam?: ExamView;
}

/** The CNI and add-ons a new cluster is built with (worker/sim/cluster/profile.ts); the server checks the values. */
export interface ClusterRequest {
  cni?: string;
  loadBalancer?: string;
  ingress?: string;
}

export type CreateSessionBody =
  | Record<string, never>
  | { from: string }
  | { setup: string[]; cluster?: ClusterRequest }
  | { lesson: string; cluster?: ClusterRequest }
  | { cluster: ClusterRequest }
  | { exam: string; seed?: number; durationMinutes?: number };

/** One of GET /api/exams. */
export interface ExamSummary {
  id: string;
  title: string;
  summary: string;
  durationMinutes: number;
  tasks: number;
  passPercent: number;
}

/** GET /api/sessions/:id/exam: the running exam, with its final report once it is over. */
export type ExamState = ExamView & { report?: ExamReport };

/** What the live socket delivers, normalised. */
export type LiveEvent =
  | { kind: "command"; entry: TranscriptEntry; lesson?: LessonUpdate }
  | { kind: "lesson"; update: LessonUpdate }
  | { kind: "cluster"; cluster: ClusterView; prompt?: string }
  /** A request that came through the proxy (a browser tab on a NodePort): no command, a route. */
  | { kind: "request"; trace: RouteTrace; status?: number }
  | { kind: "expired" };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For 429: seconds the server asks to wait before trying again. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
