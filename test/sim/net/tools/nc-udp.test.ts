// nc -u: a datagram of standard input through kube-proxy's UDP rules to agnhost netexec's UDP
// server, which answers hostname, echo and clientip as netexec.go does.
import { describe, expect, it } from "vitest";
import { simConsole } from "../../console.ts";

function ready() {
  const run = simConsole(7, 2000);
  run("kubectl create deployment udp --image=registry.k8s.io/e2e-test-images/agnhost:2.53 -- /agnhost netexec --http-port=8080 --udp-port=8081");
  run("kubectl create service clusterip udp --tcp=8080:8080");
  run(`kubectl patch svc udp --type=json -p '[{"op":"add","path":"/spec/ports/-","value":{"name":"udp","port":8081,"protocol":"UDP","targetPort":8081}}]'`);
  run("kubectl run bb --image=busybox -- sleep 3600");
  for (let i = 0; i < 5; i++) run("sleep 5");
  return run;
}

describe("nc -u", () => {
  it("sends stdin as one datagram through the Service's UDP port; agnhost answers hostname, echo and clientip", () => {
    const run = ready();
    const pod = run("kubectl get pods -l app=udp -o jsonpath={.items[0].metadata.name}").output;
    const hostname = run("kubectl exec bb -- sh -c 'echo hostname | nc -u -w1 udp 8081'");
    expect(hostname.output).toBe(pod);
    const trace = hostname.traces[0];
    expect(trace.verdict).toBe("answered");
    expect(trace.hops.some((h) => h.kind === "service")).toBe(true);
    expect(run("kubectl exec bb -- sh -c 'echo \"echo Hello UDP\" | nc -u -w1 udp 8081'").output).toBe("hello udp");
    expect(run("kubectl exec bb -- sh -c 'echo clientip | nc -u -w1 udp 8081'").output).toMatch(/^10\.244\.\d+\.\d+:\d+$/);
  });

  it("gets nothing back from a TCP-only port or an unknown command", () => {
    const run = ready();
    expect(run("kubectl exec bb -- sh -c 'echo hostname | nc -u -w1 udp 8080'").output).toBe("");
    expect(run("kubectl exec bb -- sh -c 'echo what | nc -u -w1 udp 8081'").output).toBe("");
  });
});
