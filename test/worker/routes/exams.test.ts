import { describe, expect, it } from "vitest";
import { command, jsonOf, postJson, request, run, runUntil } from "../helpers.ts";

interface ExamTaskView {
  id: string;
  title: string;
  weight: number;
  text: string;
}
interface Started {
  id: string;
  editKey: string;
  exam: { examId: string; seed: number; durationMinutes: number; deadline: string; startedAt: string; secondsLeft: number; finished: boolean; tasks: ExamTaskView[] };
}
interface Report {
  score: number;
  max: number;
  passed: boolean;
  tasks: Array<{ id: string; weight: number; score: number; checks: Array<{ name: string; passed: boolean; expected: string; found: string; trace?: { verdict: string } }>; solution: string[]; why: string }>;
}

const start = async (body: Record<string, unknown>) => jsonOf<Started>(await postJson("/api/sessions", { exam: "warm-up", ...body }), 201, "start exam");
const finish = (id: string, key?: string) => postJson(`/api/sessions/${id}/exam/finish`, {}, key === undefined ? {} : { Authorization: `Bearer ${key}` });

describe("exams API", () => {
  it("lists the built-in exams", async () => {
    const { exams } = await jsonOf<{ exams: Array<Record<string, unknown>> }>(await request("/api/exams"), 200, "list");
    expect(exams[0]).toEqual({ id: "warm-up", title: "Warm-up: Services in six tasks", summary: expect.any(String), durationMinutes: 30, tasks: 6, passPercent: 66 });
    // The first request starts the Worker on a busy machine.
  }, 60_000);

  it("starts an exam from a seed: 201 with the tasks and the deadline; the same seed draws the same exam", async () => {
    const a = await start({ seed: 42, durationMinutes: 45 });
    const b = await start({ seed: 42 });
    const c = await start({ seed: 43 });
    expect(a.exam).toMatchObject({ examId: "warm-up", seed: 42, durationMinutes: 45, finished: false });
    expect(Date.parse(a.exam.deadline) - Date.parse(a.exam.startedAt)).toBe(45 * 60_000);
    expect(a.exam.secondsLeft).toBeGreaterThan(44 * 60);
    expect(b.exam.durationMinutes).toBe(30);
    expect(a.exam.tasks.map((t) => t.weight)).toEqual([20, 15, 20, 15, 15, 15]);
    expect(b.exam.tasks).toEqual(a.exam.tasks);
    expect(c.exam.tasks.map((t) => t.text)).not.toEqual(a.exam.tasks.map((t) => t.text));
    // The tasks' checks and solutions stay with the session until the report.
    expect(JSON.stringify(a.exam)).not.toMatch(/solution|checks/);
    // The broken start state is there: the exam's setup ran.
    const view = await jsonOf<{ examId: string; report?: unknown }>(await request(`/api/sessions/${a.id}/exam`), 200, "exam");
    expect(view.examId).toBe("warm-up");
    expect(view.report).toBeUndefined();
    const pods = await run(a.id, a.editKey, "kubectl get pods -A --no-headers | grep -c Running");
    expect(Number(pods.output.trim())).toBeGreaterThan(10);
  });

  it("refuses a bad start with the reason", async () => {
    const bad = async (body: unknown, status: number, code: string, message: RegExp) => {
      const response = await postJson("/api/sessions", body);
      expect(response.status).toBe(status);
      const error = (await response.json()) as { error: { code: string; message: string } };
      expect(error.error.code).toBe(code);
      expect(error.error.message).toMatch(message);
    };
    await bad({ exam: "nope" }, 400, "unknown_exam", /There is no exam "nope"; GET \/api\/exams lists them\./);
    await bad({ exam: "warm-up", lesson: "services-nodeport" }, 400, "bad_request", /without from or lesson/);
    await bad({ seed: 3 }, 400, "bad_request", /belong to an exam/);
    await bad({ exam: "warm-up", durationMinutes: 0 }, 400, "bad_request", /durationMinutes must be at least 1/);
    await bad({ exam: "warm-up", seed: -1 }, 400, "bad_request", /seed must be between 0 and 4294967295/);
  });

  it("finishes with the edit key: the report scores what was done, and then the console is closed and the report final", async () => {
    const started = await start({ seed: 7 });
    const { id, editKey } = started;
    // Solve the third task (repair the selector) from the report's own hint: the service's pods.
    const fix = started.exam.tasks.find((t) => t.id === "fix-selector")!;
    const [, name, namespace] = /The Service `([^`]+)` in namespace `([^`]+)`/.exec(fix.text)!;
    await run(id, editKey, `kubectl -n ${namespace} patch service ${name} -p '{"spec":{"selector":{"app":"${name}"}}}'`);
    // Waiting as kubectl does moves the session's clock on: the deployment's pods become ready.
    await run(id, editKey, `kubectl -n ${namespace} rollout status deployment/${name}`);
    // The task's route check calls the Service from the exam's client pod, which may start later.
    await runUntil(id, editKey, `kubectl -n ${namespace} exec client -- curl -s -o /dev/null -w '%{http_code}\\n' http://${name}/`, /^200$/m);
    expect((await finish(id)).status).toBe(403);
    const report = await jsonOf<Report>(await finish(id, editKey), 200, "finish");
    expect(report).toMatchObject({ score: 20, max: 100, passed: false });
    const task = report.tasks.find((t) => t.id === "fix-selector")!;
    expect(task.score).toBe(20);
    expect(task.checks.every((c) => c.passed)).toBe(true);
    const other = report.tasks.find((t) => t.id === "fix-target-port")!;
    expect(other.checks[1]).toMatchObject({ passed: false, found: expect.stringMatching(/^the request was refused/) });
    expect(other.checks[1].trace?.verdict).toBe("refused");
    expect(other.solution[0]).toMatch(/^kubectl -n team-\w+ patch service/);

    const refused = await command(id, editKey, "kubectl get pods");
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: "exam_over", message: expect.stringMatching(/^The exam ended at .* \(it was finished\): the console takes no more commands\./) });
    const after = await jsonOf<{ finished: boolean; secondsLeft: number; report: Report }>(await request(`/api/sessions/${id}/exam`), 200, "exam");
    expect(after).toMatchObject({ finished: true, secondsLeft: 0 });
    expect(after.report).toEqual(report);
    expect(await jsonOf<Report>(await finish(id, editKey), 200, "finish again")).toEqual(report);
  });

  it("says when a session has no exam", async () => {
    const created = await jsonOf<{ id: string }>(await postJson("/api/sessions", {}), 201, "create");
    const response = await request(`/api/sessions/${created.id}/exam`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("no_exam");
  });
});

