import { describe, expect, it } from "vitest";
import { execute } from "../../../worker/sim/engine.ts";
import { contextErrors, gradeExam, sessionContexts } from "../../../worker/sim/exams/grade.ts";
import { runExamReference, startExamSession } from "../../../worker/sim/exams/reference.ts";
import { examOver, examView, finishExamRun, recordExamCommand } from "../../../worker/sim/exams/run.ts";
import { drawExam, parseExam, type Exam } from "../../../worker/sim/exams/schema.ts";
import { SMALL_EXAM } from "./fixtures.ts";

function small(seed: number): Exam {
  const parsed = parseExam(SMALL_EXAM);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const drawn = drawExam(parsed.exam, seed);
  if (!drawn.ok) throw new Error(drawn.errors.join("\n"));
  return drawn.exam;
}

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

describe("grading an exam", () => {
  it("scores the reference solutions 100 and an untouched attempt 0, for several seeds", () => {
    for (const seed of [1, 2, 3]) {
      const result = runExamReference(small(seed), { seed });
      expect(result.errors).toEqual([]);
      expect(result.untouched?.score).toBe(0);
      expect(result.solved).toMatchObject({ score: 100, max: 100, passed: true });
    }
  });

  it("says per check what was expected and what was found, with the failing route's trace", () => {
    const exam = small(2);
    const { state, run } = startExamSession(exam, 2, START, 5_000);
    const report = gradeExam(exam, 2, run.memory, state);
    expect(report).toMatchObject({ examId: "small", seed: 2, score: 0, max: 100, passPercent: 66, passed: false });
    const [expose, fix] = report.tasks;
    expect(expose.checks[0]).toMatchObject({ passed: false, found: `there is no service ${exam.tasks[0].checks[0] && (exam.tasks[0].checks[0] as any).object.name} in namespace ${(exam.tasks[0].checks[0] as any).object.namespace}` });
    expect(expose.checks[2].expected).toMatch(/^\/opt\/course\/1\/pods\.txt holds what `kubectl -n team-[a-z0-9]{4} get pods -o name` prints now: \npod\/.+\npod\/.+$/);
    expect(fix.checks[0]).toMatchObject({ passed: false, expected: "a request to http://api.default.svc.cluster.local/ from pod api is answered with status 200" });
    expect(fix.checks[0].found).toMatch(/^the request was refused: .*8080/);
    expect(fix.checks[0].trace?.verdict).toBe("refused");
    expect(fix.checks[0].trace?.hops.some((h) => h.kind === "service")).toBe(true);
    expect(expose.solution).toEqual(exam.tasks[0].solution);
    expect(expose.why).toBe(exam.tasks[0].why);
  });

  it("gives part of a task's weight for part of its checks, and shows a wrong file", () => {
    const exam = small(4);
    let { state, run } = startExamSession(exam, 4, START, 5_000);
    let now = START + 60_000;
    for (const command of ["echo selector > /opt/course/2/fault.txt", "printf 'b\\na\\n' > /opt/course/2/lines.txt", exam.tasks[1].solution[0]]) {
      now += 5_000;
      const result = execute(state, command, { now });
      expect(result.exitCode).toBe(0);
      state = result.state;
      run = recordExamCommand(run, state, result.traces);
    }
    const report = gradeExam(exam, 4, run.memory, state);
    const fix = report.tasks[1];
    expect(fix.checks.map((c) => c.passed)).toEqual([true, false, false]);
    expect(fix.score).toBe(13.3);
    expect(report.score).toBe(13.3);
    expect(fix.checks[0].trace).toBeUndefined();
    expect(fix.checks[1].found).toBe('/opt/course/2/fault.txt holds: "selector"');
    expect(fix.checks[2].found).toBe("/opt/course/2/lines.txt holds: \nb\na");
  });

  it("makes the answer directories writable and keeps the report final once finished", () => {
    const exam = small(5);
    const { state, run } = startExamSession(exam, 5, START, 5_000);
    const written = execute(state, "ls -ld /opt/course/1 && echo hi > /opt/course/1/pods.txt", { now: START + 90_000 });
    expect(written.exitCode).toBe(0);
    expect(written.output).toMatch(/^drwxr-xr-x .* student /);
    expect(examOver(run, run.deadline - 1)).toBe(false);
    expect(examOver(run, run.deadline)).toBe(true);
    expect(run.deadline - run.startedAt).toBe(30 * 60_000);
    const finished = finishExamRun(run, written.state, run.deadline + 5_000);
    expect(finished.finishedAt).toBe(run.deadline);
    expect(finishExamRun(finished, state, run.deadline + 10_000)).toBe(finished);
    const view = examView(finished, run.deadline + 5_000);
    expect(view).toMatchObject({ examId: "small", finished: true, secondsLeft: 0 });
    expect(view.tasks[0]).toEqual({ id: "expose", title: "Expose a deployment", weight: 60, text: exam.tasks[0].text });
    expect(JSON.stringify(view)).not.toContain("solution");
  });

  it("refuses a task context the session does not have", () => {
    const exam = small(1);
    const { state } = startExamSession(exam, 1, START, 5_000);
    expect(sessionContexts(state)).toEqual(["kubernetes-admin@kubernetes"]);
    expect(contextErrors(exam, sessionContexts(state))).toEqual([]);
    const other = { ...exam, tasks: [{ ...exam.tasks[0], context: "k8s-c2" }, exam.tasks[1]] };
    expect(contextErrors(other, sessionContexts(state))).toEqual([
      "tasks[0].context: the context k8s-c2 does not exist in this session; it has one context, kubernetes-admin@kubernetes",
    ]);
  });
});

