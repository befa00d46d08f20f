// The session API's shapes as the page uses them (DESIGN.md, "HTTP API (v1)").
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";
import type { ClusterView } from "../../../worker/sim/view.ts";

export type { ClusterView, RouteTrace };

/** One command of a session's transcript, as a terminal showed it. */
export interface TranscriptEntry {
  seq: number;
  command: string;
  output: string;
  exitCode: number;
  /** The prompt after the command ran. */
  prompt: string;
  traces: RouteTrace[];
}

export interface SessionDoc {
  id: string;
  cluster: ClusterView;
  transcript: TranscriptEntry[];
  /** The prompt the console shows now. */
  prompt: string;
}

export interface SnapshotDoc {
  snapshotId: string;
  cluster: ClusterView;
  transcript: TranscriptEntry[];
  prompt: string;
}

export interface CreatedSession {
  id: string;
  editKey: string;
}

export type CreateSessionBody = Record<string, never> | { from: string } | { setup: string[] } | { lesson: string };

/** What the live socket delivers, normalised. */
export type LiveEvent =
  | { kind: "command"; entry: TranscriptEntry }
  | { kind: "cluster"; cluster: ClusterView; prompt?: string }
  | { kind: "expired" };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
