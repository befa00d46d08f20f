// kubectl cordon, uncordon and drain: scheduling switched off and on, and a drain that refuses
// DaemonSet pods and pods without a controller unless told, then evicts and waits.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(23, 3000);

describe("cordon and uncordon", () => {
  const run = console_();

  it("switch scheduling off and on, saying when nothing changes", () => {
    expect(run("kubectl cordon node01").output).toBe("node/node01 cordoned\n");
    expect(run("kubectl cordon node01").output).toBe("node/node01 already cordoned\n");
    expect(run("kubectl get node node01").output).toMatch(/\nnode01 +Ready,SchedulingDisabled +<none> /);
    run("kubectl create deployment web --image=nginx --replicas=3");
    expect(run("kubectl get pods -o jsonpath='{.items[*].spec.nodeName}'").output).toBe("node02 node02 node02");
    expect(run("kubectl uncordon node01").output).toBe("node/node01 uncordoned\n");
    expect(run("kubectl uncordon node01").output).toBe("node/node01 already uncordoned\n");
    expect(run("kubectl get node node01").output).toMatch(/\nnode01 +Ready +<none> /);
    expect(run("kubectl cordon nope")).toEqual({ output: 'Error from server (NotFound): nodes "nope" not found\n', exitCode: 1 });
  });

  it("give a cordoned node the unschedulable taint, as the node lifecycle controller does, and take it away", () => {
    run("kubectl cordon node02");
    expect(run("kubectl get node node02 -o jsonpath='{.spec.taints}'").output).toBe('[{"effect":"NoSchedule","key":"node.kubernetes.io/unschedulable"}]');
    run("kubectl uncordon node02");
    expect(run("kubectl get node node02 -o jsonpath='{.spec.taints}'").output).toBe("");
  });
});

describe("drain", () => {
  const run = console_();
  run("kubectl create deployment web --image=nginx --replicas=4");
  run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  nodeName: node01\n  containers:\n  - name: web\n    image: nginx\nEOF");
  run("kubectl get pods");

  it("refuses DaemonSet pods and pods no controller manages, listing them", () => {
    const refused = run("kubectl drain node01");
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toMatch(/^node\/node01 cordoned\nerror: unable to drain node "node01" due to error: \[cannot delete Pods declare no controller \(use --force to override\): default\/solo, cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): kube-flannel\/kube-flannel-ds-[a-z0-9]{5}, kube-system\/kube-proxy-[a-z0-9]{5}, metallb-system\/speaker-[a-z0-9]{5}\], continuing command...\nThere are pending nodes to be drained:\n node01\n/);
  });

  it("evicts the rest with --ignore-daemonsets --force, and the Deployment's pods come back elsewhere", () => {
    const drained = run("kubectl drain node01 --ignore-daemonsets --force");
    expect(drained.exitCode).toBe(0);
    expect(drained.output).toMatch(/^node\/node01 already cordoned\nWarning: deleting Pods that declare no controller: default\/solo; ignoring DaemonSet-managed Pods: .*\nevicting pod default\//);
    expect(drained.output).toMatch(/pod\/solo evicted\n(.|\n)*node\/node01 drained\n$/);
    run("kubectl get pods");
    const placed = run("kubectl get pods -o jsonpath='{.items[*].spec.nodeName}'").output.split(" ");
    expect(placed).toHaveLength(4);
    expect(placed.every((n) => n === "node02")).toBe(true);
  });

  it("leaves the control plane's static pods alone", () => {
    const out = run("kubectl drain controlplane --ignore-daemonsets").output;
    expect(out).not.toContain("etcd-controlplane");
    expect(out).toMatch(/node\/controlplane drained\n$/);
  });
});
