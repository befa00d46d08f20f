// A container's own one-shot command runs in the pod's place when the kubelet starts it: what it
// prints is its log, and its status is the container's exit code. That is how
// `kubectl run client --image=busybox --restart=Never -- wget -qO- http://web` tests a Service.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(31, 4000);

describe("a container's one-shot command", () => {
  const run = console_();
  run("kubectl run web --image=nginx");
  run("kubectl expose pod web --port 80");
  run("kubectl get pods");

  it("reaches a Service by name from inside, and kubectl logs shows what it got", () => {
    run("kubectl run client --image=busybox --restart=Never -- wget -qO- http://web");
    run("kubectl get pods");
    expect(run("kubectl get pod client -o jsonpath='{.status.phase}'").output).toBe("Succeeded");
    expect(run("kubectl logs client | head -4").output).toBe("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n");
    // nginx logged the request, from the client pod's IP.
    const clientIP = run("kubectl get pod client -o jsonpath='{.status.podIP}'").output;
    expect(run("kubectl logs web | tail -1").output).toContain(`${clientIP} - - [`);
  });

  it("keeps curl's progress meter in the log, as curl writes it to standard error", () => {
    run("kubectl run meter --image=curlimages/curl --restart=Never -- curl http://web");
    run("kubectl get pods");
    expect(run("kubectl logs meter | head -1").output).toBe("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n");
  });

  it("fails with the command's exit code, and its error is the log", () => {
    run("kubectl run bad --image=busybox --restart=Never -- wget -qO- -T 2 http://nope");
    run("kubectl get pods");
    expect(run("kubectl get pod bad -o jsonpath='{.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}'").output).toBe("Failed 1");
    expect(run("kubectl logs bad").output).toBe("wget: bad address 'nope'\n");
  });

  it("shows a crash-looping container's last run, and its exit code", () => {
    run(`kubectl run crash --image=busybox -- sh -c "echo starting; exit 3; echo never"`);
    run("kubectl get pods");
    expect(run("kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}'").output).toBe("CrashLoopBackOff");
    expect(run("kubectl logs crash").output).toBe("starting\n");
    expect(run("kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'").output).toBe("3");
  });

  it("leaves long-running commands to run (no output is invented for them)", () => {
    run("kubectl run sleeper --image=busybox -- sleep 3600");
    run("kubectl get pods");
    expect(run("kubectl get pod sleeper -o jsonpath='{.status.phase}'").output).toBe("Running");
    expect(run("kubectl logs sleeper").output).toBe("");
  });
});
