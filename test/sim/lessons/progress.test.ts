import { describe, expect, it } from "vitest";
import { advanceLesson, backStep, checkAgain, evaluateStep, lessonComplete, skipStep, startLesson } from "../../../worker/sim/lessons/progress.ts";
import { validateLesson, type Lesson } from "../../../worker/sim/lessons/schema.ts";
import { findBuiltinLesson } from "../../../worker/sim/lessons/builtin.ts";
import { resolvePlaceholders } from "../../../worker/sim/lessons/solution.ts";
import { createSession, execute } from "../../../worker/sim/engine.ts";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
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
    // Kept for a return to the step (Back), which then still knows the curl.
    expect(Object.keys(next.progress.ahead ?? {})).toEqual(["curl-node"]);
  });

  it("does not count a request that failed", () => {
    let { progress } = startLesson(lesson, { cluster: withPod });
    progress = advanceLesson(lesson, progress, { cluster: withPod }, { traces: [trace({ host: "192.168.56.12", port: 30080, verdict: "refused" })] }).progress;
    progress = advanceLesson(lesson, progress, { cluster: exposed }, { traces: [] }).progress;
    expect(progress.currentStep).toBe(2);
    expect(evaluateStep(lesson, progress, { cluster: exposed })?.passed).toBe(false);
  });
});

