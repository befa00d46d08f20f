// Leases: one per node in kube-node-lease, held by its kubelet and renewed every 10 s with the
// node's heartbeat; get's NAME HOLDER AGE, the generic describer, and describe node reading it.
import { describe, expect, it } from "vitest";
import { smartLabelFor } from "../../../worker/sim/kubectl/printers/generic-describe.ts";
import { simTerminal } from "../console.ts";

describe("node Leases", () => {
  it("lists one lease per node, held under the node's name", () => {
    const run = simTerminal(31);
    expect(run("kubectl get leases -n kube-node-lease").output).toMatch(/^NAME +HOLDER +AGE\ncontrolplane +controlplane +\d+m\nnode01 +node01 +\d+m\nnode02 +node02 +\d+m\n$/);
    expect(run("kubectl get leases").output).toBe("No resources found in default namespace.\n");
    expect(run("kubectl get leases.coordination.k8s.io -A -o name").output).toBe("lease.coordination.k8s.io/controlplane\nlease.coordination.k8s.io/node01\nlease.coordination.k8s.io/node02\n");
  });

  it("renews every 10 s, and describe node shows the same renewal", () => {
    const run = simTerminal(32, 4000);
    const renewal = () => run("kubectl get lease node01 -n kube-node-lease -o jsonpath='{.spec.renewTime}'").output;
    // Commands run 4 s apart from 2026-01-01T00:00:04Z; each sees the last renewal before it.
    const start = Date.UTC(2026, 0, 1);
    const times = [1, 2, 3, 4, 5, 6].map((k) => ({ at: start + 4000 * k, renewed: Date.parse(renewal()) }));
    for (const { at, renewed } of times) {
      expect(renewed).toBeLessThanOrEqual(at);
      expect(renewed).toBeGreaterThan(at - 10_000);
      expect((renewed - times[0].renewed) % 10_000).toBe(0);
    }
    expect(new Set(times.map((t) => t.renewed)).size).toBeGreaterThanOrEqual(2);
    const described = run("kubectl describe node node01").output;
    const renewTime = run("kubectl get lease node01 -n kube-node-lease -o jsonpath='{.spec.renewTime}'").output;
    const stamp = new Date(Date.parse(renewTime)).toUTCString().replace("GMT", "+0000");
    expect(described).toContain(`Lease:\n  HolderIdentity:  node01\n  AcquireTime:     <unset>\n  RenewTime:       ${stamp}\n`);
  });

  it("describes with kubectl's generic describer", () => {
    const run = simTerminal(33);
    const text = run("kubectl describe lease node02 -n kube-node-lease").output;
    expect(text).toMatch(/^Name: +node02\nNamespace: +kube-node-lease\nLabels: +<none>\nAnnotations: +<none>\nAPI Version: +coordination\.k8s\.io\/v1\nKind: +Lease\nMetadata:\n  Creation Timestamp: +\S+Z\n  Owner References:\n    API Version: +v1\n    Kind: +Node\n    Name: +node02\n    UID: +[0-9a-f-]{36}\n  Resource Version: +\d+\n  UID: +[0-9a-f-]{36}\nSpec:\n  Holder Identity: +node02\n  Lease Duration Seconds: +40\n  Renew Time: +\S+\.000000Z\nEvents: +<none>\n$/);
  });

  it("labels fields as smartLabelFor does", () => {
    expect(["apiVersion", "uid", "holderIdentity", "leaseDurationSeconds", "podCIDR", "externalIPs", "data.key", "x_y"].map(smartLabelFor)).toEqual([
      "API Version", "UID", "Holder Identity", "Lease Duration Seconds", "Pod CIDR", "External I Ps", "data.key", "x_y",
    ]);
  });
});
