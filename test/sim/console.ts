// A console for tests that read as a learner's session: each command runs a few simulated seconds
// after the last, on one session, from the workstation.
import { createSession, execute, type CommandResult, type SessionState } from "../../worker/sim/engine.ts";

/** Runs commands one after another; the whole result (traces, state) of each. */
export function simConsole(seed: number, stepMs = 3000): (command: string) => CommandResult {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now });
  return (command) => {
    now += stepMs;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
}

/** The same, answering only what the learner sees: the output and the exit code. */
export function simTerminal(seed: number, stepMs = 3000): (command: string) => { output: string; exitCode: number } {
  const run = simConsole(seed, stepMs);
  return (command) => {
    const { output, exitCode } = run(command);
    return { output, exitCode };
  };
}
