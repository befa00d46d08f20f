// Replaying a kubernetes.io page: a session typed into as a learner would, each step's output
// compared with what the page prints after normalising only what legitimately differs between two
// clusters (addresses, generated name suffixes and uids, node names, ages, NodePorts, versions).

import { createSession, execute } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2026, 0, 1);

/** A console the test types into; `wait` lets wall-clock time pass between commands (a learner reading). */
export function learner(seed = 1) {
  let state = createSession({ seed, now: START });
  let now = START;
  return {
    type(line: string): { output: string; exitCode: number } {
      now += 1000;
      const result = execute(state, line, { now });
      state = result.state;
      return { output: result.output, exitCode: result.exitCode };
    },
    wait(seconds: number): void {
      now += seconds * 1000;
    },
  };
}

// Kubernetes' generated names use this alphabet (apimachinery's rand.String and SafeEncodeString).
const RAND = "[bcdfghjklmnpqrstvwxz2456789]";
const IP = String.raw`\b\d{1,3}(?:\.\d{1,3}){3}\b`;

/** The normalised, non-empty lines of an output, whitespace runs collapsed (column widths follow the values). */
export function normalise(text: string, options: { dropLines?: RegExp[] } = {}): string[] {
  return text
    .split("\n")
    .filter((l) => !(options.dropLines ?? []).some((re) => re.test(l)))
    .map((l) =>
      l
        .replace(new RegExp(`${IP}(?:,${IP})*(?:\\s*\\+\\s*\\d+\\s*more\\.\\.\\.)?`, "g"), "<ip>")
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uid>")
        .replace(new RegExp(`-${RAND}{8,10}-${RAND}{5}\\b`, "g"), "-<hash>-<suffix>")
        .replace(new RegExp(`-${RAND}{5}\\b`, "g"), "-<suffix>")
        .replace(/("nodeName": )"[^"]*"/g, '$1"<node>"')
        .replace(/(^|\s)\d+[smhd](?:\d+[smhd])?(?=\s*$)/g, "$1<age>")
        .replace(/\s+/g, " ")
        .trim()
        // A JSON line's comma says whether a field follows, and the fields differ with the cluster (zone).
        .replace(/,$/, ""),
    )
    .filter((l) => l !== "");
}

/**
 * "The output is similar to this": every line the page prints appears in ours, in the same order
 * (pages abridge: a JSON object cut after its first fields, one row of several). Returns the
 * page's lines that were not found, in order; empty when the step matches.
 */
export function missingLines(ours: string, page: string, options: { dropLines?: RegExp[]; rowsInAnyOrder?: boolean } = {}): string[] {
  const mine = normalise(ours);
  const theirs = normalise(page, options);
  const missing: string[] = [];
  let at = 0;
  for (const line of theirs) {
    // A table's rows are sorted by name, and names end in generated suffixes: with rowsInAnyOrder
    // each row may be anywhere after the header, each of ours matching one of the page's at most.
    const found = mine.indexOf(line, at);
    if (found < 0) missing.push(line);
    else if (options.rowsInAnyOrder && at > 0) mine[found] = "\u0000";
    else at = found + 1;
  }
  return missing;
}
