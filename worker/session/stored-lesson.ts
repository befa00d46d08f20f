// A lesson uploaded by a course author (POST /api/lessons), in its own Durable Object named by the
// lesson's stored id. Written once, then only read: embeds everywhere point at it.

import { DurableObject } from "cloudflare:workers";
import type { Lesson } from "../sim/lessons/index.ts";
import { failure, type Outcome, success } from "./outcome.ts";

export class StoredLesson extends DurableObject<Env> {
  private cached: Lesson | undefined;

  async store(lesson: Lesson): Promise<Outcome<{ storedAt: number }>> {
    if (this.load()) return failure(409, "lesson_exists", "A lesson with this id already exists; stored lessons never change.");
    const storedAt = Date.now();
    this.ctx.storage.sql.exec("CREATE TABLE lesson (json TEXT NOT NULL, stored_at INTEGER NOT NULL)");
    this.ctx.storage.sql.exec("INSERT INTO lesson (json, stored_at) VALUES (?, ?)", JSON.stringify(lesson), storedAt);
    this.cached = lesson;
    return success({ storedAt });
  }

  load(): Lesson | undefined {
    if (this.cached) return this.cached;
    const exists = this.ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lesson'").toArray().length > 0;
    if (!exists) return undefined;
    const rows = this.ctx.storage.sql.exec<{ json: string }>("SELECT json FROM lesson").toArray();
    this.cached = rows.length > 0 ? (JSON.parse(rows[0].json) as Lesson) : undefined;
    return this.cached;
  }
}
