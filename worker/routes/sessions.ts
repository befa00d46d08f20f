// /api/sessions: create (new, fork, setup), read, run commands, watch live, snapshot.

import { Hono } from "hono";
import * as v from "valibot";
import { MAX_BODY_BYTES, parseJsonBody, readBodyText, readJson } from "../http/body.ts";
import { clientLimiterStub, liveOpenAllowance, sessionCreationAllowance, spend } from "../http/client-limits.ts";
import { noteRefusal, refuseKnown } from "../http/command-refusals.ts";
import { ApiError, jsonResponse, jsonTextResponse } from "../http/errors.ts";
import { requireSnapshotId, sessionStub, unwrap } from "../http/stubs.ts";
import { MAX_COMMAND_BYTES } from "../sim/engine.ts";
import { ClusterProfileInput } from "../sim/cluster/profile.ts";
import { MAX_CLUSTERS } from "../sim/cluster/layout.ts";
import { FILE_BYTES } from "../sim/files/store.ts";
import { findLesson } from "../http/lessons.ts";
import { kubeconfigResponse } from "./k8s.ts";
import { newSessionId } from "../session/ids.ts";
import type { Outcome } from "../session/outcome.ts";
import type { ExamState, SessionView } from "../session/session.ts";
import { drawExam, MAX_DURATION_MINUTES, type Exam, type ExamReport } from "../sim/exams/index.ts";
import { findBuiltinExam } from "../sim/exams/builtin.ts";

/** Setup commands a new session may run. */
export const MAX_SETUP_COMMANDS = 50;

const CreateBody = v.strictObject({
  from: v.optional(v.string()),
  setup: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.maxBytes(MAX_COMMAND_BYTES, `each setup command is limited to ${MAX_COMMAND_BYTES} bytes`))),
      v.maxLength(MAX_SETUP_COMMANDS, `at most ${MAX_SETUP_COMMANDS} setup commands`),
    ),
  ),
  lesson: v.optional(v.string()),
  cluster: v.optional(ClusterProfileInput),
  clusters: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          // A kubeconfig name that also reads well in a prompt and a URL: a DNS-1123 label.
          name: v.pipe(v.string(), v.maxLength(63, "a cluster's name is at most 63 characters"), v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a cluster's name must be lower-case letters, digits and '-', starting and ending with a letter or digit")),
          profile: v.optional(ClusterProfileInput),
        }),
      ),
      v.minLength(1, "clusters needs at least one cluster"),
      v.maxLength(MAX_CLUSTERS, `a session has at most ${MAX_CLUSTERS} clusters`),
      v.check((list) => new Set(list.map((c) => c.name)).size === list.length, "each cluster needs a name of its own"),
    ),
  ),
  exam: v.optional(v.pipe(v.string(), v.maxLength(100))),
  seed: v.optional(v.pipe(v.number(), v.integer("seed must be a whole number"), v.minValue(0, "seed must be between 0 and 4294967295"), v.maxValue(0xffffffff, "seed must be between 0 and 4294967295"))),
  durationMinutes: v.optional(v.pipe(v.number(), v.integer("durationMinutes must be a whole number"), v.minValue(1, "durationMinutes must be at least 1"), v.maxValue(MAX_DURATION_MINUTES, `durationMinutes must be at most ${MAX_DURATION_MINUTES}`))),
});

/** A command, the editor's answer (its text is at most a file's size: FILE_BYTES), or Ctrl+C. */
const CommandBody = v.union([
  v.strictObject({ interrupt: v.literal(true) }),
  v.strictObject({
    command: v.pipe(v.string(), v.maxBytes(MAX_COMMAND_BYTES, `a command is limited to ${MAX_COMMAND_BYTES} bytes`)),
  }),
  v.strictObject({
    editor: v.union([
      v.strictObject({ token: v.pipe(v.string(), v.maxLength(64)), content: v.pipe(v.string(), v.maxBytes(FILE_BYTES, `an edited file is limited to ${FILE_BYTES} bytes`)) }),
      v.strictObject({ token: v.pipe(v.string(), v.maxLength(64)), cancel: v.literal(true) }),
    ]),
  }),
]);
/** JSON escapes can double a text's size; an editor's save is the one large body of this API. */
const COMMAND_BODY_BYTES = 2 * FILE_BYTES + 1024;

