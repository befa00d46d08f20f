import { readFileSync } from "node:fs";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { describe, expect, it } from "vitest";
import { BUILTIN_MODULE, builtinLessonFiles, generateBuiltinModule } from "../../../scripts/lessons-generate.ts";
import { builtinLessons, builtinLessonSummaries, findBuiltinLesson } from "../../../worker/sim/lessons/builtin.ts";
import { renderMarkdown } from "../../../worker/sim/lessons/markdown.ts";
import { validateLesson } from "../../../worker/sim/lessons/schema.ts";
import { runSolution } from "../../../worker/sim/lessons/solution.ts";
import { createSession, execute, tick } from "../../../worker/sim/engine.ts";
import { advanceLesson, evaluateStep, startLesson } from "../../../worker/sim/lessons/progress.ts";
import { promptOf } from "../../../worker/sim/shell/prompt.ts";
import { splitCommands } from "../../../worker/sim/shell/tokenizer.ts";

describe("built-in lessons", () => {
  it("are generated from lessons/*.yaml (run `npm run lessons:build` after editing one)", () => {
    expect(readFileSync(BUILTIN_MODULE, "utf8")).toBe(generateBuiltinModule(builtinLessonFiles()));
  });

  it("are the lessons of the course, each valid", () => {
    expect(builtinLessonSummaries().map((s) => s.id)).toEqual(["services-nodeport", "deployments-load-balancing", "debugging-services", "networkpolicy", "networkpolicy-flannel", "ingress", "gateway-api", "loadbalancer-externalname", "headless-statefulsets", "coredns"]);
    for (const lesson of builtinLessons) expect(validateLesson(lesson)).toEqual({ ok: true, lesson });
    expect(findBuiltinLesson("services-nodeport")?.title).toBe("Services and NodePort");
    expect(findBuiltinLesson("nope")).toBeUndefined();
  });

  it("give every step something to run", () => {
    for (const lesson of builtinLessons) {
      for (const step of lesson.steps) {
        const blocks = renderMarkdown(step.text);
        expect(blocks.some((b) => b.type === "code"), `${lesson.id}/${step.id}`).toBe(true);
      }
    }
  });

  it.each(builtinLessons.map((l) => [l.id, l] as const))("%s is solved by its reference solution", (_id, lesson) => {
    const report = runSolution(lesson, { seed: 1 });
    const transcript = report.lines.map((l) => `${l.prompt}${l.command}\n${l.output}`).join("");
    expect(report.errors, transcript).toEqual([]);
    expect(report.completed).toEqual(lesson.steps.map((s) => s.id));
  });
});

describe("run buttons of the built-in lessons", () => {
  // A learner who clicks every run button in order, one second apart, and types nothing else
  // except `exit` where the text tells them to leave a node: every kubectl command a button
  // types must work, so no button walks into "container not found" or "kubectl: command not found".
  it.each(builtinLessons.map((l) => [l.id, l] as const))("%s: every kubectl command a run button types succeeds", (_id, lesson) => {
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);
    // On the cluster the lesson asks for (the NetworkPolicy lesson's Calico).
    let state = createSession({ seed: 1, now, profile: resolveProfile(lesson.cluster) });
    const run = (command: string) => {
      now += 1_000;
      const result = execute(state, command, { now });
      state = result.state;
      return result;
    };
    for (const command of lesson.setup ?? []) run(command);
    const failures: string[] = [];
    for (const step of lesson.steps) {
      for (const block of renderMarkdown(step.text)) {
        if (block.type !== "code" || !block.runnable) continue;
        for (const command of splitCommands(block.text)) {
          if (/^kubectl\b/.test(command) && !promptOf(state.shell).startsWith("student@workstation")) {
            if (!/`exit`/.test(step.text)) failures.push(`${step.id}: "${command}" runs on ${promptOf(state.shell).trim()} and the text never says \`exit\``);
            run("exit");
          }
          const result = run(command);
          // `kubectl exec` passes on the exit code of a program that ran: that is the lesson's point.
          const programRan = /command terminated with exit code \d+\n$/.test(result.output);
          if (/^kubectl\b/.test(command) && result.exitCode !== 0 && !programRan) failures.push(`${step.id}: "${command}" -> ${result.output.trim()}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // A step whose commands are all behind run buttons (nothing to fill in) is completed by clicking
  // them in order, one second apart (a pod may still become ready a few seconds later): the buttons
  // never leave a learner on a refused request.
  it.each(builtinLessons.map((l) => [l.id, l] as const))("%s: clicking every run button of a step completes it", (_id, lesson) => {
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);
    // On the cluster the lesson asks for (the NetworkPolicy lesson's Calico).
    let state = createSession({ seed: 1, now, profile: resolveProfile(lesson.cluster) });
    const run = (command: string) => {
      now += 1_000;
      const result = execute(state, command, { now });
      state = result.state;
      return result;
    };
    for (const command of lesson.setup ?? []) run(command);
    let { progress } = startLesson(lesson, state);
    const stuck: string[] = [];
    for (const step of lesson.steps) {
      const blocks = renderMarkdown(step.text).filter((b) => b.type === "code");
      const runnable = blocks.every((b) => b.type === "code" && b.runnable);
      for (const block of blocks) {
        if (block.type !== "code" || !block.runnable) continue;
        for (const command of splitCommands(block.text)) {
          if (/^kubectl\b/.test(command) && !promptOf(state.shell).startsWith("student@workstation")) run("exit");
          if (lesson.steps[progress.currentStep]?.id !== step.id) break;
          const result = run(command);
          progress = advanceLesson(lesson, progress, state, result).progress;
        }
      }
      // A pod becoming ready completes a step by the clock, without another command.
      for (let i = 0; i < 2 && lesson.steps[progress.currentStep]?.id === step.id; i++) {
        now += 5_000;
        state = tick(state, now);
        progress = advanceLesson(lesson, progress, state, { traces: [] }).progress;
      }
      if (runnable && lesson.steps[progress.currentStep]?.id === step.id) stuck.push(`${step.id}: ${evaluateStep(lesson, progress, state)?.explanation}`);
      // Finish the step the way its solution would, so the next one starts where the lesson expects.
      for (let i = 0; i < 30 && lesson.steps[progress.currentStep]?.id === step.id; i++) {
        now += 5_000;
        state = tick(state, now);
        progress = advanceLesson(lesson, progress, state, { traces: [] }).progress;
      }
      if (lesson.steps[progress.currentStep]?.id === step.id) break;
    }
    expect(stuck).toEqual([]);
  });
});
