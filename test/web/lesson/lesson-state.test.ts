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
});