export const sessions = new Hono<{ Bindings: Env }>();

sessions.post("/", async (c) => {
  // Every attempt counts, valid or not: the limit guards the parser as much as the new objects.
  const allowance = sessionCreationAllowance(c.env, c.req.raw);
  await spend(c.env, allowance);
  const body = await readJson(c.req.raw, CreateBody, {});
  if (body.from !== undefined) requireSnapshotId(body.from);
  if (body.from !== undefined && body.lesson !== undefined) {
    throw new ApiError(400, "bad_request", "Give either from (a fork keeps its snapshot's lesson) or lesson, not both.");
  }
  if (body.from !== undefined && (body.cluster !== undefined || body.clusters !== undefined)) {
    throw new ApiError(400, "bad_request", `Give either from (a fork keeps its snapshot's clusters) or ${body.clusters !== undefined ? "clusters" : "cluster"}, not both.`);
  }
  const exam = body.exam === undefined ? undefined : startableExam(body.exam, body);
  if (exam && (body.from !== undefined || body.lesson !== undefined)) {
    throw new ApiError(400, "bad_request", "An exam starts a new session of its own: give exam without from or lesson.");
  }
  if (body.exam === undefined && (body.seed !== undefined || body.durationMinutes !== undefined)) {
    throw new ApiError(400, "bad_request", "seed and durationMinutes belong to an exam: give exam too.");
  }
  const lesson = body.lesson === undefined ? undefined : await findLesson(c.env, body.lesson);
  if (body.lesson !== undefined && !lesson) throw new ApiError(400, "unknown_lesson", `There is no lesson "${body.lesson}".`);
  // 128 random bits make a collision practically impossible; one retry covers the impossible.
  for (let attempt = 0; ; attempt++) {
    const id = newSessionId();
    // Through the allowance's limiter: one client's creations run one at a time (createInTurn).
    const outcome = await clientLimiterStub(c.env, allowance.key).createInTurn(allowance.key, { id, from: body.from, setup: body.setup, lesson, cluster: body.cluster, clusters: body.clusters, exam });
    if (!outcome.ok && outcome.status === 409 && attempt === 0) continue;
    const created = unwrap(outcome);
    c.header("Location", `/api/sessions/${id}`);
    return c.json(created, 201);
  }
});

sessions.get("/:id/exam", async (c) => {
  // The report's route traces are plain JSON; the RPC result types are too deep to name.
  const outcome = (await sessionStub(c.env, c.req.param("id")).exam()) as unknown as Outcome<ExamState>;
  return jsonResponse(unwrap(outcome));
});

sessions.post("/:id/exam/finish", async (c) => {
  await readJson(c.req.raw, v.strictObject({}), {});
  const outcome = (await sessionStub(c.env, c.req.param("id")).finishExamNow(bearerKey(c.req.header("Authorization")))) as unknown as Outcome<ExamReport>;
  return jsonResponse(unwrap(outcome));
});

sessions.get("/:id", async (c) => {
  // The view's lesson types are too deep for the RPC result types; the value is plain JSON.
  const outcome = (await sessionStub(c.env, c.req.param("id")).read(bearerKey(c.req.header("Authorization")))) as unknown as Outcome<SessionView>;
  return jsonResponse(unwrap(outcome));
});