describe("the learner's moves: Check again, Skip, Back", () => {
  const lesson = (() => {
    const result = validateLesson({
      id: "moves",
      title: "Moves",
      summary: "S",
      steps: [
        { id: "run-nginx", title: "Run nginx", text: "x", check: { object: { kind: "Pod", name: "nginx", ready: true } } },
        { id: "curl-node", title: "Curl a node", text: "x", check: { request: { from: "workstation", to: "nodePort", verdict: "answered" } } },
        { id: "expose", title: "Expose", text: "x", check: { object: { kind: "Service", name: "nginx" } } },
      ],
      solution: ["true"],
    });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    return result.lesson;
  })();
  const empty = cluster();
  const withPod = cluster({ pods: [pod("nginx")] });
  const exposed = cluster({ pods: [pod("nginx")], services: [service("nginx", { type: "NodePort", ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] })] });
  const curl = trace({ host: "192.168.56.12", port: 30080, pod: "nginx" });
  function moved<T>(result: T | { refused: string }): T {
    if (typeof result === "object" && result !== null && "refused" in result) throw new Error(result.refused);
    return result as T;
  }

  it("Check again completes a step the cluster now satisfies, without a command", () => {
    const { progress } = startLesson(lesson, { cluster: empty });
    const notYet = moved(checkAgain(lesson, progress, { cluster: empty }));
    expect(notYet.events).toEqual([]);
    expect(notYet.status).toEqual({ stepId: "run-nginx", passed: false, explanation: "there is no pod nginx in namespace default" });
    const passed = moved(checkAgain(lesson, notYet.progress, { cluster: withPod }));
    expect(passed.events).toEqual([{ type: "step-completed", lessonId: "moves", stepId: "run-nginx" }]);
    expect(passed.progress.currentStep).toBe(1);
  });

  it("Skip leaves the step undone, begins the next one and reports the skip", () => {
    const { progress } = startLesson(lesson, { cluster: empty });
    const skipped = moved(skipStep(lesson, progress, { cluster: empty }));
    expect(skipped.events).toEqual([{ type: "step-skipped", lessonId: "moves", stepId: "run-nginx" }]);
    expect(skipped.progress).toMatchObject({ currentStep: 1, completed: [], skipped: ["run-nginx"], moves: 1 });
    expect(skipped.status).toMatchObject({ stepId: "curl-node", passed: false });
  });

  it("skipping the last step completes the lesson, and a complete lesson has nothing to skip or check", () => {
    let { progress } = startLesson(lesson, { cluster: empty });
    for (let i = 0; i < 2; i++) progress = moved(skipStep(lesson, progress, { cluster: empty })).progress;
    const last = moved(skipStep(lesson, progress, { cluster: empty }));
    expect(last.events).toEqual([
      { type: "step-skipped", lessonId: "moves", stepId: "expose" },
      { type: "lesson-completed", lessonId: "moves" },
    ]);
    expect(lessonComplete(lesson, last.progress)).toBe(true);
    expect(skipStep(lesson, last.progress, { cluster: empty })).toEqual({ refused: "The lesson is complete: there is no step to skip." });
    expect(checkAgain(lesson, last.progress, { cluster: empty })).toEqual({ refused: "The lesson is complete: there is no step to check." });
  });

  it("Back reopens the step before, no longer done or skipped; the first step has no step before it", () => {
    const { progress } = startLesson(lesson, { cluster: empty });
    expect(backStep(lesson, progress, { cluster: empty })).toEqual({ refused: "This is the lesson's first step: there is no step before it." });
    const done = advanceLesson(lesson, progress, { cluster: withPod }, { traces: [] }).progress;
    const skipped = moved(skipStep(lesson, done, { cluster: withPod })).progress;
    const back = moved(backStep(lesson, skipped, { cluster: withPod }));
    expect(back.events).toEqual([{ type: "step-reopened", lessonId: "moves", stepId: "curl-node" }]);
    expect(back.progress).toMatchObject({ currentStep: 1, completed: ["run-nginx"], skipped: [], moves: 2 });
    const first = moved(backStep(lesson, back.progress, { cluster: withPod }));
    expect(first.progress).toMatchObject({ currentStep: 0, completed: [] });
    // The pod is still there: the reopened step passes at once, and says so.
    expect(first.status).toMatchObject({ stepId: "run-nginx", passed: true });
  });

  it("Back from a complete lesson reopens its last step", () => {
    let { progress } = startLesson(lesson, { cluster: empty });
    for (let i = 0; i < 3; i++) progress = moved(skipStep(lesson, progress, { cluster: empty })).progress;
    const back = moved(backStep(lesson, progress, { cluster: exposed }));
    expect(back.progress.currentStep).toBe(2);
    expect(back.status).toMatchObject({ stepId: "expose", passed: true });
  });

  it("a request made before a step was skipped, or in a step left by Back, still counts when the step begins again", () => {
    let { progress } = startLesson(lesson, { cluster: withPod });
    progress = advanceLesson(lesson, progress, { cluster: withPod }, { traces: [] }).progress;
    // On "curl-node": the curl is made, then the learner skips on before the check ran again.
    progress = moved(skipStep(lesson, { ...progress, requests: {} }, { cluster: exposed })).progress;
    progress = advanceLesson(lesson, progress, { cluster: exposed }, { traces: [curl] }).progress;
    expect(progress.completed).toEqual(["run-nginx", "expose"]);
    expect(lessonComplete(lesson, progress)).toBe(true);
    const back = moved(backStep(lesson, moved(backStep(lesson, progress, { cluster: exposed })).progress, { cluster: exposed }));
    expect(back.status).toMatchObject({ stepId: "curl-node", passed: true });
  });
});

