// The lab's node network with several clusters: the workstation sits on 192.168.56.0/24 with every
// cluster's nodes, so another cluster's NodePort and MetalLB addresses answer from it whatever the
// current context, through that cluster's kube-proxy rules, and its /etc/hosts names every node.
import { describe, expect, it } from "vitest";
import { createSession, execute, type CommandResult, type SessionState } from "../../../worker/sim/engine.ts";

function lab(): (command: string) => CommandResult {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed: 11, now, clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }] });
  return (command) => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
}

describe("the workstation on the node network of every cluster", () => {
  const run = lab();
  run("kubectl --context k8s-c2 create deployment web --image=nginx");
  run("kubectl --context k8s-c2 expose deployment web --port 80 --type LoadBalancer");
  run("kubectl --context k8s-c2 rollout status deployment web");
  const nodePort = run("kubectl --context k8s-c2 get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output;
  const lbIP = run("kubectl --context k8s-c2 get svc web -o jsonpath='{.status.loadBalancer.ingress[0].ip}'").output;

  it("reaches another cluster's NodePort on its node's address, naming that cluster's hops", () => {
    expect(run("kubectl config current-context").output).toBe("k8s-c1\n");
    const result = run(`curl -s -o /dev/null -w '%{http_code}' http://192.168.56.21:${nodePort}/`);
    expect(result.output).toBe("200");
    const trace = result.traces[0];
    expect(trace.cluster).toBe("k8s-c2");
    expect(trace.verdict).toBe("answered");
    expect(trace.hops[0].note).toContain("cluster k8s-c2's side of the node network");
    expect(trace.hops[1].label).toBe("cluster2-node1");
    expect(trace.hops.some((h) => h.rules?.some((r) => r.includes(`--dport ${nodePort} -j KUBE-EXT-`)))).toBe(true);
    expect(trace.hops.find((h) => h.kind === "pod")!.label).toMatch(/^pod default\/web-/);
  });

  it("reaches it by the node's name and on the MetalLB address of that cluster's slice", () => {
    expect(lbIP).toMatch(/^192\.168\.56\.1[45]\d$/);
    expect(run(`curl -s -o /dev/null -w '%{http_code}' cluster2-controlplane:${nodePort}`).output).toBe("200");
    const result = run(`curl -s http://${lbIP}/ | grep -o 'Welcome to nginx!' | head -1`);
    expect(result.output).toBe("Welcome to nginx!\n");
    expect(result.traces[0].cluster).toBe("k8s-c2");
  });

  it("keeps the current cluster's own addresses and rules: its nodes refuse the other's NodePort", () => {
    const result = run(`curl -s -m 2 http://192.168.56.11:${nodePort}/`);
    expect(result.exitCode).not.toBe(0);
    expect(result.traces[0].cluster).toBe("k8s-c1");
    expect(result.traces[0].hops[0].note).not.toContain("side of the node network");
    expect(result.traces[0].hops[1].label).toBe("node01");
  });

  it("answers whatever the current context; a trace names the cluster it went through", () => {
    run("kubectl config use-context k8s-c2");
    const here = run(`curl -s -o /dev/null -w '%{http_code}' http://192.168.56.21:${nodePort}/`);
    expect(here.output).toBe("200");
    expect(here.traces[0].cluster).toBe("k8s-c2");
    expect(here.traces[0].hops[0].note).not.toContain("side of the node network");
    run("kubectl config use-context k8s-c1");
  });

  it("lists every cluster's nodes in the workstation's /etc/hosts, which nslookup and ping read", () => {
    expect(run("cat /etc/hosts").output).toBe(
      [
        "127.0.0.1\tlocalhost",
        "127.0.1.1\tworkstation",
        "::1\tip6-localhost ip6-loopback",
        "192.168.56.1\tworkstation",
        "192.168.56.10\tcontrolplane",
        "192.168.56.11\tnode01",
        "192.168.56.12\tnode02",
        "192.168.56.20\tcluster2-controlplane",
        "192.168.56.21\tcluster2-node1",
        "192.168.56.22\tcluster2-node2",
        "",
      ].join("\n"),
    );
    expect(run("nslookup cluster2-node2").output).toBe("Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\nNon-authoritative answer:\nName:\tcluster2-node2\nAddress: 192.168.56.22\n\n");
    const ping = run("ping -c 1 cluster2-node2");
    expect(ping.exitCode).toBe(0);
    expect(ping.traces[0].cluster).toBe("k8s-c2");
  });

  it("leaves a node's /etc/hosts to its own cluster", () => {
    expect(run("ssh node01 cat /etc/hosts").output).not.toContain("cluster2-");
  });
});
