import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createSession, errorOf, postJson, randomClientIp, request, run, runUntil } from "../helpers.ts";

// Two steps: run a pod, then expose it; both checks are about objects, so the tests drive them
// with ordinary commands.
const LESSON_YAML = `id: class-lesson
title: Pod and service
summary: Run a pod, then expose it.
steps:
  - id: run-it
    title: Run the pod
    text: Run \`kubectl run web --image=nginx\`.
    check:
      object:
        kind: Pod
        name: web
  - id: expose-it
    title: Expose it
    text: Expose it on port 80.
    check:
      object:
        kind: Service
        name: web
solution:
  - kubectl run web --image=nginx
  - kubectl expose pod web --port=80
`;

interface CreatedClass {
  id: string;
  teacherKey: string;
  studentUrl: string;
  boardUrl: string;
}

interface Student {
  name: string;
  sessionId: string;
  step: number | null;
  steps: number;
  stepTitle: string | null;
  finished: boolean;
  stuck: boolean;
  stuckReason: string | null;
  commands: number;
  lastCommands: Array<{ command: string; exitCode: number; at: number }>;
  firstActivity: number | null;
  lastActivity: number | null;
}

interface Board {
  class: { id: string; name: string; open: boolean; message: { text: string } | null; students: number };
  students: Student[];
}

let lessonId: string | undefined;
async function uploadedLesson(): Promise<string> {
  if (lessonId) return lessonId;
  const response = await request("/api/lessons", { method: "POST", headers: { "Content-Type": "text/yaml", "CF-Connecting-IP": randomClientIp() }, body: LESSON_YAML });
  expect(response.status).toBeLessThan(300);
  lessonId = ((await response.json()) as { id: string }).id;
  return lessonId;
}

