// The console's history as the workstation's bash keeps it: `history` with bash's numbering, `!`
// references expanded and echoed before the line runs, `history -c`/`-d`, Ubuntu's
// HISTCONTROL=ignoreboth. The expected outputs are bash 5.2's, run interactively.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { expandHistory, HISTORY_CHARS, HISTORY_SIZE, remember, type History } from "../../../worker/sim/shell/history.ts";

/** A console whose lines are typed (as the browser's and `npm run sim`'s are). */
function typedTerminal(seed = 5) {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now });
  const run = (line: string) => {
    const result = execute(state, line, { now: (now += 1000), typed: true });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
  return { run, state: () => state };
}

describe("history", () => {
  it("numbers entries as bash does (%5d and two spaces), expands and echoes !!, !-N, !prefix and !N", () => {
    const { run } = typedTerminal();
    expect(run("echo one")).toEqual({ output: "one\n", exitCode: 0 });
    run("echo two");
    expect(run("history")).toEqual({ output: "    1  echo one\n    2  echo two\n    3  history\n", exitCode: 0 });
    // The repeated `history` is not kept again (HISTCONTROL=ignoreboth, as bash run with it shows).
    expect(run("!!").output).toBe("history\n    1  echo one\n    2  echo two\n    3  history\n");
    expect(run("!-3")).toEqual({ output: "echo one\none\n", exitCode: 0 });
    expect(run("!ec")).toEqual({ output: "echo one\none\n", exitCode: 0 });
    expect(run("!1 x")).toEqual({ output: "echo one x\none x\n", exitCode: 0 });
    expect(run("history 3").output).toBe("    4  echo one\n    5  echo one x\n    6  history 3\n");
  });

  it("drops a line whose event is not found: not run, not kept, $? as it was", () => {
    const { run } = typedTerminal();
    run("false");
    expect(run("!99")).toEqual({ output: "-bash: !99: event not found\n", exitCode: 1 });
    expect(run("!nomatch").output).toBe("-bash: !nomatch: event not found\n");
    expect(run("echo $?")).toEqual({ output: "1\n", exitCode: 0 });
    expect(run("history").output).toBe("    1  false\n    2  echo $?\n    3  history\n");
  });

  it("leaves ! alone in single quotes, escaped, and before a blank, = or the end; expands it in double quotes", () => {
    const { run } = typedTerminal();
    run("history -c");
    run("history");
    expect(run('echo "a !! b"')).toEqual({ output: 'echo "a history b"\na history b\n', exitCode: 0 });
    expect(run("echo '!!'").output).toBe("!!\n");
    expect(run("echo x!").output).toBe("x!\n");
    expect(run("echo x!=").output).toBe("x!=\n");
    expect(run("echo \\!!").output).toBe("!!\n");
    expect(run("history").output).toBe(
      ["    1  history", '    2  echo "a history b"', "    3  echo '!!'", "    4  echo x!", "    5  echo x!=", "    6  echo \\!!", "    7  history", ""].join("\n"),
    );
  });

  it("clears with -c (numbering starts again) and deletes with -d, renumbering", () => {
    const { run } = typedTerminal();
    run("echo a");
    run("echo b");
    expect(run("history -c")).toEqual({ output: "", exitCode: 0 });
    expect(run("history").output).toBe("    1  history\n");
    run("echo c");
    expect(run("history -d 2")).toEqual({ output: "", exitCode: 0 });
    expect(run("history").output).toBe("    1  history\n    2  history -d 2\n    3  history\n");
    expect(run("history -d 99")).toEqual({ output: "-bash: history: 99: history position out of range\n", exitCode: 1 });
  });

  it("keeps neither a line starting with a space nor a repeat of the one before (Ubuntu's HISTCONTROL=ignoreboth)", () => {
    const { run } = typedTerminal();
    run("echo a");
    run("echo a");
    run("  echo spaced");
    expect(run("history").output).toBe("    1  echo a\n    2  history\n");
  });

  it("answers bad arguments as bash does", () => {
    const { run } = typedTerminal();
    expect(run("history abc")).toEqual({ output: "-bash: history: abc: numeric argument required\n", exitCode: 1 });
    expect(run("history -z")).toEqual({
      output: "-bash: history: -z: invalid option\nhistory: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]\n",
      exitCode: 2,
    });
    expect(run("history 1 2")).toEqual({ output: "-bash: history: too many arguments\n", exitCode: 1 });
    expect(run("history 0")).toEqual({ output: "", exitCode: 0 });
  });

  it("is session state: a pipe reads it, and setup lines (not typed) neither expand nor enter it", () => {
    const { run, state } = typedTerminal();
    run("kubectl run web --image=nginx");
    // The line itself is in the list it reads.
    expect(run("history | grep -c kubectl")).toEqual({ output: "2\n", exitCode: 0 });
    expect(state().history?.lines).toEqual(["kubectl run web --image=nginx", "history | grep -c kubectl"]);
    const setup = execute(state(), "echo !!", { now: Date.UTC(2026, 0, 2) });
    expect(setup.output).toBe("!!\n");
    expect(setup.state.history).toBe(state().history);
  });

  it("has no ! expansion in the images' sh, and bash's history only in a bash", () => {
    const { run } = typedTerminal();
    run("kubectl run web --image=nginx");
    run("kubectl wait --for=condition=Ready pod/web");
    run("kubectl exec -it web -- sh");
    expect(run("echo !!")).toEqual({ output: "!!\n", exitCode: 0 });
    expect(run("history").output).toBe("sh: history: not found\n");
  });
});

