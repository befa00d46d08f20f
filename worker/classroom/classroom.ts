// The Durable Object behind one class: the only writer of its members, their latest progress and
// the teacher's messages. Students join through it (it starts each one's session, from the class's
// lesson or snapshot); their sessions report every command and lesson move to it after their own
// commit; the teacher's board reads it and watches it over a WebSocket (hibernation API). The
// teacher key is stored as its SHA-256 hash and compared in constant time. A class with no activity
// for 30 days deletes itself (its alarm); its students' sessions keep their own expiry.

import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import { errorResponse } from "../http/errors.ts";
import type { Lesson } from "../sim/lessons/index.ts";
import { decodeKeyHash, editKeyMatches, hashEditKey } from "../session/edit-key.ts";
import { newEditKey, newSessionId } from "../session/ids.ts";
import { failure, type Failure, type Outcome, success } from "../session/outcome.ts";
import type { CreatedSession, Session } from "../session/session.ts";
import { applyReport, boardCsv, type LessonPosition, newExamPosition, newStudent, type ProgressReport, type StudentRow, withStuck } from "./board.ts";
import { BoardClientMessage, type BoardServerMessage, type BoardSocketAttachment, type ClassExamInfo, type ClassInfo, MAX_BOARD_MESSAGE_BYTES } from "./live.ts";
import { findBuiltinExam } from "../sim/exams/builtin.ts";
import { drawExam, type Exam } from "../sim/exams/index.ts";

/** Students one class may have. */
export const MAX_STUDENTS = 300;
/** Characters in a teacher's message. */
export const MAX_MESSAGE_CHARS = 500;
/** A class with no activity (joins, commands, board use) for this long deletes itself. */
export const CLASS_IDLE_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** Board sockets one class may hold open (a teacher's tabs and devices, an assistant's). */
export const MAX_BOARD_SOCKETS = 20;
/** Student sessions a class starts at once; more joins wait their turn (see startSession). */
export const SESSION_STARTS_AT_ONCE = 4;
/** Activity is written down at most this often (the deadline is 30 days away). */
const ACTIVITY_WRITE_INTERVAL_MS = 60 * 60 * 1000;

export interface CreateClassInit {
  id: string;
  name: string;
  lesson?: Lesson;
  from?: string;
  /** The lesson the snapshot follows, if any (`from` only). */
  fromLesson?: LessonSummary | null;
  exam?: ClassExam;
}

/** The exam a class runs: a built-in exam's id, and the seed all students share (null: one each). */
export interface ClassExam extends ClassExamInfo {
  seed: number | null;
  /** Given when the class was made; the exam's own duration otherwise. */
  durationMinutes: number;
}

export type LessonSummary = NonNullable<ClassInfo["lesson"]>;

interface ClassMeta {
  id: string;
  name: string;
  keyHash: string;
  lesson: Lesson | null;
  from: string | null;
  /** The snapshot's lesson (a class made from a snapshot). */
  fromLesson: LessonSummary | null;
  /** Absent in classes stored before exams came to classes. */
  exam?: ClassExam | null;
  open: boolean;
  message: { text: string; at: number } | null;
  createdAt: number;
  lastActiveAt: number;
}

