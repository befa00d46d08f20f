// dig and bind's nslookup in the DNS debugging images (netshoot, jessie-dnsutils): dig's output
// as bind prints it (columns, flags, the OPT pseudosection, the message size CoreDNS's uncompressed
// answer has), +short, SRV, @server, -x; bind's nslookup applies the search path.
import { describe, expect, it } from "vitest";
import { kubeadmCorefile } from "../../../../worker/sim/net/coredns.ts";
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

// dig's options as bin/dig/dig.c parses them (plus_option, dash_option, parse_args) and the
// sections printmessage prints for them.
describe("dig's options", () => {
  it.each([
    ["+noall +answer: the answer records only", "dig +noall +answer kubernetes.default.svc.cluster.local", "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n"],
    ["options after the name apply to that lookup", "dig kubernetes.default.svc.cluster.local +noall +answer", "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n"],
    ["+nottlid +noclass: the 24/32 columns", "dig +noall +answer +nottlid +noclass kubernetes.default.svc.cluster.local", "kubernetes.default.svc.cluster.local. A\t10.96.0.1\n"],
    ["+nottlid: the 24/32/40 columns", "dig +noall +answer +nottlid kubernetes.default.svc.cluster.local", "kubernetes.default.svc.cluster.local. IN A 10.96.0.1\n"],
    ["+ad is adflag, +ans answer (prefixes as FULLCHECK takes them)", "dig +ad +noall +ans kubernetes.default.svc.cluster.local", "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n"],
    ["several names: each its own lookup", "dig +short kubernetes.default.svc.cluster.local -x 10.96.0.1 kube-dns.kube-system.svc.cluster.local", "10.96.0.1\nkubernetes.default.svc.cluster.local.\n10.96.0.10\n"],
    ["a type word after a name is that lookup's", "dig +short dns-version.cluster.local TXT kubernetes.default.svc.cluster.local", '"1.1.0"\n10.96.0.1\n'],
    ["-t and -q", "dig +short -t TXT -q dns-version.cluster.local", '"1.1.0"\n'],
    ["+search with the pod's search path and ndots:5", "dig +search +short kubernetes.default", "10.96.0.1\n"],
    ["+ndots=1: a name with a dot is asked as it is first (and the search list follows its NXDOMAIN)", "dig +search +ndots=1 +short kubernetes.default", "10.96.0.1\n"],
    ["+domain= sets the search list", "dig +domain=default.svc.cluster.local +short kubernetes", "10.96.0.1\n"],
    ["+identify in short form names the server", "dig +short +identify kubernetes.default.svc.cluster.local", "10.96.0.1 from server 10.96.0.10 in 0 ms.\n"],
    ["+nostats +identify", "dig +noall +answer +nostats +identify kubernetes.default.svc.cluster.local", "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n;; Received 129 bytes from 10.96.0.10#53(10.96.0.10) in 0 ms\n\n"],
    ["+noedns: no OPT record (12 + 38 + 4 + 52 bytes)", "dig +noall +answer +nostats +identify +noedns kubernetes.default.svc.cluster.local", "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n;; Received 106 bytes from 10.96.0.10#53(10.96.0.10) in 0 ms\n\n"],
  ])("%s", (_, command, expected) => {
    const run = ready();
    expect(run(`kubectl exec ns -- ${command}`).output).toBe(expected);
  });

  it.each([
    ["an unknown option", "dig +foo x", "Invalid option: +foo\n", 1],
    ["+a (two options start so)", "dig +a x", "Invalid option: +a\n", 1],
    ["+co (comments or cookie)", "dig +co x", "Invalid option: +co\n", 1],
    ["+nofoo=1 (shown as typed, without its value)", "dig +nofoo=1 x", "Invalid option: +nofoo\n", 1],
    ["+ndots without a value", "dig +ndots x", "Invalid option: +ndots\n", 1],
    ["an unknown dash option", "dig -z x", "Invalid option: -z\n", 1],
    ["-t without its value", "dig x -t", "Invalid option: -t\n", 1],
  ])("rejects %s with the usage", (_, command, first, code) => {
    const run = ready();
    const result = run(`kubectl exec ns -- ${command}`);
    expect(result.output).toBe(`${first}Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n\nUse "dig -h" (or "dig -h | more") for complete list of options\ncommand terminated with exit code ${code}\n`);
  });

  it.each([
    ["+ndots=x: parse_uint's line, then warn() and exit 10", "dig +ndots=x a", "invalid ndots 'x': bad number\ndig: Couldn't parse ndots\ncommand terminated with exit code 10\n"],
    ["-p 99999: fatal()", "dig -p 99999 a", "invalid port number '99999': out of range\ndig: Couldn't parse port number\ncommand terminated with exit code 1\n"],
    ["-x of no address", "dig -x 10.96.0", "Invalid IP address 10.96.0\ncommand terminated with exit code 1\n"],
    ["@ a name nothing resolves", "dig @nosuch x", "dig: couldn't get address for 'nosuch': not found\ncommand terminated with exit code 1\n"],
    ["-t of no type: a warning, then the question as A", "dig -t FOO +short kubernetes.default.svc.cluster.local", ";; Warning, ignoring invalid type FOO\n10.96.0.1\n"],
  ])("%s", (_, command, expected) => {
    const run = ready();
    expect(run(`kubectl exec ns -- ${command}`).output).toBe(expected);
  });

  it("+nocomments drops the header, the section titles and the blank lines between sections", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig +nocomments +nostats kubernetes.default.svc.cluster.local").output;
    expect(out).toBe("\n; <<>> DiG 9.18.33 <<>> +nocomments +nostats kubernetes.default.svc.cluster.local\n;; global options: +cmd\n;kubernetes.default.svc.cluster.local. IN A\nkubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n");
  });

  it("without a name asks the root's NS records, its greeting ending at '<<>>'", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig").output;
    expect(out.startsWith("\n; <<>> DiG 9.18.33 <<>>\n;; global options: +cmd\n")).toBe(true);
    expect(out).toContain(";.\t\t\t\tIN\tNS\n");
  });

  it("prints one greeting for several lookups, each reply with its own header", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig kubernetes.default.svc.cluster.local web.default.svc.cluster.local").output;
    expect(out.match(/; <<>> DiG/g)).toHaveLength(1);
    expect(out.match(/;; Got answer:/g)).toHaveLength(2);
    expect(out.match(/;; MSG SIZE {2}rcvd: \d+\n\n/g)).toHaveLength(2);
  });

  it("@NAME resolves the server through the pod's resolver and names it as given on the SERVER line", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig @kube-dns.kube-system kubernetes.default.svc.cluster.local").output;
    expect(out).toContain(" <<>> @kube-dns.kube-system kubernetes.default.svc.cluster.local\n; (1 server found)\n;; global options: +cmd\n");
    expect(out).toContain(";; SERVER: 10.96.0.10#53(kube-dns.kube-system) (UDP)\n");
  });

  it("+tcp and ANY ask over TCP; +nocookie drops the COOKIE option (and its 12 bytes)", () => {
    const run = ready();
    expect(run("kubectl exec ns -- dig +tcp kubernetes.default.svc.cluster.local").output).toContain(";; SERVER: 10.96.0.10#53(10.96.0.10) (TCP)\n");
    expect(run("kubectl exec ns -- dig ANY kubernetes.default.svc.cluster.local").output).toContain(";; SERVER: 10.96.0.10#53(10.96.0.10) (TCP)\n");
    const plain = run("kubectl exec ns -- dig +nocookie kubernetes.default.svc.cluster.local").output;
    expect(plain).toContain("; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n");
    expect(plain).toContain(";; MSG SIZE  rcvd: 117\n");
  });

  it("reports each failed try as 9.18 does, then the greeting and 'no servers could be reached' (exit 9); jessie's 9.9.5 says 'connection timed out'", () => {
    const run = ready();
    const port = run("kubectl exec ns -- dig -p 5353 kubernetes.default.svc.cluster.local");
    expect(port.output).toBe(`${";; communications error to 10.96.0.10#5353: timed out\n".repeat(3)}\n; <<>> DiG 9.18.33 <<>> -p 5353 kubernetes.default.svc.cluster.local\n;; global options: +cmd\n;; no servers could be reached\ncommand terminated with exit code 9\n`);
    expect(run("kubectl exec ns -- dig +tries=1 +tcp -p 5353 kubernetes.default.svc.cluster.local").output).toBe(";; Connection to 10.96.0.10#5353(10.96.0.10) for kubernetes.default.svc.cluster.local failed: timed out.\n;; no servers could be reached\ncommand terminated with exit code 9\n");
    run("kubectl scale -n kube-system deployment coredns --replicas=0");
    run("sleep 5");
    // kube-proxy rejects a Service without endpoints: ICMP port unreachable.
    expect(run("kubectl exec ns -- dig +short +tries=2 x").output).toBe(`${";; communications error to 10.96.0.10#53: connection refused\n".repeat(2)};; no servers could be reached\ncommand terminated with exit code 9\n`);
    expect(run("kubectl exec dnsutils -- dig x").output).toBe("\n; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> x\n;; global options: +cmd\n;; connection timed out; no servers could be reached\ncommand terminated with exit code 9\n");
  });

  it("+showsearch prints each name the search list tried", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig +showsearch +nostats kubernetes.default").output;
    expect(out).toContain(";kubernetes.default.default.svc.cluster.local. IN A\n");
    expect(out).toContain("status: NXDOMAIN");
    expect(out).toContain("kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n");
  });
});