async function createClass(body: Record<string, unknown> = {}, ip = randomClientIp()): Promise<CreatedClass> {
  const response = await postJson("/api/classes", { name: "Networking 101", lesson: await uploadedLesson(), ...body }, { "CF-Connecting-IP": ip });
  if (response.status !== 201) throw new Error(`create class failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedClass;
}

async function join(classId: string, name: string): Promise<{ sessionId: string; editKey: string }> {
  const response = await postJson(`/api/classes/${classId}/students`, { name });
  if (response.status !== 201) throw new Error(`join failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { sessionId: string; editKey: string };
}

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

async function board(created: CreatedClass): Promise<Board> {
  const response = await request(`/api/classes/${created.id}/board`, { headers: auth(created.teacherKey) });
  expect(response.status).toBe(200);
  return (await response.json()) as Board;
}

/** Reports reach the class after the student's reply: wait (briefly) until the board shows what `test` wants. */
async function boardUntil(created: CreatedClass, test: (b: Board) => boolean): Promise<Board> {
  for (let i = 0; i < 100; i++) {
    const b = await board(created);
    if (test(b)) return b;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the board never matched: ${JSON.stringify(await board(created))}`);
}

function classStub(id: string) {
  return env.CLASSES.get(env.CLASSES.idFromName(id));
}

describe("POST /api/classes", () => {
  it("creates a class from a lesson: 201 with the teacher key and both links, the key only in the board link's fragment", async () => {
    const created = await createClass();
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.teacherKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.studentUrl).toBe(`https://playground.test/c/${created.id}`);
    expect(created.boardUrl).toBe(`https://playground.test/c/${created.id}/board#key=${created.teacherKey}`);
    const info = await request(`/api/classes/${created.id}`);
    expect(info.status).toBe(200);
    const body = await info.text();
    expect(JSON.parse(body)).toMatchObject({ id: created.id, name: "Networking 101", lesson: { id: "class-lesson", title: "Pod and service", steps: 2 }, from: null, open: true, message: null, students: 0 });
    expect(body).not.toContain(created.teacherKey);
  });

  it("creates a class from a snapshot, showing the snapshot's lesson; an unknown snapshot is 404", async () => {
    const session = await createSession({ lesson: await uploadedLesson() });
    await run(session.id, session.editKey, "kubectl run web --image=nginx");
    const snap = (await (await postJson(`/api/sessions/${session.id}/snapshots`, {})).json()) as { snapshotId: string };
    const created = await createClass({ lesson: undefined, from: snap.snapshotId });
    const info = (await (await request(`/api/classes/${created.id}`)).json()) as { from: string; lesson: { steps: number } };
    expect(info).toMatchObject({ from: snap.snapshotId, lesson: { steps: 2 } });
    // A student starts where the snapshot left off: step 2 of 2.
    const student = await join(created.id, "Ada");
    const b = await boardUntil(created, (x) => x.students[0]?.step === 1);
    expect(b.students[0]).toMatchObject({ sessionId: student.sessionId, step: 1, steps: 2, stepTitle: "Expose it", finished: false });
    const missing = await postJson("/api/classes", { name: "x", from: "AAAAAAAAAAAAAAAAAAAAAA" }, { "CF-Connecting-IP": randomClientIp() });
    expect(await errorOf(missing)).toMatchObject({ status: 404, code: "snapshot_not_found" });
  });

  it("refuses a bad body with 400: no lesson and no snapshot, both, an unknown lesson, an empty or overlong name", async () => {
    const lesson = await uploadedLesson();
    const cases: Array<[unknown, string]> = [
      [{ name: "x" }, "bad_request"],
      [{ name: "x", lesson, from: "AAAAAAAAAAAAAAAAAAAAAA" }, "bad_request"],
      [{ name: "x", lesson: "no-such-lesson" }, "unknown_lesson"],
      [{ name: "   ", lesson }, "bad_request"],
      [{ name: "x".repeat(101), lesson }, "bad_request"],
      [{ name: "x", lesson, extra: 1 }, "bad_request"],
    ];
    for (const [body, code] of cases) {
      const response = await postJson("/api/classes", body, { "CF-Connecting-IP": randomClientIp() });
      expect(await errorOf(response), JSON.stringify(body)).toMatchObject({ status: 400, code });
    }
  });

  it("allows 20 classes an hour from one address, then 429 with Retry-After; another address is not affected", async () => {
    const ip = randomClientIp();
    const lesson = await uploadedLesson();
    for (let i = 0; i < 20; i++) {
      const response = await postJson("/api/classes", { name: `c${i}`, lesson }, { "CF-Connecting-IP": ip });
      expect(response.status).toBe(201);
    }
    const refused = await postJson("/api/classes", { name: "one more", lesson }, { "CF-Connecting-IP": ip });
    expect(refused.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
    expect(await errorOf(refused)).toMatchObject({ status: 429, code: "rate_limited", message: expect.stringContaining("Too many new classes from your address (at most 20 an hour, bursts of 20)") });
    expect((await postJson("/api/classes", { name: "elsewhere", lesson }, { "CF-Connecting-IP": randomClientIp() })).status).toBe(201);
  });
});

