// /api/lessons: the built-in lessons, and lessons course authors upload (YAML or JSON).

import { Hono } from "hono";
import { readBodyText } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { lessonUploadAllowance, spend } from "../http/client-limits.ts";
import { findLesson, lessonStub, uploadedLessonId } from "../http/lessons.ts";
import { unwrap } from "../http/stubs.ts";
import { builtinLessonSummaries } from "../sim/lessons/builtin.ts";
import { parseLesson } from "../sim/lessons/index.ts";

/** Largest lesson file accepted. */
export const MAX_LESSON_BYTES = 64 * 1024;

export const lessons = new Hono<{ Bindings: Env }>();

lessons.get("/", (c) => c.json({ lessons: builtinLessonSummaries() }));

lessons.get("/:id", async (c) => {
  const lesson = await findLesson(c.env, c.req.param("id"));
  if (!lesson) throw new ApiError(404, "lesson_not_found", `There is no lesson "${c.req.param("id")}".`);
  return c.json({ lesson });
});

lessons.post("/", async (c) => {
  // Every attempt counts, valid or not: the limit guards the parser as much as the storage.
  await spend(c.env, lessonUploadAllowance(c.env, c.req.raw));
  const parsed = parseLesson(await readBodyText(c.req.raw, MAX_LESSON_BYTES));
  if (!parsed.ok) throw new ApiError(400, "invalid_lesson", parsed.errors[0] ?? "The lesson file is not valid.", undefined, parsed.errors);
  const json = JSON.stringify(parsed.lesson);
  const id = await uploadedLessonId(json);
  const { created } = unwrap(await lessonStub(c.env, id).store(json));
  c.header("Location", `/api/lessons/${id}`);
  return c.json({ id, lesson: parsed.lesson }, created ? 201 : 200);
});
