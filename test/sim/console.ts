// A console for tests that read as a learner's session: each command runs a few simulated seconds
// after the last, on one session, from the workstation.
import { createSession, execute, finishEdit, type CommandResult, type SessionState } from "../../worker/sim/engine.ts";
import type { EditorReply } from "../../worker/sim/shell/editor.ts";

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

/** A browser console: commands, and the editor's saves and cancels in between. */
export function editorConsole(seed = 7) {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now });
  const step = (result: CommandResult) => {
    state = result.state;
    return result;
  };
  return {
    run: (command: string) => step(execute(state, command, { now: (now += 3000), editors: true })),
    reply: (reply: EditorReply) => step(finishEdit(state, reply, { now: (now += 3000) })),
    get state() {
      return state;
    },
  };
}
