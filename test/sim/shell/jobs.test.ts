// bash's job control on the workstation: `&`, jobs, fg, kill, wait. Expected lines are bash 5.2's,
// run interactively (`[1] 3631`, `[1]+  Running                 sleep 30 &`, `[1]+  Terminated ...`).
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { simTerminal } from "../console.ts";

describe("background jobs", () => {
  it("starts `sleep N &` as job 1 with its pid, lists it, and reports it Terminated after kill %1", () => {
    const run = simTerminal(3, 1000);
    const started = run("sleep 30 &");
    expect(started.exitCode).toBe(0);
    expect(started.output).toMatch(/^\[1\] \d+\n$/);
    expect(run("jobs").output).toBe("[1]+  Running                 sleep 30 &\n");
    expect(run("kill %1")).toEqual({ output: "[1]+  Terminated              sleep 30\n", exitCode: 0 });
    expect(run("jobs")).toEqual({ output: "", exitCode: 0 });
  });

  it("marks the current job + and the previous -, shows pids with -l, and numbers after the highest job", () => {
    const run = simTerminal(3, 1000);
    const pids = ["sleep 50 &", "sleep 60 &", "sleep 70 &"].map((c) => Number(/\d+$/.exec(run(c).output.trim())![0]));
    expect(pids[1]).toBeGreaterThan(pids[0]);
    expect(run("jobs").output).toBe("[1]   Running                 sleep 50 &\n[2]-  Running                 sleep 60 &\n[3]+  Running                 sleep 70 &\n");
    expect(run("jobs -l").output).toBe(`[1]   ${pids[0]} Running                 sleep 50 &\n[2]-  ${pids[1]} Running                 sleep 60 &\n[3]+  ${pids[2]} Running                 sleep 70 &\n`);
    expect(run("kill -9 %2").output).toBe("[2]-  Killed                  sleep 60\n");
    expect(run(`kill -INT ${pids[0]}`).output).toBe("[1]-  Interrupt               sleep 50\n");
    expect(run("sleep 1 &").output).toMatch(/^\[4\] \d+\n$/);
  });

  it("reports a sleep that ran out as Done before the next prompt, and a failed command as Exit N", () => {
    const run = simTerminal(3, 1000);
    run("sleep 1 &");
    expect(run("sleep 2").output).toBe("[1]+  Done                    sleep 1\n");
    // A job that ends the moment it starts is reported after the next line, when bash's prompt came first.
    const echoed = run("echo hi &");
    expect(echoed.output).toMatch(/^\[1\] \d+\nhi\n$/);
    expect(run("false &").output).toMatch(/^\[2\] \d+\n\[1\]   Done                    echo hi\n$/);
    expect(run("true").output).toBe("[2]+  Exit 1                  false\n");
  });

  it("runs `a & b` as a job and then b", () => {
    const run = simTerminal(3, 1000);
    expect(run("sleep 10 & echo next").output).toMatch(/^\[1\] \d+\nnext\n$/);
    expect(run("jobs").output).toBe("[1]+  Running                 sleep 10 &\n");
  });

  it("fg prints the command and waits for the sleep; the clock moves on as with a foreground sleep", () => {
    let now = Date.UTC(2026, 0, 1);
    let state: SessionState = createSession({ seed: 3, now });
    const run = (line: string) => {
      const result = execute(state, line, { now: (now += 1000) });
      state = result.state;
      return result;
    };
    run("sleep 60 &");
    const before = state.cluster.now;
    const fg = run("fg");
    expect([fg.output, fg.exitCode]).toEqual(["sleep 60\n", 0]);
    expect(state.cluster.now - before).toBeGreaterThanOrEqual(58_000);
    expect(run("jobs").output).toBe("");
  });

  it("wait waits for every job and bash reports them Done", () => {
    const run = simTerminal(3, 1000);
    run("sleep 100 &");
    run("sleep 200 &");
    expect(run("wait")).toEqual({ output: "[1]-  Done                    sleep 100\n[2]+  Done                    sleep 200\n", exitCode: 0 });
  });

  it.each([
    ["fg", "-bash: fg: current: no such job\n", 1],
    ["fg %2", "-bash: fg: %2: no such job\n", 1],
    ["kill %3", "-bash: kill: %3: no such job\n", 1],
    ["kill 999999", "-bash: kill: (999999) - No such process\n", 1],
    ["kill", "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n", 2],
    ["wait %7", "-bash: wait: %7: no such job\n", 127],
    ["wait -x", "-bash: wait: -x: invalid option\nwait: usage: wait [-fn] [-p var] [id ...]\n", 2],
    ["kill -l 15", "TERM\n", 0],
    ["&", "-bash: syntax error near unexpected token `&'\n", 2],
  ])("%s answers as bash does", (line, output, exitCode) => {
    expect(simTerminal(3)(line)).toEqual({ output, exitCode });
  });

  it("keeps its jobs in the session state, so they survive between requests and in snapshots", () => {
    let now = Date.UTC(2026, 0, 1);
    const state = execute(createSession({ seed: 3, now }), "sleep 300 &", { now: (now += 1000) }).state;
    const restored: SessionState = JSON.parse(JSON.stringify(state));
    expect(execute(restored, "jobs", { now: (now += 1000) }).output).toBe("[1]+  Running                 sleep 300 &\n");
  });

  it("refuses `&` in a shell other than the workstation's", () => {
    const run = simTerminal(3);
    run("ssh node01");
    expect(run("sleep 5 &")).toEqual({ output: "-bash: '&' (background jobs) is supported only in the workstation's shell in this console\n", exitCode: 1 });
  });

  it("runs `kubectl delete pod X &` as a job that waits in the background until the pod is gone", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run sl --image=busybox -- sleep 3600");
    run("sleep 10");
    // busybox's sleep as PID 1 ignores SIGTERM, so the pod goes only when its 30 s grace period ends.
    expect(run("kubectl delete pod sl &").output).toMatch(/^\[1\] \d+\npod "sl" deleted from default namespace\n$/);
    expect(run("kubectl get pods").output).toMatch(/^sl\s+1\/1\s+Terminating\s/m);
    expect(run("jobs").output).toBe("[1]+  Running                 kubectl delete pod sl &\n");
    expect(run("sleep 40").output).toBe("[1]+  Done                    kubectl delete pod sl\n");
    expect(run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("fg and wait wait for a background delete, moving the clock until the pod is gone", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run a --image=busybox -- sleep 3600");
    run("kubectl run b --image=busybox -- sleep 3600");
    run("sleep 10");
    run("kubectl delete pod a &");
    expect(run("fg").output).toBe("kubectl delete pod a\n");
    expect(run("kubectl get pod a").output).toBe(`Error from server (NotFound): pods "a" not found\n`);
    expect(run("kubectl delete pod b & wait").output).toMatch(/^\[1\] \d+\npod "b" deleted from default namespace\n\[1\]\+  Done {20}kubectl delete pod b\n$/);
    expect(run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("ends at once when run with --wait=false, as a command that finished", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run a --image=busybox -- sleep 3600");
    run("sleep 10");
    expect(run("kubectl delete pod a --wait=false &").output).toMatch(/^\[1\] \d+\npod "a" deleted from default namespace\n$/);
    expect(run("true").output).toBe("[1]+  Done                    kubectl delete pod a --wait=false\n");
  });
});
