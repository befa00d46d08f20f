// The lesson panel's Check again, Skip and Back: POST /api/sessions/:id/lesson {action} moves the
// session's lesson for whoever holds the edit key; the move is stored, travels in snapshots and
// reaches watchers live.
import { describe, expect, it } from "vitest";
import { advanceClock, createSession, errorOf, isType, postJson, request, run, Watcher } from "../helpers.ts";

interface Progress {
  currentStep: number;
  completed: string[];
  skipped?: string[];
  moves?: number;
}
interface Update {
  progress: Progress;
  events: Array<{ type: string; stepId?: string }>;
  status: { stepId: string; passed: boolean; explanation: string } | null;
}

function move(id: string, key: string | undefined, body: unknown): Promise<Response> {
  return postJson(`/api/sessions/${id}/lesson`, body, key === undefined ? {} : { Authorization: `Bearer ${key}` });
}

async function moved(id: string, key: string, action: string): Promise<Update> {
  const response = await move(id, key, { action });
  if (response.status !== 200) throw new Error(`${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Update;
}

async function lessonOf(path: string): Promise<{ progress: Progress; status: Update["status"] }> {
  const body = (await (await request(path)).json()) as { lesson: { progress: Progress; status: Update["status"] } };
  return body.lesson;
}

describe("lesson moves", () => {
  it("Skip, Back and Check again move the lesson, persist, and reach watchers", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    const watcher = await Watcher.open(session.id);
    const skipped = await moved(session.id, session.editKey, "skip");
    expect(skipped.events).toEqual([{ type: "step-skipped", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    expect(skipped.progress).toMatchObject({ currentStep: 1, completed: [], skipped: ["run-a-pod"], moves: 1 });
    expect(skipped.status).toMatchObject({ stepId: "pod-ip-from-outside", passed: false });
    const live = await watcher.next(isType("lesson"));
    expect(live).toMatchObject({ type: "lesson", events: skipped.events, progress: { currentStep: 1 } });
    expect((await lessonOf(`/api/sessions/${session.id}`)).progress).toMatchObject({ currentStep: 1, skipped: ["run-a-pod"] });

    const back = await moved(session.id, session.editKey, "back");
    expect(back.events).toEqual([{ type: "step-reopened", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    expect(back.progress).toMatchObject({ currentStep: 0, skipped: [], moves: 2 });
    expect(back.status).toMatchObject({ stepId: "run-a-pod", passed: false, explanation: "there is no pod nginx in namespace default" });

    watcher.close();

    // The pod is created, then the clock moves it to ready: Check again completes the step without a command.
    await run(session.id, session.editKey, "kubectl run nginx --image=nginx");
    await advanceClock(session.id, 60_000);
    const checked = await moved(session.id, session.editKey, "check");
    expect(checked.events).toEqual([{ type: "step-completed", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    expect(checked.progress).toMatchObject({ currentStep: 1, completed: ["run-a-pod"] });
  }, 60_000); // the isolate's first session builds the cluster template (seconds on a loaded machine)

  it("travel in a snapshot taken after them, though no command ran in between", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    const first = (await (await postJson(`/api/sessions/${session.id}/snapshots`, {})).json()) as { snapshotId: string };
    await moved(session.id, session.editKey, "skip");
    const response = await postJson(`/api/sessions/${session.id}/snapshots`, {});
    expect(response.status).toBe(201);
    const second = (await response.json()) as { snapshotId: string };
    expect(second.snapshotId).not.toBe(first.snapshotId);
    expect((await lessonOf(`/api/snapshots/${first.snapshotId}`)).progress.currentStep).toBe(0);
    expect((await lessonOf(`/api/snapshots/${second.snapshotId}`)).progress).toMatchObject({ currentStep: 1, skipped: ["run-a-pod"] });
  });

  it("need the edit key", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    expect(await errorOf(await move(session.id, undefined, { action: "skip" }))).toMatchObject({ status: 403 });
    expect(await errorOf(await move(session.id, "not-the-key", { action: "skip" }))).toMatchObject({ status: 403 });
    expect((await lessonOf(`/api/sessions/${session.id}`)).progress.currentStep).toBe(0);
  });

  it.each([
    ["an unknown action", { action: "restart" }],
    ["no action", {}],
    ["another field", { action: "skip", step: 3 }],
  ])("refuse %s with 400", async (_name, body) => {
    const session = await createSession({ lesson: "services-nodeport" });
    expect(await errorOf(await move(session.id, session.editKey, body))).toMatchObject({ status: 400 });
  });

  it("answer 409 with the reason when the move cannot be made", async () => {
    const plain = await createSession();
    expect(await errorOf(await move(plain.id, plain.editKey, { action: "check" }))).toEqual({ status: 409, code: "no_lesson", message: "This session follows no lesson." });
    const session = await createSession({ lesson: "services-nodeport" });
    expect(await errorOf(await move(session.id, session.editKey, { action: "back" }))).toEqual({
      status: 409,
      code: "lesson_move_refused",
      message: "This is the lesson's first step: there is no step before it.",
    });
  });

  it("answer 404 for a session that does not exist", async () => {
    expect(await errorOf(await move("AAAAAAAAAAAAAAAAAAAAAA", "k", { action: "skip" }))).toMatchObject({ status: 404, code: "session_not_found" });
  });

  it("are rate-limited like commands: 429 with Retry-After beyond the burst", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    const responses = await Promise.all(Array.from({ length: 100 }, () => move(session.id, session.editKey, { action: "check" })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    const limited = responses.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(limited!)).toMatchObject({ code: "rate_limited" });
  });
});
