// A snapshot: a session's state and transcript frozen at one moment, in its own Durable Object.
// It is written once (freeze) and never again; forks copy it, reads show it. It deletes itself a
// year after it was taken.

import { DurableObject } from "cloudflare:workers";
import { promptOf } from "../sim/shell/prompt.ts";
import { type ClusterView, clusterView } from "../sim/view.ts";
import { type LessonView, lessonView, readLessonRun, writeLessonRun } from "./lesson-run.ts";
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
    });
    await this.ctx.storage.setAlarm(createdAt + SNAPSHOT_LIFETIME_MS);
    return success({ createdAt });
  }

  read(): Outcome<SnapshotView> {
    const frozen = this.exportForFork();
    if (!frozen.ok) return frozen;
    const { state, transcript, seq, lesson } = frozen.value;
    return success({
      snapshotId: this.storage.getMeta("id")!,
      createdAt: Number(this.storage.getMeta("createdAt")),
      seq,
      prompt: promptOf(state.shell),
      transcriptStart: transcript[0]?.seq ?? seq + 1,
      cluster: clusterView(state),
      transcript,
      lesson: lesson ? lessonView(lesson, state) : null,
    });
  }

  /** Whether the snapshot exists, and the lesson it follows (id, title, steps), if any: what a class made from it shows. */
  lessonSummary(): Outcome<{ id: string; title: string; steps: number } | null> {
    const frozen = this.exportForFork();
    if (!frozen.ok) return frozen;
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
    return success(this.frozen);
  }

  override async alarm(): Promise<void> {
    this.frozen = undefined;
    await this.ctx.storage.deleteAll();
  }
}
