// nslookup's -type= questions against CoreDNS: busybox 1.37's (networking/nslookup.c: its options
// before the name only, qtypes' order, parse_reply's record lines, the blank line of an empty
// answer) and bind's in the DNS debugging images (nslookup.c: setoption's type names, printsection,
// "*** Can't find NAME: No answer", the search list until a name is not NXDOMAIN).
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

function ready() {
  const run = simTerminal(7, 2000);
  run("kubectl run box --image=busybox -- sleep 3600");
  run("kubectl run ns --image=nicolaka/netshoot -- sleep 3600");
  run("kubectl run dnsutils --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 -- sleep 3600");
  run("kubectl create deployment web --image=nginx --replicas=1");
  run("kubectl expose deployment web --port=80 --name=web");
  for (let i = 0; i < 5; i++) run("sleep 5");
  return run;
}

const SOA = /\n\torigin = ns\.dns\.cluster\.local\n\tmail addr = hostmaster\.cluster\.local\n\tserial = \d+\n\trefresh = 7200\n\tretry = 1800\n\texpire = 86400\n\tminimum = 30\n/;

describe("busybox nslookup -type=", () => {
  it.each([
    ["NS of the zone", "nslookup -type=NS cluster.local", "cluster.local\tnameserver = kube-dns.kube-system.svc.cluster.local\n\n"],
    ["TXT of dns-version (type names in any case)", "nslookup -type=txt dns-version.cluster.local", 'dns-version.cluster.local\ttext = "1.1.0"\n\n'],
    ["SRV of a Service", "nslookup -type=SRV web.default.svc.cluster.local", "web.default.svc.cluster.local\tservice = 0 100 80 web.default.svc.cluster.local\n\n"],
    ["ANY: an empty answer is its blank line", "nslookup -type=ANY web.default.svc.cluster.local", "\n"],
    ["two types, sent in qtypes' order (NS before A)", "nslookup -type=A -type=NS cluster.local", "cluster.local\tnameserver = kube-dns.kube-system.svc.cluster.local\n\n\n"],
  ])("%s", (_, command, answer) => {
    const run = ready();
    const r = run(`kubectl exec box -- ${command}`);
    expect(r.output).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n${answer}`);
  });

  it("prints the SOA as parse_reply does", () => {
    const run = ready();
    const out = run("kubectl exec box -- nslookup -type=soa cluster.local").output;
    expect(out.startsWith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\ncluster.local\n\torigin")).toBe(true);
    expect(out).toMatch(SOA);
  });

  it.each([
    ["an unknown type", "nslookup -type=foo x", 'nslookup: invalid query type "foo"\ncommand terminated with exit code 1\n'],
    ["an option after the name is the server", "nslookup x -type=ns", "nslookup: bad address '-type=ns'\ncommand terminated with exit code 1\n"],
  ])("rejects %s", (_, command, output) => {
    const run = ready();
    expect(run(`kubectl exec box -- ${command}`).output).toBe(output);
  });
});

describe("bind's nslookup -type=", () => {
  it.each([
    ["NS (the search list's NXDOMAINs, then the zone)", "ns", "nslookup -type=NS cluster.local", "cluster.local\tnameserver = kube-dns.kube-system.svc.cluster.local.\n"],
    ["TXT with -query=", "ns", "nslookup -query=TXT dns-version.cluster.local", 'dns-version.cluster.local\ttext = "1.1.0"\n'],
    ["SRV through the search path", "dnsutils", "nslookup -type=SRV web", "web.default.svc.cluster.local\tservice = 0 100 80 web.default.svc.cluster.local.\n"],
    // The search list comes first (ndots:5) and SOA below the apex is an empty NOERROR, which ends it.
    ["SOA of the zone without its final dot", "dnsutils", "nslookup -type=SOA cluster.local", "*** Can't find cluster.local: No answer\n"],
    ["ANY of a Service", "ns", "nslookup -type=ANY web.default.svc.cluster.local", "*** Can't find web.default.svc.cluster.local: No answer\n"],
  ])("%s", (_, pod, command, answer) => {
    const run = ready();
    expect(run(`kubectl exec ${pod} -- ${command}`).output).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n${answer}\n`);
  });

  it("prints the SOA of the zone asked absolutely, and NXDOMAIN with exit 1", () => {
    const run = ready();
    const soa = run("kubectl exec ns -- nslookup -type=SOA cluster.local.").output;
    expect(soa.startsWith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\ncluster.local\n\torigin")).toBe(true);
    expect(soa).toMatch(SOA);
    expect(run("kubectl exec ns -- nslookup -type=TXT nothing.default.svc.cluster.local").output).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nothing.default.svc.cluster.local: NXDOMAIN\n\ncommand terminated with exit code 1\n");
  });

  it("says 'unknown query type' and asks the default", () => {
    const run = ready();
    expect(run("kubectl exec ns -- nslookup -type=bogus kubernetes.default").output).toBe("unknown query type: bogus\nServer:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n");
  });
});