describe("students", () => {
  it("join with a display name and get their own session on the class's lesson; the board shows each one", async () => {
    const created = await createClass();
    const ada = await join(created.id, "  Ada Lovelace  ");
    const grace = await join(created.id, "<b>Grace</b>");
    expect(ada.sessionId).not.toBe(grace.sessionId);
    const session = (await (await request(`/api/sessions/${ada.sessionId}`)).json()) as { lesson: { lesson: { id: string } } };
    expect(session.lesson.lesson.id).toBe("class-lesson");
    const b = await board(created);
    // Names are stored as typed (trimmed), markup included: the page renders them as text.
    expect(b.students.map((s) => s.name)).toEqual(["Ada Lovelace", "<b>Grace</b>"]);
    expect(b.students[0]).toMatchObject({ step: 0, steps: 2, stepTitle: "Run the pod", finished: false, stuck: false, commands: 0, firstActivity: null });
    expect(b.class.students).toBe(2);
  });

  it("all get in when a room joins at once: each its own session, every one on the board", async () => {
    const created = await createClass();
    const joined = await Promise.all(Array.from({ length: 12 }, (_, i) => join(created.id, `Student ${i}`)));
    expect(new Set(joined.map((j) => j.sessionId)).size).toBe(12);
    const b = await board(created);
    expect(b.students.map((s) => s.sessionId).sort()).toEqual(joined.map((j) => j.sessionId).sort());
    for (const j of joined) expect((await request(`/api/sessions/${j.sessionId}`)).status).toBe(200);
  });

  it("refuses a name that is empty, longer than 40 characters or holds a line break (400); 40 emoji are 40 characters", async () => {
    const created = await createClass();
    for (const name of ["", "   ", "x".repeat(41), "a\nb", "tab\there"]) {
      expect(await errorOf(await postJson(`/api/classes/${created.id}/students`, { name })), JSON.stringify(name)).toMatchObject({ status: 400, code: "bad_request" });
    }
    await join(created.id, "🙂".repeat(40));
    expect((await board(created)).students).toHaveLength(1);
  });

  it("move on the board as they work: commands with exit codes, steps with titles, finished", async () => {
    const created = await createClass();
    const ada = await join(created.id, "Ada");
    await run(ada.sessionId, ada.editKey, "kubectl get pods");
    await run(ada.sessionId, ada.editKey, "kubectl run web --image=nginx");
    let b = await boardUntil(created, (x) => x.students[0].commands === 2);
    expect(b.students[0]).toMatchObject({ step: 1, stepTitle: "Expose it", finished: false });
    expect(b.students[0].lastCommands.map((c) => [c.command, c.exitCode])).toEqual([
      ["kubectl get pods", 0],
      ["kubectl run web --image=nginx", 0],
    ]);
    await run(ada.sessionId, ada.editKey, "kubectl expose pod web --port=80");
    b = await boardUntil(created, (x) => x.students[0].finished);
    expect(b.students[0]).toMatchObject({ step: 2, steps: 2, stepTitle: null, finished: true, commands: 3 });
    expect(b.students[0].firstActivity).toBeLessThanOrEqual(b.students[0].lastActivity!);
  });

  it("is marked stuck after 3 failing commands in a row, and no longer after one that succeeds", async () => {
    const created = await createClass();
    const ada = await join(created.id, "Ada");
    for (const command of ["kubectl get pod nope", "kubectl get svc nope", "kubectl describe pod nope"]) await run(ada.sessionId, ada.editKey, command);
    let b = await boardUntil(created, (x) => x.students[0].commands === 3);
    expect(b.students[0]).toMatchObject({ stuck: true, stuckReason: "failing" });
    expect(b.students[0].lastCommands.every((c) => c.exitCode !== 0)).toBe(true);
    await run(ada.sessionId, ada.editKey, "kubectl get pods");
    b = await boardUntil(created, (x) => x.students[0].commands === 4);
    expect(b.students[0]).toMatchObject({ stuck: false, stuckReason: null });
  });

  it("is marked stuck after more than 5 minutes on the same step", async () => {
    const created = await createClass();
    const ada = await join(created.id, "Ada");
    // Six minutes ago, as far as the class knows.
    await runInDurableObject(classStub(created.id), (instance) => {
      const students = (instance as unknown as { students: Map<string, { stepSince: number }> }).students;
      students.get(ada.sessionId)!.stepSince -= 6 * 60 * 1000;
    });
    expect((await board(created)).students[0]).toMatchObject({ stuck: true, stuckReason: "step" });
  });

  it("cannot join a closed class (409 class_closed); the teacher closes it with the key", async () => {
    const created = await createClass();
    await join(created.id, "Ada");
    const closed = await postJson(`/api/classes/${created.id}/close`, {}, auth(created.teacherKey));
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ open: false });
    expect(await errorOf(await postJson(`/api/classes/${created.id}/students`, { name: "Late" }))).toMatchObject({ status: 409, code: "class_closed" });
    expect((await board(created)).students).toHaveLength(1);
  });

  it("are at most 300 per class: the 301st gets 409 class_full", async () => {
    const created = await createClass();
    // 299 students as the class stores them (starting 299 sessions would only make the test slow).
    await runInDurableObject(classStub(created.id), (instance) => {
      const state = instance as unknown as { ctx: DurableObjectState; students: Map<string, unknown>; load(): unknown };
      state.load();
      for (let i = 0; i < 299; i++) {
        const id = `student-${i}`;
        const row = { name: `s${i}`, sessionId: id, step: 0, steps: 2, stepTitle: "Run the pod", finished: false, stepSince: 0, stuck: false, stuckReason: null, commands: 0, lastCommands: [], failingStreak: 0, joinedAt: 0, firstActivity: null, lastActivity: null };
        state.ctx.storage.sql.exec("INSERT INTO students (session_id, position, last_seq, row) VALUES (?, ?, ?, ?)", id, i, -1, JSON.stringify(row));
        state.students.set(id, row);
      }
    });
    await join(created.id, "Number 300");
    expect(await errorOf(await postJson(`/api/classes/${created.id}/students`, { name: "Number 301" }))).toMatchObject({ status: 409, code: "class_full" });
    expect((await board(created)).students).toHaveLength(300);
  });

  it("a unknown or malformed class id is 404 class_not_found", async () => {
    expect(await errorOf(await request("/api/classes/AAAAAAAAAAAAAAAAAAAAAA"))).toMatchObject({ status: 404, code: "class_not_found" });
    expect(await errorOf(await request("/api/classes/nope"))).toMatchObject({ status: 404, code: "class_not_found" });
    expect(await errorOf(await postJson("/api/classes/AAAAAAAAAAAAAAAAAAAAAA/students", { name: "Ada" }))).toMatchObject({ status: 404, code: "class_not_found" });
  });
});

