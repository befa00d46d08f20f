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

  describe("runs a list as bash does", () => {
    const T = Date.UTC(2026, 0, 1);
    const run = (line: string) => execute(createSession({ seed: 1, now: T }), line, { now: T + 5000 });

    it.each([
      ["echo a && echo b", "a\nb\n", 0],
      ["frob && echo b", "frob: command not found\n", 127],
      ["frob || echo b", "frob: command not found\nb\n", 0],
      ["echo a || echo b", "a\n", 0],
      ["frob ; echo b", "frob: command not found\nb\n", 0],
      ["echo a ; frob", "a\nfrob: command not found\n", 127],
      // A skipped part keeps the status: `false && x || y` runs y.
      ["frob && echo x || echo y", "frob: command not found\ny\n", 0],
      ["echo a | grep b && echo found || echo none", "none\n", 0],
    ])("%j", (line, output, exitCode) => {
      const result = run(line);
      expect(result.output).toBe(output);
      expect(result.exitCode).toBe(exitCode);
    });

    it("recreates a pod with `kubectl delete pod x && kubectl run x` (each part sees the cluster the one before left)", () => {
      let state = createSession({ seed: 2, now: T });
      state = execute(state, "kubectl run nginx --image=nginx", { now: T + 1000 }).state;
      const before = execute(state, "kubectl get pod nginx -o jsonpath='{.metadata.uid}'", { now: T + 5000 }).output;
      const result = execute(state, "kubectl delete pod nginx && kubectl run nginx --image=nginx", { now: T + 6000 });
      expect(result.output).toBe('pod "nginx" deleted from default namespace\npod/nginx created\n');
      expect(result.exitCode).toBe(0);
      const after = execute(result.state, "kubectl get pod nginx -o jsonpath='{.metadata.uid}'", { now: T + 9000 }).output;
      expect(after).not.toBe(before);
    });

    it("stops at a part that moves the console into another shell", () => {
      const result = run("ssh node01 ; hostname");
      expect(result.prompt).toContain("node01");
      expect(result.output).not.toContain("workstation\n");
    });
  });
});

describe("the simulated clock", () => {
  it("keeps flowing after a command that skipped ahead (kubectl delete waits for the pod to go)", () => {
    const t0 = Date.UTC(2026, 0, 1);
    let state = createSession({ seed: 1, now: t0 });
    state = execute(state, "kubectl run web --image=nginx", { now: t0 + 1000 }).state;
    const deleted = execute(state, "kubectl delete pod web", { now: t0 + 10_000 });
    // Real kubectl blocks until the pod is gone; the simulation moves its clock instead.
    expect(deleted.state.cluster.now).toBeGreaterThan(t0 + 10_000);
    const skew = deleted.state.cluster.now - (t0 + 10_000);
    expect(deleted.state.clockSkew).toBe(skew);
    state = execute(deleted.state, "kubectl run web --image=nginx", { now: t0 + 11_000 }).state;
    // Two seconds of the caller's time later the new pod is two seconds old, not frozen at 0s.
    const listed = execute(state, "kubectl get pod web", { now: t0 + 13_000 });
    expect(listed.output).toMatch(/^web\s+1\/1\s+Running\s+0\s+2s$/m);
    expect(listed.state.cluster.now).toBe(t0 + 13_000 + skew);
  });
});
