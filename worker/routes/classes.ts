// /api/classes: a teacher creates a class (from a lesson, a snapshot or an exam); students join it, each
// getting their own session; the teacher reads the board (JSON, CSV, live), posts a message and
// closes the class. The teacher key travels as `Authorization: Bearer <teacherKey>` (the board
// page keeps it in the URL fragment, as edit keys are kept).

import { Hono } from "hono";
import * as v from "valibot";
import { readJson } from "../http/body.ts";
import { classCreationAllowance, classJoinAllowance, liveOpenAllowance, spend } from "../http/client-limits.ts";
import { ApiError, jsonResponse } from "../http/errors.ts";
import { findLesson } from "../http/lessons.ts";
import { snapshotStub, unwrap } from "../http/stubs.ts";
import { type Classroom, type ClassExam, MAX_MESSAGE_CHARS, MAX_STUDENTS } from "../classroom/classroom.ts";
import { findBuiltinExam } from "../sim/exams/builtin.ts";
import { drawExam, MAX_DURATION_MINUTES } from "../sim/exams/index.ts";
import { isWellFormedId, newSessionId } from "../session/ids.ts";

/** Characters in a class's name and in a student's display name. */
export const MAX_CLASS_NAME_CHARS = 100;
export const MAX_STUDENT_NAME_CHARS = 40;

/**
 * A name as people type it: trimmed, 1 to `max` characters (code points, so an emoji counts once),
 * and without control characters (a line break in a name would break the board's rows and the CSV).
 */
const displayName = (what: string, max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.check((s) => s.length > 0, `${what} must not be empty`),
    v.check((s) => [...s].length <= max, `${what} is limited to ${max} characters`),
    // Control characters (C0, DEL, C1) and the line and paragraph separators.
    v.check((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s), `${what} must not contain control characters or line breaks`),
  );

const CreateBody = v.strictObject({
  name: displayName("name", MAX_CLASS_NAME_CHARS),
  lesson: v.optional(v.pipe(v.string(), v.maxLength(100))),
  from: v.optional(v.pipe(v.string(), v.maxLength(100))),
  exam: v.optional(v.pipe(v.string(), v.maxLength(100))),
  seed: v.optional(v.pipe(v.number(), v.integer("seed must be a whole number"), v.minValue(0, "seed must be between 0 and 4294967295"), v.maxValue(0xffffffff, "seed must be between 0 and 4294967295"))),
  seedPerStudent: v.optional(v.boolean()),
  durationMinutes: v.optional(v.pipe(v.number(), v.integer("durationMinutes must be a whole number"), v.minValue(1, "durationMinutes must be at least 1"), v.maxValue(MAX_DURATION_MINUTES, `durationMinutes must be at most ${MAX_DURATION_MINUTES}`))),
});

const JoinBody = v.strictObject({ name: displayName("name", MAX_STUDENT_NAME_CHARS) });

const MessageBody = v.strictObject({
  text: v.pipe(
    v.string(),
    v.trim(),
    v.check((s) => s.length > 0, "text must not be empty"),
    v.check((s) => [...s].length <= MAX_MESSAGE_CHARS, `text is limited to ${MAX_MESSAGE_CHARS} characters`),
  ),
});

export const classes = new Hono<{ Bindings: Env }>();

classes.post("/", async (c) => {
  // Every attempt counts, valid or not: the limit guards the parser as much as the new objects.
  await spend(c.env, classCreationAllowance(c.env, c.req.raw));
  const body = await readJson(c.req.raw, CreateBody);
  const starts = [body.lesson, body.from, body.exam].filter((given) => given !== undefined).length;
  if (starts !== 1) {
    throw new ApiError(400, "bad_request", "Give what the class starts from, one of: lesson (a lesson id), from (a snapshot id) or exam (an exam id).");
  }
  if (body.exam === undefined && (body.seed !== undefined || body.seedPerStudent !== undefined || body.durationMinutes !== undefined)) {
    throw new ApiError(400, "bad_request", "seed, seedPerStudent and durationMinutes belong to an exam: give exam too.");
  }
  if (body.seed !== undefined && body.seedPerStudent === true) {
    throw new ApiError(400, "bad_request", "seed is the one exam every student takes; with seedPerStudent each draws their own: give one or the other.");
  }
  const exam = body.exam === undefined ? undefined : classExam(body.exam, body);
  const lesson = body.lesson === undefined ? undefined : await findLesson(c.env, body.lesson);
  if (body.lesson !== undefined && !lesson) throw new ApiError(400, "unknown_lesson", `There is no lesson "${body.lesson}".`);
  // A class whose students could not start is worse than one teacher told at once: the snapshot must exist.
  const fromLesson = body.from === undefined ? undefined : unwrap(await snapshotStub(c.env, body.from).lessonSummary());
  for (let attempt = 0; ; attempt++) {
    // Class ids look like session ids: 128 random bits.
    const id = newSessionId();
    const outcome = await classStub(c.env, id).create({ id, name: body.name, ...(lesson ? { lesson } : {}), ...(body.from === undefined ? {} : { from: body.from, fromLesson }), ...(exam ? { exam } : {}) });
    if (!outcome.ok && outcome.status === 409 && attempt === 0) continue;
    const { teacherKey } = unwrap(outcome);
    const origin = new URL(c.req.url).origin;
    c.header("Location", `/api/classes/${id}`);
    return c.json({ id, teacherKey, studentUrl: `${origin}/c/${id}`, boardUrl: `${origin}/c/${id}/board#key=${teacherKey}` }, 201);
  }
});