describe("the teacher key", () => {
  it("a wrong or missing key sees nothing and changes nothing (403 everywhere)", async () => {
    const created = await createClass();
    await join(created.id, "Ada");
    const other = await createClass();
    for (const headers of [{}, auth(other.teacherKey), auth("x")]) {
      for (const path of ["board", "board.csv"]) {
        const response = await request(`/api/classes/${created.id}/${path}`, { headers });
        const text = await response.text();
        expect(response.status, path).toBe(403);
        expect(text).not.toContain("Ada");
      }
      expect(await errorOf(await postJson(`/api/classes/${created.id}/messages`, { text: "hi" }, headers))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await errorOf(await postJson(`/api/classes/${created.id}/close`, {}, headers))).toMatchObject({ status: 403, code: "forbidden" });
    }
    const info = (await (await request(`/api/classes/${created.id}`)).json()) as { open: boolean; message: unknown };
    expect(info).toMatchObject({ open: true, message: null });
  });

  it("posts a message (at most 500 characters) that the public class info shows", async () => {
    const created = await createClass();
    const long = await postJson(`/api/classes/${created.id}/messages`, { text: "x".repeat(501) }, auth(created.teacherKey));
    expect(await errorOf(long)).toMatchObject({ status: 400, code: "bad_request", message: expect.stringContaining("500 characters") });
    const posted = await postJson(`/api/classes/${created.id}/messages`, { text: "Look at step 2: targetPort!" }, auth(created.teacherKey));
    expect(posted.status).toBe(201);
    const info = (await (await request(`/api/classes/${created.id}`)).json()) as { message: { text: string; at: number } };
    expect(info.message.text).toBe("Look at step 2: targetPort!");
    expect((await postJson(`/api/classes/${created.id}/messages`, { text: "y".repeat(500) }, auth(created.teacherKey))).status).toBe(201);
  });
});

