// kubectl port-forward as a job of the workstation's shell: kubectl's lines and errors (kubectl and
// client-go portforward.go), curl through the API server's tunnel, and the end of a forward.
import { describe, expect, it } from "vitest";
import { createSession, execute, foregroundJob, interrupt, type SessionState } from "../../../../worker/sim/engine.ts";
import { runScript } from "../../../../worker/sim/cli/transcript.ts";
import { simConsole } from "../../console.ts";

/** A console with deployment web (nginx, 2 replicas) behind Service web (80 -> 80) and pod bb (busybox, serves nothing). */
function lab() {
  const run = simConsole(11, 2000);
  run("kubectl create deployment web --image=nginx --replicas=2");
  run("kubectl expose deployment web --port=80 --target-port=80");
  run("kubectl run bb --image=busybox -- sleep 3600");
  run("sleep 30");
  return run;
}

describe("kubectl port-forward", () => {
  it("forwards localhost:8080 to a pod of the Service in the background; curl reaches nginx through the API server, not kube-proxy", () => {
    const run = lab();
    const started = run("kubectl port-forward svc/web 8080:80 &");
    expect(started.exitCode).toBe(0);
    expect(started.output).toMatch(/^\[1\] \d+\nForwarding from 127\.0\.0\.1:8080 -> 80\nForwarding from \[::1\]:8080 -> 80\n$/);
    const curl = run("curl -s localhost:8080");
    expect(curl.exitCode).toBe(0);
    expect(curl.output).toMatch(/^Handling connection for 8080\n<!DOCTYPE html>/);
    const trace = curl.traces[0];
    expect(trace.verdict).toBe("answered");
    expect(trace.hops.map((h) => h.kind)).toEqual(["client", "node", "node", "pod", "process"]);
    expect(trace.hops[1].label).toBe("kube-apiserver on controlplane");
    expect(trace.hops[2].label).toMatch(/^kubelet on node0\d$/);
    expect(trace.hops.some((h) => h.kind === "service" || h.kind === "endpoint")).toBe(false);
    expect(run("jobs").output).toBe("[1]+  Running                 kubectl port-forward svc/web 8080:80 &\n");
    expect(run("kill %1").output).toBe("[1]+  Terminated              kubectl port-forward svc/web 8080:80\n");
    // Nothing listens on 8080 any more.
    expect(run("curl -s localhost:8080").exitCode).toBe(7);
  });

  it("resolves the Service's targetPort (kubectl prints the pod's port) and a Service port it lacks is kubectl's error", () => {
    const run = simConsole(11, 2000);
    run("kubectl create deployment api --image=nginx");
    run("kubectl expose deployment api --port=8000 --target-port=80");
    run("sleep 30");
    expect(run("kubectl port-forward svc/api 9000:8000 &").output).toMatch(/Forwarding from 127\.0\.0\.1:9000 -> 80\n/);
    expect(run("kubectl port-forward svc/api 9001:80")).toEqual(expect.objectContaining({ output: "error: Service api does not have a service port 80\n", exitCode: 1 }));
    expect(run("kubectl port-forward svc/api 9001:http")).toEqual(expect.objectContaining({ output: "error: Service 'api' does not have a named port 'http'\n", exitCode: 1 }));
  });

  it.each([
    ["kubectl port-forward", "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n"],
    ["kubectl port-forward pod/nope 8080:80", 'Error from server (NotFound): pods "nope" not found\n'],
    ["kubectl port-forward pod/bb 8091:80 --address foo", "error: foo is not a valid IP\n"],
    ["kubectl port-forward pod/bb 8091:0", "error: remote port must be > 0\n"],
    ["kubectl port-forward pod/bb x:80", "error: error parsing local port 'x': strconv.ParseUint: parsing \"x\": invalid syntax\n"],
    ["kubectl port-forward pod/bb 8080:web", "error: Pod 'bb' does not have a named port 'web'\n"],
    [
      "kubectl port-forward pod/bb 80:80",
      "Unable to listen on port 80: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:80: bind: permission denied unable to create listener: Error listen tcp6 [::1]:80: bind: permission denied]\nerror: unable to listen on any of the requested ports: [{80 80}]\n",
    ],
    [
      "kubectl port-forward pod/bb 8091:80 --address 10.1.1.1",
      "Unable to listen on port 8091: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 10.1.1.1:8091: bind: cannot assign requested address]\nerror: unable to listen on any of the requested ports: [{8091 80}]\n",
    ],
  ])("%s fails as kubectl does", (line, output) => {
    const result = lab()(line);
    expect({ output: result.output, exitCode: result.exitCode }).toEqual({ output, exitCode: 1 });
  });

  it("refuses a pod that is not running, and a local port another forward holds", () => {
    const run = simConsole(11, 2000);
    // An image that cannot be pulled keeps the pod Pending.
    run("kubectl run stuck --image=nginx:no-such-tag");
    run("kubectl run slow --image=nginx");
    run("sleep 30");
    expect(run("kubectl port-forward pod/stuck 8080:80").output).toBe("error: unable to forward port because pod is not running. Current status=Pending\n");
    run("kubectl port-forward pod/slow 8080:80 &");
    expect(run("kubectl port-forward pod/slow 8080:80").output).toBe(
      "Unable to listen on port 8080: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:8080: bind: address already in use unable to create listener: Error listen tcp6 [::1]:8080: bind: address already in use]\nerror: unable to listen on any of the requested ports: [{8080 80}]\n",
    );
  });

  it("ends with `lost connection to pod` when nothing listens on the pod's port, and bash reports Exit 1", () => {
    const run = lab();
    run("kubectl port-forward pod/bb 8090:80 &");
    const curl = run("curl localhost:8090");
    expect(curl.exitCode).toBe(52);
    expect(curl.output).toMatch(
      /^Handling connection for 8090\nE\d{4} [\d:.]+ +\d+ portforward\.go:424\] "Unhandled Error" err="an error occurred forwarding 8090 -> 80: error forwarding port 80 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \\"\/var\/run\/netns\/cni-[0-9a-f-]{36}\\": failed to connect to localhost:80 inside namespace \\"[0-9a-f]{64}\\", IPv4: dial tcp4 127\.0\.0\.1:80: connect: connection refused IPv6 dial tcp6 \[::1\]:80: connect: connection refused "\nerror: lost connection to pod\ncurl: \(52\) Empty reply from server\n\[1\]\+  Exit 1                  kubectl port-forward pod\/bb 8090:80\n$/,
    );
    expect(curl.traces[0].verdict).toBe("empty-reply");
  });

  it("ends on the next connection after its pod was deleted: the runtime has no sandbox for it", () => {
    const run = lab();
    const pod = run("kubectl get pods -l app=web -o jsonpath={.items[0].metadata.name}").output;
    run(`kubectl port-forward pod/${pod} 8080:80 &`);
    run(`kubectl delete pod ${pod}`);
    const curl = run("curl -s localhost:8080");
    expect(curl.output).toMatch(/err="an error occurred forwarding 8080 -> 80: error forwarding port 80 to pod [0-9a-f]{64}, uid : failed to find sandbox \\"[0-9a-f]{64}\\" in store: not found"\nerror: lost connection to pod\n/);
    expect(curl.output).toMatch(/Exit 1 +kubectl port-forward pod\//);
  });

  it("keeps the Handling lines out of the terminal when kubectl's output is redirected", () => {
    const run = lab();
    expect(run("kubectl port-forward deploy/web 8081:80 > /dev/null &").output).toMatch(/^\[1\] \d+\n$/);
    expect(run("curl -s localhost:8081").output).toMatch(/^<!DOCTYPE html>/);
  });

  it("in the foreground holds the console until Ctrl+C (interrupt), which ends it with status 130", () => {
    let now = Date.UTC(2026, 0, 1);
    let state: SessionState = createSession({ seed: 11, now });
    const run = (line: string) => {
      const result = execute(state, line, { now: (now += 2000) });
      state = result.state;
      return result;
    };
    run("kubectl run web --image=nginx");
    run("sleep 30");
    const held = run("kubectl port-forward pod/web 8080:80");
    expect([held.output, held.running]).toEqual(["Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n", true]);
    expect(foregroundJob(state)?.command).toBe("kubectl port-forward pod/web 8080:80");
    const refused = run("curl localhost:8080");
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toMatch(/press Ctrl\+C to stop it/);
    const stopped = interrupt(state);
    state = stopped.state;
    expect([stopped.output, stopped.exitCode, stopped.running]).toEqual(["^C\n", 130, undefined]);
    expect(run("echo $?").output).toBe("130\n");
    expect(run("jobs").output).toBe("");
    // `wait` for a forward holds the console too, but Ctrl+C interrupts the wait only: the job runs on.
    run("kubectl port-forward pod/web 8080:80 &");
    expect(run("wait").running).toBe(true);
    const waited = interrupt(state);
    state = waited.state;
    expect(waited.exitCode).toBe(130);
    expect(run("jobs").output).toBe("[1]+  Running                 kubectl port-forward pod/web 8080:80 &\n");
    // fg brings a background forward to the foreground: it holds the console again.
    expect(run("fg").output).toBe("kubectl port-forward pod/web 8080:80\n");
    expect(foregroundJob(state)).toBeDefined();
  });

  it("in a script, a `^C` line stops the foreground forward (npm run sim, golden transcripts)", () => {
    const { transcript } = runScript("kubectl run web --image=nginx\nsleep 30\nkubectl port-forward pod/web 8080:80\n^C\necho $?\n");
    expect(transcript).toContain("student@workstation:~$ kubectl port-forward pod/web 8080:80\nForwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n^C\nstudent@workstation:~$ echo $?\n130\n");
  });

  it("--context forwards to a pod of that cluster, and keeps reaching it after the console switches context", () => {
    let now = Date.UTC(2026, 0, 1);
    let state: SessionState = createSession({ seed: 11, now, clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }] });
    const run = (line: string) => {
      now += 2000;
      const result = execute(state, line, { now });
      state = result.state;
      return result;
    };
    run("kubectl --context k8s-c2 run only-c2 --image=nginx");
    run("kubectl --context k8s-c2 wait --for=condition=Ready pod/only-c2");
    expect(run("kubectl port-forward pod/only-c2 8080:80 &").output).toMatch(/Error from server \(NotFound\): pods "only-c2" not found\n/);
    expect(run("kubectl --context k8s-c2 port-forward pod/only-c2 8080:80 &").output).toMatch(/^\[\d\] \d+\nForwarding from 127\.0\.0\.1:8080 -> 80\n/);
    for (const context of ["k8s-c1", "k8s-c2", "k8s-c1"]) {
      run(`kubectl config use-context ${context}`);
      const curl = run("curl -s localhost:8080");
      expect(curl.output).toMatch(/^Handling connection for 8080\n<!DOCTYPE html>/);
      expect(curl.traces[0].cluster).toBe("k8s-c2");
      expect(curl.traces[0].hops[1].label).toBe("kube-apiserver on cluster2-controlplane");
      expect(curl.traces[0].hops[2].label).toMatch(/^kubelet on cluster2-node\d$/);
    }
    run("kubectl --context k8s-c2 delete pod only-c2 --now");
    expect(run("curl -s localhost:8080").output).toContain("error: lost connection to pod");
  });
});