describe("object checks on the registry's kinds", () => {
  it("finds an Ingress and a StatefulSet by name and checks their fields and readiness", async () => {
    const { createSession, tick } = await import("../../../worker/sim/engine.ts");
    const { evaluateCheck } = await import("../../../worker/sim/lessons/checks.ts");
    let state = createSession({ seed: 1, now: START });
    let now = START;
    for (const command of [
      "kubectl create ingress web --rule=shop.example/=web:80",
      "kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: 2\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: nginx\nEOF",
    ]) {
      now += 5_000;
      const result = execute(state, command, { now });
      expect(result.output).toMatch(/created/);
      state = result.state;
    }
    // A StatefulSet starts its pods one after the other (OrderedReady): each needs its own while.
    for (let i = 1; i <= 6; i++) state = tick(state, now + i * 30_000);
    const memory = { remembered: {}, requests: {} };
    expect(evaluateCheck({ object: { kind: "Ingress", name: "web", fields: { "spec.rules[0].host": "shop.example" } } }, state.cluster, memory)).toEqual({ passed: true, explanation: "ingress web exists with spec.rules[0].host shop.example" });
    expect(evaluateCheck({ object: { kind: "StatefulSet", name: "db", ready: true, fields: { "spec.serviceName": "db" } } }, state.cluster, memory)).toEqual({ passed: true, explanation: "statefulset db exists with spec.serviceName db, ready" });
    expect(evaluateCheck({ object: { kind: "Ingress", name: "api" } }, state.cluster, memory)).toEqual({ passed: false, explanation: "there is no ingress api in namespace default" });
  });
});

describe("route checks", () => {
  it("fill cluster-picked values into the URL when grading, and say when one is missing", async () => {
    const exam = small(6);
    const route = (url: string) => ({ ...exam, tasks: [{ ...exam.tasks[1], checks: [{ name: "r", route: { url, status: 200 } }] }] }) as Exam;
    const { state, run } = startExamSession(exam, 6, START, 5_000);
    const missing = gradeExam(route("http://{{externalIP api}}/"), 6, run.memory, state).tasks[0].checks[0];
    expect(missing).toEqual({ name: "r", passed: false, expected: "a request to http://{{externalIP api}}/ from the workstation is answered with status 200", found: "the request cannot be made: cannot fill {{externalIP api}}: no such object or value in the cluster" });
    const exposed = execute(state, "kubectl expose pod api --name=api-lb --type=LoadBalancer --port=80", { now: START + 120_000 });
    expect(exposed.exitCode).toBe(0);
    // MetalLB gives the address a moment after the Service is made.
    const { tick } = await import("../../../worker/sim/engine.ts");
    const later = tick(exposed.state, START + 130_000);
    const answered = gradeExam(route("http://{{externalIP api-lb}}/"), 6, run.memory, later).tasks[0].checks[0];
    expect(answered).toMatchObject({ passed: true, found: expect.stringMatching(/^the request was answered with status 200: nginx/) });
  });
});
