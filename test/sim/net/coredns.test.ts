// CoreDNS from its Corefile: kubeadm's default, the parse errors CoreDNS exits with, and what
// pods resolve after the `coredns` ConfigMap is edited; queries go through the data plane, so
// CoreDNS scaled to 0 makes resolution time out.
import { describe, expect, it } from "vitest";
import { corefileSha512, kubeadmCorefile, parseCorefile } from "../../../worker/sim/net/coredns.ts";
import { simTerminal } from "../console.ts";
import { missingLastAppliedWarning } from "../../../worker/sim/kubectl/last-applied.ts";

describe("parseCorefile", () => {
  it("accepts kubeadm's default Corefile", () => {
    const parsed = parseCorefile(kubeadmCorefile("cluster.local"));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.servers.map((s) => [s.zones, s.port])).toEqual([[["."], 53]]);
    expect(parsed.servers[0].directives.map((d) => d.name)).toEqual(["errors", "health", "ready", "kubernetes", "prometheus", "forward", "cache", "loop", "reload", "loadbalance"]);
  });

  const broken: Array<[string, string, string]> = [
    ["an unknown plugin", ".:53 {\n    errors\n    k8s_gateway example.com\n}\n", "/etc/coredns/Corefile:3 - Error during parsing: Unknown directive 'k8s_gateway'"],
    ["forward without a target", ".:53 {\n    forward .\n}\n", "plugin/forward: /etc/coredns/Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after '.'"],
    ["an unknown kubernetes property", ".:53 {\n    kubernetes cluster.local {\n       pods insecure\n       upstream\n    }\n}\n", "plugin/kubernetes: /etc/coredns/Corefile:4 - Error during parsing: unknown property 'upstream'"],
    ["a missing closing brace", ".:53 {\n    kubernetes cluster.local {\n       pods insecure\n", "/etc/coredns/Corefile:3 - Error during parsing: Unexpected EOF"],
    ["a stray closing brace", "errors\n}\n", "/etc/coredns/Corefile:2 - Error during parsing: Unexpected '}' because no matching opening brace"],
  ];
  it.each(broken)("rejects %s with CoreDNS's message", (_what, text, error) => {
    expect(parseCorefile(text)).toEqual({ ok: false, error });
  });
});

describe("corefileSha512 (the reload plugin's hash of the parsed Corefile)", () => {
  // kubeadm's Corefile before `cache 30` got its disable lines: real CoreDNS pods log this hash.
  const older = kubeadmCorefile("cluster.local").replace(/    cache 30 \{\n.*\n.*\n    \}/, "    cache 30");
  it("is the hash real CoreDNS logs for kubeadm's Corefile", () => {
    expect(older).toContain("    cache 30\n    loop\n");
    expect(corefileSha512(older)).toBe("591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908");
  });
  it("ignores comments and spacing on a line but not the line a token is on", () => {
    expect(corefileSha512(older.replace("    errors\n", "    errors   # log errors\n"))).toBe(corefileSha512(older));
    expect(corefileSha512(older.replace("    errors\n", "\n    errors\n"))).not.toBe(corefileSha512(older));
  });
});

/** The coredns ConfigMap with this Corefile, applied as a learner would. */
function corefile(body: string): string {
  const indented = body.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n");
  return `kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns
  namespace: kube-system
data:
  Corefile: |
${indented}
EOF`;
}

function ready(seed: number) {
  const run = simTerminal(seed, 2000);
  run("kubectl run bb --image=busybox -- sleep 3600");
  for (let i = 0; i < 4; i++) run("sleep 5");
  return run;
}

