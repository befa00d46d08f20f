// dig and bind's nslookup in the DNS debugging images (netshoot, jessie-dnsutils): dig's output
// as bind prints it (columns, flags, the OPT pseudosection, the message size CoreDNS's uncompressed
// answer has), +short, SRV, @server, -x; bind's nslookup applies the search path.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

function ready() {
  const run = simTerminal(7, 2000);
  run("kubectl run ns --image=nicolaka/netshoot -- sleep 3600");
  run("kubectl run dnsutils --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 -- sleep 3600");
  run("kubectl create deployment web --image=nginx --replicas=2");
  run("kubectl expose deployment web --port=80 --name=web");
  for (let i = 0; i < 5; i++) run("sleep 5");
  return run;
}

describe("dig", () => {
  it("prints CoreDNS's authoritative answer as dig 9.18 does (mDNS and recursion warnings, echoed cookie, 129 bytes)", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig kubernetes.default.svc.cluster.local").output;
    expect(out).toMatch(
      /^\n; <<>> DiG 9\.18\.\d+ <<>> kubernetes\.default\.svc\.cluster\.local\n;; global options: \+cmd\n;; Got answer:\n;; WARNING: \.local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+\n;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n;; WARNING: recursion requested but not available\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n; COOKIE: [0-9a-f]{16} \(echoed\)\n;; QUESTION SECTION:\n;kubernetes\.default\.svc\.cluster\.local\. IN A\n\n;; ANSWER SECTION:\nkubernetes\.default\.svc\.cluster\.local\. 30 IN A\t10\.96\.0\.1\n\n;; Query time: 0 msec\n;; SERVER: 10\.96\.0\.10#53\(10\.96\.0\.10\) \(UDP\)\n;; WHEN: Thu Jan 01 00:00:\d\d UTC 2026\n;; MSG SIZE  rcvd: 129\n\n$/,
    );
  });

  it("+short prints the data; without +search a short name goes upstream and is NXDOMAIN, with it the search path applies", () => {
    const run = ready();
    expect(run("kubectl exec ns -- dig +short web.default.svc.cluster.local").output).toMatch(/^10\.\d+\.\d+\.\d+\n$/);
    const bare = run("kubectl exec ns -- dig kubernetes.default").output;
    expect(bare).toContain("status: NXDOMAIN");
    expect(bare).toContain(";; flags: qr rd ra;");
    expect(bare).toContain(";kubernetes.default.\t\tIN\tA\n");
    expect(run("kubectl exec ns -- dig +search +short kubernetes.default").output).toBe("10.96.0.1\n");
    expect(run("kubectl exec ns -- dig -x 10.96.0.1 +short").output).toBe("kubernetes.default.svc.cluster.local.\n");
  });

  it("answers SRV with the Service's ports and the target's A record in the additional section; a named port by _name._proto", () => {
    const run = ready();
    const all = run("kubectl exec ns -- dig SRV web.default.svc.cluster.local").output;
    expect(all).toContain(";web.default.svc.cluster.local.\tIN\tSRV\n");
    expect(all).toMatch(/;; ANSWER SECTION:\nweb\.default\.svc\.cluster\.local\. 30 IN\tSRV\t0 100 80 web\.default\.svc\.cluster\.local\.\n\n;; ADDITIONAL SECTION:\nweb\.default\.svc\.cluster\.local\. 30 IN\tA\t10\.\d+\.\d+\.\d+\n/);
    // kubectl expose names no port, so _http._tcp matches none.
    expect(run("kubectl exec ns -- dig SRV _http._tcp.web.default.svc.cluster.local").output).toContain("status: NXDOMAIN");
    run("kubectl patch svc web --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/ports/0/name\",\"value\":\"http\"}]'");
    expect(run("kubectl exec ns -- dig +short SRV _http._tcp.web.default.svc.cluster.local").output).toBe("0 100 80 web.default.svc.cluster.local.\n");
  });

  it("asks another server with @IP (a public resolver for outside names: no aa, recursion available)", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig @8.8.8.8 example.com").output;
    expect(out).toContain("; <<>> DiG");
    expect(out).toContain(" <<>> @8.8.8.8 example.com\n; (1 server found)\n");
    expect(out).toContain(";; flags: qr rd ra;");
    expect(out).toContain("example.com.\t\t3600\tIN\tA\t93.184.216.34\n");
    expect(out).toContain(";; SERVER: 8.8.8.8#53(8.8.8.8) (UDP)\n");
  });

  it("is jessie's 9.9.5 in jessie-dnsutils: EDNS 4096, no cookie, no transport, no mDNS warning", () => {
    const run = ready();
    const out = run("kubectl exec dnsutils -- dig kubernetes.default.svc.cluster.local").output;
    expect(out).toContain("; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> kubernetes.default.svc.cluster.local\n");
    expect(out).not.toContain("Multicast");
    expect(out).toContain("; EDNS: version: 0, flags:; udp: 4096\n;; QUESTION SECTION:\n");
    expect(out).toContain(";; SERVER: 10.96.0.10#53(10.96.0.10)\n");
    expect(out).toContain(";; MSG SIZE  rcvd: 117\n");
  });

  it.each([
    ["NXDOMAIN", "dig nothing.default.svc.cluster.local", "NXDOMAIN", ";nothing.default.svc.cluster.local. IN\tA\n", 0],
    ["NODATA (a Service has no AAAA record)", "dig AAAA web.default.svc.cluster.local", "NOERROR", ";web.default.svc.cluster.local.\tIN\tAAAA\n", 0],
    ["NODATA for a type the plugin does not serve", "dig TXT web.default.svc.cluster.local", "NOERROR", ";web.default.svc.cluster.local.\tIN\tTXT\n", 0],
  ])("puts the zone's SOA in the AUTHORITY section on %s (backend_lookup.go SOA, counted in the size)", (_, command, status, question) => {
    const run = ready();
    const out = run(`kubectl exec ns -- ${command}`).output;
    expect(out).toContain(`status: ${status}`);
    expect(out).toContain(";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n");
    expect(out).toContain(question);
    const soa = /\n;; AUTHORITY SECTION:\ncluster\.local\.\t\t30\tIN\tSOA\tns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. (\d+) 7200 1800 86400 30\n\n;; Query time/.exec(out);
    expect(soa).not.toBeNull();
    // The serial is a Unix time: when the plugin last saw a Service or an endpoint change.
    expect(Number(soa![1])).toBeGreaterThan(1_700_000_000);
    // header 12, question, the SOA (owner 15 + 10 + ns.dns 22 + hostmaster 26 + 20), OPT 11 + cookie 12.
    const qname = /\n;(\S+)\s/.exec(out.slice(out.indexOf("QUESTION SECTION")))![1];
    const wire = qname.split(".").filter(Boolean).reduce((n, l) => n + 1 + l.length, 1);
    expect(out).toContain(`;; MSG SIZE  rcvd: ${12 + wire + 4 + 15 + 10 + 22 + 26 + 20 + 23}\n`);
  });

  it("has no AUTHORITY section on a positive answer", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig web.default.svc.cluster.local").output;
    expect(out).toContain("AUTHORITY: 0,");
    expect(out).not.toContain("AUTHORITY SECTION");
  });
});

describe("bind's nslookup in jessie-dnsutils", () => {
  it("applies the search path and names the answer by the name that had it", () => {
    const run = ready();
    expect(run("kubectl exec dnsutils -- nslookup kubernetes.default").output).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n");
    const missing = run("kubectl exec dnsutils -- nslookup nothing-here");
    expect(missing.output).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nothing-here: NXDOMAIN\n\ncommand terminated with exit code 1\n");
  });
});
