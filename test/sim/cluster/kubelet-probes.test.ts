// The kubelet's probe workers (prober/worker.go): ticks from the pod's admission, initialDelaySeconds
// in whole seconds, runs of equal results against the thresholds, startup gating the others, the
// hold after a liveness failure; and the kubernetes.io task "Configure Liveness, Readiness and
// Startup Probes" run verbatim from its example URLs.
import { describe, expect, it } from "vitest";
import { doProbe, newWorkers, probeKill, tickAtOrAfter } from "../../../worker/sim/cluster/kubelet-probes.ts";
import type { Container, ContainerRuntime, Pod, ProbeWorker } from "../../../worker/sim/cluster/types.ts";
import { simTerminal } from "../console.ts";

const probe = (extra: Partial<NonNullable<Container["livenessProbe"]>> = {}) => ({ exec: { command: ["true"] }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3, ...extra });
const running = (over: Partial<ContainerRuntime> = {}): ContainerRuntime => ({ name: "c", phase: "running", since: 10_000, startedAt: 10_000, restartCount: 0, pullAttempts: 0, containerID: "containerd://a", ...over });

describe("probe worker ticks", () => {
  it.each([
    [0, 5000, 0, 0],
    [0, 5000, 1, 5000],
    [0, 5000, 5000, 5000],
    [0, 5000, 5001, 10_000],
    [12_000, 10_000, 3000, 12_000],
  ])("a ticker at %i every %i ms first ticks at or after %i: %i", (nextAt, period, from, want) => {
    expect(tickAtOrAfter(nextAt, period, from)).toBe(want);
  });

  it("start with the pod, a period after it, one worker per probe", () => {
    const spec: Container = { name: "c", image: "busybox", livenessProbe: probe(), readinessProbe: probe({ periodSeconds: 10 }) };
    expect(newWorkers(spec, 1000)).toEqual({ liveness: { nextAt: 6000, run: 0 }, readiness: { nextAt: 11_000, run: 0 } });
    expect(newWorkers({ name: "c", image: "nginx" }, 1000)).toBeUndefined();
  });
});

describe("doProbe", () => {
  const spec = (kinds: Partial<Container>): Container => ({ name: "c", image: "busybox", ...kinds });
  const w = (over: Partial<ProbeWorker> = {}): ProbeWorker => ({ nextAt: 15_000, run: 0, containerID: "containerd://a", ...over });
  const fail = () => ({ ok: false, message: "nope" });
  const pass = () => ({ ok: true, message: "" });

  it.each([
    // [what, initialDelaySeconds, t, probed]
    ["inside the initial delay (whole seconds since start)", 5, 14_999, false],
    ["at the initial delay", 5, 15_000, true],
  ])("%s", (_what, delay, t, probed) => {
    let ran = false;
    doProbe(running(), spec({ livenessProbe: probe({ initialDelaySeconds: delay as number }) }), "liveness", w({ nextAt: t as number }), t as number, () => ((ran = true), pass()));
    expect(ran).toBe(probed);
  });

  it("sets a failure only after failureThreshold failures in a row, then holds until a new container", () => {
    const s = spec({ livenessProbe: probe() });
    let worker = w();
    const sets: Array<boolean | undefined> = [];
    for (const t of [15_000, 20_000, 25_000]) {
      const out = doProbe(running(), s, "liveness", worker, t, fail);
      sets.push(out.set);
      worker = out.worker;
    }
    expect(sets).toEqual([undefined, undefined, false]);
    expect(worker).toMatchObject({ onHold: true, run: 0, nextAt: 30_000 });
    let ran = false;
    worker = doProbe(running(), s, "liveness", worker, 30_000, () => ((ran = true), fail())).worker;
    expect(ran).toBe(false);
    // A new container lifts the hold and starts counting again.
    const out = doProbe(running({ containerID: "containerd://b", since: 31_000, startedAt: 31_000 }), spec({ livenessProbe: probe() }), "liveness", worker, 40_000, fail);
    expect(out.worker).toMatchObject({ containerID: "containerd://b", run: 1, last: false });
    expect(out.worker.onHold).toBeUndefined();
  });

  it("needs successThreshold successes in a row for readiness, a success resetting the failures", () => {
    const s = spec({ readinessProbe: probe({ successThreshold: 2 }) });
    const results = [fail, pass, pass, fail, pass];
    let worker = w();
    const sets = results.map((r, i) => {
      const out = doProbe(running(), s, "readiness", worker, 15_000 + i * 5000, r);
      worker = out.worker;
      return out.set;
    });
    expect(sets).toEqual([undefined, undefined, true, undefined, undefined]);
  });

  it("gates liveness and readiness behind the startup probe, and stops startup once it passed", () => {
    const s = spec({ startupProbe: probe(), livenessProbe: probe() });
    let ran = "";
    doProbe(running(), s, "liveness", w(), 15_000, () => ((ran += "liveness "), pass()));
    doProbe(running(), s, "startup", w(), 15_000, () => ((ran += "startup "), pass()));
    doProbe(running({ probeStarted: true }), s, "startup", w(), 20_000, () => ((ran += "startup-again "), pass()));
    doProbe(running({ probeStarted: true }), s, "liveness", w(), 20_000, () => ((ran += "liveness-after "), pass()));
    expect(ran).toBe("startup liveness-after ");
  });

  it("words the kill as computePodActions does, with the probe's own grace period first", () => {
    const pod = { spec: { restartPolicy: "Always", terminationGracePeriodSeconds: 30, containers: [] } } as unknown as Pod;
    expect(probeKill(pod, spec({ livenessProbe: probe() }), "liveness")).toEqual({ message: "Container c failed liveness probe, will be restarted", graceMs: 30_000 });
    expect(probeKill({ spec: { ...pod.spec, restartPolicy: "Never" } } as Pod, spec({ startupProbe: probe({ terminationGracePeriodSeconds: 5 }) }), "startup")).toEqual({ message: "Container c failed startup probe", graceMs: 5000 });
  });
});