// kubeadm's Deployment probes /health and /ready: a Corefile that serves the cluster keeps both plugins.
const DEFAULT_BLOCK = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    cache 30
    reload
}`;

describe("resolution through CoreDNS", () => {
  it("times out when CoreDNS is scaled to 0 (nslookup's and curl's messages) and answers again once it is back", () => {
    const run = ready(31);
    expect(run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local").output).toContain("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n");
    run("kubectl -n kube-system scale deployment coredns --replicas=0");
    for (let i = 0; i < 3; i++) run("sleep 5");
    expect(run("kubectl get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns -o jsonpath='{.items[0].endpoints}'").output).not.toMatch(/10\.244/);
    const lookup = run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local");
    expect(lookup.output).toContain(";; connection timed out; no servers could be reached\n");
    expect(lookup.exitCode).toBe(1);
    run("kubectl run c --image=curlimages/curl -- sleep 3600");
    for (let i = 0; i < 4; i++) run("sleep 5");
    expect(run("kubectl exec c -- curl -s -S kubernetes").output).toContain("Could not resolve host: kubernetes");
    run("kubectl -n kube-system scale deployment coredns --replicas=2");
    for (let i = 0; i < 6; i++) run("sleep 5");
    expect(run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local").output).toContain("Address: 10.96.0.1\n");
  });

  it("asks the server given on the command line, in a pod and on a node", () => {
    const run = ready(32);
    const onNode = run("ssh node01 nslookup kubernetes.default.svc.cluster.local 10.96.0.10");
    expect(onNode.output).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n");
    const bad = run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local 10.96.0.1");
    expect(bad.output).toBe(";; connection timed out; no servers could be reached\n\ncommand terminated with exit code 1\n");
  });

  // Each row: the Corefile applied, the name looked up from a pod, and what nslookup shows.
  const edits: Array<[string, string, string, RegExp]> = [
    ["the default block", DEFAULT_BLOCK, "kubernetes.default.svc.cluster.local", /Name:\tkubernetes\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1\n/],
    ["a hosts entry with fallthrough", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    hosts {\n       10.0.0.50 db.example.com\n       fallthrough\n    }\n"), "db.example.com", /Name:\tdb\.example\.com\nAddress: 10\.0\.0\.50\n/],
    ["hosts without fallthrough hides the cluster", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    hosts {\n       10.0.0.50 db.example.com\n    }\n"), "kubernetes.default.svc.cluster.local", /\*\* server can't find kubernetes\.default\.svc\.cluster\.local: SERVFAIL/],
    // An exact rule always rewrites the answer back to the name asked (newExactNameRule passes auto).
    ["a rewrite of a name to a Service", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    rewrite name api.internal kubernetes.default.svc.cluster.local\n"), "api.internal", /Name:\tapi\.internal\nAddress: 10\.96\.0\.1\n/],
    ["a prefix rewrite without answer auto answers with the rewritten name", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    rewrite name prefix api. kubernetes.\n"), "api.default.svc.cluster.local", /Name:\tkubernetes\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1\n/],
    ["a prefix rewrite with answer auto answers with the name asked", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    rewrite name prefix api. kubernetes. answer auto\n"), "api.default.svc.cluster.local", /Name:\tapi\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1\n/],
    // The default mode is stop: the second rule would send the name nowhere, but it is not reached.
    ["the first rewrite rule that fires stops the others", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    rewrite name api.internal kubernetes.default.svc.cluster.local\n    rewrite name kubernetes.default.svc.cluster.local nowhere.default.svc.cluster.local\n"), "api.internal", /Name:\tapi\.internal\nAddress: 10\.96\.0\.1\n/],
    ["continue lets the next rule rewrite again", DEFAULT_BLOCK.replace("    errors\n", "    errors\n    rewrite continue name api.internal kubernetes.default.svc.cluster.local\n    rewrite name kubernetes.default.svc.cluster.local nowhere.default.svc.cluster.local\n"), "api.internal", /\*\* server can't find api\.internal: NXDOMAIN/],
    ["pods disabled", DEFAULT_BLOCK.replace("pods insecure", "pods disabled"), "10-244-1-5.default.pod.cluster.local", /\*\* server can't find 10-244-1-5\.default\.pod\.cluster\.local: NXDOMAIN/],
    ["pods insecure", DEFAULT_BLOCK, "10-244-1-5.default.pod.cluster.local", /Name:\t10-244-1-5\.default\.pod\.cluster\.local\nAddress: 10\.244\.1\.5\n/],
    ["a stub zone forwarding to an address without a DNS server", `${DEFAULT_BLOCK}\nexample.local:53 {\n    errors\n    forward . 10.96.0.1\n}`, "db.example.local", /\*\* server can't find db\.example\.local: SERVFAIL/],
    ["a zone nobody serves", `cluster.local:53 {\n    kubernetes cluster.local\n}`, "db.example.org", /\*\* server can't find db\.example\.org: REFUSED/],
  ];
  it.each(edits)("%s", (_what, body, name, expected) => {
    const run = ready(33);
    // kubeadm made the ConfigMap without apply, so kubectl warns before patching it.
    expect(run(corefile(body)).output).toBe(`${missingLastAppliedWarning("configmaps/coredns")}configmap/coredns configured\n`);
    // The reload plugin's next tick (30s ± 7.5s) picks the new Corefile up.
    run("sleep 40");
    expect(run(`kubectl exec bb -- nslookup ${name}`).output).toMatch(expected);
  });
});

describe("ExternalName Services", () => {
  it("answer a CNAME to the externalName (with the target's own records when it is a cluster name); the name resolves no address when the target does not", () => {
    const run = ready(7);
    run("kubectl create service externalname outside --external-name no-such-host.example.org");
    run("kubectl create service externalname inside --external-name kubernetes.default.svc.cluster.local");
    const outside = run("kubectl exec bb -- nslookup outside.default.svc.cluster.local");
    expect(outside.output).toContain("outside.default.svc.cluster.local\tcanonical name = no-such-host.example.org\n");
    expect(outside.output).not.toContain("Address: ");
    const inside = run("kubectl exec bb -- nslookup inside.default.svc.cluster.local");
    expect(inside.output).toContain("inside.default.svc.cluster.local\tcanonical name = kubernetes.default.svc.cluster.local\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n");
    // wget follows the CNAME to the cluster name; the unregistered outside name has no address.
    expect(run("kubectl exec bb -- wget -qO- -T 2 http://inside:443/").output).not.toContain("bad address");
    expect(run("kubectl exec bb -- wget -qO- -T 2 http://outside/").output).toContain("wget: bad address 'outside'");
  });
});

describe("busybox 1.28's nslookup (the kubernetes.io DNS-debugging page's image)", () => {
  it("resolves through the search path and names each address by its PTR record; an unknown name is 'can't resolve'", () => {
    const run = simTerminal(3, 2000);
    run("kubectl run dnsutils --image=busybox:1.28 -- sleep 3600");
    for (let i = 0; i < 4; i++) run("sleep 5");
    const found = run("kubectl exec -i -t dnsutils -- nslookup kubernetes.default");
    expect(found.output).toBe(
      "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n",
    );
    const missing = run("kubectl exec dnsutils -- nslookup no-such-service");
    expect(missing.output).toContain("nslookup: can't resolve 'no-such-service'\n");
    expect(missing.output).toMatch(/command terminated with exit code 1\n$/);
  });

  // reverse.go's serviceRecordForIP: a pod's address has a PTR record only as some Service's
  // ready endpoint, named by the endpoint's hostname (a StatefulSet's pod) or its dashed IP.
  it("names a pod's address by the Services whose endpoint it is, as the StatefulSet tutorial shows; a pod no Service selects has none", () => {
    const run = simTerminal(3, 2000);
    run(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
EOF`);
    run("kubectl create deployment hello --image=nginx");
    run("kubectl expose deployment hello --port 80 --cluster-ip None");
    run("kubectl run lonely --image=nginx");
    run("kubectl run dnsutils --image=busybox:1.28 -- sleep 3600");
    for (let i = 0; i < 4; i++) run("sleep 5");
    const ip = (pod: string) => run(`kubectl get pod ${pod} -o jsonpath='{.status.podIP}'`).output;
    expect(run("kubectl exec dnsutils -- nslookup web-0.nginx").output).toContain(`Name:      web-0.nginx\nAddress 1: ${ip("web-0")} web-0.nginx.default.svc.cluster.local\n`);
    const hello = ip(run("kubectl get pods -l app=hello -o jsonpath='{.items[0].metadata.name}'").output);
    expect(run("kubectl exec dnsutils -- nslookup hello").output).toContain(`Address 1: ${hello} ${hello.replace(/\./g, "-")}.hello.default.svc.cluster.local\n`);
    expect(run(`kubectl exec dnsutils -- nslookup ${ip("lonely")}`).output).toMatch(new RegExp(`Address 1: ${ip("lonely").replace(/\./g, "\\.")}\n$`));
  });
});