describe("GET /api/classes/:id/board.csv", () => {
  it("is RFC 4180 CSV with a header, quoted fields, and formulas in names defused", async () => {
    const created = await createClass({ name: "Net, 101" });
    const ada = await join(created.id, 'Ada "the first", L.');
    await join(created.id, "=HYPERLINK(\"http://x\")");
    await run(ada.sessionId, ada.editKey, "kubectl run web --image=nginx");
    await boardUntil(created, (x) => x.students[0].commands === 1);
    const response = await request(`/api/classes/${created.id}/board.csv`, { headers: auth(created.teacherKey) });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8; header=present");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="Net, 101 board.csv"; filename*=UTF-8''Net%2C%20101%20board.csv`);
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe("name,session,step,steps,step_title,finished,stuck,commands,failing_in_a_row,joined,first_activity,last_activity");
    expect(lines[1]).toMatch(new RegExp(`^"Ada ""the first"", L\\.",${ada.sessionId},2,2,Expose it,false,false,1,0,\\d{4}-\\d\\d-\\d\\dT[^,]+Z,[^,]+Z,[^,]+Z$`));
    expect(lines[2]).toMatch(/^"'=HYPERLINK\(""http:\/\/x""\)",[^,]+,1,2,Run the pod,false,false,0,0,[^,]+Z,,$/);
    expect(lines[3]).toBe("");
  });
});

