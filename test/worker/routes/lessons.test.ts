import { describe, expect, it } from "vitest";
import { advanceClock, createSession, errorOf, isType, postJson, read, request, run, Watcher } from "../helpers.ts";

const LESSON_YAML = `id: my-first-lesson
title: A pod
summary: Run one pod.
steps:
  - id: run-it
    title: Run it
    text: Run \`kubectl run web --image=nginx\`.
    check:
      object:
        kind: Pod
        name: web
solution:
  - kubectl run web --image=nginx
`;

function upload(text: string, contentType = "text/yaml"): Promise<Response> {
  return request("/api/lessons", { method: "POST", headers: { "Content-Type": contentType }, body: text });
}

interface LessonBlock {
  lesson: { id: string };
  progress: { lessonId: string; currentStep: number; completed: string[] };
  status: { stepId: string; passed: boolean } | null;
}

describe("/api/lessons", () => {
  it("lists the built-in lessons", async () => {
    const response = await request("/api/lessons");
    expect(response.status).toBe(200);
    const { lessons } = (await response.json()) as { lessons: Array<{ id: string; title: string; summary: string; steps: number }> };
    expect(lessons.map((l) => l.id)).toContain("services-nodeport");
    for (const lesson of lessons) expect(lesson.steps).toBeGreaterThan(0);
  });

  it("answers one lesson by id, 404 for an unknown one", async () => {
    const response = await request("/api/lessons/services-nodeport");
    expect(((await response.json()) as { lesson: { id: string } }).lesson.id).toBe("services-nodeport");
    expect(await errorOf(await request("/api/lessons/no-such-lesson"))).toMatchObject({ status: 404, code: "lesson_not_found" });
    expect((await request("/api/lessons/u-AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });

  it("stores an uploaded YAML lesson under a random id that sessions can follow", async () => {
    const response = await upload(LESSON_YAML);
    expect(response.status).toBe(201);
    const { id, lesson } = (await response.json()) as { id: string; lesson: { id: string } };
    expect(id).toMatch(/^u-[A-Za-z0-9_-]{22}$/);
    expect(lesson.id).toBe("my-first-lesson");
    expect(((await (await request(`/api/lessons/${id}`)).json()) as { lesson: { id: string } }).lesson.id).toBe("my-first-lesson");

    const session = await createSession({ lesson: id });
    const reply = (await run(session.id, session.editKey, "kubectl run web --image=nginx")) as unknown as { lesson: { events: Array<{ type: string }> } };
    expect(reply.lesson.events.map((e) => e.type)).toEqual(["step-completed", "lesson-completed"]);
  });

  it("accepts the same lesson as JSON", async () => {
    const json = JSON.stringify({ id: "json-lesson", title: "T", summary: "S", steps: [{ id: "a", title: "A", text: "x", check: { object: { kind: "Pod", name: "web" } } }], solution: ["kubectl run web --image=nginx"] });
    expect((await upload(json, "application/json")).status).toBe(201);
  });

  it("refuses an invalid lesson with every error, naming its path", async () => {
    const error = await upload("id: Not A Slug\ntitle: x\nsteps: []\n");
    expect(error.status).toBe(400);
    const body = (await error.json()) as { error: { code: string; message: string; details: string[] } };
    expect(body.error.code).toBe("invalid_lesson");
    expect(body.error.details.length).toBeGreaterThan(1);
    expect(body.error.message).toBe(body.error.details[0]);
  });

  it("refuses a lesson file over 64 KB", async () => {
    expect(await errorOf(await upload(`${LESSON_YAML}# ${"x".repeat(65 * 1024)}\n`))).toMatchObject({ status: 413 });
  });
});

describe("a session that follows a lesson", () => {
  it("starts at the first step, advances with commands, and tells watchers", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    expect(session).toMatchObject({ lesson: "services-nodeport" });
    const start = (await read(session.id)) as unknown as { lesson: LessonBlock };
    expect(start.lesson.progress).toMatchObject({ lessonId: "services-nodeport", currentStep: 0, completed: [] });
    expect(start.lesson.status).toMatchObject({ stepId: "run-a-pod", passed: false });

    const watcher = await Watcher.open(session.id);
    const first = (await run(session.id, session.editKey, "kubectl run nginx --image=nginx")) as unknown as { lesson: LessonBlock & { events: unknown[] } };
    expect(first.lesson.events).toEqual([]);
    expect(first.lesson.status).toMatchObject({ stepId: "run-a-pod", passed: false });
    await advanceClock(session.id, 60_000);
    const second = (await run(session.id, session.editKey, "kubectl get pods -o wide")) as unknown as { lesson: LessonBlock & { events: unknown[] } };
    expect(second.lesson.events).toEqual([{ type: "step-completed", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    expect(second.lesson.status).toMatchObject({ stepId: "pod-ip-from-outside" });
    const broadcast = await watcher.next((m) => m.type === "command" && (m.lesson as { events: unknown[] } | undefined)?.events.length === 1);
    expect(broadcast.lesson).toEqual(second.lesson);
    watcher.close();

    const after = (await read(session.id)) as unknown as { lesson: LessonBlock };
    expect(after.lesson.progress).toMatchObject({ currentStep: 1, completed: ["run-a-pod"] });

    // Snapshots and forks carry the lesson and the progress.
    const snapshot = (await (await postJson(`/api/sessions/${session.id}/snapshots`, {})).json()) as { snapshotId: string };
    const frozen = (await (await request(`/api/snapshots/${snapshot.snapshotId}`)).json()) as { lesson: LessonBlock };
    expect(frozen.lesson.progress).toEqual(after.lesson.progress);
    const fork = await createSession({ from: snapshot.snapshotId });
    expect(fork).toMatchObject({ lesson: "services-nodeport" });
    expect(((await read(fork.id)) as unknown as { lesson: LessonBlock }).lesson.progress).toEqual(after.lesson.progress);
  });

  it("runs a lesson's setup commands first, marked as setup", async () => {
    const session = await createSession({ lesson: "debugging-services" });
    const view = await read(session.id);
    expect(view.transcript.length).toBeGreaterThan(3);
    expect(view.transcript.every((e) => e.setup === true)).toBe(true);
    expect(view.transcript[0].command).toBe("kubectl create deployment web --image=nginx --replicas=2");
  });

  it("has no lesson when none was asked for", async () => {
    const session = await createSession();
    expect(((await read(session.id)) as unknown as { lesson: unknown }).lesson).toBe(null);
    const reply = await run(session.id, session.editKey, "kubectl get pods");
    expect(reply).not.toHaveProperty("lesson");
  });

  it("completes a step from the alarm when pods become ready while someone watches", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    const watcher = await Watcher.open(session.id);
    await run(session.id, session.editKey, "kubectl run nginx --image=nginx");
    const lesson = await watcher.next(isType("lesson"), 10_000);
    expect(lesson.events).toEqual([{ type: "step-completed", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    watcher.close();
  }, 15_000);
});