describe("CoreDNS's reload plugin", () => {
  const HOSTS = DEFAULT_BLOCK.replace("    errors\n", "    errors\n    hosts {\n       10.0.0.50 db.example.com\n       fallthrough\n    }\n");
  const logs = (run: ReturnType<typeof ready>) => run("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=-1").output;

  it("logs the start, serves the old Corefile until its next tick, then reloads with caddy's lines", () => {
    const run = ready(41);
    const start = logs(run);
    expect(start).toMatch(/^maxprocs: Leaving GOMAXPROCS=\d+: CPU quota undefined\n\.:53\n\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}\nCoreDNS-1\.12\.1\nlinux\/amd64, go1\.24\.1, 707c7c1\n/);
    expect(start.match(/CoreDNS-1\.12\.1/g)).toHaveLength(2);
    run(corefile(HOSTS));
    // Ticks are 30s ± 7.5s apart: 2s after the edit at least one pod has not reloaded yet.
    expect(logs(run).match(/\[INFO\] Reloading\n/g)?.length ?? 0).toBeLessThan(2);
    run("sleep 40");
    const after = logs(run);
    const sha = corefileSha512(`${HOSTS}\n`);
    expect(after.split(`[INFO] Reloading\n[INFO] plugin/reload: Running configuration SHA512 = ${sha}\n[INFO] Reloading complete\n`)).toHaveLength(3);
    expect(run("kubectl exec bb -- nslookup db.example.com").output).toContain("Address: 10.0.0.50\n");
  });

  it("keeps the old configuration when the new one is refused, and logs why once", () => {
    const run = ready(42);
    run(corefile(HOSTS));
    run("sleep 40");
    run(corefile(HOSTS.replace("    errors\n", "    errors\n    k8s_gateway example.com\n")));
    run("sleep 40");
    run("sleep 40");
    const after = logs(run);
    const error = "/etc/coredns/Corefile:3 - Error during parsing: Unknown directive 'k8s_gateway'";
    expect(after.split(`[INFO] Reloading\n[ERROR] Restart failed: ${error}\n[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: ${error}\n`)).toHaveLength(3);
    expect(run("kubectl exec bb -- nslookup db.example.com").output).toContain("Address: 10.0.0.50\n");
  });

  it("warns at each tick about a Corefile that does not parse", () => {
    const run = ready(43);
    run(corefile(DEFAULT_BLOCK.replace(/\}$/, "")));
    run("sleep 100");
    const warnings = logs(run).match(/\[WARNING\] plugin\/reload: Corefile parse failed: \/etc\/coredns\/Corefile:\d+ - Error during parsing: Unexpected EOF\n/g) ?? [];
    // Two pods, each ticking two to four times in 100s.
    expect(warnings.length).toBeGreaterThanOrEqual(4);
    expect(logs(run)).not.toContain("[INFO] Reloading");
    expect(run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local").output).toContain("Address: 10.96.0.1\n");
  });

  it("picks an edit up at once in new pods (rollout restart), and never without reload in the running Corefile", () => {
    const run = ready(44);
    run(corefile(DEFAULT_BLOCK.replace("    reload\n", "")));
    run("sleep 40");
    run(corefile(HOSTS.replace("    reload\n", "")));
    run("sleep 80");
    expect(run("kubectl exec bb -- nslookup db.example.com").output).toContain("NXDOMAIN");
    run("kubectl -n kube-system rollout restart deployment coredns");
    for (let i = 0; i < 10; i++) run("sleep 5");
    expect(run("kubectl exec bb -- nslookup db.example.com").output).toContain("Address: 10.0.0.50\n");
    // The new pods' start: no reload plugin, so no SHA512 line.
    expect(logs(run)).toMatch(/^maxprocs: [^\n]*\n\.:53\nCoreDNS-1\.12\.1\n/);
  });
});