describe("GET /api/classes/:id/live", () => {
  async function open(id: string, headers: Record<string, string> = {}) {
    const response = await request(`/api/classes/${id}/live`, { headers: { Upgrade: "websocket", "CF-Connecting-IP": randomClientIp(), ...headers } });
    return response;
  }

  function collect(socket: WebSocket): Array<{ type: string; [k: string]: unknown }> {
    const messages: Array<{ type: string; [k: string]: unknown }> = [];
    socket.addEventListener("message", (event) => messages.push(JSON.parse(event.data as string)));
    return messages;
  }

  async function until<T>(check: () => T | undefined): Promise<T> {
    for (let i = 0; i < 150; i++) {
      const value = check();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("timed out");
  }

  it("sends nothing before the teacher key, refuses a wrong one, then the board and every student's update", async () => {
    const created = await createClass();
    const ada = await join(created.id, "Ada");
    const response = await open(created.id);
    expect(response.status).toBe(101);
    const socket = response.webSocket!;
    socket.accept();
    const messages = collect(socket);
    socket.send(JSON.stringify({ type: "auth", key: "wrong" }));
    await until(() => messages.find((m) => m.type === "error"));
    // A command while the socket is not the teacher's: nothing of it arrives.
    await run(ada.sessionId, ada.editKey, "kubectl get pods");
    await boardUntil(created, (x) => x.students[0].commands === 1);
    expect(messages.map((m) => m.type)).toEqual(["error"]);
    socket.send(JSON.stringify({ type: "auth", key: created.teacherKey }));
    const first = await until(() => messages.find((m) => m.type === "board"));
    expect((first.students as Student[])[0]).toMatchObject({ name: "Ada", commands: 1 });
    await run(ada.sessionId, ada.editKey, "kubectl run web --image=nginx");
    const update = await until(() => messages.find((m) => m.type === "student"));
    expect(update.student).toMatchObject({ name: "Ada", commands: 2, step: 1 });
    const grace = await join(created.id, "Grace");
    const joined = await until(() => messages.find((m) => m.type === "student" && (m.student as Student).sessionId === grace.sessionId));
    expect(joined.student).toMatchObject({ name: "Grace", commands: 0 });
    socket.close(1000, "done");
  });

  it("cannot be kept from the teacher by sockets that never showed the key: the oldest makes room", async () => {
    const created = await createClass();
    const guests: WebSocket[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await open(created.id);
      expect(response.status).toBe(101);
      response.webSocket!.accept();
      guests.push(response.webSocket!);
    }
    const teacher = await open(created.id, auth(created.teacherKey));
    expect(teacher.status).toBe(101);
    teacher.webSocket!.accept();
    const messages = collect(teacher.webSocket!);
    await until(() => messages.find((m) => m.type === "board"));
    // Still 20: one guest went.
    expect(await runInDurableObject(classStub(created.id), (_instance, state) => state.getWebSockets().length)).toBe(20);
    for (const ws of [...guests.slice(1), teacher.webSocket!]) ws.close(1000, "done");
  });

  it("takes the key as a bearer token on the upgrade (403 for a wrong one) and needs Upgrade (426)", async () => {
    const created = await createClass();
    expect(await errorOf(await open(created.id, auth("wrong")))).toMatchObject({ status: 403, code: "forbidden" });
    expect(await errorOf(await request(`/api/classes/${created.id}/live`))).toMatchObject({ status: 426, code: "upgrade_required" });
    const response = await open(created.id, auth(created.teacherKey));
    expect(response.status).toBe(101);
    const socket = response.webSocket!;
    socket.accept();
    const messages = collect(socket);
    const first = await until(() => messages.find((m) => m.type === "board"));
    expect(first.class).toMatchObject({ id: created.id, open: true });
    socket.close(1000, "done");
  });
});

describe("a class without activity", () => {
  it("deletes itself after 30 days; its students' sessions stay", async () => {
    const created = await createClass();
    const ada = await join(created.id, "Ada");
    // The student's session reports to the class after its own commit, fire-and-forget: on a loaded
    // machine that report can land after the backdating and count as activity, so the class stays
    // (rightly). Backdate and run the alarm again until no late report intervenes.
    let gone = false;
    for (let attempt = 0; attempt < 5 && !gone; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 300));
      await runInDurableObject(classStub(created.id), (instance) => {
        const state = instance as unknown as { ctx: DurableObjectState; meta: { lastActiveAt: number } };
        const at = Date.now() - 31 * 24 * 60 * 60 * 1000;
        state.meta.lastActiveAt = at;
        state.ctx.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'lastActiveAt'", String(at));
      });
      expect(await runDurableObjectAlarm(classStub(created.id))).toBe(true);
      gone = (await request(`/api/classes/${created.id}`)).status === 404;
    }
    expect(await errorOf(await request(`/api/classes/${created.id}`))).toMatchObject({ status: 404, code: "class_not_found" });
    expect((await request(`/api/sessions/${ada.sessionId}`)).status).toBe(200);
    // The student's next command reports to a class that is gone: the command does not notice.
    expect((await run(ada.sessionId, ada.editKey, "kubectl get pods")).exitCode).toBe(0);
  });

  it("stays while it is used: an alarm before the deadline only moves the alarm", async () => {
    const created = await createClass();
    expect(await runDurableObjectAlarm(classStub(created.id))).toBe(true);
    expect((await request(`/api/classes/${created.id}`)).status).toBe(200);
  });
});

