// The CPU workerd spends on one request (bench/request-cpu.ts: the workerd process's user + system
// time from /proc around each kind of request, on `npm start`'s server). Unlike the abuse suite's
// wall-clock figures (test/abuse/abuse.test.ts, in `npm test` too), CPU time hardly moves with
// the machine's load, so these bounds hold on a busy CI machine and still fail a real regression:
// a command that escapes the work budget (the loop ran 11.8 s), a victim's command made
// expensive, or refusals that cost as much as the work they refuse.

import { platform } from "node:os";
import { describe, expect, it } from "vitest";
import { LINES, measureRequestCpu } from "../../bench/request-cpu.ts";

/** Requests a figure; /proc counts CPU in 10 ms ticks, so a figure is good to 10/REPS ms. */
const REPS = 10;
/** Issue 23: no command may take more than this much CPU (the attack lines measure ~4-7 ms at load 20). */
const COMMAND_CPU_LIMIT_MS = 250;
/** The second session's kubectl get svc (~3-4 ms at load 20): well under the 50 ms it must answer in. */
const VICTIM_CPU_LIMIT_MS = 25;
/** A bare request, and a refused one (~1.2-1.3 ms at load 20): refusing must stay far cheaper than the work refused. */
const CHEAP_CPU_LIMIT_MS = 10;

describe.skipIf(platform() !== "linux")("workerd CPU per request (from /proc)", () => {
  it("every attack command stays within the per-command CPU limit, the victim's command stays cheap, and refusals cost what /healthz does", async () => {
    const [figures] = await measureRequestCpu(REPS, 1, (line) => console.log(line));
    expect(figures.healthz).toBeLessThan(CHEAP_CPU_LIMIT_MS);
    expect(figures.wrongKey).toBeLessThan(CHEAP_CPU_LIMIT_MS);
    for (const name of Object.keys(LINES)) {
      expect(figures.lines[name].line, name).toBeLessThan(COMMAND_CPU_LIMIT_MS);
      expect(figures.lines[name].thenGetSvc, `kubectl get svc after ${name}`).toBeLessThan(VICTIM_CPU_LIMIT_MS);
    }
    expect(figures.lines["kubectl get svc"].line).toBeLessThan(VICTIM_CPU_LIMIT_MS);
    // Back to back, heavy loops are mostly refused (28 of 30 at load 12; the bucket refills 20
    // tokens a second and a heavy loop costs 20, so a slower machine lets a few more run), and a refusal is cheap.
    expect(figures.refusedHeavy.refused).toBeGreaterThanOrEqual(figures.refusedHeavy.count / 3);
    expect(figures.refusedHeavy.each).toBeLessThan(CHEAP_CPU_LIMIT_MS);
  });
});