describe("Configure Liveness, Readiness and Startup Probes, from its example URLs", () => {
  const run = simTerminal(41, 1000);
  const events = (pod: string) => run(`kubectl describe pod ${pod} | sed -n '/^Events/,$p'`).output;

  it("exec-liveness: healthy for 30 s, then three failed probes, the kill and a restart", () => {
    expect(run("kubectl apply -f https://k8s.io/examples/pods/probe/exec-liveness.yaml").output).toBe("pod/liveness-exec created\n");
    run("sleep 20");
    // "The output indicates that no liveness probes have failed yet".
    const early = events("liveness-exec");
    expect(early).toMatch(/Normal +Started +\d+s +kubelet +Started container liveness\n$/);
    expect(early).not.toContain("Unhealthy");
    run("sleep 25");
    const late = events("liveness-exec");
    expect(late).toMatch(/Warning +Unhealthy +\d+s \(x3 over 1\ds\) +kubelet +Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory\n +Normal +Killing +\d+s +kubelet +Container liveness failed liveness probe, will be restarted\n$/);
    // sh as PID 1 ignores SIGTERM: the restart comes after the 30 s grace period.
    expect(run("kubectl get pod liveness-exec").output).toMatch(/liveness-exec +1\/1 +Running +0 /);
    run("sleep 30");
    expect(run("kubectl get pod liveness-exec").output).toMatch(/liveness-exec +1\/1 +Running +1 \(\d+s ago\) /);
    expect(run("kubectl get pod liveness-exec -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'").output).toBe("137");
  });

  it("http-liveness: /healthz answers 500 after 10 s, and the container restarts", () => {
    expect(run("kubectl apply -f https://k8s.io/examples/pods/probe/http-liveness.yaml").output).toBe("pod/liveness-http created\n");
    run("sleep 25");
    const out = run("kubectl describe pod liveness-http").output;
    expect(out).toContain("    Liveness:       http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3\n");
    expect(out).toMatch(/Warning +Unhealthy +\d+s \(x3 over \d+s\) +kubelet +Liveness probe failed: HTTP probe failed with statuscode: 500\n/);
    expect(out).toMatch(/Normal +Killing +\d+s +kubelet +Container liveness failed liveness probe, will be restarted\n/);
    expect(run("kubectl get pod liveness-http -o jsonpath='{.status.containerStatuses[0].restartCount}'").output).toBe("1");
    // The probe's httpHeaders are kept as given.
    expect(run("kubectl get pod liveness-http -o jsonpath='{.spec.containers[0].livenessProbe.httpGet.httpHeaders}'").output).toBe('[{"name":"Custom-Header","value":"Awesome"}]');
  });

  it("tcp-liveness-readiness: goproxy is not ready until the first readiness probe 15 s in", () => {
    run("kubectl apply -f https://k8s.io/examples/pods/probe/tcp-liveness-readiness.yaml");
    run("sleep 5");
    expect(run("kubectl get pod goproxy").output).toMatch(/goproxy +0\/1 +Running +0 /);
    run("sleep 20");
    expect(run("kubectl get pod goproxy").output).toMatch(/goproxy +1\/1 +Running +0 /);
    expect(events("goproxy")).not.toContain("Unhealthy");
  });
});

