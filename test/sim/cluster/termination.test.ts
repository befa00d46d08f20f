// Graceful termination as the kubelet does it: preStop hook, then the stop signal each image
// handles its own way, SIGKILL (137) at the end of the grace period; kubectl delete's waiting,
// --grace-period, --now and --force; get, describe and events while a pod is Terminating.

import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2026, 0, 1);

function session(seed = 1) {
  let state = createSession({ seed, now: START });
  let now = START;
  const run = (line: string) => {
    // The wall clock moves a second per command; the engine adds what sleep and waits skipped.
    now += 1000;
    const result = execute(state, line, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
  return { run };
}

const pod = (name: string, container: string) => `cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${container}
EOF`;

const NGINX_PRESTOP = `  terminationGracePeriodSeconds: 120
  containers:
  - name: nginx
    image: nginx
    lifecycle:
      preStop:
        exec:
          command: ["/bin/sh", "-c", "sleep 180"]`;

/** Seconds from now until the pod is gone, the simulated clock moving one second per command. */
function secondsUntilGone(s: ReturnType<typeof session>, name: string, limit = 400): number {
  for (let i = 1; i <= limit; i++) {
    if (s.run(`kubectl get pod ${name}`).output.includes("(NotFound)")) return i;
  }
  throw new Error(`${name} still there after ${limit} commands`);
}

describe("graceful termination", () => {
  it("keeps a pod whose preStop hook outlasts its grace period Terminating 1/1 until the grace period ends", () => {
    const s = session();
    s.run(pod("web", NGINX_PRESTOP));
    s.run("sleep 10");
    expect(s.run("kubectl delete pod web --wait=false").output).toBe('pod "web" deleted from default namespace\n');
    expect(s.run("kubectl get pod web").output).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb\s+1\/1\s+Terminating\s+0\s+\d+s\n$/);
    const describe = s.run("kubectl describe pod web").output;
    // describe.go prints translateTimestampSince(deletionTimestamp): a time still ahead is "<invalid>".
    expect(describe).toMatch(/\nStatus:\s+Terminating \(lasts <invalid>\)\nTermination Grace Period:\s+120s\n/);
    expect(describe).toMatch(/Normal\s+Killing\s+\S+\s+kubelet\s+Stopping container nginx\n/);
    s.run("sleep 100");
    expect(s.run("kubectl get pod web").output).toMatch(/web\s+1\/1\s+Terminating/);
    // The hook is cut at 120 s; nginx then takes its stop signal and exits at once.
    const gone = secondsUntilGone(s, "web");
    expect(gone).toBeGreaterThan(5);
    expect(gone).toBeLessThan(25);
  });

  it("stops nginx without a hook within a few seconds, and a shell running sleep only at the grace period's end, killed with 137", () => {
    const s = session();
    s.run("kubectl run web --image=nginx");
    s.run("kubectl run sleeper --image=busybox -- sleep 3600");
    s.run("sleep 10");
    s.run("kubectl delete pod web sleeper --wait=false");
    expect(secondsUntilGone(s, "web")).toBeLessThanOrEqual(4);
    s.run("sleep 20");
    expect(s.run("kubectl get pod sleeper").output).toMatch(/sleeper\s+1\/1\s+Terminating/);
    // Killed at 30 s: the container shows its SIGKILL exit code until the pod object goes.
    const seen: string[] = [];
    for (let i = 0; i < 15 && !seen.some((o) => o.includes("(NotFound)")); i++) seen.push(s.run("kubectl get pod sleeper -o jsonpath={.status.containerStatuses[0].state.terminated.exitCode}").output);
    expect(seen).toContain("137");
    expect(seen.filter((o) => o === "137").length).toBeLessThanOrEqual(3);
  });

  it("makes kubectl delete wait until the pod is gone, the simulated clock moving on", () => {
    const s = session();
    s.run("kubectl run sleeper --image=busybox -- sleep 3600");
    s.run("kubectl run marker --image=nginx");
    s.run("sleep 10");
    const age = () => Number(/marker\s+\S+\s+\S+\s+\d+\s+(\d+)s/.exec(s.run("kubectl get pod marker").output)?.[1]);
    const before = age();
    expect(s.run("kubectl delete pod sleeper").output).toBe('pod "sleeper" deleted from default namespace\n');
    expect(s.run("kubectl get pod sleeper").output).toContain("(NotFound)");
    // busybox's sleep ignores SIGTERM: kubectl waited out the 30 s grace period.
    const waited = age() - before;
    expect(waited).toBeGreaterThanOrEqual(30);
    expect(waited).toBeLessThan(36);
  });

  it("shortens the grace period with --grace-period and --now, and removes at once with --force --grace-period=0 and kubectl's warning", () => {
    const s = session();
    for (const n of ["a", "b", "c"]) s.run(`kubectl run ${n} --image=busybox -- sleep 3600`);
    s.run("sleep 10");
    s.run("kubectl delete pod a --grace-period=5 --wait=false");
    const a = secondsUntilGone(s, "a");
    expect(a).toBeGreaterThanOrEqual(5);
    expect(a).toBeLessThanOrEqual(8);
    s.run("kubectl delete pod b --now --wait=false");
    // --now is --grace-period=1; the kubelet still gives the stop signal its 2 s minimum.
    const b = secondsUntilGone(s, "b");
    expect(b).toBeGreaterThanOrEqual(2);
    expect(b).toBeLessThanOrEqual(5);
    const forced = s.run("kubectl delete pod c --force --grace-period=0");
    expect(forced.output).toBe(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod "c" force deleted from default namespace\n',
    );
    expect(s.run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("lets a second delete shorten, but not lengthen, the grace period", () => {
    const s = session();
    s.run(pod("web", NGINX_PRESTOP));
    s.run("sleep 10");
    s.run("kubectl delete pod web --wait=false");
    s.run("kubectl delete pod web --wait=false --grace-period=300");
    expect(s.run("kubectl get pod web -o jsonpath={.metadata.deletionGracePeriodSeconds}").output).toBe("120");
    s.run("kubectl delete pod web --wait=false --grace-period=3");
    expect(s.run("kubectl get pod web -o jsonpath={.metadata.deletionGracePeriodSeconds}").output).toBe("3");
    expect(secondsUntilGone(s, "web")).toBeLessThanOrEqual(6);
  });

  it("replaces a terminating pod of a ReplicaSet at once, both listed together", () => {
    const s = session();
    s.run("kubectl create deployment web --image=busybox -- sleep 3600");
    s.run("sleep 10");
    const old = s.run("kubectl get pods -o name").output.trim().replace("pod/", "");
    s.run(`kubectl delete pod ${old} --wait=false`);
    s.run("sleep 3");
    const rows = s.run("kubectl get pods --no-headers").output.trim().split("\n");
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.startsWith(old))).toMatch(/1\/1\s+Terminating/);
    expect(rows.find((r) => !r.startsWith(old))).toMatch(/1\/1\s+Running/);
  });

  it("rejects a preStop hook without a handler, as the API server does", () => {
    const s = session();
    const r = s.run(pod("bad", `  containers:\n  - name: c\n    image: nginx\n    lifecycle:\n      preStop: {}`));
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain("spec.containers[0].lifecycle.preStop: Required value: must specify a handler type");
  });
});
