// CoreDNS's loadbalance plugin (kubeadm's Corefile has it): a headless Service's A records come in
// an order roundRobinShuffle draws per answer, so clients that take the first address (curl) reach
// different pods across requests; without the plugin the order is the endpoints'.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

function ready() {
  const run = simTerminal(7, 2000);
  run("kubectl run ns --image=nicolaka/netshoot -- sleep 3600");
  run("kubectl create deployment hn --image=registry.k8s.io/serve_hostname --replicas=3 --port=9376");
  run("kubectl create service clusterip hn --clusterip=None --tcp=9376:9376");
  for (let i = 0; i < 5; i++) run("sleep 5");
  return run;
}

describe("CoreDNS loadbalance", () => {
  it("rotates a headless Service's A records between answers, always the same set", () => {
    const run = ready();
    const orders = new Set<string>();
    let set: string | undefined;
    for (let i = 0; i < 8; i++) {
      const out = run("kubectl exec ns -- dig +short hn.default.svc.cluster.local").output;
      const ips = out.trim().split("\n");
      expect(ips).toHaveLength(3);
      set ??= [...ips].sort().join(",");
      expect([...ips].sort().join(",")).toBe(set);
      orders.add(ips.join(","));
      run("sleep 1");
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it("sends curl to different pods across requests", () => {
    const run = ready();
    const pods = new Set<string>();
    for (let i = 0; i < 8; i++) {
      pods.add(run("kubectl exec ns -- curl -s hn:9376").output);
      run("sleep 1");
    }
    expect(pods.size).toBeGreaterThan(1);
  });

  it("keeps the endpoints' order once the plugin is taken out of the Corefile", () => {
    const run = ready();
    run(`kubectl -n kube-system get cm coredns -o yaml | sed '/loadbalance/d' | kubectl apply -f -`);
    run("kubectl -n kube-system rollout restart deployment coredns");
    for (let i = 0; i < 4; i++) run("sleep 10");
    const orders = new Set<string>();
    for (let i = 0; i < 6; i++) {
      orders.add(run("kubectl exec ns -- dig +short hn.default.svc.cluster.local").output);
      run("sleep 1");
    }
    expect(orders.size).toBe(1);
    expect([...orders][0].trim().split("\n")).toHaveLength(3);
  });
});
