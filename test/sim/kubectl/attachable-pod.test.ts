// kubectl exec TYPE/NAME: the pod kubectl picks for a deployment, replica set or service (the
// most active of the pods its selector matches) and its messages when there is none.

import { describe, expect, it } from "vitest";
import type { Pod } from "../../../worker/sim/cluster/types.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { lessActive } from "../../../worker/sim/kubectl/attachable-pod.ts";

function pod(name: string, extra: { node?: string; phase?: Pod["status"]["phase"]; readySince?: string; restarts?: number; created?: string }): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: name, resourceVersion: "1", creationTimestamp: extra.created ?? "2026-01-01T00:00:00Z" },
    spec: { containers: [{ name: "c", image: "nginx" }], nodeName: extra.node },
    status: {
      phase: extra.phase ?? "Running",
      conditions: extra.readySince ? [{ type: "Ready", status: "True", lastTransitionTime: extra.readySince } as never] : [],
      containerStatuses: [{ name: "c", restartCount: extra.restarts ?? 0 } as never],
    },
  } as Pod;
}

describe("lessActive (podutils.ActivePods)", () => {
  const ready = { node: "n", readySince: "2026-01-01T00:01:00Z" };
  it.each([
    ["an unscheduled pod is less active than a scheduled one", pod("a", { phase: "Pending" }), pod("b", { node: "n", phase: "Pending" })],
    ["Pending is less active than Running", pod("a", { node: "n", phase: "Pending" }), pod("b", { node: "n" })],
    ["Unknown is less active than Running", pod("a", { node: "n", phase: "Unknown" }), pod("b", { node: "n" })],
    ["not ready is less active than ready", pod("a", { node: "n" }), pod("b", ready)],
    ["ready later is less active than ready sooner", pod("a", { node: "n", readySince: "2026-01-01T00:05:00Z" }), pod("b", ready)],
    ["more restarts is less active", pod("a", { ...ready, restarts: 2 }), pod("b", ready)],
    ["newer is less active than older", pod("a", { ...ready, created: "2026-01-01T00:00:09Z" }), pod("b", ready)],
  ])("%s", (_name, less, more) => {
    expect(lessActive(less, more)).toBe(true);
    expect(lessActive(more, less)).toBe(false);
  });

  it("holds two equal pods equal", () => {
    expect(lessActive(pod("a", { node: "n" }), pod("b", { node: "n" }))).toBe(false);
  });
});

function cluster(): (line: string) => { output: string; exitCode: number } {
  let state: SessionState = createSession({ seed: 11, now: Date.UTC(2026, 0, 1) });
  let now = Date.UTC(2026, 0, 1);
  return (line) => {
    now = Math.max(now + 3000, state.cluster.now);
    const result = execute(state, line, { now });
    state = result.state;
    return result;
  };
}

describe("kubectl exec TYPE/NAME", () => {
  it.each(["deploy/web", "deployment/web", "deployments.apps/web", "svc/web", "service/web", "pod/solo"])("runs in a pod that %s stands for", (target) => {
    const run = cluster();
    run("kubectl create deploy web --image=nginx");
    run("kubectl expose deploy web --port=80");
    run("kubectl run solo --image=nginx");
    const pods = run("kubectl get pods -o name").output;
    const result = run(`kubectl exec ${target} -- hostname`);
    expect(result.exitCode).toBe(0);
    expect(pods).toContain(`pod/${result.output.trim()}`);
    if (target !== "pod/solo") expect(result.output).toMatch(/^web-/);
  });

  it("picks a running, ready pod over one that cannot start", () => {
    const run = cluster();
    run("kubectl create deploy web --image=nginx");
    run("kubectl run broken --image=nginx:no-such-tag --labels=app=web");
    run("kubectl expose deploy web --port=80");
    for (const target of ["svc/web", "deploy/web"]) expect(run(`kubectl exec ${target} -- hostname`).output).toMatch(/^web-/);
    const rs = run("kubectl get rs -o name").output.trim();
    expect(run(`kubectl exec ${rs} -- hostname`).output).toMatch(/^web-/);
  });

  it.each([
    ["kubectl exec deploy/nope -- ls", 'Error from server (NotFound): deployments.apps "nope" not found\n'],
    ["kubectl exec svc/nope -- ls", 'Error from server (NotFound): services "nope" not found\n'],
    ["kubectl exec node/node01 -- ls", "error: cannot attach to *v1.Node: selector for *v1.Node not implemented\n"],
    ["kubectl exec foo/x -- ls", 'error: the server doesn\'t have a resource type "foo"\n'],
  ])("%s fails as real", (line, output) => {
    const result = cluster()(line);
    expect(result.output).toBe(output);
    expect(result.exitCode).toBe(1);
  });

  it("waits a minute for a pod behind a selector that matches none, then gives up", () => {
    const run = cluster();
    run("kubectl create deploy web --image=nginx --replicas=0");
    expect(run("kubectl exec deploy/web -- ls").output).toBe("error: timed out waiting for the condition\n");
  });

  it("rejects a service without a selector", () => {
    const run = cluster();
    run(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: external
spec:
  ports:
  - port: 80
EOF`);
    expect(run("kubectl exec svc/external -- ls").output).toBe(
      "error: cannot attach to *v1.Service: invalid service 'external': Service is defined without a selector\n",
    );
  });
});