describe("a class running an exam", () => {
  interface ExamRow {
    examId: string;
    seed: number;
    tasks: number;
    deadline: number | null;
    secondsLeft: number | null;
    finishedAt: number | null;
    score: number | null;
    max: number;
    passed: boolean | null;
  }
  const examOf = (b: Board, sessionId: string) => (b.students.find((s) => s.sessionId === sessionId) as Student & { exam: ExamRow | null }).exam;
  const createExamClass = (body: Record<string, unknown>) => createClass({ lesson: undefined, exam: "warm-up", ...body });
  const sessionExam = async (id: string) => (await (await request(`/api/sessions/${id}/exam`)).json()) as { examId: string; seed: number; durationMinutes: number; tasks: Array<{ text: string }> };

  it("is created with { exam, seed?, durationMinutes? }: the public info names the exam, not its seed", async () => {
    const created = await createExamClass({ seed: 42, durationMinutes: 45 });
    const info = (await (await request(`/api/classes/${created.id}`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ lesson: null, from: null, exam: { id: "warm-up", title: "Warm-up: Services in six tasks", tasks: 6, durationMinutes: 45, passPercent: 66, seedPerStudent: false } });
    expect(JSON.stringify(info)).not.toContain('"seed"');
    const defaults = await createExamClass({});
    expect(((await (await request(`/api/classes/${defaults.id}`)).json()) as { exam: { durationMinutes: number } }).exam.durationMinutes).toBe(30);
  });

  it("refuses a bad body with 400 and the reason", async () => {
    const bad = async (body: Record<string, unknown>, code: string, message: RegExp) => {
      const response = await postJson("/api/classes", { name: "Exam day", ...body }, { "CF-Connecting-IP": randomClientIp() });
      expect(await errorOf(response)).toMatchObject({ status: 400, code, message: expect.stringMatching(message) });
    };
    await bad({ exam: "warm-up", lesson: await uploadedLesson() }, "bad_request", /one of: lesson \(a lesson id\), from \(a snapshot id\) or exam \(an exam id\)/);
    await bad({ exam: "warm-up", from: "x" }, "bad_request", /one of: lesson/);
    await bad({}, "bad_request", /one of: lesson/);
    await bad({ exam: "nope" }, "unknown_exam", /There is no exam "nope"; GET \/api\/exams lists them\./);
    await bad({ lesson: await uploadedLesson(), seed: 3 }, "bad_request", /seed, seedPerStudent and durationMinutes belong to an exam: give exam too/);
    await bad({ exam: "warm-up", seed: 3, seedPerStudent: true }, "bad_request", /give one or the other/);
    await bad({ exam: "warm-up", durationMinutes: 0 }, "bad_request", /durationMinutes must be at least 1/);
    await bad({ exam: "warm-up", seed: 1.5 }, "bad_request", /seed must be a whole number/);
    await bad({ exam: "warm-up", seedPerStudent: "yes" }, "bad_request", /seedPerStudent/);
  });

  it("gives every student the same exam; the board shows each one's clock, then the score of one who finished", async () => {
    const created = await createExamClass({ seed: 7, durationMinutes: 40 });
    const ada = await join(created.id, "Ada");
    const bob = await join(created.id, "Bob");
    const [adaExam, bobExam] = [await sessionExam(ada.sessionId), await sessionExam(bob.sessionId)];
    expect(adaExam).toMatchObject({ examId: "warm-up", seed: 7, durationMinutes: 40 });
    expect(bobExam.seed).toBe(7);
    expect(bobExam.tasks).toEqual(adaExam.tasks);

    const before = await board(created);
    for (const student of [ada, bob]) {
      const exam = examOf(before, student.sessionId)!;
      expect(exam).toMatchObject({ examId: "warm-up", seed: 7, tasks: 6, finishedAt: null, score: null, max: 100, passed: null });
      expect(exam.deadline! - Date.now()).toBeGreaterThan(39 * 60_000);
      expect(exam.secondsLeft).toBeGreaterThan(39 * 60);
      expect(exam.secondsLeft).toBeLessThanOrEqual(40 * 60);
    }

    // Ada repairs the selector (the warm-up's 20-point task), then finishes.
    const started = await sessionExam(ada.sessionId);
    const fix = (started.tasks as Array<{ id?: string; text: string }>).find((t) => t.id === "fix-selector")!;
    const [, name, namespace] = /The Service `([^`]+)` in namespace `([^`]+)`/.exec(fix.text)!;
    await run(ada.sessionId, ada.editKey, `kubectl -n ${namespace} patch service ${name} -p '{"spec":{"selector":{"app":"${name}"}}}'`);
    await run(ada.sessionId, ada.editKey, `kubectl -n ${namespace} rollout status deployment/${name}`);
    // The task's second check calls the Service from the exam's client pod, which may still be
    // starting on a busy machine: check as a student would before finishing.
    const checks = await runUntil(ada.sessionId, ada.editKey, `kubectl -n ${namespace} exec client -- curl -s -o /dev/null -w '%{http_code}\\n' http://${name}/`, /^200$/m);
    const finished = await postJson(`/api/sessions/${ada.sessionId}/exam/finish`, {}, { Authorization: `Bearer ${ada.editKey}` });
    expect(finished.status).toBe(200);
    const after = await boardUntil(created, (b) => examOf(b, ada.sessionId)?.score !== null);
    expect(examOf(after, ada.sessionId)).toMatchObject({ score: 20, max: 100, passed: false, secondsLeft: 0, finishedAt: expect.any(Number) });
    const adaRow = after.students.find((s) => s.sessionId === ada.sessionId)!;
    expect(adaRow).toMatchObject({ finished: true, step: null, commands: 2 + checks });
    expect(after.students.find((s) => s.sessionId === bob.sessionId)).toMatchObject({ finished: false, exam: { score: null } });

    const csv = await request(`/api/classes/${created.id}/board.csv`, { headers: auth(created.teacherKey) });
    const lines = (await csv.text()).split("\r\n");
    expect(lines[0]).toBe("name,session,step,steps,step_title,finished,stuck,commands,failing_in_a_row,joined,first_activity,last_activity,exam,seed,score,max,passed,finished_at,time_left");
    const adaLine = lines.find((l) => l.startsWith("Ada,"))!.split(",");
    expect(adaLine.slice(12, 18)).toEqual(["warm-up", "7", "20", "100", "false", new Date(examOf(after, ada.sessionId)!.finishedAt!).toISOString()]);
    expect(adaLine[18]).toBe("0");
    const bobLine = lines.find((l) => l.startsWith("Bob,"))!.split(",");
    expect(bobLine.slice(12, 17)).toEqual(["warm-up", "7", "", "100", ""]);
    expect(Number(bobLine[18])).toBeGreaterThan(39 * 60);
  });

  it("gives each student a draw of their own with seedPerStudent", async () => {
    const created = await createExamClass({ seedPerStudent: true });
    const ada = await join(created.id, "Ada");
    const bob = await join(created.id, "Bob");
    const [a, b] = [await sessionExam(ada.sessionId), await sessionExam(bob.sessionId)];
    // Two random 32-bit seeds are equal once in four billion classes.
    expect(a.seed).not.toBe(b.seed);
    const rows = await board(created);
    expect(examOf(rows, ada.sessionId)!.seed).toBe(a.seed);
    expect(examOf(rows, bob.sessionId)!.seed).toBe(b.seed);
  });

  it("scores a student who walked away at the deadline: the session's alarm grades the exam and reports it", async () => {
    const created = await createExamClass({ seed: 3, durationMinutes: 1 });
    const ada = await join(created.id, "Ada");
    const session = env.SESSIONS.get(env.SESSIONS.idFromName(ada.sessionId));
    // The deadline passes: the exam's stored clock is moved back, as a minute's wait would.
    await runInDurableObject(session, (instance) => {
      const state = instance as unknown as { ctx: DurableObjectState; examRun: { startedAt: number; deadline: number } };
      state.examRun = { ...state.examRun, startedAt: state.examRun.startedAt - 120_000, deadline: Date.now() - 60_000 };
      state.ctx.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'exam'", JSON.stringify(state.examRun));
    });
    expect(await runDurableObjectAlarm(session)).toBe(true);
    const after = await boardUntil(created, (b) => examOf(b, ada.sessionId)?.score !== null);
    expect(examOf(after, ada.sessionId)).toMatchObject({ score: 0, passed: false, secondsLeft: 0 });
    expect(after.students[0].finished).toBe(true);
    const report = (await (await request(`/api/sessions/${ada.sessionId}/exam`)).json()) as { finished: boolean; report: { score: number } };
    expect(report).toMatchObject({ finished: true, report: { score: 0 } });
  });
});
