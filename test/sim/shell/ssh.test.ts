// `ssh HOST CMD`: the command runs in the node's shell and ssh returns with its status, as OpenSSH
// does; the console stays on the workstation. `ssh HOST` alone moves the console onto the node.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("ssh HOST COMMAND", () => {
  const run = simTerminal(43);

  it.each([
    ["ssh node01 hostname", "node01\n", 0],
    ["ssh node01 'cd /tmp && echo hi > f && cat f' && cat /tmp/f", "hi\ncat: /tmp/f: No such file or directory\n", 1],
    ["ssh node01 nope", "bash: line 1: nope: command not found\n", 127],
    ["ssh node01 'exit 3'", "", 3],
    ["ssh node01 false || echo failed", "failed\n", 0],
    ["ssh node01 ssh node02 hostname; hostname", "node02\nworkstation\n", 0],
    ["ssh student@controlplane kubectl get nodes -o name", "node/controlplane\nnode/node01\nnode/node02\n", 0],
    ["ssh node09 hostname", "ssh: Could not resolve hostname node09: Name or service not known\n", 255],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
    expect(run("hostname")).toEqual({ output: "workstation\n", exitCode: 0 });
  });

  it("runs the remote line in the node's bash, pipes and all", () => {
    const run = simTerminal(44);
    const rules = run("ssh node01 'sudo iptables-save | grep KUBE-SVC | head -3'");
    expect(rules.exitCode).toBe(0);
    const lines = rules.output.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/KUBE-SVC-[A-Z0-9]{16}/);
    expect(run("ssh node01 sudo iptables-save '|' grep -c KUBE-SVC-NPX46M4PTMTKRN6Y")).toEqual({ output: expect.stringMatching(/^[1-9]\d*\n$/), exitCode: 0 });
    expect(run("ssh node01 'echo a &&'")).toEqual({ output: "bash: -c: line 1: syntax error: unexpected end of file\n", exitCode: 2 });
  });

  it("leaves without the banner, where `ssh HOST` alone logs in", () => {
    const run = simTerminal(45);
    expect(run("ssh node01 true")).toEqual({ output: "", exitCode: 0 });
    expect(run("ssh node01").output).toMatch(/^Welcome to Ubuntu/);
    expect(run("hostname")).toEqual({ output: "node01\n", exitCode: 0 });
  });
});
