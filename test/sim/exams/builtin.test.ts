import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_EXAMS_MODULE, builtinExamFiles, generateBuiltinExamsModule } from "../../../scripts/exams-generate.ts";
import { builtinExams, builtinExamSummaries, findBuiltinExam } from "../../../worker/sim/exams/builtin.ts";
import { runExamReference } from "../../../worker/sim/exams/reference.ts";
import { drawExam, validateExam } from "../../../worker/sim/exams/schema.ts";

describe("built-in exams", () => {
  it("are generated from exams/*.yaml (run `npm run exams:build` after editing one)", () => {
    expect(readFileSync(BUILTIN_EXAMS_MODULE, "utf8")).toBe(generateBuiltinExamsModule(builtinExamFiles()));
  });

  it("are listed with their size, duration and pass mark, each valid", () => {
    const summaries = builtinExamSummaries();
    expect(summaries).toEqual([
      expect.objectContaining({ id: "warm-up", tasks: 6, durationMinutes: 30, passPercent: 66 }),
      expect.objectContaining({ id: "services-networking", tasks: 16, durationMinutes: 120, passPercent: 66 }),
    ]);
    for (const exam of builtinExams) expect(validateExam(exam.template).ok).toBe(true);
    expect(findBuiltinExam("nope")).toBeUndefined();
  });

  // npm run exam:check runs five seeds of every exam; the suite runs one other seed of each.
  it.each(builtinExams.map((e) => [e.id, e] as const))("%s: untouched scores 0, each task fails before its solution, the solutions score 100", (_id, definition) => {
    const drawn = drawExam(definition, 11);
    if (!drawn.ok) throw new Error(drawn.errors.join("\n"));
    const result = runExamReference(drawn.exam, { seed: 11 });
    expect(result.errors).toEqual([]);
    expect(result.untouched?.score).toBe(0);
    expect(result.solved?.score).toBe(100);
  });
});
