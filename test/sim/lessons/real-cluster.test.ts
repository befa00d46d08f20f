// The checks against the real simulator: traces and objects as kubectl, the cluster and the data
// plane produce them, with the explanations a learner would read.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { advanceLesson, startLesson, type AdvanceResult } from "../../../worker/sim/lessons/progress.ts";
import { resolvePlaceholders } from "../../../worker/sim/lessons/solution.ts";
import { validateLesson, type Lesson } from "../../../worker/sim/lessons/schema.ts";

function lessonOf(check: unknown): Lesson {
  const result = validateLesson({ id: "t", title: "T", summary: "S", steps: [{ id: "only", title: "Only", text: "x", check }], solution: ["true"] });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.lesson;
}

/** Runs setup commands, starts a one-step lesson, runs the step's commands; returns the last advance. */
function play(check: unknown, setup: string[], commands: string[]): { last: AdvanceResult; outputs: string[]; events: string[] } {
  let now = Date.UTC(2026, 0, 5, 9);
  let state: SessionState = createSession({ seed: 7, now });
  const run = (command: string) => {
    now += 5_000;
    const filled = resolvePlaceholders(command, state.cluster);
    if (!filled.ok) throw new Error(filled.error);
    const result = execute(state, filled.command, { now });
    state = result.state;
    return result;
  };
  for (const command of setup) run(command);
  const lesson = lessonOf(check);
  let last = startLesson(lesson, state);
  const outputs: string[] = [];
  const events: string[] = [];
  for (const command of commands) {
    const result = run(command);
    outputs.push(result.output);
    last = advanceLesson(lesson, last.progress, state, result);
    events.push(...last.events.map((e) => e.type));
  }
  return { last, outputs, events };
}

const nginx = ["kubectl run nginx --image=nginx", "kubectl get pods"];

describe("checks on the simulated cluster", () => {
  it("explain a selector that matches no pod", () => {
    const { last } = play({ endpoints: { service: "nginx" } }, nginx, ["kubectl expose pod nginx --port 80 --selector run=ngnix"]);
    expect(last.status?.explanation).toBe("the service nginx has no endpoints: its selector run=ngnix matches no pod (pod nginx has run=nginx)");
  });

  it("explain a refused NodePort with the data plane's reason", () => {
    const { last, outputs } = play(
      { request: { from: "workstation", to: { kind: "nodePort", service: "nginx" }, verdict: "answered", status: 200 } },
      [...nginx, "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort", "kubectl label pod nginx run-"],
      ["curl http://{{nodeIP node01}}:{{nodePort nginx}}"],
    );
    expect(outputs[0]).toMatch(/^curl: \(7\) Failed to connect to 192\.168\.56\.11 port \d+/);
    expect(last.status?.explanation).toMatch(/^the last request to 192\.168\.56\.11:\d+ was refused: .+/);
  });

  it("explain a pod that cannot pull its image", () => {
    const { last } = play({ object: { kind: "Pod", name: "shop", ready: true } }, [], ["kubectl run shop --image=ngnix", "kubectl get pods", "kubectl get pods"]);
    expect(last.status?.explanation).toMatch(/^pod shop: it is not ready: its status is (ErrImagePull|ImagePullBackOff)$/);
  });

  it.each([
    ["client", true],
    ["someone-else", false],
  ])("recognise pod %s calling a Service by name, and the pods that answered", (from, completes) => {
    const { events } = play(
      { request: { from: { kind: "pod", name: from }, to: { kind: "name", service: "nginx" }, verdict: "answered", status: 200, distinctPods: 2 } },
      ["kubectl create deployment nginx --image=nginx --replicas=2", "kubectl expose deployment nginx --port 80", "kubectl run client --image=curlimages/curl -- sleep 3600", "kubectl get pods"],
      Array.from({ length: 12 }, () => "kubectl exec client -- curl -s http://nginx"),
    );
    expect(events.includes("step-completed")).toBe(completes);
  });

  it("see a pod IP time out from outside and answer from a node", () => {
    const check = { allOf: [{ request: { from: "workstation", to: { kind: "podIP", pod: "nginx" }, verdict: "timed-out" } }, { request: { from: { kind: "node", name: "node02" }, to: "podIP", verdict: "answered" } }] };
    const { last } = play(check, nginx, ["curl -m 2 http://{{podIP nginx}}", "ssh node02", "curl http://{{podIP nginx}}"]);
    expect(last.events.map((e) => e.type)).toEqual(["step-completed", "lesson-completed"]);
  });

  it("watch a recreated pod's IP change", () => {
    const { events } = play({ changed: { kind: "Pod", name: "db", field: "status.podIP" } }, ["kubectl run db --image=redis", "kubectl get pods"], [
      "kubectl delete pod db",
      "kubectl run db --image=redis",
      "kubectl get pods -o wide",
    ]);
    expect(events).toEqual(["step-completed", "lesson-completed"]);
  });
});
