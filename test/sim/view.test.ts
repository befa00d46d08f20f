import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../worker/sim/engine.ts";
import { clusterView } from "../../worker/sim/view.ts";

const start = Date.UTC(2026, 0, 1);

function run(commands: string[]) {
  let state = createSession({ seed: 7, now: start });
  let now = start;
  for (const command of commands) {
    now += 5000;
    state = execute(state, command, { now }).state;
  }
  return state;
}

describe("clusterView", () => {
  it("draws the default cluster: three nodes with their IPs, system objects marked as system", () => {
    const view = clusterView(run([]));
    expect(view.nodes.map((n) => n.name).sort()).toEqual(["controlplane", "node01", "node02"]);
    expect(view.nodes.every((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n.ip) && n.ready)).toBe(true);
    expect(view.pods.length).toBeGreaterThan(0);
    expect(view.pods.every((p) => p.system)).toBe(true);
    expect(view.services.find((s) => s.name === "kubernetes")?.system).toBe(false);
    expect(view.shell).toEqual({ kind: "workstation", name: "workstation" });
  });

  it("marks a cordoned node and lists a node's taints as kubectl writes them", () => {
    const view = clusterView(run(["kubectl cordon node01", "kubectl taint nodes node02 dedicated=gpu:NoSchedule"]));
    const byName = Object.fromEntries(view.nodes.map((n) => [n.name, n]));
    expect(byName.node01).toMatchObject({ unschedulable: true });
    expect(byName.node02.taints).toEqual(["dedicated=gpu:NoSchedule"]);
    expect(byName.controlplane.taints).toEqual(["node-role.kubernetes.io/control-plane:NoSchedule"]);
    expect(byName.node02.unschedulable).toBeUndefined();
  });

  it("joins a NodePort service to the ready pod it selects, on the pod's listening port", () => {
    const view = clusterView(
      run(["kubectl run nginx --image=nginx", "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort"]),
    );
    const pod = view.pods.find((p) => p.name === "nginx");
    const service = view.services.find((s) => s.name === "nginx");
    expect(pod).toMatchObject({ status: "Running", ready: true, labels: { run: "nginx" }, listening: [80], system: false });
    expect(service).toMatchObject({ type: "NodePort", selector: { run: "nginx" } });
    expect(service?.ports[0]).toMatchObject({ port: 8080, targetPort: 80 });
    expect(service?.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(service?.endpoints).toEqual([{ ip: pod?.ip, port: 80, pod: "nginx", node: pod?.node }]);
  });

  it("shows a service whose selector matches nothing with no endpoints", () => {
    const view = clusterView(run(["kubectl create service clusterip db --tcp=5432:5432"]));
    expect(view.services.find((s) => s.name === "db")?.endpoints).toEqual([]);
  });

  it("names the Deployment that owns a pod through its ReplicaSet", () => {
    const view = clusterView(run(["kubectl create deployment web --image=traefik/whoami --replicas=2"]));
    const pods = view.pods.filter((p) => p.owner === "web");
    expect(pods).toHaveLength(2);
    expect(view.deployments.find((d) => d.name === "web")).toMatchObject({ replicas: 2, selector: { app: "web" } });
  });
});
