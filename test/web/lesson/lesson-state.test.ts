import { describe, expect, it } from "vitest";
import { applyUpdate, learnerTyped, lessonModel } from "../../../web/src/lesson/lesson-state.ts";
import { lesson, model, notYet, progress } from "./fixtures.ts";

describe("lesson progress on the page", () => {
  it("starts from the session's lesson, showing the verdict only if the learner already typed", () => {
    const state = { lesson, progress: progress(0), status: notYet("run", "there is no pod nginx") };
    expect(lessonModel(state, false)).toMatchObject({ checked: false, justCompleted: [] });
    expect(lessonModel(state, true)).toMatchObject({ checked: true });
    expect(lessonModel(null, true)).toBeNull();
  });

  it("does not count the setup's commands as the learner's (no verdict before they type)", () => {
    expect(learnerTyped([{ setup: true }, { setup: true }])).toBe(false);
    expect(learnerTyped([{ setup: true }, {}])).toBe(true);
    expect(learnerTyped([])).toBe(false);
  });

  it("reports a completed step once, though the report arrives twice (HTTP and socket)", () => {
    const report = { progress: progress(1), status: notYet("expose", "there is no service nginx") };
    const first = applyUpdate(model(0), report, { kind: "command", seq: 4 });
    expect(first.events).toEqual([{ type: "step-completed", lessonId: "tiny", stepId: "run" }]);
    expect(first.model).toMatchObject({ justCompleted: ["run"], checked: false });
    const again = applyUpdate(first.model, report, { kind: "command", seq: 4 });
    expect(again.events).toEqual([]);
    // The new step has not been tried: its "not yet" stays hidden until the learner's next command.
    expect(again.model).toMatchObject({ justCompleted: ["run"], checked: false });
  });

  it("shows the verdict of each command and keeps the done note until the next step is done", () => {
    const m = model(1, { justCompleted: ["run"], seq: 4 });
    const next = applyUpdate(m, { progress: progress(1), status: notYet("expose", "no endpoints") }, { kind: "command", seq: 5 });
    expect(next.events).toEqual([]);
    expect(next.model).toMatchObject({ checked: true, justCompleted: ["run"], status: { explanation: "no endpoints" }, seq: 5 });
    const done = applyUpdate(next.model, { progress: progress(2), status: null }, { kind: "clock" });
    expect(done.model).toMatchObject({ justCompleted: ["expose"] });
  });

  it("never moves backwards for a late report", () => {
    const m = model(2, { seq: 9 });
    expect(applyUpdate(m, { progress: progress(1), status: null }, { kind: "command", seq: 8 }).model).toBe(m);
    const sameStep = model(1, { seq: 9, checked: true });
    expect(applyUpdate(sameStep, { progress: progress(1), status: notYet("expose", "older") }, { kind: "command", seq: 7 }).model).toBe(sameStep);
  });

  it("completes a step when the clock moves (a pod became ready) and the lesson at the end", () => {
    const tick = applyUpdate(model(0), { progress: progress(1), status: null }, { kind: "clock" });
    expect(tick.events.map((e) => e.type)).toEqual(["step-completed"]);
    const end = applyUpdate(model(2), { progress: progress(3), status: null }, { kind: "command", seq: 12 });
    expect(end.events).toEqual([
      { type: "step-completed", lessonId: "tiny", stepId: "curl" },
      { type: "lesson-completed", lessonId: "tiny" },
    ]);
    expect(applyUpdate(end.model, { progress: progress(3), status: null }, { kind: "refresh" }).events).toEqual([]);
  });

  it("reports every step a refresh finds completed (when the socket was down)", () => {
    const found = applyUpdate(model(0), { progress: progress(2), status: null }, { kind: "refresh" });
    expect(found.events.map((e) => e.type === "step-completed" && e.stepId)).toEqual(["run", "expose"]);
  });

  it("ignores reports about another lesson, or when the session has none", () => {
    const other = { progress: { ...progress(1), lessonId: "other" }, status: null };
    const m = model(0);
    expect(applyUpdate(m, other, { kind: "clock" })).toEqual({ model: m, events: [] });
    expect(applyUpdate(null, other, { kind: "clock" })).toEqual({ model: null, events: [] });
  });

  it("shows the verdict Check again asks for at once, and completes the step it finds done", () => {
    const asked = applyUpdate(model(0), { progress: progress(0), status: notYet("run", "there is no pod nginx") }, { kind: "move", action: "check" });
    expect(asked.events).toEqual([]);
    expect(asked.model).toMatchObject({ checked: true, status: { passed: false } });
    const done = applyUpdate(asked.model, { progress: progress(1), status: notYet("expose", "x") }, { kind: "move", action: "check" });
    expect(done.events).toEqual([{ type: "step-completed", lessonId: "tiny", stepId: "run" }]);
    expect(done.model).toMatchObject({ checked: false, justCompleted: ["run"] });
  });

  it("reports a skip once, and goes back only for a report with more moves", () => {
    const skippedTo1 = { ...progress(1), completed: [], skipped: ["run"], moves: 1 };
    const skip = applyUpdate(model(0), { progress: skippedTo1, status: notYet("expose", "x") }, { kind: "move", action: "skip" });
    expect(skip.events).toEqual([{ type: "step-skipped", lessonId: "tiny", stepId: "run" }]);
    expect(skip.model?.progress.currentStep).toBe(1);
    // The same report again, from the socket.
    expect(applyUpdate(skip.model, { progress: skippedTo1, status: notYet("expose", "x") }, { kind: "clock" }).events).toEqual([]);
    const backTo0 = { ...progress(0), skipped: [], moves: 2 };
    const back = applyUpdate(skip.model, { progress: backTo0, status: notYet("run", "x") }, { kind: "move", action: "back" });
    expect(back.events).toEqual([{ type: "step-reopened", lessonId: "tiny", stepId: "run" }]);
    expect(back.model).toMatchObject({ progress: { currentStep: 0 }, checked: false, justCompleted: [] });
    // The skip's report arriving late (socket after HTTP) does not undo the Back.
    const late = applyUpdate(back.model, { progress: skippedTo1, status: notYet("expose", "x") }, { kind: "clock" });
    expect(late.model).toBe(back.model);
    expect(late.events).toEqual([]);
  });

  it("completes the lesson when the last step is skipped", () => {
    const end = { ...progress(3), completed: ["run", "expose"], skipped: ["curl"], moves: 1 };
    const result = applyUpdate(model(2), { progress: end, status: null }, { kind: "move", action: "skip" });
    expect(result.events).toEqual([
      { type: "step-skipped", lessonId: "tiny", stepId: "curl" },
      { type: "lesson-completed", lessonId: "tiny" },
    ]);
  });
});
