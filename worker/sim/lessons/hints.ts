// Which of a step's hints fit the mistakes its check found: the page shows them with the verdict.
// Types only, so the page can use it without the checks' code.

import type { CheckResult } from "./checks.ts";
import type { LessonStep } from "./schema.ts";

/** The step's hints that fit the mistakes its check found now (`hintsWhen`), in the order found. */
export function fittingHints(step: Pick<LessonStep, "hintsWhen">, status: Pick<CheckResult, "passed" | "mistakes"> | null | undefined): string[] {
  if (!status || status.passed || !step.hintsWhen) return [];
  const hints = (status.mistakes ?? []).map((m) => step.hintsWhen![m]).filter((h): h is string => h !== undefined);
  return [...new Set(hints)];
}
