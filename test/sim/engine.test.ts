import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../worker/sim/engine.ts";

describe("engine", () => {
  it("answers an unknown command the way bash does and keeps the state", () => {
    const state = createSession({ seed: 1, now: Date.UTC(2026, 0, 1) });
    const result = execute(state, "frobnicate --now", { now: Date.UTC(2026, 0, 1, 0, 0, 5) });
    expect(result.output).toBe("frobnicate: command not found\n");
    expect(result.exitCode).toBe(127);
    expect(result.prompt).toBe("student@workstation:~$ ");
  });
});