describe("readiness that changes while the pod runs", () => {
  const run = simTerminal(43, 1000);

  it("takes the pod out of the endpoints when its probe starts failing, and back when it passes", () => {
    run("kubectl create deployment web --image=nginx --replicas=1");
    run(
      "kubectl patch deployment web --type=json -p='[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"cat\",\"/tmp/ready\"]},\"periodSeconds\":2,\"failureThreshold\":1}}]'",
    );
    run("kubectl expose deployment web --port 80");
    run("kubectl rollout status deployment web --timeout=5s");
    run("sleep 10");
    const pod = run("kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'").output;
    expect(run(`kubectl get pod ${pod}`).output).toMatch(/0\/1 +Running/);
    run(`kubectl exec ${pod} -- touch /tmp/ready`);
    run("sleep 3");
    expect(run(`kubectl get pod ${pod}`).output).toMatch(/1\/1 +Running/);
    expect(run("kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{.items[0].endpoints[0].conditions.ready}'").output).toBe("true");
    run(`kubectl exec ${pod} -- rm /tmp/ready`);
    run("sleep 3");
    expect(run(`kubectl get pod ${pod}`).output).toMatch(/0\/1 +Running/);
    expect(run("kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{.items[0].endpoints[0].conditions.ready}'").output).toBe("false");
    expect(run(`kubectl describe pod ${pod}`).output).toMatch(/Warning +Unhealthy .*Readiness probe failed: cat: \/tmp\/ready: No such file or directory\n/);
  });
});

describe("startup probes", () => {
  const run = simTerminal(44, 1000);

  it("keep a container unstarted and unready until they pass, and are validated and described", () => {
    run(
      "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: [sh, -c, 'sleep 20; touch /tmp/up; sleep 3600']\n    startupProbe:\n      exec: {command: [cat, /tmp/up]}\n      periodSeconds: 5\n      failureThreshold: 10\n    readinessProbe:\n      exec: {command: [ls, /tmp/up]}\nEOF",
    );
    run("sleep 8");
    expect(run("kubectl get pod slow -o jsonpath='{.status.containerStatuses[0].started} {.status.containerStatuses[0].ready}'").output).toBe("false false");
    run("sleep 25");
    expect(run("kubectl get pod slow -o jsonpath='{.status.containerStatuses[0].started} {.status.containerStatuses[0].ready}'").output).toBe("true true");
    expect(run("kubectl describe pod slow").output).toContain("    Startup:        exec [cat /tmp/up] delay=0s timeout=1s period=5s #success=1 #failure=10\n");
    const refused = run(
      "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: app\n    image: busybox\n    livenessProbe:\n      exec: {command: [true]}\n      successThreshold: 2\n    readinessProbe:\n      exec: {command: [true]}\n      terminationGracePeriodSeconds: 5\nEOF",
    );
    expect(refused.output).toBe(
      'The Pod "bad" is invalid: \n* spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1\n* spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes\n',
    );
  });
});
