// kubectl wait's --for forms (pkg/cmd/wait: conditionFuncsFor, processJSONPathInput, JSONPathWait),
// with kubectl's own errors, on the simulated cluster.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("kubectl wait --for=jsonpath", () => {
  it("waits for a field to hold a value, a filter's == kept whole, as the docs' examples do", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run web --image=nginx");
    expect(run("kubectl wait --for=jsonpath='{.status.phase}'=Running pod/web")).toEqual({ output: "pod/web condition met\n", exitCode: 0 });
    expect(run(`kubectl wait --for='jsonpath={.status.conditions[?(@.type=="Ready")].status}=True' pod/web`).output).toBe("pod/web condition met\n");
    run("kubectl create deployment d --image=nginx --replicas=3");
    expect(run("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 deploy/d --timeout=60s").output).toBe("deployment.apps/d condition met\n");
  });

  it("without a value waits for the field to exist, even a list", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run web --image=nginx");
    expect(run("kubectl wait --for=jsonpath='{.spec.containers}' pod/web").output).toBe("pod/web condition met\n");
  });

  it("times out as kubectl does when the value never comes", () => {
    const run = simTerminal(3, 1000);
    run("kubectl run web --image=nginx");
    expect(run("kubectl wait --for=jsonpath='{.status.phase}'=Failed pod/web --timeout=3s")).toEqual({ output: "error: timed out waiting for the condition on pods/web\n", exitCode: 1 });
  });

  it.each([
    ["an empty value", "kubectl wait --for=jsonpath='{.status.phase}'= pod/web", "error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3\n"],
    ["two equal signs", "kubectl wait --for=jsonpath='{.a}'='{.b}'=c pod/web", "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'\n"],
    ["a value for a list", "kubectl wait --for=jsonpath='{.spec.containers}'=x pod/web", "error: jsonpath leads to a nested object or list which is not supported\n"],
  ])("refuses %s with kubectl's message", (_name, command, message) => {
    const run = simTerminal(3, 1000);
    run("kubectl run web --image=nginx");
    run("sleep 5");
    expect(run(command)).toEqual({ output: message, exitCode: 1 });
  });
});

describe("kubectl wait --for=create", () => {
  it("waits for an object that does not exist yet instead of answering NotFound", () => {
    const run = simTerminal(3, 1000);
    expect(run("kubectl wait --for=create pod/later --timeout=2s")).toEqual({ output: "error: timed out waiting for the condition on pods/later\n", exitCode: 1 });
    run("kubectl run later --image=nginx");
    expect(run("kubectl wait --for=create pod/later").output).toBe("pod/later condition met\n");
  });
});
