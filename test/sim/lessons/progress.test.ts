import { describe, expect, it } from "vitest";
import { advanceLesson, evaluateStep, lessonComplete, startLesson } from "../../../worker/sim/lessons/progress.ts";
import { validateLesson, type Lesson } from "../../../worker/sim/lessons/schema.ts";
import { cluster, pod, service, trace } from "./fixtures.ts";

function twoSteps(): Lesson {
  const result = validateLesson({
    id: "two",
    title: "Two",
    summary: "S",
    steps: [
      { id: "run-db", title: "Run db", text: "x", check: { object: { kind: "Pod", name: "db", ready: true } } },
      { id: "recreate-db", title: "Recreate db", text: "x", check: { changed: { kind: "Pod", name: "db", field: "status.podIP" } } },
    ],
    solution: ["true"],
  });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.lesson;
}

describe("lesson progress", () => {
  const empty = cluster();
  const db1 = cluster({ pods: [pod("db", { ip: "10.244.1.5" })] });
  const db2 = cluster({ pods: [pod("db", { ip: "10.244.2.9" })] });

  it("starts at the first step and says so", () => {
    const lesson = twoSteps();
    const started = startLesson(lesson, { cluster: empty });
    expect(started.events).toEqual([{ type: "lesson-started", lessonId: "two" }]);
    expect(started.progress).toMatchObject({ lessonId: "two", currentStep: 0, completed: [] });
    expect(started.status).toEqual({ stepId: "run-db", passed: false, explanation: "there is no pod db in namespace default" });
  });

  it("completes one step per command, remembering values when each step starts", () => {
    const lesson = twoSteps();
    let { progress } = startLesson(lesson, { cluster: empty });
    const first = advanceLesson(lesson, progress, { cluster: db1 }, { traces: [] });
    expect(first.events).toEqual([{ type: "step-completed", lessonId: "two", stepId: "run-db" }]);
    // The IP is remembered when step 2 starts (db1), not when the lesson started (no pod).
    expect(first.progress.remembered).toEqual({ check: "10.244.1.5" });
    expect(first.status?.passed).toBe(false);
    progress = first.progress;
    const same = advanceLesson(lesson, progress, { cluster: db1 }, { traces: [] });
    expect(same.events).toEqual([]);
    const second = advanceLesson(lesson, same.progress, { cluster: db2 }, { traces: [] });
    expect(second.events).toEqual([
      { type: "step-completed", lessonId: "two", stepId: "recreate-db" },
      { type: "lesson-completed", lessonId: "two" },
    ]);
    expect(second.progress.completed).toEqual(["run-db", "recreate-db"]);
    expect(lessonComplete(lesson, second.progress)).toBe(true);
    expect(evaluateStep(lesson, second.progress, { cluster: db2 })).toBeUndefined();
    expect(advanceLesson(lesson, second.progress, { cluster: db2 }, { traces: [] }).events).toEqual([]);
  });

  it("does not let one command complete two steps", () => {
    const lesson = twoSteps();
    const { progress } = startLesson(lesson, { cluster: db2 });
    const result = advanceLesson(lesson, progress, { cluster: db2 }, { traces: [] });
    expect(result.progress.completed).toEqual(["run-db"]);
  });

  it("keeps progress as plain JSON", () => {
    const lesson = twoSteps();
    const { progress } = advanceLesson(lesson, startLesson(lesson, { cluster: empty }).progress, { cluster: db1 }, { traces: [] });
    expect(JSON.parse(JSON.stringify(progress))).toEqual(progress);
  });

  it("ignores progress that belongs to another lesson", () => {
    const lesson = twoSteps();
    const foreign = { lessonId: "other", currentStep: 0, completed: [], remembered: {}, requests: {} };
    expect(advanceLesson(lesson, foreign, { cluster: db1 }, { traces: [] })).toEqual({ progress: foreign, events: [] });
  });
});

describe("a forgiving lesson: requests count whenever they were made", () => {
  const lesson = (() => {
    const result = validateLesson({
      id: "early",
      title: "Early",
      summary: "S",
      steps: [
        { id: "run-nginx", title: "Run nginx", text: "x", check: { object: { kind: "Pod", name: "nginx", ready: true } } },
        { id: "expose", title: "Expose", text: "x", check: { object: { kind: "Service", name: "nginx" } } },
        { id: "curl-node", title: "Curl a node", text: "x", check: { request: { from: "workstation", to: "nodePort", verdict: "answered" } } },
      ],
      solution: ["true"],
    });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    return result.lesson;
  })();
  const withPod = cluster({ pods: [pod("nginx")] });
  const exposed = cluster({ pods: [pod("nginx")], services: [service("nginx", { type: "NodePort", ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] })] });
  const curl = trace({ host: "192.168.56.12", port: 30080, pod: "nginx" });

  it("counts a curl made in an earlier step for the step that asks for it", () => {
    let { progress } = startLesson(lesson, { cluster: withPod });
    progress = advanceLesson(lesson, progress, { cluster: withPod }, { traces: [] }).progress;
    expect(progress.completed).toEqual(["run-nginx"]);
    // Still on "expose" (the command created the service), the learner already curls the NodePort.
    const early = advanceLesson(lesson, progress, { cluster: exposed }, { traces: [curl] });
    expect(early.progress.completed).toEqual(["run-nginx", "expose"]);
    // The curl step starts knowing the curl: its check passes without another request.
    expect(early.status).toMatchObject({ stepId: "curl-node", passed: true });
    const next = advanceLesson(lesson, early.progress, { cluster: exposed }, { traces: [] });
    expect(next.events).toContainEqual({ type: "lesson-completed", lessonId: "early" });
    expect(next.progress.ahead).toBeUndefined();
  });

  it("does not count a request that failed", () => {
    let { progress } = startLesson(lesson, { cluster: withPod });
    progress = advanceLesson(lesson, progress, { cluster: withPod }, { traces: [trace({ host: "192.168.56.12", port: 30080, verdict: "refused" })] }).progress;
    progress = advanceLesson(lesson, progress, { cluster: exposed }, { traces: [] }).progress;
    expect(progress.currentStep).toBe(2);
    expect(evaluateStep(lesson, progress, { cluster: exposed })?.passed).toBe(false);
  });
});
