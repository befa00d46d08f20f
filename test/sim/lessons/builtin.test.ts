import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_MODULE, builtinLessonFiles, generateBuiltinModule } from "../../../scripts/lessons-generate.ts";
import { builtinLessons, builtinLessonSummaries, findBuiltinLesson } from "../../../worker/sim/lessons/builtin.ts";
import { renderMarkdown } from "../../../worker/sim/lessons/markdown.ts";
import { validateLesson } from "../../../worker/sim/lessons/schema.ts";
import { runSolution } from "../../../worker/sim/lessons/solution.ts";

describe("built-in lessons", () => {
  it("are generated from lessons/*.yaml (run `npm run lessons:build` after editing one)", () => {
    expect(readFileSync(BUILTIN_MODULE, "utf8")).toBe(generateBuiltinModule(builtinLessonFiles()));
  });

  it("are the three lessons of the course, each valid", () => {
    expect(builtinLessonSummaries().map((s) => s.id)).toEqual(["services-nodeport", "deployments-load-balancing", "debugging-services"]);
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
