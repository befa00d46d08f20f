import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLesson } from "../../../worker/sim/lessons/schema.ts";
import { runSolution } from "../../../worker/sim/lessons/solution.ts";

/** The ```yaml block of README.md's "Writing a lesson" section (the one that starts with `id:`). */
function readmeLesson(): string {
  const lines = readFileSync(new URL("../../../README.md", import.meta.url), "utf8").split("\n");
  const start = lines.findIndex((line, i) => line === "```yaml" && lines[i + 1]?.startsWith("id: "));
  const end = lines.findIndex((line, i) => i > start && line === "```");
  return lines.slice(start + 1, end).join("\n");
}

describe("the README's example lesson", () => {
  it("is a valid lesson that its own reference solution completes", () => {
    const parsed = parseLesson(readmeLesson());
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    if (!parsed.ok) return;
    const report = runSolution(parsed.lesson);
    expect(report.errors).toEqual([]);
    expect(report.completed).toEqual(parsed.lesson.steps.map((s) => s.id));
  });
});
