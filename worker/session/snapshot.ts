// A snapshot: a session's state and transcript frozen at one moment, in its own Durable Object.
// It is written once (freeze) and never again; forks copy it, reads show it. It deletes itself a
// year after it was taken.

import { DurableObject } from "cloudflare:workers";
import { promptOf } from "../sim/shell/prompt.ts";
import { type ClusterView, clusterView } from "../sim/view.ts";
import { type LessonView, lessonView, readLessonRun, writeLessonRun } from "./lesson-run.ts";
import { examView, type ExamReport, type ExamRun, type ExamView } from "../sim/exams/index.ts";
import { readExamRun, writeExamRun } from "./exam-state.ts";
import { failure, type Outcome, snapshotNotFound, success } from "./outcome.ts";
import type { FrozenSession } from "./frozen.ts";
import { SessionStorage } from "./storage.ts";
import type { TranscriptEntry } from "./transcript.ts";

export const SNAPSHOT_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

export interface SnapshotView {
  snapshotId: string;
  createdAt: number;
  seq: number;
  prompt: string;
  transcriptStart: number;
  cluster: ClusterView;
  transcript: TranscriptEntry[];
  lesson: LessonView | null;
  /** The exam as it was when the snapshot was taken: its time left then, or its final report. */
  exam: (ExamView & { report?: ExamReport }) | null;
}

export class Snapshot extends DurableObject<Env> {
  private readonly storage = new SessionStorage(this.ctx.storage.sql);
  /** Safe to keep: a snapshot never changes after freeze. */
  private frozen: FrozenSession | undefined;

  async freeze(snapshotId: string, frozen: FrozenSession): Promise<Outcome<{ createdAt: number }>> {
    if (this.storage.exists()) return failure(409, "snapshot_exists", "A snapshot with this id already exists; snapshots never change.");
    const createdAt = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.storage.createSchema();
      this.storage.saveState(undefined, frozen.state);
      for (const entry of frozen.transcript) this.storage.appendTranscript(entry);
      this.storage.setMeta("id", snapshotId);
      this.storage.setMeta("createdAt", String(createdAt));
      this.storage.setMeta("seq", String(frozen.seq));
      if (frozen.lesson) writeLessonRun(this.storage, frozen.lesson);
      if (frozen.exam) writeExamRun(this.storage, frozen.exam);
    });
    await this.ctx.storage.setAlarm(createdAt + SNAPSHOT_LIFETIME_MS);
    return success({ createdAt });
  }

  read(): Outcome<SnapshotView> {
    const frozen = this.exportForFork();
    if (!frozen.ok) return frozen;
    const { state, transcript, seq, lesson, exam } = frozen.value;
    const createdAt = Number(this.storage.getMeta("createdAt"));
    return success({
      snapshotId: this.storage.getMeta("id")!,
      createdAt,
      seq,
      prompt: promptOf(state.shell),
      transcriptStart: transcript[0]?.seq ?? seq + 1,
      cluster: clusterView(state),
      transcript,
      lesson: lesson ? lessonView(lesson, state) : null,
      exam: exam ? snapshotExamView(exam, createdAt) : null,
    });
  }

  /** Whether the snapshot exists, and the lesson it follows (id, title, steps), if any: what a class made from it shows. */
  lessonSummary(): Outcome<{ id: string; title: string; steps: number } | null> {
    const frozen = this.exportForFork();
    if (!frozen.ok) return frozen;
    // Students could not start from it (see examRunningFork): the teacher hears it at once.
    if (frozen.value.exam && !frozen.value.exam.report) return examRunningFork(frozen.value.exam);
    const lesson = frozen.value.lesson?.lesson;
    return success(lesson ? { id: lesson.id, title: lesson.title, steps: lesson.steps.length } : null);
  }

  exportForFork(): Outcome<FrozenSession> {
    if (this.frozen) return success(this.frozen);
    if (!this.storage.exists()) return snapshotNotFound();
    const state = this.storage.loadState();
    if (!state) return snapshotNotFound();
    this.frozen = { state, transcript: this.storage.transcriptSince(0), seq: Number(this.storage.getMeta("seq")) };
    const lesson = readLessonRun(this.storage);
    if (lesson) this.frozen.lesson = lesson;
    const exam = readExamRun(this.storage);
    if (exam) this.frozen.exam = exam;
    return success(this.frozen);
  }

  /** The snapshot's state for a fork: refused while its exam was running (see examRunningFork). */
  exportForNewSession(): Outcome<FrozenSession> {
    const frozen = this.exportForFork();
    if (frozen.ok && frozen.value.exam && !frozen.value.exam.report) return examRunningFork(frozen.value.exam);
    return frozen;
  }

  override async alarm(): Promise<void> {
    this.frozen = undefined;
    await this.ctx.storage.deleteAll();
  }
}

/** A running exam as the snapshot shows it: the time left when it was taken (the snapshot's clock stands still). */
function snapshotExamView(run: ExamRun, takenAt: number): ExamView & { report?: ExamReport } {
  return { ...examView(run, takenAt), ...(run.report ? { report: run.report } : {}) };
}

/**
 * A fork of a snapshot taken during an exam is refused: it would be another attempt that starts
 * with this attempt's answers, on a clock already running (and anyone who can read a student's
 * session could take over their work). A retake of the same exam is a new session from its seed.
 */
function examRunningFork(run: ExamRun) {
  return failure(
    409,
    "exam_running",
    `This snapshot was taken while its exam was running; it cannot be forked. Take the same exam afresh with POST /api/sessions {"exam": "${run.exam.id}", "seed": ${run.seed}}, or fork a snapshot taken after the exam ended.`,
  );
}
