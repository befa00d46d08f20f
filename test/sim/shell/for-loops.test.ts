// for loops, seq and brace sequences: the way a learner sends several requests at once to watch a
// Service spread them over its pods.
import { describe, expect, it } from "vitest";
import { splitCommands } from "../../../worker/sim/shell/tokenizer.ts";
import { simTerminal } from "../console.ts";

describe("for loops", () => {
  const run = simTerminal(43);
  run("kubectl create deployment web --image=traefik/whoami --replicas=3");
  run("kubectl expose deployment web --port 80 --type NodePort");
  run("kubectl get pods");

  it("send a request per word and show which pod answered each", () => {
    run("NP=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
    const out = run("for i in $(seq 6); do curl -s http://192.168.56.11:$NP | grep Hostname; done").output.trimEnd().split("\n");
    expect(out).toHaveLength(6);
    expect(out.every((l) => /^Hostname: web-[a-z0-9]+-[a-z0-9]{5}$/.test(l))).toBe(true);
    expect(new Set(out).size).toBeGreaterThan(1);
  });

  it("run a body of several commands per value, then the rest of the list", () => {
    expect(run("for i in a b; do echo $i; echo -; done && echo after").output).toBe("a\n-\nb\n-\nafter\n");
    expect(run("for n in web-{1..3}; do echo $n; done").output).toBe("web-1\nweb-2\nweb-3\n");
    expect(run("for i in; do echo never; done; echo $?").output).toBe("0\n");
    expect(run("for i in x y; do :; done; echo $i").output).toBe("y\n");
    expect(run("true; echo $?; false; echo $?").output).toBe("0\n1\n");
  });

  it("work in a pod's sh -c too", () => {
    run("kubectl run b --image=busybox -- sleep 3600");
    run("kubectl get pods");
    const out = run(`kubectl exec b -- sh -c "for i in 1 2 3; do wget -qO- web | grep Hostname; done"`).output.trimEnd().split("\n");
    expect(out).toHaveLength(3);
  });

  it("stop after 1,000 rounds in all, nested loops included, as a console command must finish", () => {
    const stopped = run("for i in $(seq 3); do for j in $(seq 600); do :; done; done; echo after");
    expect(stopped).toEqual({ output: "-bash: loop stopped after 1000 rounds: a command in this console must finish\n", exitCode: 1 });
    expect(run("for i in $(seq 1000); do :; done; echo $i").output).toBe("1000\n");
  });

  it("answer bash's syntax errors", () => {
    expect(run("for x in 1 2; echo nope")).toEqual({ output: "-bash: syntax error: unexpected end of file\n", exitCode: 2 });
    expect(run("for 1x in a; do echo; done")).toEqual({ output: "-bash: `1x': not a valid identifier\n", exitCode: 2 });
    expect(run("done")).toEqual({ output: "-bash: syntax error near unexpected token `done'\n", exitCode: 2 });
  });

  it.each([
    ["seq 3", "1\n2\n3\n"],
    ["seq 2 4", "2\n3\n4\n"],
    ["seq 10 -5 1", "10\n5\n"],
    ["seq", "seq: missing operand\nTry 'seq --help' for more information.\n"],
  ])("%s", (command, output) => {
    expect(run(command).output).toBe(output);
  });
});

describe("sleep", () => {
  it("moves the cluster's clock on instead of making the learner wait", () => {
    const run = simTerminal(47, 100);
    run("kubectl create deployment web --image=nginx --replicas=2");
    expect(run("kubectl get pods").output).toContain("ContainerCreating");
    expect(run("sleep 3; kubectl get pods").output).toMatch(/web-\S+ +1\/1 +Running +0 +3s\n/);
    expect(run("sleep 1m; kubectl get deploy web").output).toMatch(/\nweb +2\/2 +2 +2 +6\ds\n/);
  });

  it("answers coreutils' errors", () => {
    const run = simTerminal(47);
    expect(run("sleep")).toEqual({ output: "sleep: missing operand\nTry 'sleep --help' for more information.\n", exitCode: 1 });
    expect(run("sleep soon")).toEqual({ output: "sleep: invalid time interval 'soon'\nTry 'sleep --help' for more information.\n", exitCode: 1 });
  });
});

describe("loops over several lines", () => {
  it("run as one command when typed or pasted line by line, as bash reads a script", () => {
    const run = simTerminal(53);
    expect(run("for i in 1 2\ndo\n  echo $i\ndone").output).toBe("1\n2\n");
    expect(run("echo one\necho two").output).toBe("one\ntwo\n");
  });

  it("stay together when a paste is split into commands", () => {
    expect(splitCommands("kubectl get pods\nfor i in 1 2\ndo echo $i\ndone\necho after\n")).toEqual(["kubectl get pods", "for i in 1 2\ndo echo $i\ndone", "echo after"]);
  });
});
