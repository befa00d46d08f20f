// A lesson uploaded by a course author (POST /api/lessons), in its own Durable Object named by the
// lesson's id, which is the hash of its content: an identical upload finds the same object and
// stores nothing new. Written once, then only read: embeds everywhere point at it. Reads (a lesson
// page, a session that starts it) count as use; a lesson unused for a year deletes itself (an
// alarm, as snapshots do).

import { DurableObject } from "cloudflare:workers";
import type { Lesson } from "../sim/lessons/index.ts";
import { failure, type Outcome, success } from "./outcome.ts";

export const LESSON_UNUSED_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;
/** Use is written down at most this often (reads are frequent, the deadline is a year away). */
const USE_WRITE_INTERVAL_MS = 24 * 60 * 60 * 1000;

export class StoredLesson extends DurableObject<Env> {
  private cached: Lesson | undefined;
  private usedAt: number | undefined;

  /**
   * Stores the lesson (its canonical JSON text), or finds it already stored: `created` tells which.
   * An upload counts as use, so uploading again keeps a lesson alive.
   */
  async store(json: string): Promise<Outcome<{ created: boolean }>> {
    const sql = this.ctx.storage.sql;
    if (this.exists()) {
      const stored = sql.exec<{ json: string }>("SELECT json FROM lesson").toArray()[0]?.json;
      // Same id, other content: a SHA-256 prefix collision, which 128 bits make practically impossible.
      if (stored !== json) return failure(409, "lesson_exists", "Another lesson is stored under this lesson's id; change the lesson slightly and upload it again.");
      await this.recordUse(Date.now());
      return success({ created: false });
    }
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      sql.exec("CREATE TABLE lesson (json TEXT NOT NULL, stored_at INTEGER NOT NULL)");
      sql.exec("INSERT INTO lesson (json, stored_at) VALUES (?, ?)", json, now);
      this.writeUse(now);
    });
    await this.ctx.storage.setAlarm(now + LESSON_UNUSED_LIFETIME_MS);
    this.cached = JSON.parse(json) as Lesson;
    return success({ created: true });
  }

  /** The lesson, or undefined when there is none (never stored, or expired). Counts as use. */
  async load(): Promise<Lesson | undefined> {
    if (!this.cached) {
      if (!this.exists()) return undefined;
      const rows = this.ctx.storage.sql.exec<{ json: string }>("SELECT json FROM lesson").toArray();
      if (rows.length === 0) return undefined;
      this.cached = JSON.parse(rows[0].json) as Lesson;
    }
    await this.recordUse(Date.now());
    return this.cached;
  }

  override async alarm(): Promise<void> {
    if (!this.exists()) return;
    const deadline = this.lastUse() + LESSON_UNUSED_LIFETIME_MS;
    if (Date.now() < deadline) {
      await this.ctx.storage.setAlarm(deadline);
      return;
    }
    this.cached = undefined;
    this.usedAt = undefined;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  private exists(): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lesson'").toArray().length > 0;
  }

  /** When the lesson was last used: the use row, or (lessons stored before uses were kept) its storing. */
  private lastUse(): number {
    if (this.usedAt !== undefined) return this.usedAt;
    const sql = this.ctx.storage.sql;
    const hasUse = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lesson_use'").toArray().length > 0;
    const row = hasUse ? sql.exec<{ used_at: number }>("SELECT used_at FROM lesson_use WHERE id = 1").toArray()[0] : undefined;
    this.usedAt = row ? row.used_at : sql.exec<{ stored_at: number }>("SELECT stored_at FROM lesson").one().stored_at;
    return this.usedAt;
  }

  private async recordUse(now: number): Promise<void> {
    const last = this.lastUse();
    if (now - last < USE_WRITE_INTERVAL_MS) return;
    this.writeUse(now);
    // A lesson stored before lessons expired has no alarm yet; the alarm re-checks the deadline.
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + LESSON_UNUSED_LIFETIME_MS);
  }

  private writeUse(now: number): void {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS lesson_use (id INTEGER PRIMARY KEY CHECK (id = 1), used_at INTEGER NOT NULL)");
    sql.exec("INSERT INTO lesson_use (id, used_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET used_at = excluded.used_at", now);
    this.usedAt = now;
  }
}
