// The work budget: a line that does more work than a console command needs is stopped as a job
// killed by a resource limit is (`Killed`, status 137), keeping what it printed and changed.
import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";
import { createWorkBudget, MAX_SUBSTITUTION_DEPTH, WORK_BUDGET } from "../../../worker/sim/shell/work.ts";
import { simConsole, simTerminal } from "../console.ts";

const limitSentence = `The playground stopped this command: it reached the work limit of ${WORK_BUDGET.toLocaleString("en-US")} units a command may use.\n`;

describe("the work budget", () => {
  it("stops a loop of heavy pipelines with bash's report of a killed job and status 137, keeping what it printed", () => {
    const run = simTerminal(61);
    const { output, exitCode } = run("for i in {1..1000}; do seq 10000 | grep -c 9; done");
    expect(exitCode).toBe(137);
    expect(output.endsWith(`\nKilled\n${limitSentence}`)).toBe(true);
    const counted = output.split("\n").filter((l) => l === "3439");
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.length).toBeLessThan(1000);
    expect(run("echo $?").output).toBe("137\n");
  });

  it("keeps the changes the line made before it was stopped, and the console works after", () => {
    const run = simConsole(62);
    const stopped = run("kubectl create deployment web --image=nginx; A=set; seq 100000000");
    expect(stopped.exitCode).toBe(137);
    expect(stopped.output.startsWith("deployment.apps/web created\n1\n2\n")).toBe(true);
    expect(run("kubectl get deploy web -o name").output).toBe("deployment.apps/web\n");
    expect(run("echo $A").output).toBe("set\n");
  });

  it("stops a doubling string instead of running out of memory", () => {
    const run = simTerminal(63);
    for (const line of ["A=x; for i in {1..40}; do A=$A$A; done; echo done", 'A=x; for i in {1..40}; do A="$A $A"; done; echo $A | wc -w']) {
      expect(run(line)).toEqual({ output: `Killed\n${limitSentence}`, exitCode: 137 });
    }
    expect(run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("stops a brace sequence longer than any budget pays for before making its words, and expands one that fits", () => {
    const run = simTerminal(65);
    for (const line of ["echo {1..100000000}", "for i in {1..100000000}; do :; done; echo after", "echo x{100000000..1}y | wc -c"]) {
      expect(run(line)).toEqual({ output: `Killed\n${limitSentence}`, exitCode: 137 });
    }
    expect(run("echo web-{1..3} {3..1}")).toEqual({ output: "web-1 web-2 web-3 3 2 1\n", exitCode: 0 });
    expect(run("echo {1..20000} | wc -w").output).toBe("20000\n");
    // Quoted, it is no sequence at all.
    expect(run("echo '{1..100000000}'").output).toBe("{1..100000000}\n");
  });

  it("stops command substitutions nested too deep", () => {
    const run = simTerminal(64);
    const nested = (n: number) => `echo ${"$(echo ".repeat(n)}hi${")".repeat(n)}`;
    expect(run(nested(MAX_SUBSTITUTION_DEPTH)).output).toBe("hi\n");
    expect(run(nested(900))).toEqual({
      output: `Killed\nThe playground stopped this command: its command substitutions nest more than ${MAX_SUBSTITUTION_DEPTH} deep.\n`,
      exitCode: 137,
    });
  });

  it("counts the loop a pod's sh -c runs against the line that started it", () => {
    const run = simTerminal(65);
    run("kubectl run b --image=busybox -- sleep 3600");
    run("kubectl get pods");
    const { output, exitCode } = run(`kubectl exec b -- sh -c 'for i in $(seq 1000); do seq 100000 | grep -c 9; done'`);
    expect(exitCode).toBe(137);
    expect(output.endsWith(`Killed\n${limitSentence}`)).toBe(true);
  });

  it("lets a caller give one budget to several lines, which the line that uses it up is stopped by", () => {
    const now = Date.UTC(2026, 0, 1);
    let state = createSession({ seed: 66, now });
    const work = createWorkBudget();
    const first = execute(state, "seq 10000 | wc -l", { now, work });
    expect(first.output).toBe("10000\n");
    expect(work.used).toBeGreaterThan(48_894);
    state = first.state;
    let killed = 0;
    for (let i = 0; i < 20 && killed === 0; i++) {
      const r = execute(state, "seq 10000 | wc -l", { now, work });
      state = r.state;
      if (r.exitCode === 137) killed = i + 2;
    }
    // About 49 KB into the pipe and out of it, ~100,000 units each: the fifth or sixth line finds the 500,000 units spent.
    expect(killed).toBeGreaterThan(3);
    expect(killed).toBeLessThan(8);
    // A line on a fresh budget runs again.
    expect(execute(state, "seq 10000 | wc -l", { now }).output).toBe("10000\n");
  });

  it("leaves a legitimate loop of 100 requests inside the budget, and stops one of 1,000", () => {
    const run = simConsole(67);
    run("kubectl create deployment web --image=traefik/whoami --replicas=3");
    run("kubectl expose deployment web --port 80 --type NodePort");
    run("kubectl get pods");
    run("NP=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
    const r = run("for i in $(seq 100); do curl -s http://192.168.56.11:$NP | grep Hostname; done");
    expect(r.exitCode).toBe(0);
    expect(r.output.split("\n").filter((l) => l.startsWith("Hostname: web-"))).toHaveLength(100);
    const long = run("for i in $(seq 1000); do curl -s http://192.168.56.11:$NP | grep Hostname; done");
    expect(long.exitCode).toBe(137);
    const answered = long.output.split("\n").filter((l) => l.startsWith("Hostname: web-")).length;
    expect(answered).toBeGreaterThan(100);
    expect(answered).toBeLessThan(1000);
    expect(long.output.endsWith(`Killed\n${limitSentence}`)).toBe(true);
  });

  it("kills a container whose own command runs past the budget, as the kubelet kills one past its limits", () => {
    const run = simTerminal(68, 5000);
    run(`kubectl run hog --image=busybox --restart=Never -- sh -c 'echo start; for i in $(seq 1000); do seq 10000 | grep -c 9; done'`);
    run("kubectl get pods");
    const pods = run("kubectl get pod hog -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}'");
    expect(pods.output).toBe("137");
    expect(run("kubectl logs hog").output.startsWith("start\n3439\n")).toBe(true);
  });
});