describe("kubectl logs -l", () => {
  it("prints each matching pod's last 10 lines (--prefix names them), refuses a name with a selector, and says when nothing matches", () => {
    const run = ready(45);
    const out = run("kubectl logs -n kube-system -l k8s-app=kube-dns --prefix --tail=1").output;
    expect(out).toMatch(/^\[pod\/coredns-[a-z0-9]+-[a-z0-9]{5}\/coredns\] linux\/amd64, go1\.24\.1, 707c7c1\n\[pod\/coredns-[a-z0-9]+-[a-z0-9]{5}\/coredns\] linux\/amd64, go1\.24\.1, 707c7c1\n$/);
    const both = run("kubectl logs bb -l run=bb");
    expect(both.output).toBe("error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n");
    expect(both.exitCode).toBe(1);
    expect(run("kubectl logs -l app=nothing").output).toBe("No resources found in default namespace.\n");
  });
});

describe("CoreDNS pods that start with a broken Corefile", () => {
  it("exit with CoreDNS's parse error, go CrashLoopBackOff, and resolution in the cluster times out until the Corefile is fixed", () => {
    const run = ready(46);
    run(corefile(DEFAULT_BLOCK.replace("    errors\n", "    errors\n    foo\n")));
    run("kubectl -n kube-system delete pod -l k8s-app=kube-dns");
    for (let i = 0; i < 8; i++) run("sleep 5");
    expect(run("kubectl get pods -n kube-system -l k8s-app=kube-dns").output).toMatch(/coredns-\S+\s+0\/1\s+(CrashLoopBackOff|Error)\s+\d/);
    const logs = run("kubectl logs -n kube-system -l k8s-app=kube-dns").output;
    expect(logs).toMatch(/^maxprocs: Leaving GOMAXPROCS=\d+: CPU quota undefined\n\/etc\/coredns\/Corefile:3 - Error during parsing: Unknown directive 'foo'\nmaxprocs: /);
    const lookup = run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local");
    expect(lookup.output).toContain(";; connection timed out; no servers could be reached\n");
    expect(lookup.exitCode).toBe(1);
    // Fixed: the next restart after the back-off loads it and serves.
    run(corefile(DEFAULT_BLOCK));
    for (let i = 0; i < 16; i++) run("sleep 5");
    expect(run("kubectl get pods -n kube-system -l k8s-app=kube-dns").output).toMatch(/coredns-\S+\s+1\/1\s+Running\s+\d/);
    expect(run("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local").output).toContain("Address: 10.96.0.1\n");
  });

  it("exit with the plugin's error for a Corefile a plugin refuses", () => {
    const run = ready(47);
    run(corefile(DEFAULT_BLOCK.replace("    forward . /etc/resolv.conf\n", "    forward .\n")));
    run("kubectl -n kube-system rollout restart deployment coredns");
    for (let i = 0; i < 6; i++) run("sleep 5");
    expect(run("kubectl logs -n kube-system -l k8s-app=kube-dns --tail=1").output).toContain("plugin/forward: /etc/coredns/Corefile:9 - Error during parsing: Wrong argument count or unexpected line ending after '.'\n");
  });
});
