// Fuzzing the shell with the payloads that once held the server (issue 23) and random lines built
// around them: the simulator never answers "internal error", every line ends within its work
// budget, and the console still works afterwards.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSession, execute, MAX_COMMAND_BYTES, type SessionState } from "../../../worker/sim/engine.ts";
import { createWorkBudget } from "../../../worker/sim/shell/work.ts";

const start = Date.UTC(2026, 0, 1);
const base = (() => {
  let s = createSession({ seed: 23, now: start });
  for (const c of ["kubectl create deployment web --image=traefik/whoami --replicas=2", "kubectl expose deployment web --port 80 --type NodePort", "kubectl run b --image=busybox -- sleep 3600"]) {
    s = execute(s, c, { now: start + 5000 }).state;
  }
  return s;
})();

const nest = (n: number, inner: string) => `${"$(echo ".repeat(n)}${inner}${")".repeat(n)}`;

/** The attack payloads that must be stopped by the work counter (or the nesting limit). */
const stopped = [
  "for i in {1..1000}; do seq 100000 | grep -c 9; done",
  "for i in {1..1000}; do seq 100000 | grep -c 9; seq 100000 | grep -c 8; seq 100000 | grep -c 7; done",
  "A=x; for i in {1..40}; do A=$A$A; done",
  'A=x; for i in {1..40}; do A="$A $A"; done; echo $A',
  `echo ${nest(1000, "hi")}`,
  `${"$(".repeat(2700)}${")".repeat(2700)}`,
  "seq 100000000",
  "seq 100000000 | wc -l",
  `kubectl exec b -- sh -c 'for i in $(seq 1000); do seq 100000 | grep -c 9; done'`,
  "for i in $(seq 1000); do sleep 600; done",
  // 800 programs, and a million echo rounds cut to 1,000 by the loop limit: past 500,000 units too.
  `${"seq 10 | ".repeat(800)}wc -l`,
  "for i in $(seq 1000); do for j in $(seq 1000); do echo $i$j; done; done",
  // 100 million words by brace expansion: more than any budget pays for, so none is made.
  "echo {1..100000000}",
  "for i in {1..100000000}; do :; done",
];

/** Payloads that end on their own (a limit of their own, an error) well inside the budget. */
const finishing = [
  "head -c 100000000000",
  `cat <<EOF\n${"line of a long heredoc $HOME\n".repeat(250)}EOF`,
];
const payloads = [...stopped, ...finishing];

const fragment = fc.oneof(
  fc.constantFrom(...payloads),
  fc.constantFrom("seq 100000", "seq 1000", "grep -c 9", "wc -l", "cat", "echo $A", 'echo "$A$A"', "kubectl get pods", "curl -s web", ":", "true", "false"),
  fc.integer({ min: 1, max: 200_000_000 }).map((n) => `seq ${n}`),
  fc.integer({ min: 1, max: 200_000_000 }).map((n) => `for i in {1..${n}}; do :; done`),
  fc.integer({ min: 1, max: 3000 }).map((n) => nest(n, "x")),
  fc.integer({ min: 1, max: 60 }).map((n) => `A=x; for i in {1..${n}}; do A=$A$A; done`),
  fc.string({ maxLength: 20 }),
);
const separator = fc.constantFrom(" | ", "; ", " && ", " || ", "\n");
const line = fc
  .tuple(fragment, fc.array(fc.tuple(separator, fragment), { maxLength: 3 }))
  .map(([first, rest]) => rest.reduce((acc, [sep, f]) => `${acc}${sep}${f}`, first))
  .filter((l) => new TextEncoder().encode(l).length <= MAX_COMMAND_BYTES);

function runChecked(state: SessionState, input: string): { state: SessionState; stopped: boolean } {
  const work = createWorkBudget();
  const result = execute(state, input, { now: start + 60_000, work });
  expect(result.output).not.toContain("internal error");
  const stopped = result.output.endsWith(".\n") && /\nThe playground stopped this command: [^\n]+\.\n$/.test(`\n${result.output}`);
  if (stopped) {
    // Stopped: bash's report of the killed job, then the playground's one sentence, status 137.
    expect(result.output).toMatch(/(^|\n)Killed\nThe playground stopped this command: [^\n]+\.\n$/);
    expect(result.exitCode).toBe(137);
  }
  expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
  return { state: result.state, stopped };
}

describe("the shell under abuse", () => {
  it.each(payloads)("ends %s (stopped by its work counter when it must be), and the console works after", (payload) => {
    const { state: after, stopped: wasStopped } = runChecked(base, payload);
    expect(wasStopped).toBe(stopped.includes(payload));
    const next = execute(after, "kubectl get pods", { now: start + 70_000 });
    expect(next.exitCode).toBe(0);
    expect(next.output).toMatch(/^NAME +READY +STATUS/);
  });

  it("never answers an internal error to lines built from the payloads", () => {
    fc.assert(
      fc.property(line, (input) => {
        const { state: after } = runChecked(base, input);
        const next = execute(after, "kubectl get pods", { now: start + 70_000 });
        expect(next.output).not.toContain("internal error");
      }),
      { numRuns: 40, seed: 23 },
    );
  });
});
