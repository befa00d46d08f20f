import { describe, expect, it, vi } from "vitest";
import { h } from "preact";
import { LessonView } from "../../../web/src/lesson/components.ts";
import type { LessonModel } from "../../../web/src/lesson/lesson-state.ts";
import { all, byClass, byTag, text, tree } from "../vnodes.ts";
import { lesson, model } from "./fixtures.ts";

type Options = { hintsShown?: number; onShowHint?: () => void; onRun?: (c: string) => void; onMove?: (a: "check" | "skip" | "back") => void; moveError?: string };
const render = (m: LessonModel, options: Options = {}) =>
  tree(h(LessonView, { model: m, hintsShown: options.hintsShown ?? 0, onShowHint: options.onShowHint ?? (() => {}), onRun: options.onRun, onMove: options.onMove, moveError: options.moveError }));

const stepStates = (out: ReturnType<typeof render>) =>
  byTag(byClass(out, "lesson-steps"), "li").map((li) => [li.props["data-step"], li.props.class, li.props["aria-current"]]);

describe("the lesson panel", () => {
  it("shows the title, summary and where the learner is", () => {
    const out = render(model(1));
    expect(text(byTag(out, "h2"))).toBe("A tiny lesson");
    expect(text(byClass(out, "lesson-summary"))).toBe("Run a pod, then expose it.");
    expect(text(byClass(out, "lesson-kicker"))).toBe("Lesson · step 2 of 3");
    expect(stepStates(out)).toEqual([
      ["run", "done", undefined],
      ["expose", "current", "step"],
      ["curl", "upcoming", undefined],
    ]);
    expect(all(out, (el) => el.props.role === "progressbar")[0].props["aria-valuenow"]).toBe(1);
  });

  it("renders the current step's text with a run button that types into the console", () => {
    const onRun = vi.fn();
    const out = render(model(0), { onRun });
    expect(text(byTag(out, "h3"))).toContain("Run a pod");
    const [run] = byClass(out, "run-code");
    (run.props.onClick as () => void)();
    expect(onRun).toHaveBeenCalledWith("kubectl run nginx --image=nginx");
  });

  it("keeps hints behind a button, one at a time", () => {
    const onShowHint = vi.fn();
    const closed = render(model(0), { onShowHint });
    expect(text(closed)).not.toContain("Wait for");
    const [button] = byClass(closed, "show-hint");
    expect(text([button])).toBe("Show hint");
    (button.props.onClick as () => void)();
    expect(onShowHint).toHaveBeenCalledOnce();

    const one = render(model(0), { hintsShown: 1 });
    expect(text(byClass(one, "hint-box"))).toContain("Wait for Running.");
    expect(text(byClass(one, "show-hint"))).toBe("Show another hint");
    const both = render(model(0), { hintsShown: 2 });
    expect(byClass(both, "hint-box")).toHaveLength(2);
    expect(byClass(both, "show-hint")).toHaveLength(0);
    expect(byClass(render(model(1)), "show-hint")).toHaveLength(0); // a step without hints
  });

  it("says why the step is not done yet once the learner has tried", () => {
    const waiting = render(model(1));
    expect(byClass(waiting, "waiting")).toHaveLength(1);
    const tried = render(model(1, { checked: true, status: { stepId: "expose", passed: false, explanation: "the service nginx has no endpoints: its selector matches no ready pod" } }));
    expect(text(byClass(tried, "not-yet"))).toBe("Not yet: the service nginx has no endpoints: its selector matches no ready pod");
  });

  it("says at once that a step was done earlier, without waiting for an attempt", () => {
    const out = render(model(2, { checked: false, status: { stepId: "curl", passed: true, explanation: "" } }));
    expect(byClass(out, "not-yet")).toHaveLength(0);
    expect(text(byClass(out, "passed"))).toBe("✓ Already done: you did this earlier; your next command (or Check again) moves on.");
  });

  it("marks a step that was just completed", () => {
    const out = render(model(1, { justCompleted: ["run"] }));
    expect(text(byClass(out, "lesson-done-note"))).toBe("✓ Done: Run a pod");
  });

  it("shows a completion state when every step is done", () => {
    const out = render(model(lesson.steps.length));
    expect(text(byClass(out, "lesson-kicker"))).toBe("Lesson · complete");
    expect(stepStates(out).map(([, state]) => state)).toEqual(["done", "done", "done"]);
    expect(text(byClass(out, "lesson-complete"))).toContain("Lesson complete");
    expect(byClass(out, "lesson-step")).toHaveLength(0);
  });

  it("offers Back, Check again and Skip, named by what they do, to a learner who can type", () => {
    const onMove = vi.fn();
    const out = render(model(1), { onMove });
    const group = all(out, (el) => el.props.role === "group")[0];
    expect(group.props["aria-label"]).toBe("Lesson controls");
    const buttons = byClass([group], "lesson-move");
    expect(buttons.map((b) => text([b]))).toEqual(["← Back to step 1", "Check again", "Skip this step →"]);
    expect(buttons.every((b) => b.tag === "button" && b.props.type === "button")).toBe(true);
    for (const b of buttons) (b.props.onClick as () => void)();
    expect(onMove.mock.calls.map(([a]) => a)).toEqual(["back", "check", "skip"]);
  });

  it("offers no Back on the first step, only Back once the lesson is complete, and nothing to a watcher", () => {
    expect(byClass(render(model(0), { onMove: () => {} }), "lesson-move").map((b) => text([b]))).toEqual(["Check again", "Skip this step →"]);
    expect(byClass(render(model(lesson.steps.length), { onMove: () => {} }), "lesson-move").map((b) => text([b]))).toEqual(["← Back to step 3"]);
    expect(byClass(render(model(1)), "lesson-move")).toHaveLength(0);
  });

  it("marks skipped steps and says how many the end left behind", () => {
    const skipped = model(lesson.steps.length, { progress: { ...model(0).progress, currentStep: 3, completed: ["run"], skipped: ["expose", "curl"] } });
    const out = render(skipped);
    expect(stepStates(out).map(([, state]) => state)).toEqual(["done", "skipped", "skipped"]);
    expect(text(byClass(out, "lesson-complete"))).toContain("You reached the end of “A tiny lesson”, 2 of its 3 steps skipped: Back returns to them.");
  });

  it("says why a move failed", () => {
    const out = render(model(1), { onMove: () => {}, moveError: "Too many commands for this session; retry in 2 s." });
    const alert = all(out, (el) => el.props.role === "alert");
    expect(alert.map((a) => text([a]))).toEqual(["Too many commands for this session; retry in 2 s."]);
  });

  it("shows the hint that fits the mistake the verdict names, only after an attempt", () => {
    const withHints = { ...lesson, steps: lesson.steps.map((s) => (s.id === "expose" ? { ...s, hintsWhen: { "spec.type": "Add `--type NodePort`.", "spec.ports[0].targetPort": "nginx listens on 80." } } : s)) };
    const status = { stepId: "expose", passed: false, explanation: "service nginx: spec.ports[0].targetPort is 8080, not 80", mistakes: ["spec.ports[0].targetPort"] };
    const tried = render({ ...model(1), lesson: withHints, status, checked: true });
    expect(byClass(byClass(tried, "fitting-hints"), "hint-box").map((b) => text([b]))).toEqual(["Hint for this mistake:nginx listens on 80."]);
    expect(byClass(render({ ...model(1), lesson: withHints, status, checked: false }), "fitting-hints")).toHaveLength(0);
  });
});