export class Classroom extends DurableObject<Env> {
  private meta: ClassMeta | undefined;
  private keyHashBytes: Uint8Array | undefined;
  /** Every student's row, in joining order; loaded once per wake-up. */
  private students: Map<string, StudentRow> | undefined;
  /** The seq of the latest report applied, per session. */
  private readonly lastSeq = new Map<string, number>();
  /** Session starts under way, and the joins waiting for a slot (in arrival order). */
  private starting = 0;
  private readonly waitingToStart: Array<() => void> = [];
  /** The exam drawn from the class's shared seed, once per wake-up. */
  private sharedExam: { exam: Exam; seed: number } | undefined;
  /** Reports that named no student of this class (a deleted class, a forged call): counted, not stored. */
  private strayReports = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  async create(init: CreateClassInit): Promise<Outcome<{ teacherKey: string; info: ClassInfo }>> {
    if (this.load()) return failure(409, "class_exists", "A class with this id already exists.");
    const teacherKey = newEditKey();
    const keyHash = await hashEditKey(teacherKey);
    if (this.load()) return failure(409, "class_exists", "A class with this id already exists.");
    const now = Date.now();
    const meta: ClassMeta = { id: init.id, name: init.name, keyHash, lesson: init.lesson ?? null, from: init.from ?? null, fromLesson: init.fromLesson ?? null, exam: init.exam ?? null, open: true, message: null, createdAt: now, lastActiveAt: now };
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      sql.exec("CREATE TABLE students (session_id TEXT PRIMARY KEY, position INTEGER NOT NULL, last_seq INTEGER NOT NULL, row TEXT NOT NULL)");
      this.writeMeta(meta);
    });
    this.meta = meta;
    this.students = new Map();
    await this.ctx.storage.setAlarm(now + CLASS_IDLE_LIFETIME_MS);
    return success({ teacherKey, info: this.info(meta) });
  }

  /** The public facts of the class: what a student's page shows. */
  async read(): Promise<Outcome<ClassInfo>> {
    const meta = this.load();
    if (!meta) return classNotFound();
    return success(this.info(meta));
  }

  /**
   * A new student: a row on the board, then their own session started from the class's lesson or
   * snapshot. The row is written first so that the cap holds however many join at once, and the
   * session's first report finds it; a session that cannot start takes its row away again.
   */
  async join(name: string): Promise<Outcome<{ sessionId: string; editKey: string }>> {
    const meta = this.load();
    if (!meta) return classNotFound();
    if (!meta.open) return failure(409, "class_closed", "This class is closed to new students; ask your teacher.");
    const students = this.students!;
    if (students.size >= MAX_STUDENTS) return failure(409, "class_full", `This class has its ${MAX_STUDENTS} students already.`);
    const sessionId = newSessionId();
    const now = Date.now();
    const lesson = meta.lesson;
    const position: LessonPosition | undefined = lesson ? { step: 0, steps: lesson.steps.length, stepTitle: lesson.steps[0]?.title ?? null, finished: lesson.steps.length === 0 } : undefined;
    const exam = meta.exam ? this.drawnExam(meta.exam) : undefined;
    if (exam && !exam.ok) return exam;
    const row = newStudent(name, sessionId, now, position, exam ? newExamPosition(meta.exam!.id, exam.value.seed, exam.value.exam.tasks.length) : undefined);
    this.ctx.storage.sql.exec("INSERT INTO students (session_id, position, last_seq, row) VALUES (?, ?, ?, ?)", sessionId, students.size, -1, JSON.stringify(row));
    students.set(sessionId, row);
    this.markActive(now);
    const created = await this.startSession({
      id: sessionId,
      classId: meta.id,
      ...(lesson ? { lesson } : {}),
      ...(meta.from ? { from: meta.from } : {}),
      ...(exam ? { exam: { ...exam.value, durationMinutes: meta.exam!.durationMinutes } } : {}),
    });
    if (!created.ok) {
      this.ctx.storage.sql.exec("DELETE FROM students WHERE session_id = ?", sessionId);
      students.delete(sessionId);
      return created as Failure;
    }
    const started = students.get(sessionId)!;
    const view = created.value.exam;
    if (started.exam && started.exam.deadline === null && view) {
      // The session's own report may still be on its way: the board shows the clock from the start.
      const withDeadline: StudentRow = { ...started, exam: { ...started.exam, deadline: Date.parse(view.deadline) } };
      this.ctx.storage.sql.exec("UPDATE students SET row = ? WHERE session_id = ?", JSON.stringify(withDeadline), sessionId);
      students.set(sessionId, withDeadline);
    }
    this.broadcastStudent(students.get(sessionId)!, Date.now());
    return success({ sessionId, editKey: created.value.editKey });
  }

  /** A student's session after it committed a command or a lesson move. Never answers anything a session waits on. */
  async report(report: ProgressReport): Promise<void> {
    if (!this.load()) return;
    const row = this.students!.get(report.sessionId);
    if (!row) {
      this.strayReports++;
      if (this.strayReports === 1 || this.strayReports % 100 === 0) console.warn(`class ${this.meta!.id}: ${this.strayReports} reports from sessions not in the class`);
      return;
    }
    const last = this.lastSeq.get(report.sessionId) ?? this.storedSeq(report.sessionId);
    // Reports travel unawaited: one older than what was applied is stale.
    if (report.seq < last) return;
    const next = applyReport(row, report);
    this.ctx.storage.sql.exec("UPDATE students SET last_seq = ?, row = ? WHERE session_id = ?", report.seq, JSON.stringify(next), report.sessionId);
    this.lastSeq.set(report.sessionId, report.seq);
    this.students!.set(report.sessionId, next);
    this.markActive(report.at);
    this.broadcastStudent(next, Date.now());
  }

  /** The board, for the teacher key's holder only. */
  async board(teacherKey: string | undefined): Promise<Outcome<{ class: ClassInfo; students: StudentRow[]; now: number }>> {
    const meta = this.load();
    if (!meta) return classNotFound();
    const denied = await this.checkTeacher(teacherKey);
    if (denied) return denied;
    const now = Date.now();
    this.markActive(now);
    return success({ class: this.info(meta), students: this.rows(now), now });
  }

  async csv(teacherKey: string | undefined): Promise<Outcome<{ name: string; csv: string }>> {
    const meta = this.load();
    if (!meta) return classNotFound();
    const denied = await this.checkTeacher(teacherKey);
    if (denied) return denied;
    const now = Date.now();
    this.markActive(now);
    return success({ name: meta.name, csv: boardCsv([...this.students!.values()], now, Boolean(meta.exam)) });
  }

  /** The teacher's message to every student's page (the latest replaces the one before). */
  async postMessage(teacherKey: string | undefined, text: string): Promise<Outcome<ClassInfo>> {
    if (!this.load()) return classNotFound();
    const denied = await this.checkTeacher(teacherKey);
    if (denied) return denied;
    const now = Date.now();
    return success(this.updateMeta({ message: { text, at: now }, lastActiveAt: now }));
  }

  /** Closes the class to new students; its students keep working. */
  async close(teacherKey: string | undefined): Promise<Outcome<ClassInfo>> {
    if (!this.load()) return classNotFound();
    const denied = await this.checkTeacher(teacherKey);
    if (denied) return denied;
    return success(this.updateMeta({ open: false, lastActiveAt: Date.now() }));
  }

  override async fetch(request: Request): Promise<Response> {
    if (!this.load()) {
      const failed = classNotFound();
      return errorResponse(failed.status, failed.code, failed.message);
    }
    const bearer = request.headers.get("Authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (bearer !== undefined && (await this.checkTeacher(bearer))) {
      return errorResponse(403, "forbidden", "That is not this class's teacher key.");
    }
    const sockets = this.ctx.getWebSockets();
    if (sockets.length >= MAX_BOARD_SOCKETS) {
      // The class id is no secret (every student has it): sockets that never showed the key must
      // not be able to keep the teacher out, so the oldest of them makes room.
      const guest = sockets.find((ws) => !(ws.deserializeAttachment() as BoardSocketAttachment | null)?.teacher);
      if (!guest) return errorResponse(429, "too_many_sockets", `This class's board has ${MAX_BOARD_SOCKETS} live connections already; close one first.`, 30);
      try {
        guest.close(1008, "making room for the teacher's board");
      } catch {
        // Already closing.
      }
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ teacher: bearer !== undefined } satisfies BoardSocketAttachment);
    if (bearer !== undefined) this.sendBoard(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const size = typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    if (size > MAX_BOARD_MESSAGE_BYTES) {
      send(ws, { type: "error", code: "payload_too_large", message: `Messages are limited to ${MAX_BOARD_MESSAGE_BYTES} bytes.` });
      return;
    }
    let parsed: v.InferOutput<typeof BoardClientMessage>;
    try {
      const result = v.safeParse(BoardClientMessage, JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
      if (!result.success) throw new Error(v.summarize(result.issues));
      parsed = result.output;
    } catch (error) {
      send(ws, { type: "error", code: "bad_request", message: `Not a valid message: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    if (!this.load()) {
      send(ws, { type: "expired" });
      return;
    }
    if (await this.checkTeacher(parsed.key)) {
      send(ws, { type: "error", code: "forbidden", message: "That is not this class's teacher key; the board stays hidden." });
      return;
    }
    ws.serializeAttachment({ teacher: true } satisfies BoardSocketAttachment);
    this.sendBoard(ws);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
  }

  override async alarm(): Promise<void> {
    const meta = this.load();
    if (!meta) return;
    const deadline = meta.lastActiveAt + CLASS_IDLE_LIFETIME_MS;
    if (Date.now() < deadline) {
      await this.ctx.storage.setAlarm(deadline);
      return;
    }
    for (const ws of this.ctx.getWebSockets()) {
      send(ws, { type: "expired" });
      try {
        ws.close(1000, "class expired");
      } catch {
        // Already closed.
      }
    }
    await this.ctx.storage.deleteAll();
    this.meta = undefined;
    this.students = undefined;
    this.keyHashBytes = undefined;
    this.lastSeq.clear();
  }

  /**
   * Starts a student's session, at most SESSION_STARTS_AT_ONCE at a time per class, the rest
   * queued in arrival order: a room joining at once then takes turns with everyone else's requests
   * on a machine's shared thread, while sessions (each its own object, often on other machines)
   * still start several at a time.
   */
  private async startSession(init: { id: string; classId: string; lesson?: Lesson; from?: string; exam?: { exam: Exam; seed: number; durationMinutes: number } }): Promise<Outcome<CreatedSession>> {
    if (this.starting >= SESSION_STARTS_AT_ONCE) await new Promise<void>((resolve) => this.waitingToStart.push(resolve));
    else this.starting++;
    try {
      const namespace = this.env.SESSIONS as DurableObjectNamespace<Session>;
      const result = await namespace.get(namespace.idFromName(init.id)).create(init);
      // An RPC result is disposable: keep a plain copy and release the original.
      const plain = JSON.parse(JSON.stringify(result)) as Outcome<CreatedSession>;
      const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
      if (dispose) (result as unknown as Record<symbol, (() => void) | undefined>)[dispose]?.();
      return plain;
    } finally {
      // The slot goes to the next in line, or is freed.
      const next = this.waitingToStart.shift();
      if (next) next();
      else this.starting--;
    }
  }

  /**
   * A new student's exam: the class's seed (the same exam for everyone, drawn once per wake-up) or
   * a seed of their own (seedPerStudent).
   */
  private drawnExam(classExam: ClassExam): Outcome<{ exam: Exam; seed: number }> {
    const seed = classExam.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
    if (this.sharedExam?.seed === seed) return success(this.sharedExam);
    const definition = findBuiltinExam(classExam.id);
    // A class keeps its exam's id; a release that dropped the exam leaves the class without it.
    if (!definition) return failure(409, "exam_gone", `This class's exam "${classExam.id}" no longer exists; ask your teacher for a new class.`);
    const drawn = drawExam(definition, seed);
    if (!drawn.ok) return failure(409, "exam_invalid", `The exam "${classExam.id}" drawn from seed ${seed} is not valid: ${drawn.errors[0]}`);
    const value = { exam: drawn.exam, seed };
    if (classExam.seed !== null) this.sharedExam = value;
    return success(value);
  }

  /** undefined when `key` is the teacher key, else the refusal. */
  private async checkTeacher(key: string | undefined): Promise<Failure | undefined> {
    this.keyHashBytes ??= decodeKeyHash(this.meta!.keyHash);
    if (await editKeyMatches(key, this.keyHashBytes)) return undefined;
    return key === undefined
      ? failure(403, "forbidden", "The board needs the class's teacher key: send Authorization: Bearer <teacherKey>.")
      : failure(403, "forbidden", "That is not this class's teacher key; nothing was changed.");
  }

  private rows(now: number): StudentRow[] {
    return [...this.students!.values()].map((row) => withStuck(row, now));
  }

  private sendBoard(ws: WebSocket): void {
    const now = Date.now();
    send(ws, { type: "board", class: this.info(this.meta!), students: this.rows(now), now });
  }

  private broadcastStudent(row: StudentRow, now: number): void {
    this.broadcast(() => ({ type: "student", student: withStuck(row, now), now }));
  }

  /** To every socket that showed the teacher key; `message` is built only when there is one. */
  private broadcast(message: () => BoardServerMessage): void {
    let text: string | undefined;
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as BoardSocketAttachment | null;
      if (!attachment?.teacher) continue;
      text ??= JSON.stringify(message());
      try {
        ws.send(text);
      } catch {
        // A closing socket misses the update; the board reloads on reconnect.
      }
    }
  }

  private info(meta: ClassMeta): ClassInfo {
    return {
      id: meta.id,
      name: meta.name,
      lesson: meta.lesson ? { id: meta.lesson.id, title: meta.lesson.title, steps: meta.lesson.steps.length } : meta.fromLesson,
      from: meta.from,
      exam: meta.exam ? examInfo(meta.exam) : null,
      open: meta.open,
      message: meta.message,
      createdAt: meta.createdAt,
      students: this.students?.size ?? 0,
    };
  }

  private updateMeta(change: Partial<ClassMeta>): ClassInfo {
    const meta = { ...this.meta!, ...change };
    this.writeMeta(meta);
    this.meta = meta;
    const info = this.info(meta);
    this.broadcast(() => ({ type: "class", class: info }));
    return info;
  }

  /** Joins, commands and board use keep a class alive; written at most hourly. */
  private markActive(now: number): void {
    if (now - this.meta!.lastActiveAt < ACTIVITY_WRITE_INTERVAL_MS) return;
    this.meta = { ...this.meta!, lastActiveAt: now };
    this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('lastActiveAt', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(now));
  }

  private writeMeta(meta: ClassMeta): void {
    const sql = this.ctx.storage.sql;
    for (const [key, value] of Object.entries(meta)) {
      sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, JSON.stringify(value));
    }
  }

  private storedSeq(sessionId: string): number {
    return this.ctx.storage.sql.exec<{ last_seq: number }>("SELECT last_seq FROM students WHERE session_id = ?", sessionId).toArray()[0]?.last_seq ?? -1;
  }

  /** The class's meta (and its students) from storage on first use after a wake-up; undefined when there is no class. */
  private load(): ClassMeta | undefined {
    if (this.meta) return this.meta;
    const sql = this.ctx.storage.sql;
    const hasTable = sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
    if (!hasTable) return undefined;
    const values: Record<string, unknown> = {};
    for (const { key, value } of sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta")) values[key] = JSON.parse(value);
    if (typeof values.id !== "string") return undefined;
    this.meta = values as unknown as ClassMeta;
    this.students = new Map();
    for (const { session_id, last_seq, row } of sql.exec<{ session_id: string; last_seq: number; row: string }>("SELECT session_id, last_seq, row FROM students ORDER BY position")) {
      this.students.set(session_id, JSON.parse(row) as StudentRow);
      this.lastSeq.set(session_id, last_seq);
    }
    return this.meta;
  }
}

function examInfo(exam: ClassExam): ClassExamInfo {
  return { id: exam.id, title: exam.title, tasks: exam.tasks, durationMinutes: exam.durationMinutes, passPercent: exam.passPercent, seedPerStudent: exam.seedPerStudent };
}

export const classNotFound = (): Failure => failure(404, "class_not_found", "No class with this id exists (a class is deleted after 30 days without activity).");

function send(ws: WebSocket, message: BoardServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // Closing socket.
  }
}