sessions.post("/:id/commands", async (c) => {
  const id = c.req.param("id");
  const stub = sessionStub(c.env, id);
  const authorization = c.req.header("Authorization");
  // Read before any answer: a reply sent while the client still sends its body resets the connection.
  const text = await readBodyText(c.req.raw, COMMAND_BODY_BYTES);
  // A key holder whose commands the session refuses now gets that 429 again here, at once.
  refuseKnown(c.env, id, authorization);
  // Only the editor's save may be larger than the API's other bodies.
  if (!/^\s*\{\s*"editor"\s*:/.test(text) && new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) {
    throw new ApiError(413, "payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes here.`);
  }
  const body = parseJsonBody(text, CommandBody);
  const key = bearerKey(authorization);
  // The session answers the CommandReply already as JSON text. All three draw on its command bucket.
  const asked = Date.now();
  const noted = (outcome: Outcome<string>) => unwrap(noteRefusal(id, authorization, asked, outcome));
  if ("editor" in body) return jsonTextResponse(noted(await stub.editorReply(key, body.editor)));
  if ("interrupt" in body) return jsonTextResponse(noted(await stub.interrupt(key)));
  return jsonTextResponse(noted(await stub.command(key, body.command)));
});

/** A learner's move in the session's lesson (the lesson panel's Check again, Skip and Back). */
const LessonMoveBody = v.strictObject({ action: v.picklist(["check", "skip", "back"], 'action must be "check", "skip" or "back"') });

sessions.post("/:id/lesson", async (c) => {
  const stub = sessionStub(c.env, c.req.param("id"));
  const body = await readJson(c.req.raw, LessonMoveBody);
  // The session answers the LessonUpdate already as JSON text.
  return jsonTextResponse(unwrap(await stub.lessonMove(bearerKey(c.req.header("Authorization")), body.action)));
});

sessions.get("/:id/live", async (c) => {
  const stub = sessionStub(c.env, c.req.param("id"));
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint is a WebSocket: connect with Upgrade: websocket.");
  }
  // Every attempt counts, across this address's sessions (each session caps its own sockets too).
  await spend(c.env, liveOpenAllowance(c.env, c.req.raw));
  const since = c.req.query("since");
  if (since !== undefined && !/^(0|[1-9][0-9]{0,14})$/.test(since)) {
    throw new ApiError(400, "bad_request", "since must be a sequence number (a non-negative integer).");
  }
  // Only `since` goes on; nothing else of the URL is meaningful to the session.
  const url = new URL("https://session/live");
  if (since !== undefined) url.searchParams.set("since", since);
  return stub.fetch(new Request(url, c.req.raw));
});

sessions.get("/:id/kubeconfig", (c) => kubeconfigResponse(c.env, c.req.param("id"), c.req.url, c.req.header("Authorization"), c.req.header("X-Forwarded-Proto")));

sessions.post("/:id/snapshots", async (c) => {
  const stub = sessionStub(c.env, c.req.param("id"));
  await readJson(c.req.raw, v.strictObject({}), {});
  const { created, ...snapshot } = unwrap(await stub.snapshot());
  c.header("Location", `/api/snapshots/${snapshot.snapshotId}`);
  // An unchanged session's existing snapshot: 200, as nothing new was created.
  return c.json(snapshot, created ? 201 : 200);
});

/** The built-in exam drawn from the request's seed (a random one when absent: a retake is a new exam). */
function startableExam(id: string, body: { seed?: number; durationMinutes?: number }): { exam: Exam; seed: number; durationMinutes?: number } {
  const definition = findBuiltinExam(id);
  if (!definition) throw new ApiError(400, "unknown_exam", `There is no exam "${id}"; GET /api/exams lists them.`);
  const seed = body.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
  const drawn = drawExam(definition, seed);
  // A built-in exam draws a valid exam from every seed (npm run exam:check); this is the impossible case.
  if (!drawn.ok) throw new ApiError(500, "exam_invalid", `The exam "${id}" drawn from seed ${seed} is not valid: ${drawn.errors[0]}`);
  return { exam: drawn.exam, seed, ...(body.durationMinutes !== undefined ? { durationMinutes: body.durationMinutes } : {}) };
}

/** The key from `Authorization: Bearer <key>`; undefined when absent (a different scheme counts as absent). */
function bearerKey(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : undefined;
}
