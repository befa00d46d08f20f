// conntrack -L on a node: the connections that node's kube-proxy rules rewrote, with the original
// and the reply direction (DNAT to the pod, SNAT where kube-proxy masquerades), in TIME_WAIT for
// 120 s after the simulated connection closes.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

const FOOTER = (n: number) => `conntrack v1.4.8 (conntrack-tools): ${n} flow entries have been shown.\n`;

describe("conntrack -L", () => {
  const run = simConsole(7);
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port 80 --type NodePort");
  const q = (cmd: string) => run(cmd).output;
  const clusterIP = q("kubectl get svc web -o jsonpath='{.spec.clusterIP}'");
  const nodePort = q("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'");
  const podIP = q("kubectl get pods -l app=web -o jsonpath='{.items[0].status.podIP}'");
  const podNode = q("kubectl get pods -l app=web -o jsonpath='{.items[0].spec.nodeName}'");
  const ipOf = (node: string) => q(`kubectl get node ${node} -o jsonpath='{.status.addresses[0].address}'`);

  it("needs root", () => {
    const result = run("ssh node01 conntrack -L");
    expect([result.exitCode, result.output]).toEqual([1, "conntrack v1.4.8 (conntrack-tools): Operation failed: Operation not permitted\n"]);
  });

  it("lists a ClusterIP connection from the node on the node, DNAT to the pod and SNAT back to the node", () => {
    expect(q("ssh controlplane curl -s -o /dev/null -w '%{http_code}' " + clusterIP)).toBe("200");
    const result = run(`ssh controlplane sudo conntrack -L -d ${clusterIP}`);
    const line = new RegExp(`^tcp      6 (11\\d|120) TIME_WAIT src=${ipOf("controlplane").replace(/\./g, "\\.")} dst=${clusterIP.replace(/\./g, "\\.")} sport=(\\d+) dport=80 src=${podIP.replace(/\./g, "\\.")} dst=(\\S+) sport=80 dport=\\2 \\[ASSURED\\] mark=0\\n${FOOTER(1).replace(/[().]/g, "\\$&")}$`);
    expect(result.output).toMatch(line);
    // The entry is on the node that did the NAT only.
    expect(run(`ssh ${podNode} sudo conntrack -L -d ${clusterIP}`).output).toBe(FOOTER(0));
  });

  it("lists a NodePort connection from the workstation on the node it reached", () => {
    const other = ["node01", "node02"].find((n) => n !== podNode)!;
    expect(q(`curl -s -o /dev/null -w '%{http_code}' http://${ipOf(other)}:${nodePort}`)).toBe("200");
    const out = run(`ssh ${other} sudo conntrack -L -p tcp -d ${ipOf(other)}`).output.split("\n");
    expect(out[0]).toMatch(new RegExp(`^tcp      6 \\d+ TIME_WAIT src=192\\.168\\.56\\.1 dst=${ipOf(other)} sport=\\d+ dport=${nodePort} src=${podIP} dst=10\\.244\\.\\d+\\.0 sport=80 dport=\\d+ \\[ASSURED\\] mark=0$`));
    expect(out[1]).toBe(FOOTER(1).trimEnd());
  });

  it("forgets an entry 120 s after the connection closed", () => {
    run("sleep 121");
    expect(run(`ssh controlplane sudo conntrack -L -d ${clusterIP}`).output).toBe(FOOTER(0));
  });
});