classes.get("/:id", async (c) => jsonResponse(unwrap(await classStub(c.env, c.req.param("id")).read())));

classes.post("/:id/students", async (c) => {
  const stub = classStub(c.env, c.req.param("id"));
  const body = await readJson(c.req.raw, JoinBody);
  await spend(c.env, classJoinAllowance(c.req.param("id"), MAX_STUDENTS));
  const joined = unwrap(await stub.join(body.name));
  c.header("Location", `/api/sessions/${joined.sessionId}`);
  return c.json(joined, 201);
});

classes.get("/:id/board", async (c) => {
  const stub = classStub(c.env, c.req.param("id"));
  return jsonResponse(unwrap(await stub.board(bearerKey(c.req.header("Authorization")))));
});

classes.get("/:id/board.csv", async (c) => {
  const stub = classStub(c.env, c.req.param("id"));
  const { name, csv } = unwrap(await stub.csv(bearerKey(c.req.header("Authorization"))));
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": contentDisposition(`${name} board.csv`),
      "Cache-Control": "no-store",
    },
  });
});

classes.post("/:id/messages", async (c) => {
  const stub = classStub(c.env, c.req.param("id"));
  const body = await readJson(c.req.raw, MessageBody);
  return jsonResponse(unwrap(await stub.postMessage(bearerKey(c.req.header("Authorization")), body.text)), 201);
});

classes.post("/:id/close", async (c) => {
  const stub = classStub(c.env, c.req.param("id"));
  await readJson(c.req.raw, v.strictObject({}), {});
  return jsonResponse(unwrap(await stub.close(bearerKey(c.req.header("Authorization")))));
});

classes.get("/:id/live", async (c) => {
  const stub = classStub(c.env, c.req.param("id"));
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint is a WebSocket: connect with Upgrade: websocket.");
  }
  await spend(c.env, liveOpenAllowance(c.env, c.req.raw));
  // Only the upgrade and the key go on; nothing else of the URL means anything to the class.
  const headers = new Headers({ Upgrade: "websocket" });
  const authorization = c.req.header("Authorization");
  if (authorization !== undefined) headers.set("Authorization", authorization);
  return stub.fetch(new Request("https://class/live", { headers }));
});

/**
 * The exam a class runs: a built-in exam, one seed for the whole class (the request's, or a random
 * one: students compare the same exam, as a teacher marking it would want) unless seedPerStudent.
 * The shared seed is drawn here once, so a bad exam is the teacher's 400, not every student's.
 */
function classExam(id: string, body: { seed?: number; seedPerStudent?: boolean; durationMinutes?: number }): ClassExam {
  const definition = findBuiltinExam(id);
  if (!definition) throw new ApiError(400, "unknown_exam", `There is no exam "${id}"; GET /api/exams lists them.`);
  const perStudent = body.seedPerStudent === true;
  const seed = perStudent ? null : (body.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]);
  const drawn = drawExam(definition, seed ?? 0);
  // A built-in exam draws a valid exam from every seed (npm run exam:check); this is the impossible case.
  if (!drawn.ok) throw new ApiError(500, "exam_invalid", `The exam "${id}" drawn from seed ${seed ?? 0} is not valid: ${drawn.errors[0]}`);
  return {
    id,
    title: definition.title,
    tasks: drawn.exam.tasks.length,
    durationMinutes: body.durationMinutes ?? definition.durationMinutes,
    passPercent: definition.passPercent,
    seedPerStudent: perStudent,
    seed,
  };
}

export function classStub(env: Env, id: string) {
  if (!isWellFormedId(id)) throw new ApiError(404, "class_not_found", "No class with this id exists (class ids are 22 URL-safe characters).");
  // The generated Env loses the class through the Env -> index.ts -> class cycle; name it here.
  const namespace = env.CLASSES as DurableObjectNamespace<Classroom>;
  return namespace.get(namespace.idFromName(id));
}

function bearerKey(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : undefined;
}

/** An attachment named after the class: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%/]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
