// kubectl taint nodes: taints added and removed with kubectl's words and errors, and the scheduler
// keeping pods without a toleration off a NoSchedule node.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(29, 3000);

describe("kubectl taint", () => {
  const run = console_();

  it.each([
    ["kubectl taint nodes node01 dedicated=special:NoSchedule", "node/node01 tainted\n", 0],
    ["kubectl taint nodes node01 dedicated=special:NoSchedule", "error: node node01 already has dedicated taint(s) with same effect(s) and --overwrite is false\n", 1],
    ["kubectl taint nodes node01 dedicated=other:NoSchedule --overwrite", "node/node01 modified\n", 0],
    ["kubectl get node node01 -o jsonpath='{.spec.taints[0].value}'", "other", 0],
    ["kubectl taint nodes node01 foo=bar:Bogus", "error: invalid taint effect: Bogus, unsupported taint effect\n", 1],
    ["kubectl taint nodes node01 foo", "error: at least one taint update is required\n", 1],
    ["kubectl taint nodes nope a=b:NoSchedule", 'Error from server (NotFound): nodes "nope" not found\n', 1],
    ["kubectl taint nodes node01 missing-", 'error: taint "missing" not found\n', 1],
  ])("%s", (command, output, exitCode) => {
    expect(run(command)).toEqual({ output, exitCode });
  });

  it("keeps new pods off a NoSchedule node until the taint is removed", () => {
    run("kubectl create deployment web --image=nginx --replicas=3");
    expect(run("kubectl get pods -o jsonpath='{.items[*].spec.nodeName}'").output).toBe("node02 node02 node02");
    expect(run("kubectl taint nodes node01 dedicated:NoSchedule-").output).toBe("node/node01 untainted\n");
    expect(run("kubectl get node node01 -o jsonpath='{.spec.taints}'").output).toBe("");
    run("kubectl scale deployment web --replicas=6");
    expect(run("kubectl get pods -o jsonpath='{.items[*].spec.nodeName}'").output).toContain("node01");
  });

  it("evicts pods that do not tolerate a NoExecute taint, and the Deployment replaces them elsewhere", () => {
    run("kubectl scale deployment web --replicas=4");
    run("kubectl get pods");
    expect(run("kubectl taint nodes node02 maintenance=now:NoExecute").output).toBe("node/node02 tainted\n");
    run("kubectl get pods");
    expect(run("kubectl get pods -o jsonpath='{.items[*].spec.nodeName}'").output).toBe("node01 node01 node01 node01");
    expect(run("kubectl get events --field-selector reason=TaintManagerEviction -o name").output).toMatch(/^(event\/web-.+\n)+$/);
    // kube-proxy tolerates every taint, so it stays.
    expect(run("kubectl get pods -n kube-system -l k8s-app=kube-proxy -o jsonpath='{.items[*].spec.nodeName}'").output).toContain("node02");
  });
});