describe("an exam in snapshots and forks", () => {
  interface SnapshotOf {
    exam: { examId: string; seed: number; finished: boolean; secondsLeft: number; tasks: unknown[]; report?: Report } | null;
  }
  const snapshot = async (id: string) => jsonOf<{ snapshotId: string }>(await postJson(`/api/sessions/${id}/snapshots`, {}), 201, "snapshot");
  const snapshotView = async (snapshotId: string) => jsonOf<SnapshotOf>(await request(`/api/snapshots/${snapshotId}`), 200, "snapshot view");

  it("a snapshot taken while the exam runs keeps it, with its time left then; a fork of it is refused with how to retake it", async () => {
    const started = await start({ seed: 11 });
    const { snapshotId } = await snapshot(started.id);
    const view = await snapshotView(snapshotId);
    expect(view.exam).toMatchObject({ examId: "warm-up", seed: 11, finished: false, tasks: started.exam.tasks });
    expect(view.exam!.secondsLeft).toBeGreaterThan(29 * 60);
    expect(view.exam!.report).toBeUndefined();
    expect(JSON.stringify(view.exam)).not.toMatch(/solution|checks/);
    const fork = await postJson("/api/sessions", { from: snapshotId });
    expect(fork.status).toBe(409);
    const error = ((await fork.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("exam_running");
    expect(error.message).toBe(
      'This snapshot was taken while its exam was running; it cannot be forked. Take the same exam afresh with POST /api/sessions {"exam": "warm-up", "seed": 11}, or fork a snapshot taken after the exam ended.',
    );
    // Nor can a class start its students from it.
    const klass = await postJson("/api/classes", { name: "From a running exam", from: snapshotId });
    expect(klass.status).toBe(409);
    expect(((await klass.json()) as { error: { code: string } }).error.code).toBe("exam_running");
  });

  it("a snapshot taken after Finish keeps the report; its fork is a playground from where the exam ended, without the exam", async () => {
    const started = await start({ seed: 12 });
    await run(started.id, started.editKey, "kubectl create namespace scratch");
    const before = await snapshot(started.id);
    const report = await jsonOf<Report>(await finish(started.id, started.editKey), 200, "finish");
    // The session did not change with Finish, yet the snapshot before it shows the exam running: a new one is taken.
    const { snapshotId } = await snapshot(started.id);
    expect(snapshotId).not.toBe(before.snapshotId);
    const view = await snapshotView(snapshotId);
    expect(view.exam).toMatchObject({ finished: true, secondsLeft: 0, report });
    const fork = await jsonOf<{ id: string; editKey: string; exam?: unknown }>(await postJson("/api/sessions", { from: snapshotId }), 201, "fork");
    expect(fork.exam).toBeUndefined();
    expect((await request(`/api/sessions/${fork.id}/exam`)).status).toBe(404);
    // The console is open again, on the cluster as the exam left it.
    expect((await run(fork.id, fork.editKey, "kubectl get namespace scratch -o name")).output).toBe("namespace/scratch\n");
  });
});
