// bind's host in the DNS debugging images: the short form host.c prints (say_message's words, the
// owner without its final dot), the search path, the AAAA and MX lookups that print nothing when
// empty, -t, reverse lookups and `Host NAME not found: 3(NXDOMAIN)`.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

function ready() {
  const run = simTerminal(7, 2000);
  run("kubectl run ns --image=nicolaka/netshoot -- sleep 3600");
  run("kubectl run dnsutils --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 -- sleep 3600");
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port=80 --name=web");
  run("kubectl create service externalname ext --external-name example.com");
  for (let i = 0; i < 5; i++) run("sleep 5");
  return run;
}

describe("host", () => {
  const run = ready();
  const ip = run("kubectl get svc web -o jsonpath='{.spec.clusterIP}'").output;

  it.each([
    ["a Service by its short name (search path)", "host web", 0, `web.default.svc.cluster.local has address ${ip}\n`],
    ["a Service by its full name", "host kubernetes.default.svc.cluster.local", 0, "kubernetes.default.svc.cluster.local has address 10.96.0.1\n"],
    ["an ExternalName Service: the alias, then the target's address", "host ext", 0, "ext.default.svc.cluster.local is an alias for example.com.\nexample.com has address 93.184.216.34\n"],
    ["a name that does not exist (the name as typed)", "host nothing", 1, "Host nothing not found: 3(NXDOMAIN)\n"],
    ["SRV records with -t", "host -t SRV web.default.svc.cluster.local", 0, "web.default.svc.cluster.local has SRV record 0 100 80 web.default.svc.cluster.local.\n"],
    ["an empty answer with -t", "host -t AAAA web", 0, "web.default.svc.cluster.local has no AAAA record\n"],
    ["a ClusterIP's PTR record", "host 10.96.0.1", 0, "1.0.96.10.in-addr.arpa domain name pointer kubernetes.default.svc.cluster.local.\n"],
    ["an address without a PTR record", "host 10.244.9.9", 1, "Host 9.9.244.10.in-addr.arpa not found: 3(NXDOMAIN)\n"],
    ["another server named on the line", "host kubernetes.default.svc.cluster.local 10.96.0.10", 0, "Using domain server:\nName: 10.96.0.10\nAddress: 10.96.0.10#53\nAliases: \n\nkubernetes.default.svc.cluster.local has address 10.96.0.1\n"],
  ])("netshoot: %s", (_, command, code, output) => {
    const result = run(`kubectl exec ns -- ${command}`);
    expect([result.exitCode, result.output]).toEqual([code, output + (code ? `command terminated with exit code ${code}\n` : "")]);
  });

  it("is in jessie-dnsutils too, with the same short form", () => {
    expect(run("kubectl exec dnsutils -- host web").output).toBe(`web.default.svc.cluster.local has address ${ip}\n`);
  });

  it("rejects an unknown option with bind's usage, and an unknown type", () => {
    const bad = run("kubectl exec ns -- host -x web");
    expect(bad.output).toMatch(/^host: illegal option -- x\nUsage: host \[-aCdilrTvVw\]/);
    expect(run("kubectl exec ns -- host -t BOGUS web").output).toBe("host: invalid type: BOGUS\n\ncommand terminated with exit code 2\n");
  });

  it("is not in busybox", () => {
    run("kubectl run bb --image=busybox -- sleep 3600");
    run("sleep 10");
    expect(run("kubectl exec bb -- host web").output).toContain("not found");
  });
});