// CoreDNS's kubernetes plugin as handler.go answers each type: NS and SOA at the zone apex, the
// dns-version TXT, ns.dns.<zone>, the apex's NODATA, ANY as a fake A lookup (no `any` plugin in
// kubeadm's Corefile), an ExternalName's CNAME.
describe("dig's record types against CoreDNS", () => {
  it.each([
    ["NS at the apex: kube-dns, its address in the additional section", "dig NS cluster.local +noall +answer +additional", "cluster.local.\t\t30\tIN\tNS\tkube-dns.kube-system.svc.cluster.local.\nkube-dns.kube-system.svc.cluster.local.\t30 IN A\t10.96.0.10\n"],
    ["TXT of dns-version: the schema version, TTL 28800", "dig -t TXT dns-version.cluster.local +noall +answer", 'dns-version.cluster.local. 28800 IN\tTXT\t"1.1.0"\n'],
    ["ns.dns.<zone>: the kube-dns ClusterIP", "dig ns.dns.cluster.local +short", "10.96.0.10\n"],
    ["an ExternalName's CNAME alone", "dig CNAME ext.default.svc.cluster.local +noall +answer", "ext.default.svc.cluster.local. 30 IN\tCNAME\texample.com.\n"],
    ["a Service has no CNAME", "dig CNAME web.default.svc.cluster.local +short", ""],
  ])("%s", (_, command, expected) => {
    const run = ready();
    run("kubectl create service externalname ext --external-name example.com");
    expect(run(`kubectl exec ns -- ${command}`).output).toBe(expected);
  });

  it("SOA at the apex is the record the denials carry", () => {
    const run = ready();
    const out = run("kubectl exec ns -- dig SOA cluster.local +noall +answer").output;
    expect(out).toMatch(/^cluster\.local\.\t\t30\tIN\tSOA\tns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30\n$/);
  });

  it.each([
    ["A at the apex", "dig cluster.local", "NOERROR", 0, 1],
    ["TXT at the apex (no records of any type there)", "dig TXT cluster.local", "NXDOMAIN", 0, 1],
    ["TXT of a Service (it has an A record)", "dig TXT web.default.svc.cluster.local", "NOERROR", 0, 1],
    ["TXT of nothing", "dig TXT nothing.default.svc.cluster.local", "NXDOMAIN", 0, 1],
    ["SOA below the apex, even of no name", "dig SOA nothing.default.svc.cluster.local", "NOERROR", 0, 1],
    ["ANY of a Service", "dig ANY web.default.svc.cluster.local", "NOERROR", 0, 1],
    ["ANY of nothing", "dig ANY nothing.default.svc.cluster.local", "NXDOMAIN", 0, 1],
    ["NS below the apex", "dig NS web.default.svc.cluster.local", "NOERROR", 0, 1],
    ["MX of a Service", "dig MX web.default.svc.cluster.local", "NOERROR", 0, 1],
  ])("%s: %s", (_, command, status, answers, authority) => {
    const run = ready();
    const out = run(`kubectl exec ns -- ${command}`).output;
    expect(out).toContain(`status: ${status},`);
    expect(out).toContain(`ANSWER: ${answers}, AUTHORITY: ${authority},`);
    expect(out).toMatch(/;; AUTHORITY SECTION:\ncluster\.local\.\t\t30\tIN\tSOA\tns\.dns\.cluster\.local\. /);
  });

  it("host -t NS, TXT and SOA print the records host's way", () => {
    const run = ready();
    expect(run("kubectl exec ns -- host -t NS cluster.local").output).toBe("cluster.local name server kube-dns.kube-system.svc.cluster.local.\n");
    expect(run("kubectl exec ns -- host -t TXT dns-version.cluster.local").output).toBe('dns-version.cluster.local descriptive text "1.1.0"\n');
    // The search path comes first (one dot, ndots:5), and a SOA question below the apex is an empty NOERROR, which ends it.
    expect(run("kubectl exec ns -- host -t SOA cluster.local").output).toBe("cluster.local.default.svc.cluster.local has no SOA record\n");
    expect(run("kubectl exec ns -- host -t SOA cluster.local.").output).toMatch(/^cluster\.local has SOA record ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30\n$/);
  });
});

