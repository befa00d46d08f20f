// Finding a lesson by the id a course page uses: a built-in lesson's slug, or the stored id of an
// uploaded one (`u-` and 22 base64url characters), whose Durable Object holds it.

import { findBuiltinLesson } from "../sim/lessons/builtin.ts";
import type { Lesson } from "../sim/lessons/index.ts";
import { isWellFormedId, newSnapshotId } from "../session/ids.ts";
import type { StoredLesson } from "../session/stored-lesson.ts";

const UPLOADED_PREFIX = "u-";

export function newUploadedLessonId(): string {
  return UPLOADED_PREFIX + newSnapshotId();
}

export function isUploadedLessonId(id: string): boolean {
  return id.startsWith(UPLOADED_PREFIX) && isWellFormedId(id.slice(UPLOADED_PREFIX.length));
}

export function lessonStub(env: Env, id: string) {
  // The generated Env loses the class through the Env -> index.ts -> class cycle; name it here.
  const namespace = env.LESSONS as DurableObjectNamespace<StoredLesson>;
  return namespace.get(namespace.idFromName(id));
}

/** The lesson with this id, or undefined when there is none (malformed ids included). */
export async function findLesson(env: Env, id: string): Promise<Lesson | undefined> {
  const builtin = findBuiltinLesson(id);
  if (builtin) return builtin;
  if (!isUploadedLessonId(id)) return undefined;
  // RPC types turn the lesson's free-form fields into never; the value is intact.
  return (await lessonStub(env, id).load()) as unknown as Lesson | undefined;
}