describe("the seed lesson (services-nodeport), done early and out of order", () => {
  const lesson = findBuiltinLesson("services-nodeport")!;

  /** A learner at the console: each command 5 s after the last, the lesson advanced after each. */
  function learner() {
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);
    let state = createSession({ seed: 1, now, profile: resolveProfile(lesson.cluster) });
    for (const command of lesson.setup ?? []) state = execute(state, command, { now }).state;
    let progress = startLesson(lesson, state).progress;
    const completed: string[] = [];
    return {
      run(command: string) {
        now += 5_000;
        const filled = resolvePlaceholders(command, state.cluster);
        if (!filled.ok) throw new Error(filled.error);
        const result = execute(state, filled.command, { now });
        state = result.state;
        const advanced = advanceLesson(lesson, progress, state, result);
        progress = advanced.progress;
        for (const e of advanced.events) if (e.type === "step-completed") completed.push(e.stepId);
        return advanced;
      },
      get step() {
        return lesson.steps[progress.currentStep]?.id ?? "complete";
      },
      completed,
    };
  }
  const dbWork = [
    "kubectl run db --image=redis",
    "kubectl expose pod db --port 6379",
    "kubectl wait --for=condition=Ready pod/db",
    "kubectl run -it --rm client --image=redis --restart=Never -- redis-cli -h db ping",
  ];
  const recreateDb = ["kubectl delete pod db", "kubectl run db --image=redis", "kubectl wait --for=condition=Ready pod/db"];
  const nginxSteps = [
    "curl -m 5 http://{{podIP nginx}}",
    "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort",
    "curl http://{{nodeIP node01}}:{{nodePort nginx}}",
    "curl http://{{nodeIP node02}}:{{nodePort nginx}}",
    "kubectl label pod nginx run-",
    "curl http://{{nodeIP node01}}:{{nodePort nginx}}",
    "kubectl label pod nginx run=nginx",
    "curl -m 5 http://{{clusterIP nginx}}:8080",
    "ssh node01",
    "curl http://{{clusterIP nginx}}:8080",
    "exit",
  ];

  it("counts the database steps done first, the db pod recreated before its step began included", () => {
    const l = learner();
    l.run("kubectl run nginx --image=nginx");
    l.run("kubectl get pods -o wide");
    expect(l.step).toBe("pod-ip-from-outside");
    // The whole database part, pod recreation included, long before its steps.
    for (const command of [...dbWork, ...recreateDb]) l.run(command);
    for (const command of nginxSteps) l.run(command);
    // The database steps were done when they began: the nginx commands moved through them.
    expect(["database-by-name", "pod-ip-changes"]).toContain(l.step);
    const rest = [l.run("kubectl get pods"), ...(l.step === "complete" ? [] : [l.run("kubectl get pods")])];
    expect(rest.at(-1)?.events).toContainEqual({ type: "lesson-completed", lessonId: lesson.id });
    expect(l.completed).toEqual(lesson.steps.map((s) => s.id));
  });

  it("still asks for a new db pod IP when the pod was not recreated before its step", () => {
    const l = learner();
    l.run("kubectl run nginx --image=nginx");
    l.run("kubectl get pods -o wide");
    for (const command of [...dbWork, ...nginxSteps]) l.run(command);
    if (l.step === "database-by-name") l.run("kubectl get pods");
    expect(l.step).toBe("pod-ip-changes");
    const waiting = l.run("kubectl get pods");
    expect(waiting.status).toMatchObject({ stepId: "pod-ip-changes", passed: false });
    expect(waiting.status?.explanation).toMatch(/^pod db still has status\.podIP 10\.244\.\d+\.\d+, as when this step started$/);
    for (const command of recreateDb) l.run(command);
    expect(l.step).toBe("complete");
  });

  it("counts a step's request made while an earlier step was current, out of order (every-node before curl-the-nodeport)", () => {
    const l = learner();
    l.run("kubectl run nginx --image=nginx");
    l.run("kubectl get pods -o wide");
    l.run("curl -m 5 http://{{podIP nginx}}");
    l.run("kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort");
    expect(l.step).toBe("curl-the-nodeport");
    // node02 first: it completes curl-the-nodeport and is the second half of every-node, which the
    // node01 curl then completes.
    expect(l.run("curl http://{{nodeIP node02}}:{{nodePort nginx}}").events).toEqual([{ type: "step-completed", lessonId: lesson.id, stepId: "curl-the-nodeport" }]);
    expect(l.run("curl http://{{nodeIP node01}}:{{nodePort nginx}}").events).toEqual([{ type: "step-completed", lessonId: lesson.id, stepId: "every-node" }]);
    expect(l.step).toBe("labels-and-selectors");
  });
});