describe("jessie's dig 9.9.5 knows only its own options", () => {
  it.each([
    ["+nocookie (9.10 and later)", "dig +nocookie x", "Invalid option: +nocookie\n"],
    ["+noclass (9.9.5 has only +cl)", "dig +noclass x", "Invalid option: +noclass\n"],
    ["+yaml", "dig +yaml x", "Invalid option: +yaml\n"],
  ])("rejects %s", (_, command, first) => {
    const run = ready();
    expect(run(`kubectl exec dnsutils -- ${command}`).output).toBe(`${first}Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n\nUse "dig -h" (or "dig -h | more") for complete list of options\ncommand terminated with exit code 1\n`);
  });

  it("takes +nocl, +noall and +answer", () => {
    const run = ready();
    expect(run("kubectl exec dnsutils -- dig +noall +answer +nocl kubernetes.default.svc.cluster.local").output).toBe("kubernetes.default.svc.cluster.local. 30 A 10.96.0.1\n");
  });
});

describe("dig over TCP in CoreDNS's log", () => {
  it("logs +tcp and ANY questions with proto tcp, others udp", () => {
    const run = ready();
    const corefile = kubeadmCorefile("cluster.local").replace("    errors\n", "    errors\n    log\n");
    const indented = corefile.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n");
    run(`kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\ndata:\n  Corefile: |\n${indented}\nEOF`);
    run("sleep 40");
    run("kubectl exec ns -- dig +tcp kubernetes.default.svc.cluster.local");
    run("kubectl exec ns -- dig ANY web.default.svc.cluster.local");
    run("kubectl exec ns -- dig kubernetes.default.svc.cluster.local");
    const logs = run("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=-1").output;
    expect(logs).toMatch(/"A IN kubernetes\.default\.svc\.cluster\.local\. tcp \d+ false 1232"/);
    expect(logs).toMatch(/"ANY IN web\.default\.svc\.cluster\.local\. tcp \d+ false 1232" NOERROR qr,aa,rd/);
    expect(logs).toMatch(/"A IN kubernetes\.default\.svc\.cluster\.local\. udp \d+ false 1232"/);
  });
});
