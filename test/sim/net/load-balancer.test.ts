// A LoadBalancer Service's address (MetalLB layer 2): from the workstation the announcing node
// answers ARP and kube-proxy's KUBE-EXT chain takes it to a pod; from inside, the source node's
// own rule does; without a ready endpoint nobody announces it.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

describe("routing to a load-balancer address", () => {
  const run = simConsole(5);
  run("kubectl create deployment web --image=nginx --replicas=2");
  run("kubectl expose deployment web --port 80 --type LoadBalancer");
  const announcer = /announcing from node "(node0\d)"/.exec(run("kubectl describe svc web").output)![1];

  it.each([
    ["the workstation", "curl -s -o /dev/null -w '%{http_code}' http://192.168.56.200", `${announcer} (announces 192.168.56.200)`],
    ["a node", "ssh node02 curl -s -o /dev/null -w '%{http_code}' http://192.168.56.200", "node02"],
  ])("answers from %s through the KUBE-EXT and KUBE-SVC chains", (_, command, nodeLabel) => {
    const result = run(command);
    expect(result.output).toBe("200");
    const hops = result.traces![0].hops;
    expect(hops[1].label).toBe(nodeLabel);
    expect(hops[1].rules![0]).toMatch(/^-A KUBE-SERVICES -d 192\.168\.56\.200\/32 -p tcp -m comment --comment "default\/web loadbalancer IP" -m tcp --dport 80 -j KUBE-EXT-[A-Z2-7]{16}$/);
    expect(hops.map((h) => h.kind)).toEqual(["client", "node", "service", "endpoint", "pod", "process"].slice(0, hops.length));
    expect(hops.some((h) => h.rules?.some((r) => r.includes("KUBE-SVC-")))).toBe(true);
  });

  it("times out from outside when no speaker announces the address (no ready endpoint)", () => {
    run("kubectl scale deployment web --replicas=0");
    const result = run("curl -m 2 http://192.168.56.200");
    expect(result.output).toMatch(/^curl: \(28\) Connection timed out after 200\d milliseconds\n/);
    expect(result.traces![0].hops.at(-1)!.note).toContain("no MetalLB speaker announces it");
  });
});
