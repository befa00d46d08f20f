// kube-proxy's own servers on the nodes: the health check node port of a LoadBalancer Service
// with externalTrafficPolicy: Local (200 where a ready endpoint runs, 503 elsewhere), the proxier
// health server on 10256 and the metrics server on 127.0.0.1:10249.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

describe("kube-proxy's servers on the nodes", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port 80 --type LoadBalancer");
  run(`kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Local"}}'`);
  const hc = Number(run("kubectl get svc web -o jsonpath='{.spec.healthCheckNodePort}'").output);
  const podNode = run("kubectl get pods -l app=web -o jsonpath='{.items[0].spec.nodeName}'").output;
  const nodeIP = (name: string) => run(`kubectl get node ${name} -o jsonpath='{.status.addresses[0].address}'`).output;
  const otherNode = ["node01", "node02"].find((n) => n !== podNode)!;

  it("allocates a healthCheckNodePort from the NodePort range and describe shows it", () => {
    expect(hc).toBeGreaterThanOrEqual(30000);
    expect(hc).toBeLessThanOrEqual(32767);
    const nodePort = Number(run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output);
    expect(hc).not.toBe(nodePort);
    expect(run("kubectl describe svc web").output).toMatch(new RegExp(`External Traffic Policy:  Local\\nInternal Traffic Policy:  Cluster\\nHealthCheck NodePort:     ${hc}\\n`));
  });

  it.each([
    ["the node running the pod", () => podNode, 200, 1],
    ["a node without a local endpoint", () => otherNode, 503, 0],
  ])("answers /healthz on %s with kube-proxy's JSON", (_, node, status, count) => {
    const result = run(`curl -s -i http://${nodeIP(node())}:${hc}/healthz`);
    const [head, body] = result.output.split("\n\n");
    expect(head.split("\n")[0]).toBe(`HTTP/1.1 ${status} ${status === 200 ? "OK" : "Service Unavailable"}`);
    expect(head).toContain("Content-Type: application/json\nX-Content-Type-Options: nosniff\nDate: ");
    expect(body).toBe(`{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": ${count},\n\t"serviceProxyHealthy": true\n}`);
    const hops = result.traces![0].hops;
    expect(hops[1].rules).toEqual(['-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS', `-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web health check node port" -m tcp --dport ${hc} -j ACCEPT`]);
    expect(hops.at(-1)!.label).toContain("kube-proxy's health check server for default/web");
  });

  it("lists the ACCEPT rule in every node's filter table", () => {
    for (const node of ["node01", "node02", "controlplane"]) {
      expect(run(`ssh ${node} sudo iptables-save -t filter`).output).toContain(`-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web health check node port" -m tcp --dport ${hc} -j ACCEPT\n`);
    }
  });

  it("answers the proxy mode on 127.0.0.1:10249 only", () => {
    expect(run("ssh node01 curl -s localhost:10249/proxyMode").output).toBe("iptables");
    expect(run(`ssh node01 curl -s ${nodeIP("node01")}:10249/proxyMode`).output).toBe("");
    expect(run(`curl -s -m 2 http://${nodeIP("node01")}:10249/proxyMode; echo $?`).output).toBe("7\n");
  });

  it("answers its health on 10256 with lastUpdated and currentTime", () => {
    const body = run("ssh node02 curl -s localhost:10256/healthz").output;
    expect(body).toMatch(/^\{"lastUpdated": "(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9})","currentTime": "\1", "nodeEligible": true\}$/);
    expect(run("ssh node02 curl -s localhost:10256/livez").output).toMatch(/^\{"lastUpdated": "[^"]+","currentTime": "[^"]+"\}$/);
    expect(run("ssh node02 curl -s localhost:10256/").output).toBe("404 page not found\n");
  });

  it("drops the port when the policy goes back to Cluster, and refuses one where none is needed", () => {
    run(`kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`);
    expect(run("kubectl get svc web -o jsonpath='{.spec.healthCheckNodePort}'").output).toBe("");
    expect(run(`curl -s -m 2 http://${nodeIP(podNode)}:${hc}/healthz; echo $?`).output).toBe("7\n");
    const bad = run(`kubectl patch svc web -p '{"spec":{"healthCheckNodePort":31999}}'`);
    expect(bad.output).toBe("The Service \"web\" is invalid: spec.healthCheckNodePort: Invalid value: 31999: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'\n");
  });
});
