// kube-proxy's fallback to terminating endpoints (KEP-1669, topology.go CategorizeEndpoints): a
// Service with no ready endpoint sends traffic to its serving, terminating ones, for the Cluster
// and the Local policies alike, and the route trace says so; a ready endpoint always wins.

import { describe, expect, it } from "vitest";
import type { ClusterState } from "../../../worker/sim/cluster/types.ts";
import { IPS, WORKSTATION, inPod, lectureCluster, run, withPod, withService } from "./fixtures.ts";

/** The pod as the API server leaves it after a graceful delete: deletionTimestamp set, still running. */
function terminating(state: ClusterState, name: string, ready = true): ClusterState {
  const key = `default/${name}`;
  const pod = state.pods[key];
  const status = ready ? pod.status : { ...pod.status, conditions: [{ ...pod.status.conditions![0], status: "False" as const }], containerStatuses: [{ ...pod.status.containerStatuses![0], ready: false }] };
  return {
    ...state,
    resourceVersion: state.resourceVersion + 1,
    pods: { ...state.pods, [key]: { ...pod, metadata: { ...pod.metadata, deletionTimestamp: "2025-11-26T10:00:30Z", deletionGracePeriodSeconds: 30 }, status } },
  };
}

function curl(state: ClusterState, from: Parameters<typeof run>[1], url: string, seed = 1) {
  const r = run(state, from, `curl -s -m 5 ${url}`, seed);
  const trace = r.traces[0];
  const service = trace.hops.find((h) => h.kind === "service");
  const endpoint = trace.hops.find((h) => h.kind === "endpoint");
  return { verdict: trace.verdict, note: service?.note ?? "", endpoint: endpoint?.label ?? "" };
}

describe("terminating endpoints in kube-proxy's rules", () => {
  it("uses the serving, terminating endpoints of a Service that has no ready one, and the trace says so", () => {
    let s = terminating(lectureCluster(), "web-1");
    s = terminating(s, "web-2");
    const got = curl(s, inPod("far"), "10.96.100.10:8080");
    expect(got.verdict).toBe("answered");
    expect(got.note).toContain("default/web has no ready endpoint, so kube-proxy uses its serving, terminating ones");
  });

  it("never picks a terminating endpoint while a ready one exists", () => {
    const s = terminating(lectureCluster(), "web-1");
    for (let seed = 1; seed <= 12; seed++) {
      const got = curl(s, inPod("far"), "10.96.100.10:8080", seed);
      expect(got.verdict).toBe("answered");
      expect(got.endpoint).toBe("endpoint default/web-2");
      expect(got.note).not.toContain("terminating");
    }
  });

  it("refuses when the terminating endpoints no longer serve (not ready)", () => {
    let s = terminating(lectureCluster(), "web-1", false);
    s = terminating(s, "web-2", false);
    expect(curl(s, inPod("far"), "10.96.100.10:8080").verdict).toBe("refused");
  });

  it("with externalTrafficPolicy: Local, a node whose only local endpoint is terminating still uses it", () => {
    let s = lectureCluster();
    s = withService(s, { name: "web", type: "NodePort", clusterIP: "10.96.100.10", selector: { app: "web" }, ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }], externalTrafficPolicy: "Local" });
    s = terminating(s, "web-1");
    const got = curl(s, [WORKSTATION], `${IPS.node01}:30080`);
    expect(got.verdict).toBe("answered");
    expect(got.endpoint).toBe("endpoint default/web-1");
    expect(got.note).toContain("default/web has no ready endpoint on node01, so kube-proxy uses its serving, terminating ones");
    // node02 has a ready endpoint of its own: that one, without the fallback.
    const other = curl(s, [WORKSTATION], `${IPS.node02}:30080`);
    expect(other.endpoint).toBe("endpoint default/web-2");
    expect(other.note).not.toContain("terminating");
  });

  it("writes the fallback into iptables-save: the terminating endpoint's KUBE-SEP chain is the Service's only one", () => {
    let s = terminating(lectureCluster(), "web-1");
    s = terminating(s, "web-2", false);
    s = withPod(s, { name: "other", node: "node02", ip: "10.244.2.20", labels: { app: "other" } });
    const out = run(s, [WORKSTATION, { kind: "node", node: "node01", user: "student" }], "sudo iptables-save -t nat").output;
    const svc = out.split("\n").filter((l) => l.includes('"default/web -> '));
    expect(svc).toHaveLength(1);
    expect(svc[0]).toContain("10.244.1.5:80");
  });
});