describe("the history list", () => {
  it("keeps HISTSIZE lines and counts on from there", () => {
    let history: History = { lines: [] };
    for (let i = 1; i <= HISTORY_SIZE + 5; i++) history = remember(history, `echo ${i}`);
    expect(history.lines).toHaveLength(HISTORY_SIZE);
    expect(history.base).toBe(6);
    expect(expandHistory("!6", history, "-bash")).toEqual({ ok: true, line: "echo 6", expanded: true });
    expect(expandHistory("!5", history, "-bash")).toEqual({ ok: false, error: "-bash: !5: event not found\n" });
  });

  it("drops the oldest lines beyond its size in characters", () => {
    let history: History = { lines: [] };
    const long = "x".repeat(8000);
    for (let i = 0; i < 20; i++) history = remember(history, `echo ${i} ${long}`);
    expect(history.lines.reduce((n, l) => n + l.length, 0)).toBeLessThanOrEqual(HISTORY_CHARS);
    expect(history.lines[history.lines.length - 1]).toBe(`echo 19 ${long}`);
  });

  it("expands !$ to the last word of the line before", () => {
    const history: History = { lines: ["kubectl get svc nginx"] };
    expect(expandHistory("kubectl describe svc !$", history, "-bash")).toEqual({ ok: true, line: "kubectl describe svc nginx", expanded: true });
  });
});

describe("help and man", () => {
  it("help says where the console is and what it has; a topic answers as bash's help does for one it lacks", () => {
    const { run } = typedTerminal();
    const help = run("help");
    expect(help.exitCode).toBe(0);
    expect(help.output).toMatch(/workstation outside the cluster/);
    expect(help.output).toMatch(/kubectl apply -f - <<EOF/);
    expect(help.output).toMatch(/Start a lesson/);
    expect(run("help zzz")).toEqual({ output: "-bash: help: no help topics match `zzz'.  Try `help help' or `man -k zzz' or `info zzz'.\n", exitCode: 1 });
  });

  it.each([
    ["man ls", "No manual entry for ls\n", 16],
    ["man kubectl curl", "No manual entry for kubectl\nNo manual entry for curl\n", 16],
    ["man 5 crontab", "No manual entry for crontab in section 5\n", 16],
    ["man", "What manual page do you want?\nFor example, try 'man man'.\n", 1],
    ["man -k service", "service: nothing appropriate.\n", 16],
    ["man -k", "apropos what?\n", 1],
    ["man --zz", "man: unrecognized option '--zz'\nTry 'man --help' or 'man --usage' for more information.\n", 1],
  ])("%s answers as man-db without manual pages", (line, output, exitCode) => {
    const { run } = typedTerminal();
    expect(run(line)).toEqual({ output, exitCode });
  });
});
